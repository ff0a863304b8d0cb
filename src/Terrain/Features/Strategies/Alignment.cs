using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Strategies;

/// <summary>A rep whose plan has goals that count toward an objective, and the sum of those goals.</summary>
public sealed record AlignmentContributor(Guid RepId, string Name, Guid PlanId, decimal Planned);

/// <summary>
/// One objective of the strategy against the goals that count toward it in the plans of record: <see cref="Gap"/> is
/// target minus planned (above zero the plans fall short), <see cref="Percent"/> the planned share of the target.
/// <see cref="Submitted"/> is what plans submitted but not yet approved would add; it is not in the planned figure.
/// </summary>
public sealed record ObjectiveAlignment(
    string Id,
    string Name,
    string Metric,
    string? Product,
    string? Segment,
    decimal Target,
    decimal Planned,
    decimal Gap,
    decimal Percent,
    IReadOnlyList<AlignmentContributor> Contributors,
    decimal Submitted,
    IReadOnlyList<AlignmentContributor> SubmittedContributors)
{
    public bool IsShort => Planned < Target;
}

/// <summary>
/// A goal that counts toward no objective, and why (<see cref="Reason"/>): linked to none, another metric, another
/// product or segment. <see cref="Approved"/> is false for a plan submitted but not yet approved.
/// </summary>
public sealed record UncountedGoal(Guid RepId, string Name, Guid PlanId, string Goal, string? Metric, decimal Total, bool Approved, string Reason);

public sealed record AlignmentCycle(Guid Id, string Name, string Status);

/// <summary>
/// Does the plan add up: the strategy's objectives against the goals of the plans of record of one cycle that
/// executes it. <see cref="Scope"/> is "organisation" for leaders and admins, "team" for a manager, whose figures
/// count only their own reps' plans. <see cref="PlansCounted"/> have an approved version in force;
/// <see cref="PlansSubmitted"/> are submitted and never approved, shown apart.
/// </summary>
public sealed record AlignmentView(
    Guid StrategyId,
    string StrategyName,
    int Revision,
    AlignmentCycle? Cycle,
    string Scope,
    string ScopeNote,
    int PlansCounted,
    int PlansSubmitted,
    int PlansInScope,
    IReadOnlyList<ObjectiveAlignment> Objectives,
    IReadOnlyList<UncountedGoal> NotCounted,
    IReadOnlyList<AlignmentCycle> Cycles);

