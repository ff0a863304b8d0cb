using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain.Actuals;
using Terrain.Domain.Performance;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Performance;

/// <summary>A plan's performance as of a business date: each goal of the version in force, per period (docs/metrics.md).</summary>
public sealed record PlanPerformance(
    Guid PlanId,
    Guid CycleId,
    string CycleName,
    Guid RepId,
    string RepName,
    DateOnly AsOf,
    int? Edition,
    DateTimeOffset? ApprovedAt,
    IReadOnlyList<GoalPerformanceRow> Goals)
{
    /// <summary>The thresholds the statuses were rated with, as a leader set them.</summary>
    public StatusThresholds Thresholds { get; init; } = StatusThresholds.Default;

    /// <summary>How the expected-to-date of revenue goals is drawn: historical over past quarters, or linear and why.</summary>
    public ExpectedBasis Expected { get; init; } = ExpectedBasis.Linear("No history was read.");

    /// <summary>The action items of the plan in force, as the rep keeps them.</summary>
    public IReadOnlyList<ActionRow> Actions { get; init; } = [];

    public ActionCompletion ActionCompletion { get; init; } = new(0, 0, 0, 0);

    /// <summary>Null without a plan in force.</summary>
    public PlanAdherence? Adherence { get; init; }
}

public sealed record GoalPerformanceRow(
    string GoalKey,
    string Name,
    string? Metric,
    string? ProductId,
    string? Product,
    string? SegmentId,
    string? Segment,
    IReadOnlyList<string> Notes,
    IReadOnlyList<PeriodRow> Periods,
    IReadOnlyList<CumulativePoint> Cumulative);

/// <summary>One goal in one period. Attainment is a ratio (1 = 100%), null when the target is zero ("no target").</summary>
public sealed record PeriodRow(
    string Period,
    string Label,
    DateOnly Start,
    DateOnly End,
    decimal Target,
    decimal Actual,
    decimal? Attainment,
    decimal Gap,
    decimal? Forecast,
    decimal? ForecastBestCase,
    decimal? OpenPipeline,
    decimal? Coverage,
    bool? CoverageMet,
    GoalStatus Status,
    PeriodPace? Pace = null,
    DealFigures? Deals = null)
{
    public static PeriodRow Of(PeriodFigures f, PeriodPace? pace = null, DealFigures? deals = null) => new(f.Period.Key, f.Period.Label, f.Period.Start,
        f.Period.End, f.Target, f.Actual, f.Attainment, f.Gap, f.Forecast, f.ForecastBestCase, f.OpenPipeline, f.Coverage, f.CoverageMet, f.Status,
        pace, deals);
}

/// <summary>Cumulative target and actual at the end of a quarter (the actual up to the as-of date; null before the quarter starts).</summary>
public sealed record CumulativePoint(string Quarter, DateOnly End, decimal Target, decimal? Actual);

