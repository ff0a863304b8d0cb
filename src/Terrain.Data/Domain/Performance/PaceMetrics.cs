using Terrain.Domain.Planning;

namespace Terrain.Domain.Performance;

/// <summary>
/// Where a goal stands against the calendar in one period (docs/metrics.md): weeks left and what is needed per week,
/// the run-rate, and what was expected by the as-of date, linearly and from history. Shown beside the forecast,
/// never alone: the status stays with the forecast and coverage.
/// </summary>
public sealed record PeriodPace(
    int WeeksLeft,
    decimal? NeededPerWeek,
    bool NeededMet,
    decimal ElapsedShare,
    decimal? RunRate,
    decimal ExpectedLinear,
    decimal? ExpectedHistorical);

/// <summary>
/// The share of a period's won amount closed by the end of each week, averaged over past periods of the team
/// (<see cref="ShareByWeek"/>[0] is week 1). Built only from periods that won something.
/// </summary>
public sealed record ExpectedCurve(IReadOnlyList<decimal> ShareByWeek, int PeriodsUsed)
{
    /// <summary>Fewer past periods with wins than this and the expected-to-date falls back to linear.</summary>
    public const int MinPeriods = 2;

    /// <summary>
    /// The curve from the won amount per day over <paramref name="pastPeriods"/>; null when fewer than
    /// <see cref="MinPeriods"/> of them won anything.
    /// </summary>
    public static ExpectedCurve? From(IReadOnlyList<(DateOnly Start, DateOnly End)> pastPeriods, IReadOnlyDictionary<DateOnly, decimal> wonByDay)
    {
        var curves = new List<decimal[]>();
        foreach (var (start, end) in pastPeriods)
        {
            var days = wonByDay.Where(d => d.Key >= start && d.Key <= end).ToList();
            var total = days.Sum(d => d.Value);
            if (total <= 0)
            {
                continue;
            }

            var weeks = PaceMetrics.WeeksIn(start, end);
            curves.Add(Enumerable.Range(1, weeks).Select(w =>
            {
                var upTo = start.AddDays((7 * w) - 1);
                return Math.Min(1m, days.Where(d => d.Key <= upTo).Sum(d => d.Value) / total);
            }).ToArray());
        }

        if (curves.Count < MinPeriods)
        {
            return null;
        }

        var longest = curves.Max(c => c.Length);
        var shares = Enumerable.Range(0, longest)
            .Select(i => decimal.Round(curves.Average(c => i < c.Length ? c[i] : 1m), 4, MidpointRounding.ToEven)).ToList();
        return new ExpectedCurve(shares, curves.Count);
    }

    /// <summary>
    /// The share of a quarter's amount expected by the end of <paramref name="asOf"/>: 0 before it, 1 after it,
    /// in between the curve at the week the day falls in, interpolated by day inside the week.
    /// </summary>
    public decimal ShareAt(DateOnly start, DateOnly end, DateOnly asOf)
    {
        if (asOf < start)
        {
            return 0;
        }

        if (asOf >= end)
        {
            return 1;
        }

        var elapsed = asOf.DayNumber - start.DayNumber + 1;
        var week = (elapsed - 1) / 7;
        var before = week == 0 ? 0m : Share(week - 1);
        var after = Share(week);
        return decimal.Round(before + ((after - before) * (elapsed - (7 * week)) / 7m), 4, MidpointRounding.ToEven);
    }

    private decimal Share(int index) => index < ShareByWeek.Count ? ShareByWeek[index] : 1m;
}

/// <summary>Won and lost deals closed on a day of a goal's scope: counts and amounts.</summary>
public sealed record ClosedDay(int Won, decimal WonAmount, int Lost, decimal LostAmount);

/// <summary>
/// What the database summed about a revenue goal's deals beyond the actual (docs/metrics.md), per day: closed won
/// and lost, pipeline created, the open amount weighted by probability (by close date), the won deals'
/// created and close dates (for the cycle length), and per period the open pipeline at its start from the snapshots
/// (null where no import was made before the period started).
/// </summary>
public sealed record GoalDeals(
    IReadOnlyDictionary<DateOnly, ClosedDay> Closed,
    IReadOnlyDictionary<DateOnly, decimal> Created,
    IReadOnlyDictionary<DateOnly, decimal> OpenWeighted,
    IReadOnlyList<(DateOnly Created, DateOnly Closed, int Count)> WonSpans,
    IReadOnlyDictionary<string, decimal?> OpenAtStart)
{
    public static readonly GoalDeals None = new(new Dictionary<DateOnly, ClosedDay>(), new Dictionary<DateOnly, decimal>(),
        new Dictionary<DateOnly, decimal>(), [], new Dictionary<string, decimal?>());
}

