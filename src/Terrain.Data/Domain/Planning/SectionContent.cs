using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Terrain.Domain.Planning;

/// <summary>
/// What the content rules need to know about the plan around a section: the period, its quarters, the rep's own
/// accounts, and the goals the action plan may link to.
/// </summary>
public sealed record PlanFacts(
    DateOnly PeriodStart,
    DateOnly PeriodEnd,
    IReadOnlyList<Quarter> Quarters,
    IReadOnlyDictionary<Guid, string> Accounts,
    IReadOnlyDictionary<string, string> Goals,
    IReadOnlyDictionary<string, ObjectiveFact>? Objectives = null,
    IReadOnlyDictionary<string, string>? Offerings = null,
    IReadOnlyDictionary<string, string>? Segments = null,
    IReadOnlySet<Guid>? TargetAccounts = null)
{
    /// <summary>Whether the strategy names target segments, and so whether <see cref="TargetAccounts"/> means anything.</summary>
    public bool HasTargetSegments => TargetAccounts is not null && Segments is { Count: > 0 };

    public bool InPeriod(DateOnly date) => date >= PeriodStart && date <= PeriodEnd;

    public string AccountName(Guid? id) => id is { } a && Accounts.TryGetValue(a, out var name) ? name : "(an account outside the territory)";

    public string GoalName(string? id) => id is not null && Goals.TryGetValue(id, out var name) ? name : "(a removed goal)";

    /// <summary>The name of one of the strategy's offerings, by id; "Any product" for none.</summary>
    public string ProductName(string? id) => Name(Offerings, id, "Any product");

    /// <summary>The name of one of the strategy's target segments, by id; "Any segment" for none.</summary>
    public string SegmentName(string? id) => Name(Segments, id, "Any segment");

    private static string Name(IReadOnlyDictionary<string, string>? names, string? id, string any) =>
        id is null ? any : names is not null && names.TryGetValue(id, out var name) ? name : $"({id}, no longer in the strategy)";

    public string ObjectiveName(string? id) =>
        id is not null && Objectives is not null && Objectives.TryGetValue(id, out var objective) ? objective.Name : "(an objective no longer in the strategy)";
}

/// <summary>A strategic objective a goal may be linked to: its name and the metric it counts.</summary>
public sealed record ObjectiveFact(string Name, string Metric, string? ProductId = null, string? SegmentId = null);

/// <summary>
/// The content of one plan section. A draft may be half written, so saving checks only that what is there is valid
/// (a tier is A to D, a target is not negative, a date is in the period); what is still missing is reported by
/// <see cref="PlanChecks"/> and blocks submission instead. Work is never refused for being unfinished.
/// </summary>
[JsonDerivedType(typeof(NarrativeContent))]
[JsonDerivedType(typeof(SwotContent))]
[JsonDerivedType(typeof(SegmentationContent))]
[JsonDerivedType(typeof(GoalsContent))]
[JsonDerivedType(typeof(KeyAccountsContent))]
[JsonDerivedType(typeof(ProspectingContent))]
[JsonDerivedType(typeof(ActionPlanContent))]
[JsonDerivedType(typeof(ResourcesContent))]
[JsonDerivedType(typeof(RisksContent))]
public abstract class SectionContent
{
    public const int MaxText = 4000;

    [JsonIgnore]
    public abstract bool IsEmpty { get; }

    /// <summary>Trims text, drops blank rows and gives new rows their ids; then checks every value.</summary>
    public abstract void Normalize(PlanFacts facts);

    /// <summary>The content as lines of plain text, for comparing versions side by side.</summary>
    public abstract IEnumerable<string> Describe(PlanFacts facts);

    protected static string? Clean(string? value, string field, int max = MaxText) => Fields.Clean(value, field, max);

    protected static decimal? Amount(decimal? value, string field, bool whole = false) => Fields.Amount(value, field, whole);

