using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Domain.Performance;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Features.Performance;

namespace Terrain.Features.Dashboards;

public sealed record DashboardCycle(Guid Id, string Name, string TimeZone, DateOnly Start, DateOnly End);

/// <summary>
/// The figures of one row of a dashboard (a rep, a team, a segment...) in one period, added up over the goals the row
/// holds. Forecast, pipeline and coverage are null for goals that have no forecast (everything but revenue);
/// <see cref="ForecastAttainment"/> (forecast ÷ target) is what rows are ranked by and what decides the status.
/// </summary>
public sealed record Figures(
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
    decimal? ForecastAttainment,
    decimal? OpenPipeline,
    decimal? Coverage,
    bool? CoverageMet,
    GoalStatus Status);

/// <summary>One goal of a plan in force, with its quarterly targets and what the database summed for it per day.</summary>
public sealed record GoalFigures(
    Guid RepId,
    Guid PlanId,
    string GoalKey,
    string Name,
    string? Metric,
    GoalMeasure? Measure,
    string? ProductId,
    string? SegmentId,
    string? UnlinkedProduct,
    string? UnlinkedSegment,
    string? ObjectiveId,
    decimal Total,
    IReadOnlyDictionary<int, decimal> Targets,
    GoalActuals Sums);

/// <summary>The cycle a dashboard reads, the business day, its periods, and the strategy the cycle executes.</summary>
public sealed record DashboardFrame(PlanningCycle Cycle, DateOnly Day, IReadOnlyList<PerformancePeriod> Periods, StrategyContent? Strategy)
{
    /// <summary>The on-track and at-risk thresholds the leader set, which every status of the dashboard is rated with.</summary>
    public StatusThresholds Thresholds { get; init; } = StatusThresholds.Default;

    public DashboardCycle Info => new(Cycle.Id, Cycle.Name, Cycle.TimeZone, Cycle.PeriodStart, Cycle.PeriodEnd);

    /// <summary>The quarter that holds the day (the first before the cycle starts, the last once it is over).</summary>
    public PerformancePeriod Quarter =>
        Periods.FirstOrDefault(p => p.Kind == PeriodKind.Quarter && p.Contains(Day))
        ?? (Day < Cycle.PeriodStart ? Periods.First(p => p.Kind == PeriodKind.Quarter) : Periods.Last(p => p.Kind == PeriodKind.Quarter));

    public PerformancePeriod CycleToDate => Periods.Single(p => p.Kind == PeriodKind.CycleToDate);

    /// <summary>The last instant of the business day in the cycle's time zone: the plan in force then is the one measured.</summary>
    public DateTimeOffset EndOfDay => Deadlines.EndOfDay(Day, Cycle.TimeZone).AddTicks(-10);
}

/// <summary>
/// Set-based goal figures for many reps at once, for the dashboards: the goals of every plan in force come in one
/// query, and the actuals in one grouped query per measure and target segment (not one per rep or per goal). Each
/// goal is then measured exactly as the performance page measures it, by <see cref="GoalMetrics"/>.
/// </summary>
public sealed class DashboardFigures(AppDbContext db, TimeProvider clock)
{
    /// <summary>
    /// The cycle to read (the given one, else the open cycle whose period holds the day, else the latest that has
    /// started) and the business day (<paramref name="asOf"/>, default today in the cycle's time zone); null when there is no cycle.
    /// </summary>
    public async Task<DashboardFrame?> FrameAsync(Guid? cycleId, DateOnly? asOf, CancellationToken ct)
    {
        var cycles = db.Cycles.AsNoTracking();
        PlanningCycle? cycle;
        if (cycleId is { } id)
        {
            cycle = await cycles.SingleOrDefaultAsync(c => c.Id == id, ct)
                    ?? throw new DomainException("There is no cycle with that id.", "cycleId");
        }
        else
        {
            var probe = asOf ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            cycle = await cycles.Where(c => c.PeriodStart <= probe && c.PeriodEnd >= probe)
                        .OrderBy(c => c.Status == CycleStatus.Open ? 0 : 1).ThenByDescending(c => c.PeriodStart).FirstOrDefaultAsync(ct)
                    ?? await cycles.Where(c => c.PeriodStart <= probe).OrderByDescending(c => c.PeriodStart).FirstOrDefaultAsync(ct)
                    ?? await cycles.OrderBy(c => c.PeriodStart).FirstOrDefaultAsync(ct);
        }

        if (cycle is null)
        {
            return null;
        }

        var day = asOf ?? Deadlines.LocalDate(clock.GetUtcNow(), cycle.TimeZone);
        var content = cycle.StrategyId is { } sid
            ? await db.Strategies.AsNoTracking().Where(s => s.Id == sid).Select(s => s.Content).SingleOrDefaultAsync(ct)
            : null;
        var thresholds = (await MetricSettingsStore.LoadAsync(db, ct)).Thresholds;
        return new DashboardFrame(cycle, day, PerformancePeriod.Of(cycle.Quarters, day), content is null ? null : StrategyContent.Read(content))
        {
            Thresholds = thresholds,
        };
    }