/// <summary>
/// Sums, for each objective, the goals that count toward it (<see cref="GoalAlignment"/>) in the plans of record in
/// the reader's scope: the approved version in force now, also while an amendment is under way. Plans submitted and
/// never approved have no plan in force; their goals are summed apart.
/// </summary>
public sealed class Alignment(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    /// <summary>Null when the strategy does not exist or the reader may not see it.</summary>
    public async Task<AlignmentView?> GetAsync(Guid strategyId, Guid? cycleId, CancellationToken ct)
    {
        var strategy = await access.VisibleStrategies().Where(s => s.Id == strategyId)
            .Select(s => new { s.Id, s.LineageId, s.Name, s.Revision, s.Content }).SingleOrDefaultAsync(ct);
        if (strategy is null)
        {
            return null;
        }

        // Cycles follow new revisions, so a cycle executing any revision of this strategy is one of its cycles.
        var cycles = await db.Cycles.AsNoTracking()
            .Where(c => db.Strategies.Any(s => s.Id == c.StrategyId && s.LineageId == strategy.LineageId))
            // Status is stored as text ("Closed" sorts before "Open"): put the open cycles first explicitly.
            .OrderBy(c => c.Status == CycleStatus.Open ? 0 : 1).ThenByDescending(c => c.PeriodStart).ThenBy(c => c.Name)
            .Select(c => new AlignmentCycle(c.Id, c.Name, c.Status.ToString()))
            .ToListAsync(ct);
        var cycle = cycleId is { } id
            ? cycles.FirstOrDefault(c => c.Id == id) ?? throw new DomainException(
                await db.Cycles.AnyAsync(c => c.Id == id, ct)
                    ? $"That cycle does not execute the {strategy.Name}; choose one of the cycles that does."
                    : "There is no cycle with that id.", "cycle")
            : cycles.FirstOrDefault();

        var content = StrategyContent.Read(strategy.Content);
        var facts = content.ObjectiveFacts();
        var (offerings, segments) = (content.OfferingNames(), content.SegmentNames());
        var objectives = content.Objectives.Where(o => o.Id is not null && o.Metric is not null).DistinctBy(o => o.Id).ToList();
        var (goals, inForce, submitted) = cycle is null ? ([], [], []) : await GoalsAsync(cycle.Id, ct);
        var counted = new List<(string ObjectiveId, RecordGoal Goal)>();
        var notCounted = new List<UncountedGoal>();
        foreach (var goal in goals)
        {
            var why = GoalAlignment.WhyNotCounted(goal.Aligned, facts, offerings, segments);
            if (why is null)
            {
                counted.Add((goal.Aligned.ObjectiveId!, goal));
            }
            else
            {
                notCounted.Add(new UncountedGoal(goal.RepId, goal.RepName, goal.PlanId, goal.Name, goal.Aligned.Metric, goal.Total, goal.Approved, why));
            }
        }

        var byObjective = counted.ToLookup(c => c.ObjectiveId, c => c.Goal);
        var rows = objectives.Select(o =>
        {
            var target = o.Target ?? 0;
            var approved = byObjective[o.Id!].Where(g => g.Approved).ToList();
            var submitted = byObjective[o.Id!].Where(g => !g.Approved).ToList();
            var planned = approved.Sum(g => g.Total);
            return new ObjectiveAlignment(o.Id!, o.Title, o.Metric!, o.Product, o.Segment, target, planned, target - planned,
                target > 0 ? Math.Round(planned * 100 / target, 1) : 0, Contributors(approved), submitted.Sum(g => g.Total), Contributors(submitted));
        }).ToList();

        var team = !access.SeesEveryone;
        var plans = cycle is null ? 0 : await access.VisiblePlans().CountAsync(p => p.CycleId == cycle.Id, ct);
        return new AlignmentView(strategy.Id, strategy.Name, strategy.Revision, cycle,
            team ? "team" : "organisation",
            team ? "The figures are your team's: they count the plans of your own reps only." : "The figures count every rep's plan.",
            inForce.Count, submitted.Count, plans, rows,
            notCounted.OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase).ThenBy(u => u.Goal, StringComparer.OrdinalIgnoreCase).ToList(),
            cycles);
    }

    private static List<AlignmentContributor> Contributors(IEnumerable<RecordGoal> goals) =>
        goals.GroupBy(g => (g.RepId, g.RepName, g.PlanId))
            .Select(g => new AlignmentContributor(g.Key.RepId, g.Key.RepName, g.Key.PlanId, g.Sum(x => x.Total)))
            .OrderByDescending(c => c.Planned).ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();

    private sealed record RecordGoal(Guid PlanId, Guid RepId, string RepName, bool Approved, string Name, decimal Total, AlignedGoal Aligned);

    /// <summary>
    /// The goals of the plans of record in the reader's scope (approved versions in force now), and apart, those of
    /// plans submitted and never approved.
    /// </summary>
    private async Task<(IReadOnlyList<RecordGoal> Goals, IReadOnlyList<Guid> InForce, IReadOnlyList<Guid> Submitted)> GoalsAsync(
        Guid cycleId, CancellationToken ct)
    {
        var scope = access.VisiblePlans().Where(p => p.CycleId == cycleId);
        var inForce = db.InForce(clock.GetUtcNow()).Where(v => scope.Any(p => p.Id == v.PlanId));
        var submitted = db.AwaitingFirstApproval().Where(s => scope.Any(p => p.Id == s.PlanId));
        var goals = new List<RecordGoal>();
        foreach (var (rows, approved) in new[] { (db.Goals(inForce), true), (db.Goals(submitted), false) })
        {
            var found = await (from g in rows
                               join p in db.Plans on g.PlanId equals p.Id
                               join u in db.Users on p.OwnerId equals u.Id
                               orderby u.DisplayName, g.PlanId, g.Position
                               select new { g.PlanId, p.OwnerId, u.DisplayName, g.Name, g.Total, g.Metric, g.ProductId, g.SegmentId, g.UnlinkedProduct, g.UnlinkedSegment, g.ObjectiveId })
                .ToListAsync(ct);
            goals.AddRange(found.Select(r => new RecordGoal(r.PlanId, r.OwnerId, r.DisplayName, approved, r.Name, r.Total,
                new AlignedGoal(r.Metric, r.ProductId, r.SegmentId, r.UnlinkedProduct, r.UnlinkedSegment, r.ObjectiveId))));
        }

        return (goals, await inForce.Select(v => v.PlanId).ToListAsync(ct), await submitted.Select(s => s.PlanId).ToListAsync(ct));
    }
}