    protected static DateOnly? InPeriod(DateOnly? date, PlanFacts facts, string field)
    {
        if (date is { } d && !facts.InPeriod(d))
        {
            throw new DomainException(
                $"{Label(field)} {Date(d)} is outside the plan period {Date(facts.PeriodStart)} to {Date(facts.PeriodEnd)}.", field);
        }

        return date;
    }

    protected static string? OneOf(string? value, IReadOnlyList<string> allowed, string field) => Fields.OneOf(value, allowed, field);

    protected static void EnsureAtMost<T>(IReadOnlyCollection<T> rows, int max, string field, string what) => Fields.EnsureAtMost(rows, max, field, what);

    protected static string NewId() => Fields.NewId();

    protected static string Money(decimal? value) => value is { } v ? v.ToString("#,0.##", CultureInfo.InvariantCulture) : "–";

    /// <summary>As pages write dates (ADR 0032): "27 Jan 2027".</summary>
    protected static string Date(DateOnly? value) => value is { } d ? d.ToString("d MMM yyyy", CultureInfo.InvariantCulture) : "no date";

    protected static string Label(string field) => Fields.Label(field);
}

public sealed class NarrativeContent : SectionContent
{
    public const int MaxNarrative = 20_000;

    public string? Text { get; set; }

    [JsonIgnore]
    public override bool IsEmpty => string.IsNullOrWhiteSpace(Text);

    public override void Normalize(PlanFacts facts) => Text = Clean(Text, "text", MaxNarrative);

    public override IEnumerable<string> Describe(PlanFacts facts) =>
        (Text ?? "").Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0);
}

public sealed class SwotPoint
{
    public string? Point { get; set; }

    /// <summary>"So what we will do": the action the point leads to.</summary>
    public string? SoWhat { get; set; }
}

public sealed class SwotContent : SectionContent
{
    public static readonly IReadOnlyList<string> Quadrants = ["strengths", "weaknesses", "opportunities", "threats"];

    public List<SwotPoint> Strengths { get; set; } = [];

    public List<SwotPoint> Weaknesses { get; set; } = [];

    public List<SwotPoint> Opportunities { get; set; } = [];

    public List<SwotPoint> Threats { get; set; } = [];

    [JsonIgnore]
    public override bool IsEmpty => All.All(q => q.Points.Count == 0);

    [JsonIgnore]
    public IEnumerable<(string Name, List<SwotPoint> Points)> All =>
        [("strengths", Strengths), ("weaknesses", Weaknesses), ("opportunities", Opportunities), ("threats", Threats)];

    public override void Normalize(PlanFacts facts)
    {
        Strengths = Clean(Strengths, "strengths");
        Weaknesses = Clean(Weaknesses, "weaknesses");
        Opportunities = Clean(Opportunities, "opportunities");
        Threats = Clean(Threats, "threats");
    }

    public override IEnumerable<string> Describe(PlanFacts facts) =>
        All.SelectMany(q => q.Points.Select(p =>
            $"{char.ToUpperInvariant(q.Name[0])}{q.Name[1..^1]}: {p.Point}" + (p.SoWhat is null ? "" : $" → so what: {p.SoWhat}")));

    private static List<SwotPoint> Clean(List<SwotPoint>? points, string field)
    {
        points ??= [];
        EnsureAtMost(points, 30, field, "points per quadrant");
        return points.Select((p, i) => new SwotPoint
        {
            Point = Clean(p.Point, $"{field}[{i}].point", 500),
            SoWhat = Clean(p.SoWhat, $"{field}[{i}].soWhat", 1000),
        }).Where(p => p.Point is not null || p.SoWhat is not null).ToList();
    }
}

public sealed class SegmentRow
{
    public static readonly IReadOnlyList<string> Tiers = ["A", "B", "C", "D"];

    public Guid AccountId { get; set; }

    public string? Tier { get; set; }

    public decimal? Potential { get; set; }

    public decimal? CurrentRevenue { get; set; }

    public decimal? TargetRevenue { get; set; }

    /// <summary>Why the account is in this tier.</summary>
    public string? Rationale { get; set; }

