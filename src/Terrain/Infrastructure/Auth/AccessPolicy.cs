using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;

namespace Terrain.Infrastructure.Auth;

/// <summary>
/// The signed-in person's face of the one decision point (ADR 0015): what they may read (handlers start from these
/// scoped queries) and what they may do (<see cref="May(Act)"/>, <see cref="Ensure(Act)"/>, asked by handlers, pages
/// and views; endpoints and pages ask the same rules through <see cref="Policies.For"/>). The rules of acts live in
/// <see cref="Permissions"/>. The authorization tests walk every endpoint and page handler.
/// </summary>
public sealed class AccessPolicy(CurrentUser user, AppDbContext db)
{
    /// <summary>Whether the signed-in person may do this kind of act at all (false when nobody is signed in).</summary>
    public bool May(Act act) => user.IsAuthenticated && Permissions.May(Actor, act);

    /// <summary>Whether the signed-in person may do this act about this rep.</summary>
    public bool May(Act act, About about) => user.IsAuthenticated && Permissions.May(Actor, act, about);

    /// <summary>Refuses (403) someone who may not do this kind of act: call it before reading the input.</summary>
    public void Ensure(Act act) => Permissions.Ensure(Actor, act);

    /// <summary>Refuses (403) someone who may not do this act about this rep.</summary>
    public void Ensure(Act act, About about) => Permissions.Ensure(Actor, act, about);

    /// <summary>Leaders and admins read everyone's data; managers their team's, reps their own.</summary>
    public bool SeesEveryone => user.Role is Role.Admin or Role.Leader;

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
            // The owners first (the manager and their reps), then their accounts through the (OwnerId, Name)
            // index: the same set as "owner is me or reports to me", without reading every account to join it.
            Role.Manager => accounts.Where(a => db.Users.Where(u => u.Id == me || u.ManagerId == me)
                .Select(u => (Guid?)u.Id).Contains(a.OwnerId)),
            _ => accounts.Where(a => a.OwnerId == me),
        };
    }

    /// <summary>
    /// Names the set <see cref="VisibleAccounts"/> returns, for summaries kept per set (ADR 0021): everyone's
    /// accounts, a manager's team's, or a rep's own.
    /// </summary>
    public string VisibleAccountsKey => user.Role switch
    {
        Role.Admin or Role.Leader => "all",
        Role.Manager => $"team:{user.Id}",
        _ => $"own:{user.Id}",
    };

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

    /// <summary>
    /// The reviews the current user may read: a rep their own, a manager those they hold (a review follows its rep to
    /// a new manager until it is past), leaders and admins all.
    /// </summary>
    public IQueryable<Domain.Reviews.Review> VisibleReviews()
    {
        var reviews = db.Reviews.AsNoTracking();
        var me = user.Id;
        return user.Role switch
        {
            Role.Admin or Role.Leader => reviews,
            Role.Manager => reviews.Where(r => r.ManagerId == me),
            _ => reviews.Where(r => r.RepId == me),
        };
    }

    /// <summary>Coaching notes are for the manager holding the review and for leaders; never for the rep, nor for admins.</summary>
    public bool ReadsCoachingNotes(Guid? reviewManagerId) => user.Role == Role.Leader || (user.Role == Role.Manager && reviewManagerId == user.Id);

    /// <summary>Strategies the current user may read: leaders and admins see drafts too; everyone else what was published.</summary>
    public IQueryable<Strategy> VisibleStrategies()
    {
        var strategies = db.Strategies.AsNoTracking();
        return user.Role is Role.Leader or Role.Admin ? strategies : strategies.Where(s => s.Status != StrategyStatus.Draft);
    }

    /// <summary>The reps whose readiness the current user follows: all active reps, the manager's own, or none.</summary>
    public IQueryable<AppUser> FollowedReps()
    {
        var reps = db.Users.AsNoTracking().Where(u => u.Role == Role.Rep && u.IsActive);
        var me = user.Id;
        return user.Role switch
        {
            Role.Admin or Role.Leader => reps,
            Role.Manager => reps.Where(u => u.ManagerId == me),
            _ => reps.Where(u => false),
        };
    }

    public Actor Actor => new(user.Id, user.Role);

    /// <summary>Notifications are personal: everyone sees only their own, whatever their role.</summary>
    public IQueryable<Notification> OwnNotifications()
    {
        var me = user.Id;
        return db.Notifications.Where(n => n.UserId == me);
    }
}
