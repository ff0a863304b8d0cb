using Terrain.Data;
using Terrain.Domain.Reviews;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Reviews;

/// <summary>What the home page shows of reviews: the next ones to hold or attend, and the open corrective actions one owns or is reviewed on.</summary>
public sealed record ReviewCard(IReadOnlyList<ReviewRow> Coming, IReadOnlyList<CorrectiveActionRow> OpenActions)
{
    /// <summary>Whether the reader oversees reviews (managers, leaders, admins): the card links to the oversight page.</summary>
    public bool MayOversee { get; init; }
}

public sealed class ReviewHome(AppDbContext db, CurrentUser me, ReviewQueries queries, AccessPolicy policy)
{
    public const int Shown = 5;

    public async Task<ReviewCard> GetAsync(CancellationToken ct)
    {
        var mine = await queries.ListAsync(null, null, null, null, ct);
        var coming = mine.Where(r => (r.RepId == me.Id || r.ManagerId == me.Id) && r.Status is ReviewStatus.Open or ReviewStatus.Upcoming)
            .Take(Shown).ToList();
        var id = me.Id;
        var actions = await queries.CorrectiveActionsAsync(
            db.CorrectiveActions.Where(a => a.Status == CorrectiveStatus.Open && (a.OwnerId == id || a.RepId == id)), null, ct);
        return new ReviewCard(coming, actions) { MayOversee = policy.May(Domain.Act.FollowTeam) };
    }
}