    public string? NextMove { get; set; }

    [JsonIgnore]
    public bool IsBlank => Tier is null && Potential is null && CurrentRevenue is null && TargetRevenue is null &&
                           Rationale is null && NextMove is null;
}

/// <summary>The account segmentation worksheet: the rep's own accounts, each tiered A to D.</summary>
public sealed class SegmentationContent : SectionContent
{
    public const int MaxRows = 3000;

    public List<SegmentRow> Rows { get; set; } = [];

    [JsonIgnore]
    public override bool IsEmpty => Rows.All(r => r.Tier is null);

    public override void Normalize(PlanFacts facts)
    {
        Rows ??= [];
        EnsureAtMost(Rows, MaxRows, "rows", "accounts");
        var seen = new HashSet<Guid>();
        for (var i = 0; i < Rows.Count; i++)
        {
            var row = Rows[i];
            var f = $"rows[{i}]";
            if (!facts.Accounts.TryGetValue(row.AccountId, out var name))
            {
                throw new DomainException($"Row {i + 1}: account {row.AccountId} is not one of your accounts.", $"{f}.accountId");
            }

            if (!seen.Add(row.AccountId))
            {
                throw new DomainException($"Row {i + 1}: {name} is listed twice.", $"{f}.accountId");
            }

            var tier = row.Tier?.Trim();
            if (!string.IsNullOrEmpty(tier) && !SegmentRow.Tiers.Contains(tier.ToUpperInvariant()))
            {
                throw new DomainException($"Row {i + 1} ({name}): the tier must be A, B, C or D, not '{tier}'.", $"{f}.tier");
            }

            row.Tier = string.IsNullOrEmpty(tier) ? null : tier.ToUpperInvariant();
            row.Potential = Amount(row.Potential, $"{f}.potential");
            row.CurrentRevenue = Amount(row.CurrentRevenue, $"{f}.currentRevenue");
            row.TargetRevenue = Amount(row.TargetRevenue, $"{f}.targetRevenue");
            row.Rationale = Clean(row.Rationale, $"{f}.rationale", 1000);
            row.NextMove = Clean(row.NextMove, $"{f}.nextMove", 1000);
        }

        Rows = Rows.Where(r => !r.IsBlank).ToList();
    }

    public override IEnumerable<string> Describe(PlanFacts facts) => Rows
        .OrderBy(r => facts.AccountName(r.AccountId), StringComparer.OrdinalIgnoreCase)
        .Select(r => $"{facts.AccountName(r.AccountId)}: tier {r.Tier ?? "–"}, potential {Money(r.Potential)}, " +
                     $"current {Money(r.CurrentRevenue)}, target {Money(r.TargetRevenue)}" +
                     (r.Rationale is null ? "" : $"; why: {r.Rationale}") +
                     (r.NextMove is null ? "" : $"; next move: {r.NextMove}"));
}

public sealed class Goal
{
    public static readonly IReadOnlyList<string> Metrics = ["Revenue", "NewLogos", "Pipeline", "Activity"];

    /// <summary>Stable id, so that actions (and strategic objectives) can link to the goal.</summary>
    public string? Id { get; set; }

    public string? Metric { get; set; }

    /// <summary>What is counted, e.g. "Revenue from existing customers" or "Discovery meetings".</summary>
    public string? Name { get; set; }

    /// <summary>One of the strategy's offerings, by id; null for any product.</summary>
    public string? ProductId { get; set; }

    /// <summary>One of the strategy's target segments, by id; null for any segment.</summary>
    public string? SegmentId { get; set; }

    /// <summary>
    /// A product named in free text that is none of the strategy's offerings: plans written before goals picked
    /// products by id, or a name sent through the API. Shown as unlinked; a name that matches an offering becomes
    /// <see cref="ProductId"/> when the goals are saved or recorded.
    /// </summary>
    public string? Product { get; set; }

