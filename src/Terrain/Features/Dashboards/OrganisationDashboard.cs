using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Domain.Performance;
using Terrain.Domain.Planning;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Dashboards;

/// <summary>A team against its target (see <see cref="TeamTotals"/>), ranked like reps, with how many reps it has and how many are behind.</summary>
public sealed record TeamStanding(int Rank, Guid ManagerId, string Manager, int Reps, int RepsBehind, TeamTargetSource TargetSource, Figures Quarter, Figures Cycle);

/// <summary>The revenue goals for one product or one target segment (Id null: goals for any), added up over every plan in force.</summary>
public sealed record BreakdownRow(string? Id, string Name, int Goals, int Reps, Figures Quarter, Figures Cycle);

/// <summary>
/// A strategic objective against the goals that count toward it (the alignment rule): <see cref="Target"/> is the
/// objective's, <see cref="Planned"/> the sum of those goals' totals, <see cref="Cycle"/> their figures to date,
/// <see cref="ShareOfTarget"/> the forecast (or, for measures without one, the actual) over the objective's target.
/// </summary>
public sealed record ObjectiveRow(string Id, string Name, string Metric, decimal Target, decimal Planned, int Goals, Figures Cycle, decimal? ShareOfTarget);

/// <summary>
/// "Is the plan happening": revenue by team, by product and by segment, and each objective of the strategy, for the
/// plans in force in the reader's scope (<see cref="Scope"/> "organisation" for leaders and admins, "team" for a manager).
/// </summary>
public sealed record OrganisationView(
    DateOnly AsOf,
    DashboardCycle? Cycle,
    string Scope,
    string QuarterLabel,
    IReadOnlyList<TeamStanding> Teams,
    IReadOnlyList<BreakdownRow> Products,
    IReadOnlyList<BreakdownRow> Segments,
    IReadOnlyList<ObjectiveRow> Objectives);

public sealed class OrganisationDashboard(AccessPolicy access, DashboardFigures figures, TeamDashboard teams)
{
    public async Task<OrganisationView> GetAsync(DateOnly? asOf, Guid? cycleId, CancellationToken ct)
    {
        access.Ensure(Act.FollowTeam);
        var scope = access.SeesEveryone ? "organisation" : "team";
        var frame = await figures.FrameAsync(cycleId, asOf, ct);
        if (frame is null)
        {
            return new OrganisationView(asOf ?? DateOnly.FromDateTime(DateTime.UtcNow), null, scope, "", [], [], [], []);
        }

        var visible = access.VisibleUsers().Where(u => u.Role == Role.Rep && u.IsActive);
        var reps = visible.Select(u => u.Id);
        var people = await visible.Select(u => new { u.Id, u.DisplayName, u.ManagerId }).ToListAsync(ct);
        var goals = await figures.GoalsAsync(frame, reps, ct);
        var revenue = goals.Where(g => g.Measure == GoalMeasure.Revenue).ToList();

        var teamList = await teams.TeamsAsync(ct);
        var quotas = await teams.QuotaAsync(frame, teamList.Select(t => t.ManagerId).ToList(), ct);
        var teamRows = teamList.Select(t =>
        {
            var members = people.Where(p => p.ManagerId == t.ManagerId).Select(p => (p.Id, p.DisplayName)).ToList();
            var ids = members.Select(m => m.Id).ToHashSet();
            var theirs = goals.Where(g => ids.Contains(g.RepId)).ToList();
            var totals = TeamDashboard.Totals(frame, theirs, quotas.GetValueOrDefault(t.ManagerId));
            var behind = TeamDashboard.Rank(frame, members, theirs, []).Count(r => r.Behind);
            return (Team: t, Members: members.Count, Behind: behind, Totals: totals);
        }).ToList();
        var ranked = teamRows.OrderByDescending(r => r.Totals.Quarter.ForecastAttainment ?? decimal.MinValue)
            .ThenByDescending(r => r.Totals.Cycle.ForecastAttainment ?? decimal.MinValue).ThenBy(r => r.Team.Manager, StringComparer.OrdinalIgnoreCase)
            .Select((r, i) => new TeamStanding(i + 1, r.Team.ManagerId, r.Team.Manager, r.Members, r.Behind, r.Totals.TargetSource, r.Totals.Quarter, r.Totals.Cycle))
            .ToList();

        var strategy = frame.Strategy;
        var offerings = strategy?.OfferingNames() ?? new Dictionary<string, string>();
        var segmentNames = strategy?.SegmentNames() ?? new Dictionary<string, string>();
        var products = Breakdown(frame, revenue, g => g.ProductId, id => offerings.GetValueOrDefault(id, id), "Any product");
        var segments = Breakdown(frame, revenue, g => g.SegmentId, id => segmentNames.GetValueOrDefault(id, id), "Any segment");

        var objectives = new List<ObjectiveRow>();
        if (strategy is not null)
        {
            var facts = strategy.ObjectiveFacts();
            var counted = goals.Where(g => GoalAlignment.WhyNotCounted(
                    new AlignedGoal(g.Metric, g.ProductId, g.SegmentId, g.UnlinkedProduct, g.UnlinkedSegment, g.ObjectiveId), facts, offerings, segmentNames) is null)
                .ToLookup(g => g.ObjectiveId!);
            foreach (var o in strategy.Objectives.Where(o => o.Id is not null && o.Metric is not null).DistinctBy(o => o.Id))
            {
                var linked = counted[o.Id!].ToList();
                var cycle = DashboardFigures.Add(frame.CycleToDate, frame.Day, frame.Thresholds, linked);
                var target = o.Target ?? 0;
                objectives.Add(new ObjectiveRow(o.Id!, o.Title, o.Metric!, target, linked.Sum(g => g.Total), linked.Count, cycle,
                    GoalMetrics.Attainment(cycle.Forecast ?? cycle.Actual, target)));
            }
        }

        return new OrganisationView(frame.Day, frame.Info, scope, frame.Quarter.Label, ranked, products, segments, objectives);
    }

    private static List<BreakdownRow> Breakdown(DashboardFrame frame, IReadOnlyList<GoalFigures> goals, Func<GoalFigures, string?> key,
        Func<string, string> name, string any) =>
        goals.GroupBy(key)
            .Select(g => new BreakdownRow(g.Key, g.Key is null ? any : name(g.Key), g.Count(), g.Select(x => x.RepId).Distinct().Count(),
                DashboardFigures.Add(frame.Quarter, frame.Day, frame.Thresholds, g), DashboardFigures.Add(frame.CycleToDate, frame.Day, frame.Thresholds, g)))
            .OrderBy(r => r.Id is null).ThenByDescending(r => r.Cycle.ForecastAttainment ?? decimal.MinValue).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
}
