using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.Actuals;
using Terrain.Domain.Performance;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;

namespace Terrain.Features.Performance;

/// <summary>How expected-to-date is drawn for the plan's revenue goals: historical over <see cref="Periods"/> past quarters, or linear with the reason.</summary>
public sealed record ExpectedBasis(string Kind, int Periods, string Note)
{
    public static ExpectedBasis Linear(string why) => new("Linear", 0, why);
}

/// <summary>An action item of the plan in force; <see cref="Version"/> is the ETag to send in If-Match when changing its status.</summary>
public sealed record ActionRow(Guid Id, string ActionKey, string Title, DateOnly? Due, string Status, string? GoalKey, Guid? AccountId, bool Overdue, string Version);

/// <summary>Where activities held and new pipeline went in one period, on the plan's accounts and prospects or elsewhere.</summary>
public sealed record AdherencePeriod(string Period, string Label, AdherenceSplit Activities, AdherenceSplit NewPipeline);

/// <summary>An A account of the plan without a held activity in the last <see cref="PlanAdherence.UntouchedDays"/> days; <see cref="LastActivity"/> null when never.</summary>
public sealed record UntouchedAccount(Guid AccountId, string Name, DateOnly? LastActivity);

/// <summary>A named prospect whose planned contact date has passed without a held activity on an account of that name.</summary>
public sealed record LateProspect(string Company, DateOnly ContactBy, Guid? AccountId);

/// <summary>
/// Plan adherence (docs/metrics.md): the share of activities and new pipeline on the plan's A and B accounts and named
/// prospects, A accounts untouched for 30 days, prospects past their planned contact date.
/// </summary>
public sealed record PlanAdherence(
    int AAccounts,
    int BAccounts,
    int Prospects,
    IReadOnlyList<AdherencePeriod> Periods,
    IReadOnlyList<UntouchedAccount> UntouchedA,
    IReadOnlyList<LateProspect> LateProspects)
{
    public const int UntouchedDays = 30;
}

/// <summary>The metrics of issue 10 §3 beyond actual and forecast: pace, deal figures, actions and adherence.</summary>
public sealed partial class GoalPerformance
{
    /// <summary>Past quarters read for the historical expected-to-date curve.</summary>
    public const int HistoryQuarters = 4;

    /// <summary>The rep's deals of a goal's scope, of any owner and deleted or not: product (except for activities) and segment.</summary>
    private IQueryable<Opportunity> ScopedDeals(PlanGoal goal, GoalMeasure measure, IQueryable<Guid>? accounts)
    {
        var deals = db.Opportunities.AsNoTracking();
        if (goal.ProductId is { } product && measure != GoalMeasure.Activity)
        {
            deals = deals.Where(o => o.ProductId == product);
        }

        if (accounts is not null)
        {
            deals = deals.Where(o => o.AccountId != null && accounts.Contains(o.AccountId.Value));
        }

        return deals;
    }

    private static PeriodRow Row(GoalMeasure? measure, PerformancePeriod period, DateOnly day, IReadOnlyList<Quarter> quarters,
        IReadOnlyDictionary<int, decimal> targets, GoalActuals sums, GoalDeals? deals, StatusThresholds thresholds, ExpectedCurve? curve)
    {
        var figures = GoalMetrics.Figures(measure ?? GoalMeasure.Activity, period, day, targets, sums, thresholds);
        var pace = PaceMetrics.Pace(period, day, quarters, targets, figures.Actual, measure == GoalMeasure.Revenue ? curve : null);
        DealFigures? dealFigures = null;
        if (deals is not null && quarters.Count > 0)
        {
            // Pipeline needed is sized by the win rate of the cycle so far: one quarter's few deals swing too much.
            var winRate = PaceMetrics.WinRateByValue(deals.Closed, quarters[0].Start, day);
            dealFigures = PaceMetrics.Deals(period, day, figures.Target, figures.Actual, deals, winRate);
        }

        return PeriodRow.Of(figures, pace, dealFigures);
    }