    /// <summary>A segment named in free text that is none of the strategy's target segments (see <see cref="Product"/>).</summary>
    public string? Segment { get; set; }

    /// <summary>The strategic objective (of the cycle's strategy) this goal contributes to, or null.</summary>
    public string? ObjectiveId { get; set; }

    /// <summary>One target per quarter of the period, in order.</summary>
    public List<decimal?> Targets { get; set; } = [];

    /// <summary>The "pipeline needed" worksheet of a revenue goal (ADR 0028); null when none is stated.</summary>
    public PipelineAssumptions? Pipeline { get; set; }

    [JsonIgnore]
    public decimal Total => Targets.Sum(t => t ?? 0);

    [JsonIgnore]
    public bool IsRevenue => Metric == "Revenue";

    [JsonIgnore]
    public string Title => Name ?? (Metric is null ? "Untitled goal" : MetricLabel(Metric));

    public static string MetricLabel(string metric) => metric switch
    {
        "NewLogos" => "New logos",
        _ => metric,
    };
}

/// <summary>The goals worksheet: targets per quarter for revenue, new logos, pipeline and activities.</summary>
public sealed class GoalsContent : SectionContent
{
    public List<Goal> Goals { get; set; } = [];

    [JsonIgnore]
    public override bool IsEmpty => Goals.All(g => g.Targets.All(t => t is null or 0));

    /// <summary>The bottom-up revenue per quarter: the sum of the revenue goals' targets, across worksheets.</summary>
    public static IReadOnlyList<decimal> RevenueByQuarter(IEnumerable<GoalsContent> worksheets, int quarters)
    {
        var revenue = worksheets.SelectMany(w => w.Goals).Where(g => g.IsRevenue).ToList();
        return Enumerable.Range(0, quarters).Select(q => revenue.Sum(g => q < g.Targets.Count ? g.Targets[q] ?? 0 : 0)).ToList();
    }

    public override void Normalize(PlanFacts facts)
    {
        Goals ??= [];
        EnsureAtMost(Goals, 60, "goals", "goals");
        var ids = new HashSet<string>();
        for (var i = 0; i < Goals.Count; i++)
        {
            var goal = Goals[i];
            var f = $"goals[{i}]";
            goal.Metric = OneOf(goal.Metric, Goal.Metrics, $"{f}.metric");
            goal.Name = Clean(goal.Name, $"{f}.name", 200);
            goal.Product = Clean(goal.Product, $"{f}.product", 100);
            goal.Segment = Clean(goal.Segment, $"{f}.segment", 100);
            (goal.ProductId, goal.Product) = Pick(goal.ProductId, goal.Product, facts.Offerings, $"{f}.productId", $"Goal {i + 1}", "offerings");
            (goal.SegmentId, goal.Segment) = Pick(goal.SegmentId, goal.Segment, facts.Segments, $"{f}.segmentId", $"Goal {i + 1}", "target segments");
            goal.Targets ??= [];
            if (goal.Targets.Count > facts.Quarters.Count)
            {
                throw new DomainException(
                    $"Goal {i + 1} has {goal.Targets.Count} quarterly targets; the period has {facts.Quarters.Count} quarters.", $"{f}.targets");
            }

            var whole = goal.Metric is "NewLogos" or "Activity";
            goal.Targets = Enumerable.Range(0, facts.Quarters.Count)
                .Select(q => Amount(q < goal.Targets.Count ? goal.Targets[q] : null, $"{f}.targets[{q}]", whole))
                .ToList();
            goal.Id = string.IsNullOrWhiteSpace(goal.Id) ? NewId() : goal.Id.Trim();
            if (goal.Id.Length > 40 || !ids.Add(goal.Id))
            {
                throw new DomainException($"Goal {i + 1} has an id that is too long or used twice.", $"{f}.id");
            }

            goal.ObjectiveId = LinkedObjective(goal, facts, i);
            // Only revenue converts from pipeline: the worksheet of a goal that no longer counts revenue is dropped.
            goal.Pipeline = goal.Metric is null or "Revenue" ? goal.Pipeline?.Normalized($"{f}.pipeline") : null;
        }

        Goals = Goals.Where(g => g.Metric is not null || g.Name is not null || g.Targets.Any(t => t is not null)).ToList();
    }

