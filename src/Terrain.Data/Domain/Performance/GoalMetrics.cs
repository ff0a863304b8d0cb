using Terrain.Domain.Planning;

namespace Terrain.Domain.Performance;

/// <summary>What a plan goal counts (docs/metrics.md). Parsed once from the goal's metric name.</summary>
public enum GoalMeasure
{
    /// <summary>Closed-won amount by close date.</summary>
    Revenue,

    /// <summary>Accounts whose first won deal (of any owner) is the rep's and closes in the period.</summary>
    NewLogos,

    /// <summary>Amount of opportunities created in the period (pipeline created, not held).</summary>
    Pipeline,

    /// <summary>Activities held in the period.</summary>
    Activity,
}

/// <summary>A goal's status in a period. Only <see cref="OnTrack"/>, <see cref="AtRisk"/> and <see cref="OffTrack"/> are ratings.</summary>
public enum GoalStatus
{
    OnTrack,
    AtRisk,
    OffTrack,

    /// <summary>The period's target is zero: attainment and status have no meaning.</summary>
    NoTarget,

    /// <summary>A goal without a forecast (not revenue) whose period has not ended yet: counting what is done so far would mark it red for weeks.</summary>
    NotRated,
}

public enum PeriodKind
{
    Quarter,

    /// <summary>From the cycle's start to the end of the quarter that holds the as-of date (the whole cycle once it is over).</summary>
    CycleToDate,
}

/// <summary>A period a goal is measured over: a quarter of the cycle or the cycle to date.</summary>
public sealed record PerformancePeriod(PeriodKind Kind, string Key, string Label, DateOnly Start, DateOnly End, IReadOnlyList<int> Quarters)
{
    public bool Contains(DateOnly day) => day >= Start && day <= End;

    /// <summary>Each quarter of the cycle, then the cycle to date: the quarters whose start is on or before <paramref name="asOf"/>.</summary>
    public static IReadOnlyList<PerformancePeriod> Of(IReadOnlyList<Quarter> quarters, DateOnly asOf)
    {
        var periods = quarters.Select(q => new PerformancePeriod(PeriodKind.Quarter, q.Label, q.Label, q.Start, q.End, [q.Number])).ToList();
        var started = quarters.Where(q => q.Start <= asOf).ToList();
        if (quarters.Count > 0)
        {
            // Before the cycle starts the period is empty: it ends the day before it starts.
            var end = started.Count > 0 ? started[^1].End : quarters[0].Start.AddDays(-1);
            var label = started.Count == 0 ? "Cycle to date (not started)"
                : started.Count == quarters.Count ? "Whole cycle"
                : $"Cycle to date (through {started[^1].Label})";
            periods.Add(new PerformancePeriod(PeriodKind.CycleToDate, "cycle", label, quarters[0].Start, end, started.Select(q => q.Number).ToList()));
        }

        return periods;
    }
}

/// <summary>
/// Where forecast ÷ target turns a goal from on track to at risk to off track, and the coverage at or above which a
/// goal whose forecast is short is at risk rather than off track. Leaders set them (<see cref="MetricSettings"/>).
/// </summary>
public sealed record StatusThresholds(decimal OnTrack, decimal AtRisk, decimal HealthyCoverage = 3.00m)
{
    /// <summary>Forecast at or above 100% of target is on track, at or above 85% at risk, below that off track; 3× coverage is healthy.</summary>
    public static readonly StatusThresholds Default = new(1.00m, 0.85m);
}

/// <summary>
/// What the database summed for one goal, per day (close date, created date or activity date), from which every
/// period's figures follow. Open amounts are of deals still open now (the latest import), by close date.
/// </summary>
public sealed record GoalActuals(
    IReadOnlyDictionary<DateOnly, decimal> Actual,
    IReadOnlyDictionary<DateOnly, decimal> OpenCommit,
    IReadOnlyDictionary<DateOnly, decimal> OpenBestCase,
    IReadOnlyDictionary<DateOnly, decimal> OpenPipeline)
{
    public static readonly GoalActuals None = new(Empty, Empty, Empty, Empty);

    private static IReadOnlyDictionary<DateOnly, decimal> Empty => new Dictionary<DateOnly, decimal>();
}

/// <summary>One goal's figures in one period (docs/metrics.md). Revenue-only figures are null for other measures.</summary>
public sealed record PeriodFigures(
    PerformancePeriod Period,
    decimal Target,
    decimal Actual,
    decimal? Attainment,
    decimal Gap,
    decimal? Forecast,
    decimal? ForecastBestCase,
    decimal? OpenPipeline,
    decimal? Coverage,
    bool? CoverageMet,
    GoalStatus Status);

/// <summary>The pure arithmetic of goal performance; the sums it starts from come from SQL.</summary>
public static class GoalMetrics
{
    public static GoalMeasure? MeasureOf(string? metric) => metric switch
    {
        "Revenue" => GoalMeasure.Revenue,
        "NewLogos" => GoalMeasure.NewLogos,
        "Pipeline" => GoalMeasure.Pipeline,
        "Activity" => GoalMeasure.Activity,
        _ => null,
    };