    /// <summary>Every goal of the plans in force on the day for the given reps, with its sums.</summary>
    public async Task<IReadOnlyList<GoalFigures>> GoalsAsync(DashboardFrame frame, IQueryable<Guid> reps, CancellationToken ct)
    {
        var versions = db.InForce(frame.EndOfDay).Where(v => v.CycleId == frame.Cycle.Id && reps.Contains(v.OwnerId));
        var goals = await (from g in db.PlanGoals.AsNoTracking()
                           join v in versions on g.SnapshotId equals v.SnapshotId
                           orderby v.OwnerId, g.Position
                           select new
                           {
                               g.Id,
                               v.OwnerId,
                               v.PlanId,
                               g.GoalKey,
                               g.Name,
                               g.Metric,
                               g.ProductId,
                               g.SegmentId,
                               g.UnlinkedProduct,
                               g.UnlinkedSegment,
                               g.ObjectiveId,
                               g.Total,
                           }).ToListAsync(ct);
        if (goals.Count == 0)
        {
            return [];
        }

        var goalIds = from g in db.PlanGoals join v in versions on g.SnapshotId equals v.SnapshotId select g.Id;
        var targets = (await db.PlanGoalTargets.AsNoTracking().Where(t => goalIds.Contains(t.GoalId))
                .Select(t => new { t.GoalId, t.Quarter, t.Amount }).ToListAsync(ct))
            .ToLookup(t => t.GoalId);

        // Reps who joined or moved mid-cycle: each quarter's target prorated by the days in the seat (ADR 0023).
        var seats = await db.RepSeats.AsNoTracking().Where(s => s.CycleId == frame.Cycle.Id && reps.Contains(s.RepId))
            .Select(s => new { s.RepId, s.From, s.To }).ToDictionaryAsync(s => s.RepId, ct);
        var segments = frame.Strategy?.Segments ?? [];
        var sums = new Dictionary<(GoalMeasure, string?), RepDays>();
        var result = new List<GoalFigures>();
        foreach (var goal in goals)
        {
            var measure = GoalMetrics.MeasureOf(goal.Metric);
            var actuals = GoalActuals.None;
            if (measure is { } m)
            {
                var key = (m, goal.SegmentId);
                if (!sums.TryGetValue(key, out var days))
                {
                    var segment = goal.SegmentId is { } segId ? segments.FirstOrDefault(s => s.Id == segId) : null;
                    days = await SumsAsync(m, frame, reps, goal.SegmentId is null ? null : SegmentAccounts(segment), ct);
                    sums[key] = days;
                }

                actuals = days.For(goal.OwnerId, m == GoalMeasure.Activity ? null : goal.ProductId, m);
            }

            result.Add(new GoalFigures(goal.OwnerId, goal.PlanId, goal.GoalKey, goal.Name, goal.Metric, measure, goal.ProductId, goal.SegmentId,
                goal.UnlinkedProduct, goal.UnlinkedSegment, goal.ObjectiveId, goal.Total,
                Proration.Targets(targets[goal.Id].GroupBy(t => t.Quarter).ToDictionary(t => t.Key, t => t.Sum(x => x.Amount)), frame.Cycle.Quarters,
                    seats.GetValueOrDefault(goal.OwnerId)?.From, seats.GetValueOrDefault(goal.OwnerId)?.To), actuals));
        }

        return result;
    }

    /// <summary>One goal's figures in one period, as the performance page computes them.</summary>
    public static PeriodFigures Measure(GoalFigures goal, PerformancePeriod period, DateOnly day, StatusThresholds thresholds) =>
        GoalMetrics.Figures(goal.Measure ?? GoalMeasure.Activity, period, day, goal.Targets, goal.Sums, thresholds);

