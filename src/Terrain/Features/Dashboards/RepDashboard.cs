using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.Performance;
using Terrain.Features.Performance;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Dashboards;

/// <summary>
/// One goal of the rep's plan in force in the current quarter and the cycle to date, with the quarter's pace (weeks
/// left and what is needed per remaining week, docs/metrics.md).
/// </summary>
public sealed record RepGoalRow(string GoalKey, string Name, string? Metric, string? Product, string? Segment, Figures Quarter, Figures Cycle, PeriodPace QuarterPace);

/// <summary>
/// One day of the current quarter's line chart: the target expected by then (linear over the quarter), the revenue won
/// by then (null after the as-of date), and the forecast (won + commit) drawn from the as-of date to the quarter's end.
/// </summary>
public sealed record ChartPoint(DateOnly Day, decimal Expected, decimal? Won, decimal? Forecast);

/// <summary>
/// A rep's dashboard: revenue against the plan in force (its revenue goals counted once, <see cref="RevenueTotals"/>), every goal's attainment and
/// needed per week, the cumulative chart of the current quarter, plan execution (action items, overdue ones, plan
/// adherence) and the rep's deals at risk.
/// </summary>
public sealed record RepDashboardView(
    DateOnly AsOf,
    DashboardCycle? Cycle,
    Guid RepId,
    string RepName,
    Guid? PlanId,
    string QuarterLabel,
    Figures? Quarter,
    Figures? CycleToDate,
    IReadOnlyList<RepGoalRow> Goals,
    IReadOnlyList<ChartPoint> Chart,
    IReadOnlyList<DealAtRisk> DealsAtRisk)
{
    /// <summary>The quarter's pace of the revenue headline: weeks left and needed per week; null without a revenue goal.</summary>
    public PeriodPace? QuarterPace { get; init; }

    /// <summary>The plan's action items: done, open, overdue as of the day.</summary>
    public ActionCompletion Actions { get; init; } = new(0, 0, 0, 0);

    /// <summary>The open action items due before the day, earliest first.</summary>
    public IReadOnlyList<ActionRow> OverdueActions { get; init; } = [];

    /// <summary>Plan adherence of the plan in force (the performance page's figures); null without one.</summary>
    public PlanAdherence? Adherence { get; init; }

    /// <summary>The thresholds the deals at risk were found with: the leader's settings unless the request overrode them.</summary>
    public RiskRules Rules { get; init; } = new(0, 0);

    /// <summary>
    /// The won deals of the cycle to date credited to the rep within the revenue goals counted once, latest first,
    /// each with the rep's credited amount and how (ADR 0046): their credited amounts add up to <see cref="CycleToDate"/>'s
    /// actual, those closed in the quarter to <see cref="Quarter"/>'s.
    /// </summary>
    public IReadOnlyList<CreditedDeal> WonDeals { get; init; } = [];

    /// <summary>Stage conversion and days in stage of the rep's deals, from the imports' snapshots: the quarter, then the cycle to date.</summary>
    public IReadOnlyList<StagePeriod> Stages { get; init; } = [];
}

