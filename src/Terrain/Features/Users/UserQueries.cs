using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Users;

public sealed record UserRow(
    Guid Id,
    string Email,
    string DisplayName,
    Role Role,
    Guid? ManagerId,
    string? ManagerEmail,
    string? ManagerName,
    bool IsActive,
    bool HasPassword,
    int Accounts,
    decimal Potential,
    string Version,
    DateTimeOffset? InvitationExpiresAt = null,
    DateOnly? StartedOn = null);

public sealed record PersonName(Guid Id, string DisplayName);

/// <summary>A person to pick by name in a long list: the email tells namesakes apart.</summary>
public sealed record PersonChoice(Guid Id, string DisplayName, string Email)
{
    /// <summary>What a picker shows and sends back: "Name (email)".</summary>
    public string Label => $"{DisplayName} ({Email})";
}

public sealed class UserQueries(AccessPolicy access, AppDbContext db)
{
    public Task<List<UserRow>> ListAsync(Role? role, Guid? managerId, CancellationToken ct)
    {
        var query = access.VisibleUsers();
        if (role is { } r)
        {
            query = query.Where(u => u.Role == r);
        }

        if (managerId is { } m)
        {
            query = query.Where(u => u.ManagerId == m);
        }

        return Project(query.OrderBy(u => u.DisplayName)).ToListAsync(ct);
    }

    /// <summary>Who has this role, among the users the caller sees: ids and names only, for a choice of person.</summary>
    public Task<List<PersonName>> NamesAsync(Role role, CancellationToken ct) =>
        access.VisibleUsers().Where(u => u.Role == role).OrderBy(u => u.DisplayName).ThenBy(u => u.Id)
            .Select(u => new PersonName(u.Id, u.DisplayName)).ToListAsync(ct);

    /// <summary>
    /// At most <paramref name="take"/> people with this role, among those the caller sees, whose name or email contains
    /// <paramref name="term"/> (any case), by name; all of them, up to <paramref name="take"/>, without a term.
    /// </summary>
    public Task<List<PersonChoice>> FindAsync(Role role, string? term, int take, CancellationToken ct)
    {
        var query = access.VisibleUsers().Where(u => u.Role == role);
        if (!string.IsNullOrWhiteSpace(term))
        {
            var t = term.Trim().ToLower();
            query = query.Where(u => u.DisplayName.ToLower().Contains(t) || u.Email!.ToLower().Contains(t));
        }

        return query.OrderBy(u => u.DisplayName).ThenBy(u => u.Id).Take(take)
            .Select(u => new PersonChoice(u.Id, u.DisplayName, u.Email!)).ToListAsync(ct);
    }

    /// <summary>The person with this id and role, when the caller sees them.</summary>
    public Task<PersonChoice?> ChoiceAsync(Guid id, Role role, CancellationToken ct) =>
        access.VisibleUsers().Where(u => u.Id == id && u.Role == role)
            .Select(u => new PersonChoice(u.Id, u.DisplayName, u.Email!)).FirstOrDefaultAsync(ct);

    public Task<UserRow?> GetAsync(Guid id, CancellationToken ct) =>
        Project(access.VisibleUsers().Where(u => u.Id == id)).FirstOrDefaultAsync(ct);

    private IQueryable<UserRow> Project(IQueryable<AppUser> users) =>
        users.Select(u => new UserRow(
            u.Id, u.Email!, u.DisplayName, u.Role, u.ManagerId, u.Manager!.Email, u.Manager.DisplayName, u.IsActive,
            u.PasswordHash != null,
            db.Accounts.Count(a => a.OwnerId == u.Id),
            db.Accounts.Where(a => a.OwnerId == u.Id).Sum(a => (decimal?)a.AnnualPotential) ?? 0,
            u.ConcurrencyStamp ?? "",
            db.PasswordInvitations.Where(i => i.UserId == u.Id && i.UsedAt == null && i.ReplacedAt == null)
                .Select(i => (DateTimeOffset?)i.ExpiresAt).FirstOrDefault(),
            u.StartedOn));
}