/// <summary>A revenue goal's deal figures in one period, by close date up to the as-of date (docs/metrics.md).</summary>
public sealed record DealFigures(
    int Won,
    int Lost,
    decimal? WinRateByCount,
    decimal? WinRateByValue,
    decimal? AverageWonDeal,
    decimal? MedianCycleDays,
    decimal PipelineCreated,
    decimal? PipelineCreatedPerWeek,
    decimal? PipelineNeededPerWeek,
    bool PipelineNeededMet,
    decimal WeightedPipeline,
    decimal? WeightedCoverage,
    decimal? CoverageAtStart,
    bool? CoverageAtStartMet);

/// <summary>The pure arithmetic of pace and deal figures; the sums come from SQL.</summary>
public static class PaceMetrics
{
    /// <summary>Whole weeks a span of days covers, the last one possibly short (13 for a 91-day quarter, 14 for 92).</summary>
    public static int WeeksIn(DateOnly start, DateOnly end) => Math.Max(0, (end.DayNumber - start.DayNumber + 7) / 7);

    /// <summary>Days of the period up to and including the as-of date (0 before it starts, all of them after it ends).</summary>
    public static int ElapsedDays(PerformancePeriod period, DateOnly asOf) =>
        Math.Clamp(asOf.DayNumber - period.Start.DayNumber + 1, 0, Length(period));

    public static int Length(PerformancePeriod period) => Math.Max(0, period.End.DayNumber - period.Start.DayNumber + 1);

    /// <summary>Weeks left after the as-of date, a part week counting as one; 0 once the period is over.</summary>
    public static int WeeksLeft(PerformancePeriod period, DateOnly asOf) => (Length(period) - ElapsedDays(period, asOf) + 6) / 7;

    /// <summary>
    /// Pace in one period: needed per remaining week is the gap ÷ weeks left ("met" when the gap is zero or less;
    /// null when weeks are over and something is still missing); the run-rate projects the actual to the period's
    /// end at the pace so far; expected-to-date is the target times the elapsed share (linear) or times the share of
    /// past periods' wins closed by then (historical, per quarter), null without a curve.
    /// </summary>
    public static PeriodPace Pace(PerformancePeriod period, DateOnly asOf, IReadOnlyList<Quarter> quarters, IReadOnlyDictionary<int, decimal> targets,
        decimal actual, ExpectedCurve? curve)
    {
        var target = GoalMetrics.TargetOf(period, targets);
        var length = Length(period);
        var elapsed = ElapsedDays(period, asOf);
        var weeksLeft = WeeksLeft(period, asOf);
        var gap = target - actual;
        var met = gap <= 0;
        decimal? needed = met || weeksLeft == 0 ? null : Round2(gap / weeksLeft);
        var share = length == 0 ? 0 : decimal.Round((decimal)elapsed / length, 4, MidpointRounding.ToEven);
        decimal? runRate = elapsed == 0 ? null : Round2(actual * length / elapsed);
        var linear = length == 0 ? 0 : Round2(target * elapsed / length);
        decimal? historical = curve is null ? null
            : Round2(quarters.Where(q => period.Quarters.Contains(q.Number))
                .Sum(q => targets.GetValueOrDefault(q.Number) * curve.ShareAt(q.Start, q.End, asOf)));
        return new PeriodPace(weeksLeft, needed, met, share, runRate, linear, historical);
    }