    /// <summary>
    /// A product or segment by id must be one of the strategy's; a name that matches one (ignoring case) becomes its
    /// id; a name that matches none is kept as unlinked text, so that nothing written before is lost.
    /// </summary>
    public static (string? Id, string? Unlinked) Pick(string? id, string? name, IReadOnlyDictionary<string, string>? known,
        string field, string what, string plural)
    {
        id = string.IsNullOrWhiteSpace(id) ? null : id.Trim();
        if (id is not null)
        {
            return known is not null && known.ContainsKey(id)
                ? (id, null)
                : throw new DomainException(known is null
                    ? $"{what} picks one of the strategy's {plural}, but this cycle executes no strategy."
                    : $"{what} picks '{id}', which is not one of the {plural} of the strategy this cycle executes.", field);
        }

        if (name is null)
        {
            return (null, null);
        }

        var match = known?.FirstOrDefault(k => string.Equals(k.Value, name, StringComparison.OrdinalIgnoreCase)).Key;
        return match is null ? (null, name) : (match, null);
    }

    /// <summary>A link must name an objective of the cycle's strategy that counts the same metric as the goal.</summary>
    private static string? LinkedObjective(Goal goal, PlanFacts facts, int i)
    {
        var id = string.IsNullOrWhiteSpace(goal.ObjectiveId) ? null : goal.ObjectiveId.Trim();
        if (id is null)
        {
            return null;
        }

        if (facts.Objectives is null || !facts.Objectives.TryGetValue(id, out var objective))
        {
            throw new DomainException(
                facts.Objectives is null
                    ? $"Goal {i + 1} links to a strategic objective, but this cycle executes no strategy."
                    : $"Goal {i + 1} links to '{id}', which is not an objective of the strategy this cycle executes.",
                $"goals[{i}].objectiveId");
        }

        if (goal.Metric is not null && goal.Metric != objective.Metric)
        {
            throw new DomainException(
                $"Goal {i + 1} counts {Goal.MetricLabel(goal.Metric)}; the objective '{objective.Name}' counts {Goal.MetricLabel(objective.Metric)}. Link it to an objective with the same metric.",
                $"goals[{i}].objectiveId");
        }

        return id;
    }

    public override IEnumerable<string> Describe(PlanFacts facts) => Goals.Select(g =>
        $"{g.Title} ({(g.Metric is null ? "no metric" : Goal.MetricLabel(g.Metric))}" +
        (g.ProductId is null ? "" : $", product {facts.ProductName(g.ProductId)}") + (g.Product is null ? "" : $", product {g.Product} (unlinked)") +
        (g.SegmentId is null ? "" : $", segment {facts.SegmentName(g.SegmentId)}") + (g.Segment is null ? "" : $", segment {g.Segment} (unlinked)") +
        (g.ObjectiveId is null ? "" : $", objective {facts.ObjectiveName(g.ObjectiveId)}") + "): " +
        string.Join(", ", facts.Quarters.Select((q, i) => $"{q.Label} {Money(i < g.Targets.Count ? g.Targets[i] : null)}")) +
        $", total {Money(g.Total)}" + (g.Pipeline is { } p ? $"; {p.Describe()}" : ""));
}

public sealed class KeyAccountPlan
{
    public Guid? AccountId { get; set; }

    public string? Objectives { get; set; }

    /// <summary>Who decides, who influences, who blocks: one per line.</summary>
    public string? Stakeholders { get; set; }

    public string? Opportunities { get; set; }

    /// <summary>The incumbent or the competitor we meet.</summary>
    public string? Competition { get; set; }

    public string? Strategy { get; set; }

    [JsonIgnore]
    public bool IsBlank => AccountId is null && Objectives is null && Stakeholders is null && Opportunities is null &&
                           Competition is null && Strategy is null;
}