/// <summary>Anyone reads their own dashboard; managers their reps', leaders and admins anyone's (others do not exist: 404).</summary>
public sealed class RepDashboard(AppDbContext db, AccessPolicy access, DashboardFigures figures, DealsAtRisk risks, GoalPerformance performance,
    StageConversion stages, CreditedDeals credited)
{
    public async Task<RepDashboardView?> GetAsync(Guid? repId, DateOnly? asOf, Guid? cycleId, RiskOverrides overrides, CancellationToken ct)
    {
        var id = repId ?? access.Actor.Id;
        var rep = await access.VisibleUsers().Where(u => u.Id == id).Select(u => new { u.Id, u.DisplayName }).SingleOrDefaultAsync(ct);
        if (rep is null)
        {
            return null;
        }

        var rules = RiskRules.Of(await MetricSettingsStore.LoadAsync(db, ct), overrides);
        var frame = await figures.FrameAsync(cycleId, asOf, ct);
        if (frame is null)
        {
            return new RepDashboardView(asOf ?? DateOnly.FromDateTime(DateTime.UtcNow), null, rep.Id, rep.DisplayName, null, "", null, null, [], [], [])
            {
                Rules = rules,
            };
        }

        var one = db.Users.Where(u => u.Id == rep.Id).Select(u => u.Id);
        var goals = await figures.GoalsAsync(frame, one, ct);
        var deals = await risks.ListAsync(one, frame.Day, frame.Cycle.TimeZone, rules, ct);
        var strategy = frame.Strategy;
        var offerings = strategy?.OfferingNames() ?? new Dictionary<string, string>();
        var segments = strategy?.SegmentNames() ?? new Dictionary<string, string>();
        var rows = goals.Select(g => new RepGoalRow(g.GoalKey, g.Name, g.Metric,
            g.ProductId is { } p ? offerings.GetValueOrDefault(p, p) : g.UnlinkedProduct,
            g.SegmentId is { } s ? segments.GetValueOrDefault(s, s) : g.UnlinkedSegment,
            DashboardFigures.Add(frame.Quarter, frame.Day, frame.Thresholds, [g]), DashboardFigures.Add(frame.CycleToDate, frame.Day, frame.Thresholds, [g]),
            Pace(frame, [g]))).ToList();
        var revenue = RevenueTotals.CountedOnce(goals);
        var (actions, adherence) = await performance.ExecutionAsync(frame.Cycle, rep.Id, frame.Day, ct);
        return new RepDashboardView(frame.Day, frame.Info, rep.Id, rep.DisplayName, goals.Select(g => (Guid?)g.PlanId).FirstOrDefault(),
            frame.Quarter.Label,
            revenue.Count > 0 ? DashboardFigures.Add(frame.Quarter, frame.Day, frame.Thresholds, revenue) : null,
            revenue.Count > 0 ? DashboardFigures.Add(frame.CycleToDate, frame.Day, frame.Thresholds, revenue) : null,
            rows, Chart(frame, revenue), deals)
        {
            QuarterPace = revenue.Count > 0 ? Pace(frame, revenue) : null,
            Actions = ActionCompletion.Of(actions.Select(a => (a.Status, a.Due)), frame.Day),
            OverdueActions = actions.Where(a => a.Overdue).OrderBy(a => a.Due).ThenBy(a => a.Title, StringComparer.OrdinalIgnoreCase).ToList(),
            Adherence = adherence,
            Rules = rules,
            WonDeals = await credited.ListAsync(rep.Id, frame, revenue, ct),
            Stages = await stages.ForRepAsync(rep.Id, frame.Cycle, [frame.Quarter, frame.CycleToDate], frame.Day, ct),
        };
    }

    /// <summary>The current quarter's pace of goals added up (their targets per quarter and actuals summed), linear: the performance page's rule.</summary>
    public static PeriodPace Pace(DashboardFrame frame, IReadOnlyList<GoalFigures> goals)
    {
        var targets = goals.SelectMany(g => g.Targets).GroupBy(t => t.Key).ToDictionary(t => t.Key, t => t.Sum(x => x.Value));
        var actual = goals.Sum(g => DashboardFigures.Measure(g, frame.Quarter, frame.Day, frame.Thresholds).Actual);
        return PaceMetrics.Pace(frame.Quarter, frame.Day, frame.Cycle.Quarters, targets, actual, null);
    }

    /// <summary>Weekly points over the current quarter (and its last day), cumulative from the quarter's start.</summary>
    public static IReadOnlyList<ChartPoint> Chart(DashboardFrame frame, IReadOnlyList<GoalFigures> revenue)
    {
        if (revenue.Count == 0)
        {
            return [];
        }

        var q = frame.Quarter;
        var target = DashboardFigures.Add(q, frame.Day, frame.Thresholds, revenue);
        var won = revenue.SelectMany(g => g.Sums.Actual).Where(d => q.Contains(d.Key)).ToList();
        var commit = revenue.SelectMany(g => g.Sums.OpenCommit).Where(d => q.Contains(d.Key)).ToList();
        var length = q.End.DayNumber - q.Start.DayNumber + 1;
        var days = new SortedSet<DateOnly>();
        for (var d = q.Start.AddDays(6); d < q.End; d = d.AddDays(7))
        {
            days.Add(d);
        }

        days.Add(q.End);
        if (q.Contains(frame.Day))
        {
            days.Add(frame.Day);
        }

        var wonToDate = won.Where(w => w.Key <= frame.Day).Sum(w => w.Value);
        return days.Select(d =>
        {
            var expected = decimal.Round(target.Target * (d.DayNumber - q.Start.DayNumber + 1) / length, 2, MidpointRounding.ToEven);
            decimal? actual = d <= frame.Day ? won.Where(w => w.Key <= d).Sum(w => w.Value) : null;
            // The forecast line starts where the actual ends and adds the commit deals by their close dates.
            decimal? forecast = d >= frame.Day ? wonToDate + commit.Where(c => c.Key <= d).Sum(c => c.Value) : null;
            return new ChartPoint(d, expected, actual, forecast);
        }).ToList();
    }
}