    /// <summary>
    /// The deal figures of one period. Win rates are won ÷ (won + lost) by count and by amount; the pipeline needed
    /// per week is what remains to win ÷ <paramref name="winRate"/> (by value, of the cycle to date) ÷ weeks left.
    /// </summary>
    public static DealFigures Deals(PerformancePeriod period, DateOnly asOf, decimal target, decimal won, GoalDeals deals, decimal? winRate)
    {
        bool In(DateOnly day) => period.Contains(day) && day <= asOf;
        var closed = deals.Closed.Where(d => In(d.Key)).Select(d => d.Value).ToList();
        var (wonCount, wonAmount) = (closed.Sum(c => c.Won), closed.Sum(c => c.WonAmount));
        var (lostCount, lostAmount) = (closed.Sum(c => c.Lost), closed.Sum(c => c.LostAmount));
        var created = deals.Created.Where(d => In(d.Key)).Sum(d => d.Value);
        var elapsed = ElapsedDays(period, asOf);
        var weeksLeft = WeeksLeft(period, asOf);
        var remaining = target - won;
        decimal? neededPerWeek = remaining <= 0 || weeksLeft == 0 || winRate is not > 0 ? null : Round2(remaining / winRate.Value / weeksLeft);
        var weighted = deals.OpenWeighted.Where(d => period.Contains(d.Key)).Sum(d => d.Value);
        var (weightedCoverage, _) = GoalMetrics.Coverage(weighted, target, won);
        var atStart = deals.OpenAtStart.GetValueOrDefault(period.Key);
        (decimal? Coverage, bool Met)? startCoverage = atStart is { } open ? GoalMetrics.Coverage(open, target, 0) : null;
        return new DealFigures(
            wonCount,
            lostCount,
            Ratio(wonCount, wonCount + lostCount),
            Ratio(wonAmount, wonAmount + lostAmount),
            wonCount == 0 ? null : Round2(wonAmount / wonCount),
            Median(deals.WonSpans.Where(s => In(s.Closed)).Select(s => (s.Closed.DayNumber - s.Created.DayNumber, s.Count))),
            created,
            elapsed == 0 ? null : Round2(created * 7 / elapsed),
            neededPerWeek,
            remaining <= 0,
            weighted,
            weightedCoverage,
            startCoverage?.Coverage,
            startCoverage?.Met);
    }

    /// <summary>Won ÷ (won + lost) by value over the closed deals of a span, null when none closed.</summary>
    public static decimal? WinRateByValue(IReadOnlyDictionary<DateOnly, ClosedDay> closed, DateOnly start, DateOnly end)
    {
        var days = closed.Where(d => d.Key >= start && d.Key <= end).Select(d => d.Value).ToList();
        var won = days.Sum(d => d.WonAmount);
        return Ratio(won, won + days.Sum(d => d.LostAmount));
    }

    /// <summary>The median of values given with how often each occurs; the mean of the two middle ones for an even count.</summary>
    public static decimal? Median(IEnumerable<(int Value, int Count)> values)
    {
        var sorted = values.Where(v => v.Count > 0).OrderBy(v => v.Value).ToList();
        var n = sorted.Sum(v => v.Count);
        if (n == 0)
        {
            return null;
        }

        int At(int index)
        {
            foreach (var (value, count) in sorted)
            {
                if (index < count)
                {
                    return value;
                }

                index -= count;
            }

            throw new InvalidOperationException("Index past the values.");
        }

        return n % 2 == 1 ? At(n / 2) : (At((n / 2) - 1) + At(n / 2)) / 2m;
    }

    private static decimal? Ratio(decimal part, decimal whole) =>
        whole == 0 ? null : decimal.Round(part / whole, 4, MidpointRounding.ToEven);

    private static decimal Round2(decimal value) => decimal.Round(value, 2, MidpointRounding.ToEven);
}

/// <summary>The plan's action items as the rep keeps them: done, open and, of the open ones, overdue.</summary>
public sealed record ActionCompletion(int Total, int Done, int Open, int Overdue)
{
    public decimal? DoneShare => Total == 0 ? null : decimal.Round((decimal)Done / Total, 4, MidpointRounding.ToEven);

    /// <summary>Done is status Done; every other status is open; an open item due before the as-of date is overdue.</summary>
    public static ActionCompletion Of(IEnumerable<(string Status, DateOnly? Due)> items, DateOnly asOf)
    {
        var list = items.ToList();
        var done = list.Count(i => i.Status == "Done");
        return new ActionCompletion(list.Count, done, list.Count - done, list.Count(i => i.Status != "Done" && i.Due < asOf));
    }
}

/// <summary>Where activities or new pipeline went: on the plan's A and B accounts, its named prospects, or elsewhere.</summary>
public sealed record AdherenceSplit(decimal OnA, decimal OnB, decimal OnProspects, decimal Elsewhere)
{
    public decimal Total => OnA + OnB + OnProspects + Elsewhere;

    /// <summary>The share on the plan (A, B and prospects) of the total; null when there is nothing.</summary>
    public decimal? OnPlanShare => Total == 0 ? null : decimal.Round((OnA + OnB + OnProspects) / Total, 4, MidpointRounding.ToEven);
}
