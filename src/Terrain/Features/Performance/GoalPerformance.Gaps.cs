using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.Actuals;
using Terrain.Domain.Performance;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;

namespace Terrain.Features.Performance;

/// <summary>Why a revenue goal is behind, from the plan's own numbers (ADR 0028).</summary>
public sealed partial class GoalPerformance
{
    /// <summary>
    /// The gap split of each of <paramref name="goalKeys"/> that is a revenue goal of the plan in force with complete
    /// pipeline assumptions, in the quarter holding the as-of date, to that date: planned = the expected-to-date of
    /// the performance page; actual = the goal's deals credited to the rep (ADR 0046) due to close in the quarter to
    /// date (by their close date now or in any earlier import), decided or pushed out, each at the rep's credited
    /// amount. Goals without a split are left out.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, GapBreakdown>> GapsAsync(PlanPerformance plan, Quarter quarter, IReadOnlyCollection<string> goalKeys, CancellationToken ct)
    {
        var found = new Dictionary<string, GapBreakdown>();
        if (goalKeys.Count == 0)
        {
            return found;
        }

        var cycle = await db.Cycles.AsNoTracking().SingleAsync(c => c.Id == plan.CycleId, ct);
        var cutoff = Deadlines.EndOfDay(plan.AsOf, cycle.TimeZone).AddTicks(-10);
        var version = db.InForce(cycle.Id, plan.RepId, cutoff);
        var snapshot = await version.Select(v => (Guid?)v.SnapshotId).SingleOrDefaultAsync(ct);
        if (snapshot is not { } snapshotId)
        {
            return found;
        }

        var assumptions = await AssumptionsAsync(snapshotId, ct);
        var goals = await db.Goals(version).Where(g => goalKeys.Contains(g.GoalKey) && g.Metric == "Revenue").ToListAsync(ct);
        var segments = cycle.StrategyId is { } sid
            ? StrategyContent.Read(await db.Strategies.AsNoTracking().Where(s => s.Id == sid).Select(s => s.Content).SingleAsync(ct)).Segments
            : [];
        var last = plan.AsOf < quarter.End ? plan.AsOf : quarter.End;
        foreach (var goal in goals)
        {
            var row = plan.Goals.FirstOrDefault(g => g.GoalKey == goal.GoalKey)?.Periods.FirstOrDefault(p => p.Period == quarter.Label);
            if (row?.Pace is not { } pace || !assumptions.TryGetValue(goal.GoalKey, out var conversion) || last < quarter.Start)
            {
                continue;
            }

            var segment = goal.SegmentId is { } segId ? segments.FirstOrDefault(s => s.Id == segId) : null;
            var rep = plan.RepId;
            var deals = ScopedDeals(goal, GoalMeasure.Revenue, goal.SegmentId is null ? null : SegmentAccounts(segment)).Where(o => !o.Deleted);
            var due = deals.Where(o => (o.CloseDate >= quarter.Start && o.CloseDate <= last) ||
                                       db.OpportunityChanges.Any(c => c.OpportunityId == o.Id && c.ValidFrom <= cutoff &&
                                                                      c.CloseDate >= quarter.Start && c.CloseDate <= last));
            // Credited (ADR 0046): every deal credited to the rep (owned, split received, overlay), valued at the rep's
            // credited amount, so that the won part is the goal's actual on the performance page to the cent.
            var sums = await (from o in due
                              join c in db.DealCredits on o.Id equals c.OpportunityId
                              where c.RepId == rep
                              group c.Amount by new
                              {
                                  New = o.Type == DealType.NewBusiness,
                                  Decided = o.Outcome != DealOutcome.Open && o.CloseDate >= quarter.Start && o.CloseDate <= last,
                                  Won = o.Outcome == DealOutcome.Won,
                              } into g
                              select new { g.Key.New, g.Key.Decided, g.Key.Won, Count = g.Count(), Sum = g.Sum() })
                .ToListAsync(ct);
            PartOutcomes Part(bool isNew)
            {
                var part = sums.Where(s => s.New == isNew).ToList();
                var decided = part.Where(s => s.Decided).ToList();
                return new PartOutcomes(part.Sum(s => s.Count), decided.Sum(s => s.Count), decided.Sum(s => s.Sum), decided.Where(s => s.Won).Sum(s => s.Sum));
            }

            var planned = RevenueFactors.Planned(conversion, pace.ExpectedHistorical ?? pace.ExpectedLinear);
            found[goal.GoalKey] = GapDecomposition.Split(planned, RevenueFactors.Measured(Part(true), Part(false), planned));
        }

        return found;
    }

    /// <summary>The complete pipeline assumptions of a submitted version's revenue goals, by goal key.</summary>
    private async Task<Dictionary<string, ConversionPlan>> AssumptionsAsync(Guid snapshotId, CancellationToken ct)
    {
        var json = await db.PlanSnapshots.AsNoTracking().Where(s => s.Id == snapshotId).Select(s => s.Sections).SingleAsync(ct);
        var sections = JsonSerializer.Deserialize<List<SnapshotSection>>(json, SectionContents.Json) ?? [];
        return sections.Where(s => s.Kind == SectionKind.Goals)
            .SelectMany(s => SectionContents.Read(s.Kind, s.Content) is GoalsContent g ? g.Goals : [])
            .Where(g => g.Id is not null && g.IsRevenue && g.Pipeline?.Plan() is not null)
            .DistinctBy(g => g.Id)
            .ToDictionary(g => g.Id!, g => g.Pipeline!.Plan()!);
    }
}