    /// <summary>
    /// The revenue goal's deal sums (docs/metrics.md), set-based: closed won and lost per close day, created per day,
    /// open weighted by probability per close day, won deals' created and close days, and per period the open
    /// pipeline at its start read from the snapshots.
    /// </summary>
    private async Task<GoalDeals> DealsAsync(Guid rep, PlanGoal goal, TargetSegment? segment, IReadOnlyList<Quarter> quarters,
        IReadOnlyList<PerformancePeriod> periods, DateOnly asOf, string timeZone, IReadOnlyList<string> earlyStages, CancellationToken ct)
    {
        if (quarters.Count == 0)
        {
            return GoalDeals.None;
        }

        var start = quarters[0].Start;
        var end = quarters[^1].End;
        var last = asOf < end ? asOf : end;
        var scoped = ScopedDeals(goal, GoalMeasure.Revenue, goal.SegmentId is null ? null : SegmentAccounts(segment));
        var deals = scoped.Where(o => !o.Deleted && o.OwnerId == rep);

        var closed = await deals.Where(o => o.Outcome != DealOutcome.Open && o.CloseDate >= start && o.CloseDate <= last)
            .GroupBy(o => new { o.CloseDate, o.Outcome })
            .Select(g => new { g.Key.CloseDate, g.Key.Outcome, Count = g.Count(), Sum = g.Sum(o => o.Amount) }).ToListAsync(ct);
        var created = await deals.Where(o => o.CreatedDate >= start && o.CreatedDate <= last)
            .GroupBy(o => o.CreatedDate).Select(g => new { Day = g.Key, Sum = g.Sum(o => o.Amount) }).ToListAsync(ct);
        var weighted = await deals.Where(o => o.Outcome == DealOutcome.Open && o.Forecast != ForecastCategory.Omitted && o.Forecast != ForecastCategory.Closed &&
                                              o.CloseDate >= start && o.CloseDate <= end && o.CreatedDate <= asOf && !earlyStages.Contains(o.Stage.ToLower()))
            .GroupBy(o => new { o.CloseDate, o.Probability }).Select(g => new { g.Key.CloseDate, g.Key.Probability, Sum = g.Sum(o => o.Amount) }).ToListAsync(ct);
        var spans = await deals.Where(o => o.Outcome == DealOutcome.Won && o.CloseDate >= start && o.CloseDate <= last)
            .GroupBy(o => new { o.CreatedDate, o.CloseDate }).Select(g => new { g.Key.CreatedDate, g.Key.CloseDate, Count = g.Count() }).ToListAsync(ct);

        var atStart = new Dictionary<string, decimal?>();
        foreach (var period in periods.Where(p => p.Start <= asOf && p.Start <= p.End))
        {
            // The state of each deal when the period began: the change in force at the first instant of its first day.
            var at = Deadlines.EndOfDay(period.Start.AddDays(-1), timeZone);
            if (!await db.OpportunityChanges.AnyAsync(c => c.ValidFrom <= at, ct))
            {
                atStart[period.Key] = null;
                continue;
            }

            atStart[period.Key] = await db.OpportunityChanges.AsNoTracking()
                .Where(c => c.OwnerId == rep && c.ValidFrom <= at && (c.ValidTo == null || c.ValidTo > at) && !c.Deleted &&
                            c.Outcome == DealOutcome.Open && c.Forecast != ForecastCategory.Omitted && c.Forecast != ForecastCategory.Closed &&
                            c.CloseDate >= period.Start && c.CloseDate <= period.End && !earlyStages.Contains(c.Stage.ToLower()) &&
                            scoped.Any(o => o.Id == c.OpportunityId))
                .SumAsync(c => c.Amount, ct);
        }

        return new GoalDeals(
            closed.GroupBy(c => c.CloseDate).ToDictionary(g => g.Key, g => new ClosedDay(
                g.Where(c => c.Outcome == DealOutcome.Won).Sum(c => c.Count), g.Where(c => c.Outcome == DealOutcome.Won).Sum(c => c.Sum),
                g.Where(c => c.Outcome == DealOutcome.Lost).Sum(c => c.Count), g.Where(c => c.Outcome == DealOutcome.Lost).Sum(c => c.Sum))),
            created.ToDictionary(c => c.Day, c => c.Sum),
            // A deal without a probability weighs nothing: the CRM did not say how likely it is.
            ByDay(weighted.Select(w => (w.CloseDate, decimal.Round(w.Sum * (w.Probability ?? 0) / 100m, 2, MidpointRounding.ToEven)))),
            spans.Select(s => (s.CreatedDate, s.CloseDate, s.Count)).ToList(),
            atStart);
    }