public sealed class KeyAccountsContent : SectionContent
{
    public List<KeyAccountPlan> Accounts { get; set; } = [];

    [JsonIgnore]
    public override bool IsEmpty => Accounts.Count == 0;

    public override void Normalize(PlanFacts facts)
    {
        Accounts ??= [];
        EnsureAtMost(Accounts, 50, "accounts", "key accounts");
        for (var i = 0; i < Accounts.Count; i++)
        {
            var plan = Accounts[i];
            var f = $"accounts[{i}]";
            if (plan.AccountId is { } id && !facts.Accounts.ContainsKey(id))
            {
                throw new DomainException($"Key account {i + 1}: account {id} is not one of your accounts.", $"{f}.accountId");
            }

            plan.Objectives = Clean(plan.Objectives, $"{f}.objectives");
            plan.Stakeholders = Clean(plan.Stakeholders, $"{f}.stakeholders");
            plan.Opportunities = Clean(plan.Opportunities, $"{f}.opportunities");
            plan.Competition = Clean(plan.Competition, $"{f}.competition", 500);
            plan.Strategy = Clean(plan.Strategy, $"{f}.strategy");
        }

        Accounts = Accounts.Where(a => !a.IsBlank).ToList();
    }

    public override IEnumerable<string> Describe(PlanFacts facts) => Accounts.SelectMany(a =>
        new[]
        {
            $"{facts.AccountName(a.AccountId)}: objectives: {a.Objectives ?? "–"}",
            $"{facts.AccountName(a.AccountId)}: stakeholders: {a.Stakeholders?.Replace('\n', ';') ?? "–"}",
            $"{facts.AccountName(a.AccountId)}: opportunities: {a.Opportunities?.Replace('\n', ';') ?? "–"}",
            $"{facts.AccountName(a.AccountId)}: competition: {a.Competition ?? "–"}",
            $"{facts.AccountName(a.AccountId)}: strategy: {a.Strategy ?? "–"}",
        });
}

public sealed class Prospect
{
    public string? Company { get; set; }

    public string? UsesToday { get; set; }

    /// <summary>How the rep will reach them: channel, message, who introduces.</summary>
    public string? Approach { get; set; }

    public DateOnly? ContactBy { get; set; }
}

public sealed class ProspectingContent : SectionContent
{
    public List<Prospect> Prospects { get; set; } = [];

    [JsonIgnore]
    public override bool IsEmpty => Prospects.Count == 0;

    public override void Normalize(PlanFacts facts)
    {
        Prospects ??= [];
        EnsureAtMost(Prospects, 200, "prospects", "prospects");
        for (var i = 0; i < Prospects.Count; i++)
        {
            var p = Prospects[i];
            var f = $"prospects[{i}]";
            p.Company = Clean(p.Company, $"{f}.company", 200);
            p.UsesToday = Clean(p.UsesToday, $"{f}.usesToday", 500);
            p.Approach = Clean(p.Approach, $"{f}.approach", 1000);
            p.ContactBy = InPeriod(p.ContactBy, facts, $"{f}.contactBy");
        }

        Prospects = Prospects.Where(p => p.Company is not null || p.UsesToday is not null || p.Approach is not null || p.ContactBy is not null).ToList();
    }

    public override IEnumerable<string> Describe(PlanFacts facts) => Prospects.Select(p =>
        $"{p.Company ?? "Unnamed prospect"}: uses {p.UsesToday ?? "–"}; approach: {p.Approach ?? "–"}; contact by {Date(p.ContactBy)}");
}

public sealed class ActionItem
{
    public static readonly IReadOnlyList<string> Statuses = ["NotStarted", "InProgress", "Done", "Blocked"];

    public string? Id { get; set; }

    public string? Title { get; set; }

    public DateOnly? Due { get; set; }

    public string? Status { get; set; }

    /// <summary>Who does it, when not the rep (pre-sales, a partner, the manager).</summary>
    public string? Owner { get; set; }