    /// <summary>The target of a period: the sum of the goal's targets of the quarters it spans.</summary>
    public static decimal TargetOf(PerformancePeriod period, IReadOnlyDictionary<int, decimal> targetByQuarter) =>
        period.Quarters.Sum(q => targetByQuarter.GetValueOrDefault(q));

    /// <summary>actual ÷ target to four decimals; null (shown as "no target") when the target is zero, never infinity.</summary>
    public static decimal? Attainment(decimal actual, decimal target) =>
        target == 0 ? null : decimal.Round(actual / target, 4, MidpointRounding.ToEven);

    /// <summary>
    /// Open pipeline ÷ what remains to win (target − won), to two decimals; met (and no ratio) when nothing remains.
    /// </summary>
    public static (decimal? Coverage, bool Met) Coverage(decimal openPipeline, decimal target, decimal won)
    {
        var remaining = target - won;
        return remaining <= 0 ? (null, true) : (decimal.Round(openPipeline / remaining, 2, MidpointRounding.ToEven), false);
    }

    public static GoalStatus StatusOf(decimal measured, decimal target, StatusThresholds thresholds)
    {
        if (target == 0)
        {
            return GoalStatus.NoTarget;
        }

        var ratio = measured / target;
        return ratio >= thresholds.OnTrack ? GoalStatus.OnTrack : ratio >= thresholds.AtRisk ? GoalStatus.AtRisk : GoalStatus.OffTrack;
    }

    /// <summary>
    /// Every figure of one goal in one period as of <paramref name="asOf"/>. Actuals count days up to the as-of date;
    /// the forecast adds deals still open in Commit (and Best Case for the upside) closing in the period.
    /// </summary>
    public static PeriodFigures Figures(GoalMeasure measure, PerformancePeriod period, DateOnly asOf, IReadOnlyDictionary<int, decimal> targets,
        GoalActuals sums, StatusThresholds thresholds)
    {
        var target = TargetOf(period, targets);
        var actual = SumIn(sums.Actual, period, asOf);
        var attainment = Attainment(actual, target);
        if (measure != GoalMeasure.Revenue)
        {
            // Without a forecast, a rating before the period ends would only measure how much of it has passed.
            var status = target == 0 ? GoalStatus.NoTarget
                : period.End <= asOf ? StatusOf(actual, target, thresholds)
                : GoalStatus.NotRated;
            return new PeriodFigures(period, target, actual, attainment, target - actual, null, null, null, null, null, status);
        }

        var commit = SumIn(sums.OpenCommit, period, null);
        var bestCase = SumIn(sums.OpenBestCase, period, null);
        var open = SumIn(sums.OpenPipeline, period, null);
        var forecast = actual + commit;
        var (coverage, met) = Coverage(open, target, actual);
        return new PeriodFigures(period, target, actual, attainment, target - actual, forecast, forecast + bestCase, open, coverage, met,
            RevenueStatus(forecast, target, coverage, period.End <= asOf, thresholds));
    }

    /// <summary>
    /// The status of a revenue goal: from forecast ÷ target; a goal whose forecast is below the at-risk threshold is
    /// still at risk, not off track, while its period runs and its coverage is at or above the healthy ratio.
    /// </summary>
    public static GoalStatus RevenueStatus(decimal forecast, decimal target, decimal? coverage, bool periodOver, StatusThresholds thresholds)
    {
        var status = StatusOf(forecast, target, thresholds);
        return status == GoalStatus.OffTrack && !periodOver && coverage >= thresholds.HealthyCoverage ? GoalStatus.AtRisk : status;
    }

    /// <summary>The cumulative sum at the end of each quarter, up to the as-of date (none for quarters that have not started).</summary>
    public static IReadOnlyList<(Quarter Quarter, decimal Target, decimal? Actual)> Cumulative(IReadOnlyList<Quarter> quarters, DateOnly asOf,
        IReadOnlyDictionary<int, decimal> targets, IReadOnlyDictionary<DateOnly, decimal> actual)
    {
        var points = new List<(Quarter, decimal, decimal?)>();
        decimal target = 0;
        foreach (var q in quarters)
        {
            target += targets.GetValueOrDefault(q.Number);
            var upTo = q.End < asOf ? q.End : asOf;
            points.Add((q, target, q.Start <= asOf ? actual.Where(a => a.Key <= upTo).Sum(a => a.Value) : null));
        }

        return points;
    }

    private static decimal SumIn(IReadOnlyDictionary<DateOnly, decimal> byDay, PerformancePeriod period, DateOnly? asOf) =>
        byDay.Where(d => period.Contains(d.Key) && (asOf is not { } limit || d.Key <= limit)).Sum(d => d.Value);
}