    /// <summary>
    /// The team's expected-to-date curve: the share of won revenue closed by each week of the last
    /// <see cref="HistoryQuarters"/> quarters (three-month spans) before the quarter holding the as-of date, for the
    /// rep's manager's reps (the rep alone without a manager).
    /// </summary>
    private async Task<(ExpectedCurve? Curve, ExpectedBasis Basis)> ExpectedCurveAsync(Guid rep, IReadOnlyList<Quarter> quarters, DateOnly asOf, CancellationToken ct)
    {
        if (quarters.Count == 0)
        {
            return (null, ExpectedBasis.Linear("The cycle has no quarters."));
        }

        var anchor = quarters.LastOrDefault(q => q.Start <= asOf)?.Start ?? quarters[0].Start;
        if (asOf > quarters[^1].End)
        {
            anchor = quarters[^1].End.AddDays(1);
        }

        var past = Enumerable.Range(1, HistoryQuarters)
            .Select(k => (Start: anchor.AddMonths(-3 * k), End: anchor.AddMonths(-3 * (k - 1)).AddDays(-1))).ToList();
        var from = past[^1].Start;
        var to = anchor.AddDays(-1);
        var manager = await db.Users.Where(u => u.Id == rep).Select(u => u.ManagerId).SingleOrDefaultAsync(ct);
        var team = manager is { } m ? db.Users.Where(u => u.ManagerId == m).Select(u => u.Id) : db.Users.Where(u => u.Id == rep).Select(u => u.Id);
        var won = await db.Opportunities.AsNoTracking()
            .Where(o => !o.Deleted && o.Outcome == DealOutcome.Won && o.CloseDate >= from && o.CloseDate <= to && team.Contains(o.OwnerId))
            .GroupBy(o => o.CloseDate).Select(g => new { Day = g.Key, Sum = g.Sum(o => o.Amount) }).ToListAsync(ct);
        var curve = ExpectedCurve.From(past, won.ToDictionary(w => w.Day, w => w.Sum));
        return curve is null
            ? (null, ExpectedBasis.Linear($"Linear: fewer than {ExpectedCurve.MinPeriods} of the team's last {HistoryQuarters} quarters won anything, too little history for a curve."))
            : (curve, new ExpectedBasis("Historical", curve.PeriodsUsed,
                $"Historical: the share of the team's won revenue closed by each week, averaged over {curve.PeriodsUsed} of its last {HistoryQuarters} quarters."));
    }

    /// <summary>
    /// The action items and plan adherence of the rep's plan in force at the end of the business day, as the
    /// performance page shows them (no actions and null adherence without a plan in force): for the rep dashboard.
    /// </summary>
    public async Task<(IReadOnlyList<ActionRow> Actions, PlanAdherence? Adherence)> ExecutionAsync(PlanningCycle cycle, Guid rep, DateOnly day, CancellationToken ct)
    {
        var version = db.InForce(cycle.Id, rep, Deadlines.EndOfDay(day, cycle.TimeZone).AddTicks(-10));
        var snapshot = await version.Select(v => (Guid?)v.SnapshotId).SingleOrDefaultAsync(ct);
        if (snapshot is not { } id)
        {
            return ([], null);
        }

        var quarters = cycle.Quarters;
        return (await ActionsAsync(version, day, ct), await AdherenceAsync(rep, id, quarters, PerformancePeriod.Of(quarters, day), day, ct));
    }

    /// <summary>The action items of the version in force, with their status as kept now; overdue when open and due before the as-of date.</summary>
    private async Task<IReadOnlyList<ActionRow>> ActionsAsync(IQueryable<ApprovedPlanVersion> version, DateOnly asOf, CancellationToken ct) =>
        (await db.Actions(version).OrderBy(a => a.Position).ToListAsync(ct))
        .Select(a => new ActionRow(a.Id, a.ActionKey, a.Title, a.Due, a.Status, a.GoalKey, a.AccountId, a.Status != "Done" && a.Due < asOf,
            ActionStatusVersion.Of(a.StatusVersion)))
        .ToList();