    /// <summary>
    /// Adds up goals of one measure in one period into a row: targets, actuals, forecasts and open pipeline are sums;
    /// attainment, coverage and status follow from the sums. <paramref name="target"/> replaces the summed target
    /// (a team measured against its manager's quota).
    /// </summary>
    public static Figures Add(PerformancePeriod period, DateOnly day, StatusThresholds thresholds, IEnumerable<GoalFigures> goals, decimal? target = null)
    {
        var measured = goals.Select(g => (Goal: g, Figures: Measure(g, period, day, thresholds))).ToList();
        var revenue = measured.Count > 0 && measured.All(m => m.Goal.Measure == GoalMeasure.Revenue);
        var sumTarget = target ?? measured.Sum(m => m.Figures.Target);
        var actual = measured.Sum(m => m.Figures.Actual);
        if (!revenue)
        {
            var status = measured.Count == 0 || sumTarget == 0 ? GoalStatus.NoTarget
                : period.End <= day ? GoalMetrics.StatusOf(actual, sumTarget, thresholds)
                : GoalStatus.NotRated;
            return new Figures(period.Key, period.Label, period.Start, period.End, sumTarget, actual, GoalMetrics.Attainment(actual, sumTarget),
                sumTarget - actual, null, null, null, null, null, null, status);
        }

        var forecast = measured.Sum(m => m.Figures.Forecast ?? 0);
        var best = measured.Sum(m => m.Figures.ForecastBestCase ?? 0);
        var open = measured.Sum(m => m.Figures.OpenPipeline ?? 0);
        var (coverage, met) = GoalMetrics.Coverage(open, sumTarget, actual);
        return new Figures(period.Key, period.Label, period.Start, period.End, sumTarget, actual, GoalMetrics.Attainment(actual, sumTarget),
            sumTarget - actual, forecast, best, GoalMetrics.Attainment(forecast, sumTarget), open, coverage, met,
            GoalMetrics.StatusOf(forecast, sumTarget, thresholds));
    }

    /// <summary>Daily sums for every rep in scope, by owner and product, for one measure and one segment filter.</summary>
    private async Task<RepDays> SumsAsync(GoalMeasure measure, DashboardFrame frame, IQueryable<Guid> reps, IQueryable<Guid>? accounts,
        CancellationToken ct)
    {
        var quarters = frame.Cycle.Quarters;
        var days = new RepDays();
        if (quarters.Count == 0)
        {
            return days;
        }

        var (start, end, asOf) = (quarters[0].Start, quarters[^1].End, frame.Day);
        var last = asOf < end ? asOf : end;
        var scoped = db.Opportunities.AsNoTracking().Where(o => !o.Deleted);
        if (accounts is not null)
        {
            scoped = scoped.Where(o => o.AccountId != null && accounts.Contains(o.AccountId.Value));
        }

        var deals = scoped.Where(o => reps.Contains(o.OwnerId));

        switch (measure)
        {
            case GoalMeasure.Revenue:
                {
                    // Won revenue is credited (ADR 0046): owners after revenue splits, splits received, overlay credit.
                    var won = await (from o in scoped.Where(o => o.Outcome == DealOutcome.Won && o.CloseDate >= start && o.CloseDate <= last)
                                     join c in db.DealCredits on o.Id equals c.OpportunityId
                                     where reps.Contains(c.RepId)
                                     group c.Amount by new { OwnerId = c.RepId, o.ProductId, o.CloseDate } into g
                                     select new { g.Key.OwnerId, g.Key.ProductId, g.Key.CloseDate, Sum = g.Sum() }).ToListAsync(ct);
                    var open = await deals.Where(o => o.Outcome == DealOutcome.Open && o.Forecast != ForecastCategory.Omitted && o.Forecast != ForecastCategory.Closed &&
                                                      o.CloseDate >= start && o.CloseDate <= end && o.CreatedDate <= asOf)
                        .GroupBy(o => new { o.OwnerId, o.ProductId, o.CloseDate, o.Forecast })
                        .Select(g => new { g.Key.OwnerId, g.Key.ProductId, g.Key.CloseDate, g.Key.Forecast, Sum = g.Sum(o => o.Amount) }).ToListAsync(ct);
                    days.Add(won.Select(w => new DayRow(w.OwnerId, w.ProductId, w.CloseDate, Kind.Actual, w.Sum, null)));
                    days.Add(open.Select(o => new DayRow(o.OwnerId, o.ProductId, o.CloseDate,
                        o.Forecast == ForecastCategory.Commit ? Kind.Commit : o.Forecast == ForecastCategory.BestCase ? Kind.BestCase : Kind.Pipeline, o.Sum, null)));
                    return days;
                }

            case GoalMeasure.NewLogos:
                {
                    var everWon = db.Opportunities.Where(p => !p.Deleted && p.Outcome == DealOutcome.Won);
                    var logos = await deals.Where(o => o.Outcome == DealOutcome.Won && o.AccountId != null && o.CloseDate >= start && o.CloseDate <= last &&
                                                       !everWon.Any(p => p.AccountId == o.AccountId && p.CloseDate < o.CloseDate))
                        .GroupBy(o => new { o.OwnerId, o.ProductId, o.CloseDate, o.AccountId })
                        .Select(g => new { g.Key.OwnerId, g.Key.ProductId, g.Key.CloseDate, g.Key.AccountId }).ToListAsync(ct);
                    days.Add(logos.Select(l => new DayRow(l.OwnerId, l.ProductId, l.CloseDate, Kind.Actual, 1, l.AccountId)));
                    return days;
                }

            case GoalMeasure.Pipeline:
                {
                    var created = await deals.Where(o => o.CreatedDate >= start && o.CreatedDate <= last)
                        .GroupBy(o => new { o.OwnerId, o.ProductId, o.CreatedDate })
                        .Select(g => new { g.Key.OwnerId, g.Key.ProductId, g.Key.CreatedDate, Sum = g.Sum(o => o.Amount) }).ToListAsync(ct);
                    days.Add(created.Select(c => new DayRow(c.OwnerId, c.ProductId, c.CreatedDate, Kind.Actual, c.Sum, null)));
                    return days;
                }

            case GoalMeasure.Activity:
                {
                    var activities = db.Activities.AsNoTracking().Where(a => reps.Contains(a.OwnerId) && a.Held && a.Date >= start && a.Date <= last);
                    if (accounts is not null)
                    {
                        activities = activities.Where(a => a.AccountId != null && accounts.Contains(a.AccountId.Value));
                    }

                    var held = await activities.GroupBy(a => new { a.OwnerId, a.Date })
                        .Select(g => new { g.Key.OwnerId, g.Key.Date, Count = g.Count() }).ToListAsync(ct);
                    days.Add(held.Select(h => new DayRow(h.OwnerId, null, h.Date, Kind.Actual, h.Count, null)));
                    return days;
                }

            default:
                throw new InvalidOperationException($"Unknown measure {measure}.");
        }
    }

