using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Strategies;

/// <summary>A rep whose plan has goals linked to an objective, and the sum of those goals.</summary>
public sealed record AlignmentContributor(Guid RepId, string Name, Guid PlanId, decimal Planned);

/// <summary>
/// One objective of the strategy against the goals linked to it: <see cref="Gap"/> is target minus planned (above zero
/// the plans fall short), <see cref="Percent"/> the planned share of the target.
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
    IReadOnlyList<AlignmentContributor> Contributors)
{
    public bool IsShort => Planned < Target;
}

/// <summary>A goal in a counted plan that is linked to no objective of the strategy.</summary>
public sealed record UnlinkedGoal(Guid RepId, string Name, Guid PlanId, string Goal, string? Metric, decimal Total);

public sealed record AlignmentCycle(Guid Id, string Name, string Status);

/// <summary>
/// Does the plan add up: the strategy's objectives against the goals of the submitted and approved plans of one cycle
/// that executes it. <see cref="Scope"/> is "organisation" for leaders and admins, "team" for a manager, whose figures
/// count only their own reps' plans.
/// </summary>
public sealed record AlignmentView(
    Guid StrategyId,
    string StrategyName,
    int Revision,
    AlignmentCycle? Cycle,
    string Scope,
    string ScopeNote,
    int PlansCounted,
    int PlansInScope,
    IReadOnlyList<ObjectiveAlignment> Objectives,
    IReadOnlyList<UnlinkedGoal> Unlinked,
    IReadOnlyList<AlignmentCycle> Cycles);

/// <summary>
/// Sums the goals linked to each objective across the plans in the reader's scope. A plan counts once it is submitted
/// or approved; while an approved plan is being amended, the approved version in force counts (its snapshot), not the
/// draft of the amendment. A submitted or approved plan's content is the version it was submitted as.
/// </summary>
public sealed class Alignment(AppDbContext db, AccessPolicy access)
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

        var objectives = StrategyContent.Read(strategy.Content).Objectives.Where(o => o.Id is not null && o.Metric is not null).ToList();
        var plans = cycle is null ? [] : await CountedPlansAsync(cycle.Id, ct);
        var linked = objectives.ToDictionary(o => o.Id!, _ => new List<(CountedPlan Plan, decimal Total)>());
        var unlinked = new List<UnlinkedGoal>();
        foreach (var plan in plans.Where(p => p.Counted))
        {
            foreach (var goal in plan.Goals)
            {
                // A link counts for an objective of this revision with the goal's metric; a stale link is no link.
                var objective = goal.ObjectiveId is { } oid ? objectives.FirstOrDefault(o => o.Id == oid && o.Metric == goal.Metric) : null;
                if (objective is not null)
                {
                    linked[objective.Id!].Add((plan, goal.Total));
                }
                else
                {
                    unlinked.Add(new UnlinkedGoal(plan.RepId, plan.RepName, plan.PlanId, goal.Title, goal.Metric, goal.Total));
                }
            }
        }

        var rows = objectives.Select(o =>
        {
            var target = o.Target ?? 0;
            var planned = linked[o.Id!].Sum(l => l.Total);
            var contributors = linked[o.Id!].GroupBy(l => (l.Plan.RepId, l.Plan.RepName, l.Plan.PlanId))
                .Select(g => new AlignmentContributor(g.Key.RepId, g.Key.RepName, g.Key.PlanId, g.Sum(l => l.Total)))
                .OrderByDescending(c => c.Planned).ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
            return new ObjectiveAlignment(o.Id!, o.Title, o.Metric!, o.Product, o.Segment, target, planned, target - planned,
                target > 0 ? Math.Round(planned * 100 / target, 1) : 0, contributors);
        }).ToList();

        var team = access.Actor.Role == Role.Manager;
        return new AlignmentView(strategy.Id, strategy.Name, strategy.Revision, cycle,
            team ? "team" : "organisation",
            team ? "The figures are your team's: they count the plans of your own reps only." : "The figures count every rep's plan.",
            plans.Count(p => p.Counted), plans.Count, rows,
            unlinked.OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase).ThenBy(u => u.Goal, StringComparer.OrdinalIgnoreCase).ToList(),
            cycles);
    }

    private sealed record CountedPlan(Guid PlanId, Guid RepId, string RepName, bool Counted, IReadOnlyList<Goal> Goals);

    /// <summary>Every plan of the cycle in the reader's scope, with the goals of the version that counts.</summary>
    private async Task<IReadOnlyList<CountedPlan>> CountedPlansAsync(Guid cycleId, CancellationToken ct)
    {
        var scope = access.VisiblePlans().Where(p => p.CycleId == cycleId);
        var plans = await (from p in scope
                           join u in db.Users.AsNoTracking() on p.OwnerId equals u.Id
                           select new { p.Id, p.OwnerId, u.DisplayName, p.Status, p.ApprovedVersion }).ToListAsync(ct);

        var keys = await db.TemplateSections.AsNoTracking().Where(t => t.CycleId == cycleId && t.Kind == SectionKind.Goals)
            .Select(t => t.Key).ToListAsync(ct);
        var current = await (from p in scope.Where(p => p.Status == PlanStatus.Submitted || p.Status == PlanStatus.Approved)
                             join s in db.PlanSections.AsNoTracking() on p.Id equals s.PlanId
                             where keys.Contains(s.Key)
                             select new { s.PlanId, s.Content }).ToListAsync(ct);
        var inForce = await (from p in scope.Where(p => (p.Status == PlanStatus.Draft || p.Status == PlanStatus.ChangesRequested) && p.ApprovedVersion != null)
                             join s in db.PlanSnapshots.AsNoTracking() on p.Id equals s.PlanId
                             where s.Edition == p.ApprovedVersion &&
                                   s.Number == db.PlanSnapshots.Where(x => x.PlanId == p.Id && x.Edition == p.ApprovedVersion).Max(x => x.Number)
                             select new { s.PlanId, s.Sections }).ToListAsync(ct);

        var goals = current.Select(c => (c.PlanId, Content: SectionContents.Read(SectionKind.Goals, c.Content)))
            .Concat(inForce.SelectMany(s => SnapshotGoals(s.Sections).Select(content => (s.PlanId, Content: content))))
            .ToLookup(c => c.PlanId, c => c.Content);

        return plans.Select(p => new CountedPlan(p.Id, p.OwnerId, p.DisplayName,
                p.Status is PlanStatus.Submitted or PlanStatus.Approved || p.ApprovedVersion is not null,
                goals[p.Id].OfType<GoalsContent>().SelectMany(g => g.Goals).ToList()))
            .ToList();
    }

    private static IEnumerable<SectionContent> SnapshotGoals(string sections) =>
        (JsonSerializer.Deserialize<List<SnapshotSection>>(sections, SectionContents.Json) ?? [])
        .Where(s => s.Kind == SectionKind.Goals)
        .Select(s => SectionContents.Read(s.Kind, s.Content));
}