    public string? GoalId { get; set; }

    public Guid? AccountId { get; set; }

    public static string StatusLabel(string? status) => status switch
    {
        "InProgress" => "In progress",
        "Done" => "Done",
        "Blocked" => "Blocked",
        _ => "Not started",
    };
}

/// <summary>The action plan: dated actions, each optionally serving a goal and an account.</summary>
public sealed class ActionPlanContent : SectionContent
{
    public const int MaxActions = 300;

    public List<ActionItem> Actions { get; set; } = [];

    [JsonIgnore]
    public override bool IsEmpty => Actions.Count == 0;

    public override void Normalize(PlanFacts facts)
    {
        Actions ??= [];
        EnsureAtMost(Actions, MaxActions, "actions", "actions");
        var ids = new HashSet<string>();
        for (var i = 0; i < Actions.Count; i++)
        {
            var a = Actions[i];
            var f = $"actions[{i}]";
            a.Title = Clean(a.Title, $"{f}.title", 300);
            a.Owner = Clean(a.Owner, $"{f}.owner", 100);
            a.Status = OneOf(a.Status, ActionItem.Statuses, $"{f}.status") ?? "NotStarted";
            a.Due = InPeriod(a.Due, facts, $"{f}.due");
            a.GoalId = string.IsNullOrWhiteSpace(a.GoalId) ? null : a.GoalId.Trim();
            if (a.GoalId is not null && !facts.Goals.ContainsKey(a.GoalId))
            {
                throw new DomainException($"Action {i + 1}: the goal it links to is not in this plan.", $"{f}.goalId");
            }

            if (a.AccountId is { } account && !facts.Accounts.ContainsKey(account))
            {
                throw new DomainException($"Action {i + 1}: account {account} is not one of your accounts.", $"{f}.accountId");
            }

            a.Id = string.IsNullOrWhiteSpace(a.Id) ? NewId() : a.Id.Trim();
            if (a.Id.Length > 40 || !ids.Add(a.Id))
            {
                throw new DomainException($"Action {i + 1} has an id that is too long or used twice.", $"{f}.id");
            }
        }

        Actions = Actions.Where(a => a.Title is not null || a.Due is not null || a.GoalId is not null || a.AccountId is not null).ToList();
    }

    public override IEnumerable<string> Describe(PlanFacts facts) => Actions.Select(a =>
        $"{a.Title ?? "Untitled action"}: due {Date(a.Due)}, {ActionItem.StatusLabel(a.Status)}" +
        (a.Owner is null ? "" : $", owner {a.Owner}") +
        (a.GoalId is null ? "" : $", goal {facts.GoalName(a.GoalId)}") +
        (a.AccountId is null ? "" : $", account {facts.AccountName(a.AccountId)}"));
}

public sealed class ResourceItem
{
    public static readonly IReadOnlyList<string> Kinds = ["Marketing", "PreSales", "Partner", "Budget", "Training", "Other"];

    public string? Kind { get; set; }

    public string? Description { get; set; }

    public decimal? Cost { get; set; }

    public DateOnly? NeededBy { get; set; }
}

public sealed class ResourcesContent : SectionContent
{
    public List<ResourceItem> Items { get; set; } = [];

    [JsonIgnore]
    public override bool IsEmpty => Items.Count == 0;

    public override void Normalize(PlanFacts facts)
    {
        Items ??= [];
        EnsureAtMost(Items, 100, "items", "items");
        for (var i = 0; i < Items.Count; i++)
        {
            var r = Items[i];
            var f = $"items[{i}]";
            r.Kind = OneOf(r.Kind, ResourceItem.Kinds, $"{f}.kind");
            r.Description = Clean(r.Description, $"{f}.description", 1000);
            r.Cost = Amount(r.Cost, $"{f}.cost");
            r.NeededBy = InPeriod(r.NeededBy, facts, $"{f}.neededBy");
        }

        Items = Items.Where(r => r.Kind is not null || r.Description is not null || r.Cost is not null || r.NeededBy is not null).ToList();
    }

