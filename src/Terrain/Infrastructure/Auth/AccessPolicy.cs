using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;

namespace Terrain.Infrastructure.Auth;

/// <summary>
/// The one place that decides who may see or change what. Pages, API endpoints and the CLI all ask here;
/// the authorization test walks every endpoint against it.
/// </summary>
public sealed class AccessPolicy(CurrentUser user, AppDbContext db)
{
    public bool CanManageUsers => user.Role == Role.Admin;

    public bool CanImport => user.Role == Role.Admin;

    public bool CanSeeTeams => user.Role is Role.Manager or Role.Leader or Role.Admin;

    /// <summary>The users whose data the current user may read: self, plus their team or everyone.</summary>
    public IQueryable<AppUser> VisibleUsers()
    {
        var users = db.Users.AsNoTracking();
        var me = user.Id;
        return user.Role switch
        {
            Role.Admin or Role.Leader => users,
            Role.Manager => users.Where(u => u.Id == me || u.ManagerId == me),
            _ => users.Where(u => u.Id == me),
        };
    }

    /// <summary>The accounts the current user may read: own territory, the team's territories, or all.</summary>
    public IQueryable<Account> VisibleAccounts()
    {
        var accounts = db.Accounts.AsNoTracking();
        var me = user.Id;
        return user.Role switch
        {
            Role.Admin or Role.Leader => accounts,
            Role.Manager => accounts.Where(a => a.OwnerId == me || a.Owner!.ManagerId == me),
            _ => accounts.Where(a => a.OwnerId == me),
        };
    }

    public bool CanRunCycles => user.Role is Role.Leader or Role.Admin;

    /// <summary>The plans the current user may read: own, the team's, or all.</summary>
    public IQueryable<Plan> VisiblePlans()
    {
        var plans = db.Plans.AsNoTracking();
        var me = user.Id;
        return user.Role switch
        {
            Role.Admin or Role.Leader => plans,
            Role.Manager => plans.Where(p => p.OwnerId == me || db.Users.Any(u => u.Id == p.OwnerId && u.ManagerId == me)),
            _ => plans.Where(p => p.OwnerId == me),
        };
    }

    public Actor Actor => new(user.Id, user.Role);

    public Task<bool> CanSeeUserAsync(Guid userId, CancellationToken ct) =>
        VisibleUsers().AnyAsync(u => u.Id == userId, ct);
}
