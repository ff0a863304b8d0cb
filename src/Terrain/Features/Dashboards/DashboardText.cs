using System.Globalization;
using Terrain.Domain.Performance;
using Terrain.Features.Plans;

namespace Terrain.Features.Dashboards;

/// <summary>How dashboards say their figures, on the pages and in the exports.</summary>
public static class DashboardText
{
    public static string Status(GoalStatus status) => status switch
    {
        GoalStatus.OnTrack => "On track",
        GoalStatus.AtRisk => "At risk",
        GoalStatus.OffTrack => "Off track",
        GoalStatus.NoTarget => "No target",
        GoalStatus.NotRated => "Not rated yet",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string StatusClass(GoalStatus status) => "perf-" + status.ToString().ToLowerInvariant();

    public static string Percent(decimal? ratio) =>
        ratio is { } r ? (r * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "no target";

    public static string Money(decimal? value) => PlanFormat.Money(value);

    public static string Coverage(Figures f) =>
        f.CoverageMet == true ? "met" : f.Coverage is { } c ? c.ToString("0.##", CultureInfo.InvariantCulture) + "×" : "–";

    public static string Reason(DealRisk risk) => risk switch
    {
        DealRisk.CloseDatePassed => "Close date passed",
        DealRisk.NoRecentActivity => "No recent activity",
        DealRisk.StalledInStage => "Stalled in stage",
        _ => throw new ArgumentOutOfRangeException(nameof(risk), risk, null),
    };

    public static string Source(TeamTargetSource source) => source switch
    {
        TeamTargetSource.ManagerQuota => "manager's quota",
        TeamTargetSource.SumOfReps => "sum of the reps' targets",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, null),
    };

    /// <summary>Needed per remaining week in words: an amount (money for revenue), "met", or "period over".</summary>
    public static string NeededText(PeriodPace pace, bool money) =>
        pace.NeededMet ? "met" : pace.NeededPerWeek is { } n ? (money ? Money(n) : n.ToString("#,0.##", CultureInfo.InvariantCulture)) : "period over";

    /// <summary>A share (1 = 100%) to one decimal; "–" when there is nothing to share.</summary>
    public static string Share(decimal? ratio) => ratio is { } r ? (r * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "–";

    public static string Count(decimal value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Raw(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}

/// <summary>The tables of each dashboard, as exported.</summary>
public static class DashboardTables
{
    public static IReadOnlyList<ExportTable> Of(TeamDashboardView v) =>
    [
        new("reps", ["Rank", "Cycle rank", "Rep", "Plan in force", "Behind", "Deals at risk", .. TableExport.FigureHeaders(v.QuarterLabel), .. TableExport.FigureHeaders("Cycle")],
            v.Reps.Select(r => (object?[])[r.Rank, r.CycleRank, r.Name, r.HasPlanInForce, r.Behind, r.DealsAtRisk, .. TableExport.FigureCells(r.Quarter), .. TableExport.FigureCells(r.Cycle)]).ToList()),
        new("team", ["Team", "Target from", "Sum of reps' targets (quarter)", "Sum of reps' targets (cycle)", .. TableExport.FigureHeaders(v.QuarterLabel), .. TableExport.FigureHeaders("Cycle")],
            v.Totals is { } t ? [[v.Team.Manager, DashboardText.Source(t.TargetSource), t.SumOfRepTargetsQuarter, t.SumOfRepTargetsCycle, .. TableExport.FigureCells(t.Quarter), .. TableExport.FigureCells(t.Cycle)]] : []),
        Deals(v.DealsAtRisk),
    ];

    public static IReadOnlyList<ExportTable> Of(OrganisationView v) =>
    [
        new("teams", ["Rank", "Manager", "Reps", "Reps behind", "Target from", .. TableExport.FigureHeaders(v.QuarterLabel), .. TableExport.FigureHeaders("Cycle")],
            v.Teams.Select(t => (object?[])[t.Rank, t.Manager, t.Reps, t.RepsBehind, DashboardText.Source(t.TargetSource), .. TableExport.FigureCells(t.Quarter), .. TableExport.FigureCells(t.Cycle)]).ToList()),
        Breakdown("products", "Product", v.QuarterLabel, v.Products),
        Breakdown("segments", "Segment", v.QuarterLabel, v.Segments),
        new("objectives", ["Objective", "Metric", "Objective target", "Planned", "Goals", "Share of target", .. TableExport.FigureHeaders("Cycle")],
            v.Objectives.Select(o => (object?[])[o.Name, o.Metric, o.Target, o.Planned, o.Goals, o.ShareOfTarget, .. TableExport.FigureCells(o.Cycle)]).ToList()),
    ];

    public static IReadOnlyList<ExportTable> Of(RepDashboardView v) =>
    [
        new("goals", ["Goal", "Metric", "Product", "Segment", .. TableExport.FigureHeaders(v.QuarterLabel), $"{v.QuarterLabel} weeks left",
                $"{v.QuarterLabel} needed per week", .. TableExport.FigureHeaders("Cycle")],
            v.Goals.Select(g => (object?[])[g.Name, g.Metric, g.Product, g.Segment, .. TableExport.FigureCells(g.Quarter), g.QuarterPace.WeeksLeft,
                Needed(g.QuarterPace), .. TableExport.FigureCells(g.Cycle)]).ToList()),
        new("chart", ["Day", "Expected (cumulative)", "Won (cumulative)", "Forecast (cumulative)"],
            v.Chart.Select(p => new object?[] { p.Day, p.Expected, p.Won, p.Forecast }).ToList()),
        new("adherence", ["Period", "Activities on A accounts", "Activities on B accounts", "Activities on named prospects", "Activities elsewhere",
                "Activities on the plan (share)", "New pipeline on A accounts", "New pipeline on B accounts", "New pipeline on named prospects",
                "New pipeline elsewhere", "New pipeline on the plan (share)"],
            (v.Adherence?.Periods ?? []).Select(p => new object?[]
            {
                p.Label, p.Activities.OnA, p.Activities.OnB, p.Activities.OnProspects, p.Activities.Elsewhere, p.Activities.OnPlanShare,
                p.NewPipeline.OnA, p.NewPipeline.OnB, p.NewPipeline.OnProspects, p.NewPipeline.Elsewhere, p.NewPipeline.OnPlanShare,
            }).ToList()),
        new("plan-gaps", ["Kind", "Name", "Date", "Detail"],
            [
                .. (v.Adherence?.UntouchedA ?? []).Select(u => new object?[] { "A account untouched", u.Name, u.LastActivity, u.LastActivity is null ? "no activity held" : "last activity" }),
                .. (v.Adherence?.LateProspects ?? []).Select(p => new object?[] { "Prospect past its contact date", p.Company, p.ContactBy, "planned contact by" }),
            ]),
        new("stages", ["Period", "Stage", "Entered", "Moved on", "Won", "Lost", "Removed", "Still in", "Conversion", "Median days in stage", "Average days in stage"],
            v.Stages.SelectMany(p => p.Stages.Select(s => new object?[]
            {
                p.Label, s.Stage, s.Entered, s.MovedOn, s.Won, s.Lost, s.Removed, s.StillIn, s.Conversion, s.MedianDays, s.AverageDays,
            })).ToList()),
        new("won-deals", ["Deal", "External id", "Account", "Owner", "Close date", "Amount", "Credited", "How", "Credit percent"],
            v.WonDeals.Select(d => new object?[] { d.Name, d.ExternalId, d.Account, d.Owner, d.CloseDate, d.Amount, d.Credited, d.How, d.Percent }).ToList()),
        new("overdue-actions", ["Action", "Due", "Status", "Goal"],
            v.OverdueActions.Select(a => new object?[] { a.Title, a.Due, a.Status, a.GoalKey }).ToList()),
        Deals(v.DealsAtRisk),
    ];

    /// <summary>Needed per remaining week as exported: the amount, "met" when nothing remains, "period over" when no week is left.</summary>
    public static object Needed(PeriodPace pace) => pace.NeededMet ? "met" : pace.NeededPerWeek is { } n ? n : "period over";

    public static ExportTable Deals(IReadOnlyList<DealAtRisk> deals) =>
        new("deals-at-risk", ["Deal", "External id", "Account", "Owner", "Stage", "Forecast category", "Amount", "Close date", "Last activity", "In stage since", "Reasons", "Why"],
            deals.Select(d => new object?[]
            {
                d.Name, d.ExternalId, d.Account, d.Owner, d.Stage, d.Forecast.ToString(), d.Amount, d.CloseDate, d.LastActivity, d.InStageSince,
                string.Join("; ", d.Reasons.Select(DashboardText.Reason)), d.Why,
            }).ToList());

    private static ExportTable Breakdown(string name, string what, string quarter, IReadOnlyList<BreakdownRow> rows) =>
        new(name, [what, "Goals", "Reps", .. TableExport.FigureHeaders(quarter), .. TableExport.FigureHeaders("Cycle")],
            rows.Select(r => (object?[])[r.Name, r.Goals, r.Reps, .. TableExport.FigureCells(r.Quarter), .. TableExport.FigureCells(r.Cycle)]).ToList());
}

/// <summary>What the deals-at-risk panel of a dashboard page shows.</summary>
public sealed record DealsAtRiskPanel(IReadOnlyList<DealAtRisk> Deals, RiskRules Rules, bool ShowOwner, string Csv, string Xlsx);
