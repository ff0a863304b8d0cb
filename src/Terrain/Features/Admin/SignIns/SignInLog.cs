using Microsoft.EntityFrameworkCore;
using Terrain.Data;

namespace Terrain.Features.Admin.SignIns;

public sealed record SignInRow(long Id, DateTimeOffset At, string Kind, string Email, Guid? UserId, string? UserName, string Client, string Channel);

public sealed record SignInPage(IReadOnlyList<SignInRow> Items, int Total, int Page, int PageSize);

/// <summary>The sign-in audit trail, newest first, for the admin page and the API alike.</summary>
public sealed class SignInLog(AppDbContext db)
{
    public const int MaxPageSize = 500;

    public static string? Validate(int page, int pageSize) =>
        page < 1 ? "The page must be 1 or more."
        : pageSize is < 1 or > MaxPageSize ? $"The page size must be between 1 and {MaxPageSize}."
        : null;

    public async Task<SignInPage> ListAsync(string? email, int page, int pageSize, CancellationToken ct)
    {
        var events = db.SignInEvents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(email))
        {
            var wanted = email.Trim().ToLowerInvariant();
            events = events.Where(e => e.Email.ToLower() == wanted);
        }

        var total = await events.CountAsync(ct);
        var items = await events
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(e => new SignInRow(e.Id, e.At, e.Kind.ToString(), e.Email, e.UserId,
                db.Users.Where(u => u.Id == e.UserId).Select(u => u.DisplayName).SingleOrDefault(), e.Client, e.Channel))
            .ToListAsync(ct);
        return new SignInPage(items, total, page, pageSize);
    }
}