    public override IEnumerable<string> Describe(PlanFacts facts) => Items.Select(r =>
        $"{r.Kind ?? "Other"}: {r.Description ?? "–"}; cost {Money(r.Cost)}; needed by {Date(r.NeededBy)}");
}

public sealed class RiskItem
{
    public static readonly IReadOnlyList<string> Levels = ["Low", "Medium", "High"];

    public string? Risk { get; set; }

    public string? Likelihood { get; set; }

    public string? Impact { get; set; }

    public string? Mitigation { get; set; }
}

public sealed class RisksContent : SectionContent
{
    public List<RiskItem> Items { get; set; } = [];

    [JsonIgnore]
    public override bool IsEmpty => Items.Count == 0;

    public override void Normalize(PlanFacts facts)
    {
        Items ??= [];
        EnsureAtMost(Items, 100, "items", "risks");
        for (var i = 0; i < Items.Count; i++)
        {
            var r = Items[i];
            var f = $"items[{i}]";
            r.Risk = Clean(r.Risk, $"{f}.risk", 500);
            r.Likelihood = OneOf(r.Likelihood, RiskItem.Levels, $"{f}.likelihood");
            r.Impact = OneOf(r.Impact, RiskItem.Levels, $"{f}.impact");
            r.Mitigation = Clean(r.Mitigation, $"{f}.mitigation", 1000);
        }

        Items = Items.Where(r => r.Risk is not null || r.Mitigation is not null || r.Likelihood is not null || r.Impact is not null).ToList();
    }

    public override IEnumerable<string> Describe(PlanFacts facts) => Items.Select(r =>
        $"{r.Risk ?? "Unnamed risk"} (likelihood {r.Likelihood ?? "–"}, impact {r.Impact ?? "–"}); mitigation: {r.Mitigation ?? "–"}");
}

/// <summary>Reads and writes section content as JSON; the kind comes from the template, never from the payload.</summary>
public static class SectionContents
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static Type TypeOf(SectionKind kind) => kind switch
    {
        SectionKind.Narrative => typeof(NarrativeContent),
        SectionKind.Swot => typeof(SwotContent),
        SectionKind.AccountSegmentation => typeof(SegmentationContent),
        SectionKind.Goals => typeof(GoalsContent),
        SectionKind.KeyAccountPlans => typeof(KeyAccountsContent),
        SectionKind.ProspectingPlan => typeof(ProspectingContent),
        SectionKind.ActionPlan => typeof(ActionPlanContent),
        SectionKind.ResourcesNeeded => typeof(ResourcesContent),
        _ => typeof(RisksContent),
    };

    public static SectionContent Empty(SectionKind kind) => (SectionContent)Activator.CreateInstance(TypeOf(kind))!;

    /// <summary>Parses a payload; a malformed one is refused naming the JSON path at fault.</summary>
    public static SectionContent Parse(SectionKind kind, JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new DomainException("The section content must be a JSON object.", "content");
        }

        try
        {
            return (SectionContent?)payload.Deserialize(TypeOf(kind), Json) ?? Empty(kind);
        }
        catch (JsonException e)
        {
            var path = e.Path is { Length: > 2 } p ? p[2..] : "content";
            var reason = e.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? "is not a field of this section"
                : "has a value of the wrong type";
            throw new DomainException($"'{path}' {reason}.", path);
        }
    }

    /// <summary>Reads stored content; content stored under an earlier template kind reads as empty.</summary>
    public static SectionContent Read(SectionKind kind, string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return Empty(kind);
        }

        try
        {
            return (SectionContent?)JsonSerializer.Deserialize(json, TypeOf(kind), Json) ?? Empty(kind);
        }
        catch (JsonException)
        {
            return Empty(kind);
        }
    }

    public static string Write(SectionContent content) => JsonSerializer.Serialize(content, content.GetType(), Json);
}
