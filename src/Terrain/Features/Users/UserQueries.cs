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
    string Version);

public sealed record PersonName(Guid Id, string DisplayName);

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

    public Task<UserRow?> GetAsync(Guid id, CancellationToken ct) =>
        Project(access.VisibleUsers().Where(u => u.Id == id)).FirstOrDefaultAsync(ct);

    private IQueryable<UserRow> Project(IQueryable<AppUser> users) =>
        users.Select(u => new UserRow(
            u.Id, u.Email!, u.DisplayName, u.Role, u.ManagerId, u.Manager!.Email, u.Manager.DisplayName, u.IsActive,
            u.PasswordHash != null,
            db.Accounts.Count(a => a.OwnerId == u.Id),
            db.Accounts.Where(a => a.OwnerId == u.Id).Sum(a => (decimal?)a.AnnualPotential) ?? 0,
            u.ConcurrencyStamp ?? ""));
}