    /// <summary>
    /// The accounts a target segment's criteria match, in SQL: every criterion set must match, ignoring case; a
    /// segment without criteria (or no longer in the strategy) matches nothing. The rule of <see cref="TargetSegment.Matches"/>.
    /// </summary>
    internal IQueryable<Guid> SegmentAccounts(TargetSegment? segment)
    {
        var accounts = db.Accounts.AsNoTracking();
        if (segment is null || !segment.HasCriteria)
        {
            return accounts.Where(a => false).Select(a => a.Id);
        }

        var (industries, kinds, regions) = (Lower(segment.Industries), Lower(segment.AccountSegments), Lower(segment.Regions));
        accounts = accounts.Where(a => (industries.Count == 0 || industries.Contains(a.Industry.Trim().ToLower())) &&
                                       (kinds.Count == 0 || kinds.Contains(a.Segment.Trim().ToLower())) &&
                                       (regions.Count == 0 || regions.Contains(a.Region.Trim().ToLower())));
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

    private static List<string> Lower(List<string> values) => values.Select(v => v.Trim().ToLowerInvariant()).Distinct().ToList();

    private enum Kind
    {
        Actual,
        Commit,
        BestCase,
        Pipeline,
    }

    private sealed record DayRow(Guid OwnerId, string? ProductId, DateOnly Day, Kind Kind, decimal Value, Guid? AccountId);

    /// <summary>The grouped rows of one query, handed out per rep and product as a goal's daily sums.</summary>
    private sealed class RepDays
    {
        private readonly List<DayRow> _rows = [];
        private ILookup<Guid, DayRow>? _byOwner;

        public void Add(IEnumerable<DayRow> more)
        {
            _rows.AddRange(more);
            _byOwner = null;
        }

        public GoalActuals For(Guid owner, string? productId, GoalMeasure measure)
        {
            _byOwner ??= _rows.ToLookup(r => r.OwnerId);
            var mine = _byOwner[owner].Where(r => productId is null || r.ProductId == productId).ToList();
            var actual = measure == GoalMeasure.NewLogos
                // A logo counts once a day however many of its deals (of several products) closed that day.
                ? mine.GroupBy(r => r.Day).ToDictionary(g => g.Key, g => (decimal)g.Select(r => r.AccountId).Distinct().Count())
                : ByDay(mine, Kind.Actual);
            return new GoalActuals(actual, ByDay(mine, Kind.Commit), ByDay(mine, Kind.BestCase),
                mine.Where(r => r.Kind != Kind.Actual).GroupBy(r => r.Day).ToDictionary(g => g.Key, g => g.Sum(r => r.Value)));
        }

        private static Dictionary<DateOnly, decimal> ByDay(IEnumerable<DayRow> rows, Kind kind) =>
            rows.Where(r => r.Kind == kind).GroupBy(r => r.Day).ToDictionary(g => g.Key, g => g.Sum(r => r.Value));
    }
}