    /// <summary>
    /// Plan adherence from the plan in force's segmentation (A and B accounts) and prospecting plan (companies,
    /// matched to accounts by exact name ignoring case), over each period up to the as-of date.
    /// </summary>
    private async Task<PlanAdherence> AdherenceAsync(Guid rep, Guid snapshotId, IReadOnlyList<Quarter> quarters, IReadOnlyList<PerformancePeriod> periods,
        DateOnly asOf, CancellationToken ct)
    {
        var json = await db.PlanSnapshots.AsNoTracking().Where(s => s.Id == snapshotId).Select(s => s.Sections).SingleAsync(ct);
        var sections = JsonSerializer.Deserialize<List<SnapshotSection>>(json, SectionContents.Json) ?? [];
        var rows = sections.Where(s => s.Kind == SectionKind.AccountSegmentation)
            .SelectMany(s => SectionContents.Read(s.Kind, s.Content) is SegmentationContent c ? c.Rows : []).ToList();
        var prospects = sections.Where(s => s.Kind == SectionKind.ProspectingPlan)
            .SelectMany(s => SectionContents.Read(s.Kind, s.Content) is ProspectingContent c ? c.Prospects : [])
            .Where(p => p.Company is not null).ToList();
        var a = rows.Where(r => r.Tier == "A").Select(r => r.AccountId).Distinct().ToList();
        var b = rows.Where(r => r.Tier == "B").Select(r => r.AccountId).Distinct().Except(a).ToList();
        var names = prospects.Select(p => p.Company!.Trim().ToLowerInvariant()).Distinct().ToList();
        var named = await db.Accounts.AsNoTracking().Where(x => names.Contains(x.Name.ToLower())).Select(x => new { x.Id, x.Name }).ToListAsync(ct);
        var p = named.Select(x => x.Id).Except(a).Except(b).ToList();

        var split = new List<AdherencePeriod>();
        if (quarters.Count > 0)
        {
            var start = quarters[0].Start;
            var last = asOf < quarters[^1].End ? asOf : quarters[^1].End;
            // 1 = A account, 2 = B account, 3 = a named prospect, 0 = elsewhere (or no account).
            var activities = await db.Activities.AsNoTracking().Where(x => x.OwnerId == rep && x.Held && x.Date >= start && x.Date <= last)
                .GroupBy(x => new
                {
                    x.Date,
                    Bucket = x.AccountId == null ? 0 : a.Contains(x.AccountId.Value) ? 1 : b.Contains(x.AccountId.Value) ? 2 : p.Contains(x.AccountId.Value) ? 3 : 0,
                })
                .Select(g => new { g.Key.Date, g.Key.Bucket, Count = g.Count() }).ToListAsync(ct);
            var pipeline = await db.Opportunities.AsNoTracking().Where(o => !o.Deleted && o.OwnerId == rep && o.CreatedDate >= start && o.CreatedDate <= last)
                .GroupBy(o => new
                {
                    Date = o.CreatedDate,
                    Bucket = o.AccountId != null && a.Contains(o.AccountId.Value) ? 1
                        : o.AccountId != null && b.Contains(o.AccountId.Value) ? 2
                        : (o.AccountId != null && p.Contains(o.AccountId.Value)) || names.Contains(o.AccountName.ToLower()) ? 3 : 0,
                })
                .Select(g => new { g.Key.Date, g.Key.Bucket, Value = g.Sum(o => o.Amount) }).ToListAsync(ct);
            foreach (var period in periods.Where(x => x.Start <= asOf))
            {
                split.Add(new AdherencePeriod(period.Key, period.Label,
                    Split(activities.Where(x => period.Contains(x.Date)).Select(x => (x.Bucket, (decimal)x.Count))),
                    Split(pipeline.Where(x => period.Contains(x.Date)).Select(x => (x.Bucket, x.Value)))));
            }
        }

        var lastTouch = await db.Activities.AsNoTracking().Where(x => x.Held && x.Date <= asOf && x.AccountId != null && (a.Contains(x.AccountId.Value) || p.Contains(x.AccountId.Value)))
            .GroupBy(x => x.AccountId!.Value).Select(g => new { Account = g.Key, Last = g.Max(x => x.Date) }).ToDictionaryAsync(x => x.Account, x => x.Last, ct);
        var aNames = await db.Accounts.AsNoTracking().Where(x => a.Contains(x.Id)).Select(x => new { x.Id, x.Name }).ToDictionaryAsync(x => x.Id, x => x.Name, ct);
        var since = asOf.AddDays(-PlanAdherence.UntouchedDays);
        var untouched = a.Where(id => !lastTouch.TryGetValue(id, out var day) || day <= since)
            .Select(id => new UntouchedAccount(id, aNames.GetValueOrDefault(id, "(account no longer exists)"), lastTouch.TryGetValue(id, out var day) ? day : null))
            .OrderBy(u => u.LastActivity ?? DateOnly.MinValue).ThenBy(u => u.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var cycleStart = quarters.Count > 0 ? quarters[0].Start : DateOnly.MinValue;
        var late = prospects.Where(x => x.ContactBy is { } by && by < asOf)
            .Select(x => (Prospect: x, Account: named.FirstOrDefault(n => string.Equals(n.Name.Trim(), x.Company!.Trim(), StringComparison.OrdinalIgnoreCase))?.Id))
            .Where(x => x.Account is not { } id || !lastTouch.TryGetValue(id, out var day) || day < cycleStart)
            .Select(x => new LateProspect(x.Prospect.Company!, x.Prospect.ContactBy!.Value, x.Account))
            .OrderBy(x => x.ContactBy).ToList();
        return new PlanAdherence(a.Count, b.Count, prospects.Count, split, untouched, late);
    }

    private static AdherenceSplit Split(IEnumerable<(int Bucket, decimal Value)> values)
    {
        var list = values.ToList();
        decimal Of(int bucket) => list.Where(v => v.Bucket == bucket).Sum(v => v.Value);
        return new AdherenceSplit(Of(1), Of(2), Of(3), Of(0));
    }
}

/// <summary>The organisation's metric settings row, or the defaults before a leader set any.</summary>
public static class MetricSettingsStore
{
    public static async Task<MetricSettings> LoadAsync(AppDbContext db, CancellationToken ct) =>
        await db.MetricSettings.AsNoTracking().SingleOrDefaultAsync(s => s.Id == MetricSettings.SingleId, ct) ?? MetricSettings.Default();
}