/// <summary>
/// Computes goal performance for one plan. The database sums per day (close, created or activity date) for the
/// rep's deals and activities, filtered by the goal's product and segment; periods are added up from those daily
/// sums by <see cref="GoalMetrics"/>, which is tested apart.
/// </summary>
public sealed partial class GoalPerformance(AppDbContext db, AccessPolicy policy, TimeProvider clock, IOptions<TerrainOptions> options)
{
    /// <summary>Null when the plan does not exist or is outside the caller's scope (answered as 404).</summary>
    public async Task<PlanPerformance?> GetAsync(Guid planId, DateOnly? asOf, CancellationToken ct)
    {
        var plan = await (from p in policy.VisiblePlans().Where(p => p.Id == planId)
                          join u in db.Users on p.OwnerId equals u.Id
                          select new { p.Id, p.CycleId, p.OwnerId, u.DisplayName }).SingleOrDefaultAsync(ct);
        if (plan is null)
        {
            return null;
        }

        var cycle = await db.Cycles.AsNoTracking().SingleAsync(c => c.Id == plan.CycleId, ct);
        var day = asOf ?? Deadlines.LocalDate(clock.GetUtcNow(), cycle.TimeZone);
        // The version in force at the end of the business day, in the cycle's time zone.
        var version = db.InForce(cycle.Id, plan.OwnerId, Deadlines.EndOfDay(day, cycle.TimeZone).AddTicks(-10));
        var inForce = await version.Select(v => new { v.Edition, v.ApprovedAt, v.SnapshotId }).SingleOrDefaultAsync(ct);
        var goals = inForce is null ? [] : await db.Goals(version).OrderBy(g => g.Position).ToListAsync(ct);
        var goalIds = goals.Select(g => g.Id).ToList();
        var targets = (await db.PlanGoalTargets.AsNoTracking().Where(t => goalIds.Contains(t.GoalId)).ToListAsync(ct))
            .ToLookup(t => t.GoalId);
        var strategy = cycle.StrategyId is { } sid
            ? await db.Strategies.AsNoTracking().Where(s => s.Id == sid).Select(s => s.Content).SingleOrDefaultAsync(ct)
            : null;
        var content = strategy is null ? null : StrategyContent.Read(strategy);
        var offerings = content?.OfferingNames() ?? new Dictionary<string, string>();
        var segments = content?.Segments ?? [];

        var quarters = cycle.Quarters;
        var periods = PerformancePeriod.Of(quarters, day);
        // A rep who joined or moved mid-cycle: each quarter's target is prorated by the days in the seat (ADR 0023).
        var seat = await db.RepSeats.AsNoTracking().Where(s => s.CycleId == cycle.Id && s.RepId == plan.OwnerId)
            .Select(s => new { s.From, s.To }).SingleOrDefaultAsync(ct);
        var settings = await MetricSettingsStore.LoadAsync(db, ct);
        var thresholds = settings.Thresholds;
        var early = settings.EarlyStageList.Select(s => s.ToLowerInvariant()).ToList();
        var (curve, expected) = goals.Any(g => g.Metric == "Revenue") ? await ExpectedCurveAsync(plan.OwnerId, quarters, day, ct) : (null, ExpectedBasis.Linear("No revenue goal."));
        var rows = new List<GoalPerformanceRow>();
        foreach (var goal in goals)
        {
            var byQuarter = Proration.Targets(targets[goal.Id].ToDictionary(t => t.Quarter, t => t.Amount), quarters, seat?.From, seat?.To);
            var notes = new List<string>();
            if (seat is not null && (seat.From is not null || seat.To is not null))
            {
                notes.Add($"Targets are prorated to the days in the seat: from {seat.From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "the cycle's start"} " +
                          $"to {seat.To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "the cycle's end"}.");
            }

            var segment = goal.SegmentId is { } segId ? segments.FirstOrDefault(s => s.Id == segId) : null;
            if (goal.SegmentId is not null && segment is null)
            {
                notes.Add("The goal's segment is no longer in the strategy: nothing counts toward it.");
            }

            if (goal.UnlinkedProduct is not null || goal.UnlinkedSegment is not null)
            {
                notes.Add("The goal names a product or segment the strategy does not have; it counts any.");
            }

            var measure = GoalMetrics.MeasureOf(goal.Metric);
            if (measure is GoalMeasure.Activity && goal.ProductId is not null)
            {
                notes.Add("Activities have no product: every held activity counts.");
            }

            if (measure is GoalMeasure.Activity && ActivityLayouts.TypesNamedIn(goal.Name) is { Count: > 0 } types)
            {
                notes.Add($"Counts held activities of the type(s) the goal names: {string.Join(", ", types)}.");
            }

            if (measure is GoalMeasure.Revenue && options.Value.RevenueSource == RevenueSource.Bookings)
            {
                notes.Add("Closed revenue is finance bookings by booking date (negative lines included), not won deals.");
            }

            var sums = measure is { } m
                ? await SumsAsync(m, plan.OwnerId, goal, segment, quarters, day, early, ct)
                : GoalActuals.None;
            var deals = measure is GoalMeasure.Revenue
                ? await DealsAsync(plan.OwnerId, goal, segment, quarters, periods, day, cycle.TimeZone, early, ct)
                : null;
            if (measure is null)
            {
                notes.Add("The goal has no metric, so nothing is measured.");
            }

            var figures = periods.Select(p => Row(measure, p, day, quarters, byQuarter, sums, deals, thresholds, curve)).ToList();
            var cumulative = GoalMetrics.Cumulative(quarters, day, byQuarter, sums.Actual)
                .Select(c => new CumulativePoint(c.Quarter.Label, c.Quarter.End, c.Target, c.Actual)).ToList();
            rows.Add(new GoalPerformanceRow(goal.GoalKey, goal.Name, goal.Metric, goal.ProductId,
                goal.ProductId is { } pid ? offerings.GetValueOrDefault(pid, pid) : goal.UnlinkedProduct,
                goal.SegmentId, segment?.Name ?? goal.UnlinkedSegment ?? goal.SegmentId, notes, figures, cumulative));
        }

        var actions = inForce is null ? [] : await ActionsAsync(version, day, ct);
        return new PlanPerformance(plan.Id, cycle.Id, cycle.Name, plan.OwnerId, plan.DisplayName, day, inForce?.Edition, inForce?.ApprovedAt, rows)
        {
            Thresholds = thresholds,
            Expected = expected,
            Actions = actions,
            ActionCompletion = ActionCompletion.Of(actions.Select(a => (a.Status, a.Due)), day),
            Adherence = inForce is null ? null : await AdherenceAsync(plan.OwnerId, inForce.SnapshotId, quarters, periods, day, ct),
        };
    }

    private async Task<GoalActuals> SumsAsync(GoalMeasure measure, Guid rep, PlanGoal goal, TargetSegment? segment,
        IReadOnlyList<Quarter> quarters, DateOnly asOf, IReadOnlyList<string> earlyStages, CancellationToken ct)
    {
        if (quarters.Count == 0)
        {
            return GoalActuals.None;
        }

        var start = quarters[0].Start;
        var end = quarters[^1].End;
        var last = asOf < end ? asOf : end;
        var accounts = goal.SegmentId is null ? null : SegmentAccounts(segment);
        var scoped = ScopedDeals(goal, measure, accounts).Where(o => !o.Deleted);
        var deals = scoped.Where(o => o.OwnerId == rep);

        switch (measure)
        {
            case GoalMeasure.Revenue:
                {
                    var won = options.Value.RevenueSource == RevenueSource.Bookings
                        ? await BookedAsync(rep, goal, accounts, start, last, ct)
                        // Won revenue is credited (ADR 0046): the owner's share after revenue splits, splits received, overlay credit.
                        : await (from o in scoped.Where(o => o.Outcome == DealOutcome.Won && o.CloseDate >= start && o.CloseDate <= last)
                                 join c in db.DealCredits on o.Id equals c.OpportunityId
                                 where c.RepId == rep
                                 group c.Amount by o.CloseDate into g
                                 select new { Day = g.Key, Sum = g.Sum() }).ToDictionaryAsync(w => w.Day, w => w.Sum, ct);
                    var open = await deals.Where(o => o.Outcome == DealOutcome.Open && o.Forecast != ForecastCategory.Omitted && o.Forecast != ForecastCategory.Closed &&
                                                      o.CloseDate >= start && o.CloseDate <= end && o.CreatedDate <= asOf)
                        .GroupBy(o => new { o.CloseDate, o.Forecast, Early = earlyStages.Contains(o.Stage.ToLower()) })
                        .Select(g => new { g.Key.CloseDate, g.Key.Forecast, g.Key.Early, Sum = g.Sum(o => o.Amount) }).ToListAsync(ct);
                    return new GoalActuals(
                        won,
                        ByDay(open.Where(o => o.Forecast == ForecastCategory.Commit).Select(o => (o.CloseDate, o.Sum))),
                        ByDay(open.Where(o => o.Forecast == ForecastCategory.BestCase).Select(o => (o.CloseDate, o.Sum))),
                        // Coverage leaves out the early stages a leader set; the forecast does not look at stages.
                        ByDay(open.Where(o => !o.Early).Select(o => (o.CloseDate, o.Sum))));
                }

            case GoalMeasure.NewLogos:
                {
                    // A logo is new when no won deal of any owner closed on the account before; it counts for the owner of the first one.
                    var everWon = db.Opportunities.Where(p => !p.Deleted && p.Outcome == DealOutcome.Won);
                    var logos = await deals.Where(o => o.Outcome == DealOutcome.Won && o.AccountId != null && o.CloseDate >= start && o.CloseDate <= last &&
                                                       !everWon.Any(p => p.AccountId == o.AccountId && p.CloseDate < o.CloseDate))
                        .GroupBy(o => o.CloseDate).Select(g => new { Day = g.Key, Count = g.Select(o => o.AccountId).Distinct().Count() }).ToListAsync(ct);
                    return Only(logos.ToDictionary(l => l.Day, l => (decimal)l.Count));
                }

            case GoalMeasure.Pipeline:
                {
                    var created = await deals.Where(o => o.CreatedDate >= start && o.CreatedDate <= last)
                        .GroupBy(o => o.CreatedDate).Select(g => new { Day = g.Key, Sum = g.Sum(o => o.Amount) }).ToListAsync(ct);
                    return Only(created.ToDictionary(c => c.Day, c => c.Sum));
                }

            case GoalMeasure.Activity:
                {
                    var activities = db.Activities.AsNoTracking().Where(a => a.OwnerId == rep && a.Held && a.Date >= start && a.Date <= last);
                    // A goal whose name names activity types ("Discovery meetings", "Calls and demos") counts those types only.
                    if (ActivityLayouts.TypesNamedIn(goal.Name) is { Count: > 0 } types)
                    {
                        activities = activities.Where(a => types.Contains(a.Type));
                    }
                    if (accounts is not null)
                    {
                        activities = activities.Where(a => a.AccountId != null && accounts.Contains(a.AccountId.Value));
                    }

                    var held = await activities.GroupBy(a => a.Date).Select(g => new { Day = g.Key, Count = g.Count() }).ToListAsync(ct);
                    return Only(held.ToDictionary(h => h.Day, h => (decimal)h.Count));
                }

            default:
                throw new InvalidOperationException($"Unknown measure {measure}.");
        }
    }

    /// <summary>Finance bookings by booking date, negative lines included, for the goal's product and segment.</summary>
    private async Task<Dictionary<DateOnly, decimal>> BookedAsync(Guid rep, PlanGoal goal, IQueryable<Guid>? accounts, DateOnly start, DateOnly last, CancellationToken ct)
    {
        var bookings = db.Bookings.AsNoTracking().Where(b => b.OwnerId == rep && b.Date >= start && b.Date <= last);
        if (goal.ProductId is { } product)
        {
            bookings = bookings.Where(b => b.ProductId == product);
        }

        if (accounts is not null)
        {
            bookings = bookings.Where(b => b.AccountId != null && accounts.Contains(b.AccountId.Value));
        }

        return await bookings.GroupBy(b => b.Date).Select(g => new { Day = g.Key, Sum = g.Sum(b => b.Amount) }).ToDictionaryAsync(b => b.Day, b => b.Sum, ct);
    }

    private static GoalActuals Only(Dictionary<DateOnly, decimal> actual) => GoalActuals.None with { Actual = actual };

    private static Dictionary<DateOnly, decimal> ByDay(IEnumerable<(DateOnly Day, decimal Sum)> sums) =>
        sums.GroupBy(s => s.Day).ToDictionary(g => g.Key, g => g.Sum(s => s.Sum));

    /// <summary>
    /// The accounts a target segment's criteria match, as SQL (the same rule as <see cref="TargetSegment.Matches"/>:
    /// every criterion set must match, ignoring case; a segment without criteria matches nothing).
    /// </summary>
    internal IQueryable<Guid> SegmentAccounts(TargetSegment? segment)
    {
        var accounts = db.Accounts.AsNoTracking();
        if (segment is null || !segment.HasCriteria)
        {
            return accounts.Where(a => false).Select(a => a.Id);
        }

        if (Lower(segment.Industries) is { Count: > 0 } industries)
        {
            accounts = accounts.Where(a => industries.Contains(a.Industry.Trim().ToLower()));
        }

        if (Lower(segment.AccountSegments) is { Count: > 0 } kinds)
        {
            accounts = accounts.Where(a => kinds.Contains(a.Segment.Trim().ToLower()));
        }

        if (Lower(segment.Regions) is { Count: > 0 } regions)
        {
            accounts = accounts.Where(a => regions.Contains(a.Region.Trim().ToLower()));
        }

        if (segment.MinPotential is { } min)
        {
            accounts = accounts.Where(a => a.AnnualPotential >= min);
        }

        if (segment.MaxPotential is { } max)
        {
            accounts = accounts.Where(a => a.AnnualPotential <= max);
        }

        return accounts.Select(a => a.Id);
    }

    private static List<string> Lower(List<string> values) =>
        values.Select(v => v.Trim().ToLowerInvariant()).Distinct().ToList();
}
