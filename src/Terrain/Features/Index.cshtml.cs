using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Strategies;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features;

public sealed class IndexModel(AccessPolicy access, CurrentUser me, Cycles.Board board, Reminders.MyNotifications notifications,
    AppDbContext db, TimeProvider clock, Strategies.BuyInHandlers buyIn, Reviews.ReviewHome reviews) : PageModel
{
    /// <summary>
    /// The strategy in force (the latest published revision): for a rep, whether they have acknowledged it; for a
    /// manager or leader, how many of their reps have; for everyone, their next workshop session on it.
    /// </summary>
    public sealed record StrategyCard(Guid Id, string Name, int Revision, bool Acknowledged, int Acknowledgements, int Reps,
        string? NextWorkshop, DateTimeOffset? NextWorkshopAt);

    public StrategyCard? Strategy { get; private set; }

    public sealed record Slice(string Label, int Accounts, decimal Potential);

    public int AccountCount { get; private set; }

    public decimal TotalPotential { get; private set; }

    public int Unassigned { get; private set; }

    public int People { get; private set; }

    public IReadOnlyList<Slice> BySegment { get; private set; } = [];

    public IReadOnlyList<Slice> ByOwner { get; private set; } = [];

    /// <summary>For a rep: their plan in each open cycle, with its deadlines.</summary>
    public IReadOnlyList<(string Cycle, Cycles.BoardRow Plan)> MyPlans { get; private set; } = [];

    public Reminders.NotificationList Notifications { get; private set; } = new(0, 0, []);

    /// <summary>For a rep: the cycles whose quota letter waits for their acknowledgement (ADR 0038).</summary>
    public IReadOnlyList<(Guid CycleId, string Cycle)> LettersToAcknowledge { get; private set; } = [];

    public Reviews.ReviewCard Reviews { get; private set; } = new([], []);

    /// <summary>For a manager: their reps' plans waiting for approval in open cycles, the soonest due (longest waiting) first.</summary>
    public IReadOnlyList<(string Cycle, Cycles.BoardRow Plan)> ReviewQueue { get; private set; } = [];

    /// <summary>For a leader: each open cycle's progress, from its board.</summary>
    public IReadOnlyList<Cycles.BoardView> OpenCycles { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Notifications = await notifications.ListAsync(5, ct);
        Strategy = await StrategyCardAsync(ct);
        Reviews = await reviews.GetAsync(ct);
        if (me.Role == Role.Rep)
        {
            var cycleIds = await access.VisiblePlans().Where(p => p.OwnerId == me.Id).Select(p => p.CycleId).ToListAsync(ct);
            var plans = new List<(string, Cycles.BoardRow)>();
            foreach (var cycleId in cycleIds)
            {
                if (await board.GetAsync(cycleId, new Cycles.BoardFilter(), ct) is { CycleStatus: "Open" } view && view.Rows.Count == 1)
                {
                    plans.Add((view.CycleName, view.Rows[0]));
                }
            }

            MyPlans = plans;
            LettersToAcknowledge = (await (from q in db.RepQuotas.AsNoTracking()
                                           where q.RepId == me.Id && q.PublishedVersion != null && (q.AcknowledgedVersion == null || q.AcknowledgedVersion != q.Version)
                                           join c in db.Cycles on q.CycleId equals c.Id
                                           where c.Status == Domain.Planning.CycleStatus.Open
                                           select new { c.Id, c.Name }).ToListAsync(ct))
                .Select(x => (x.Id, x.Name)).ToList();
        }

        if (me.Role is Role.Manager or Role.Leader)
        {
            var open = await db.Cycles.AsNoTracking().Where(c => c.Status == Domain.Planning.CycleStatus.Open).OrderBy(c => c.PeriodStart)
                .Select(c => c.Id).ToListAsync(ct);
            var boards = new List<Cycles.BoardView>();
            foreach (var cycleId in open)
            {
                var filter = me.Role == Role.Manager ? new Cycles.BoardFilter(Status: nameof(Domain.Planning.PlanStatus.Submitted)) : new Cycles.BoardFilter();
                if (await board.GetAsync(cycleId, filter, ct) is { } view)
                {
                    boards.Add(view);
                }
            }

            if (me.Role == Role.Manager)
            {
                ReviewQueue = boards.SelectMany(b => b.Rows.Where(r => r.ManagerId == me.Id && !r.Left).Select(r => (b.CycleName, r)))
                    .OrderBy(q => q.r.ApprovalDeadline ?? DateTimeOffset.MaxValue).ThenBy(q => q.r.SubmittedAt).ThenBy(q => q.r.RepName).ToList();
            }
            else
            {
                OpenCycles = boards;
            }
        }

        var accounts = access.VisibleAccounts();
        var segments = await accounts.GroupBy(a => a.Segment)
            .Select(g => new { g.Key, Count = g.Count(), Potential = g.Sum(a => a.AnnualPotential) })
            .ToListAsync(ct);
        BySegment = segments.Select(s => new Slice(s.Key.Length == 0 ? "(none)" : s.Key, s.Count, s.Potential))
            .OrderByDescending(s => s.Potential).ToList();
        AccountCount = segments.Sum(s => s.Count);
        TotalPotential = segments.Sum(s => s.Potential);

        if (me.Role != Role.Rep)
        {
            var owners = await accounts.Where(a => a.OwnerId != null)
                .GroupBy(a => a.Owner!.DisplayName)
                .Select(g => new { g.Key, Count = g.Count(), Potential = g.Sum(a => a.AnnualPotential) })
                .ToListAsync(ct);
            ByOwner = owners.Select(o => new Slice(o.Key, o.Count, o.Potential)).OrderByDescending(o => o.Potential).ToList();
            Unassigned = await accounts.CountAsync(a => a.OwnerId == null, ct);
            People = await access.VisibleUsers().CountAsync(u => u.Id != me.Id, ct);
        }
    }

    private async Task<StrategyCard?> StrategyCardAsync(CancellationToken ct)
    {
        var strategy = await db.Strategies.AsNoTracking().Where(s => s.Status == StrategyStatus.Published)
            .OrderByDescending(s => s.PeriodStart).ThenByDescending(s => s.PublishedAt)
            .Select(s => new { s.Id, s.LineageId, s.Name, s.Revision }).FirstOrDefaultAsync(ct);
        if (strategy is null)
        {
            return null;
        }

        // The buy-in counts are the strategy page's panel: one query for both pages.
        var panel = await buyIn.PanelAsync(strategy.Id, ct);
        var now = clock.GetUtcNow();
        var next = await (from i in db.WorkshopInvitations
                          join w in db.Workshops on i.WorkshopId equals w.Id
                          join s in db.Strategies on w.StrategyId equals s.Id
                          where i.UserId == me.Id && s.LineageId == strategy.LineageId
                          select new { w.Title, w.StartsAt }).ToListAsync(ct);
        var upcoming = next.Where(w => w.StartsAt > now).OrderBy(w => w.StartsAt).FirstOrDefault();
        return new StrategyCard(strategy.Id, strategy.Name, strategy.Revision,
            panel?.AcknowledgedAt is not null, panel?.Acknowledged ?? 0, panel?.Reps ?? 0,
            upcoming?.Title, upcoming?.StartsAt);
    }
}
