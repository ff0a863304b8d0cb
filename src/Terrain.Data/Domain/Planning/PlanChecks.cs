using System.Globalization;

namespace Terrain.Domain.Planning;

/// <summary>A finding about a plan: <see cref="Code"/> is stable for clients, the message is for people.</summary>
public sealed record PlanProblem(string Code, string? SectionKey, string Message);

/// <summary>One line of the rep's checklist: a section and what it still lacks before the plan can go in.</summary>
public sealed record ChecklistItem(string SectionKey, string Title, bool Required, bool Done, IReadOnlyList<string> Missing);

public sealed record QuarterGap(string Label, decimal? Quota, decimal Goal, decimal? Gap);

/// <summary>Bottom-up revenue goals against the top-down quota, per quarter and in total; a negative gap is a shortfall.</summary>
public sealed record QuotaGap(IReadOnlyList<QuarterGap> Quarters, decimal? Quota, decimal Goal, decimal? Gap);

/// <summary>
/// The strategy the plan's cycle executes, as the checks see it: its name, whether the cycle makes reps acknowledge it
/// before submitting, and whether the plan's owner has acknowledged this revision.
/// </summary>
public sealed record StrategyGate(Guid StrategyId, string StrategyName, bool RequireAcknowledgement, bool Acknowledged)
{
    public const string Code = "strategy-not-acknowledged";

    public bool Blocks => RequireAcknowledgement && !Acknowledged;

    public string Reason => $"Acknowledge the {StrategyName} before you submit.";
}

public sealed record PlanCheckResult(
    IReadOnlyList<ChecklistItem> Checklist,
    IReadOnlyList<PlanProblem> Blocking,
    IReadOnlyList<PlanProblem> Warnings,
    QuotaGap Gap)
{
    public bool CanSubmit => Blocking.Count == 0;
}

/// <summary>A template section with the rep's content for it.</summary>
public sealed record FilledSection(string Key, string Title, SectionKind Kind, bool Required, SectionContent Content);

/// <summary>
/// The completeness checklist and the quality checks. Hard rules (an empty required section, an untiered account,
/// an A or B account without a next move, a goal or action left half written) block submission. Soft ones (goals
/// below quota, an A account with no action, an action outside the period, a quarter with no goal) are warnings the
/// manager sees beside the plan. When the cycle requires it, a rep who has not acknowledged the cycle's strategy cannot
/// submit either; goals linked to no objective of the strategy, or to one it no longer has, are warnings.
/// </summary>
public static class PlanChecks
{
    private const int NamesShown = 5;

    public static PlanCheckResult Evaluate(IReadOnlyList<FilledSection> sections, PlanFacts facts, IReadOnlyList<decimal?>? quota,
        StrategyGate? strategy = null)
    {
        var blocking = new List<PlanProblem>();
        if (strategy is { Blocks: true })
        {
            // First: however complete the plan is, this is what stands between the rep and submitting.
            blocking.Add(new PlanProblem(StrategyGate.Code, null, strategy.Reason));
        }

        var warnings = new List<PlanProblem>();
        var checklist = new List<ChecklistItem>();
        foreach (var section in sections)
        {
            var missing = section.Content.IsEmpty
                ? section.Required ? [("section-empty", "This required section is empty.")] : []
                : Missing(section, facts).ToList();
            blocking.AddRange(missing.Select(m => new PlanProblem(m.Code, section.Key, $"{section.Title}: {m.Message}")));
            checklist.Add(new ChecklistItem(section.Key, section.Title, section.Required, missing.Count == 0 && !section.Content.IsEmpty,
                missing.Select(m => m.Message).ToList()));
        }

        var gap = Gap(sections, facts, quota);
        warnings.AddRange(QualityWarnings(sections, facts, gap));
        return new PlanCheckResult(checklist, blocking, warnings, gap);
    }

    public static QuotaGap Gap(IReadOnlyList<FilledSection> sections, PlanFacts facts, IReadOnlyList<decimal?>? quota)
    {
        var revenue = GoalsContent.RevenueByQuarter(sections.Select(s => s.Content).OfType<GoalsContent>(), facts.Quarters.Count);
        var quarters = facts.Quarters.Select((q, i) =>
        {
            var goal = revenue[i];
            var target = quota is not null && i < quota.Count ? quota[i] : null;
            return new QuarterGap(q.Label, target, goal, target is { } t ? goal - t : null);
        }).ToList();
        var hasQuota = quarters.Any(q => q.Quota is not null);
        var totalQuota = hasQuota ? quarters.Sum(q => q.Quota ?? 0) : (decimal?)null;
        var totalGoal = quarters.Sum(q => q.Goal);
        return new QuotaGap(quarters, totalQuota, totalGoal, totalQuota is { } tq ? totalGoal - tq : null);
    }

    /// <summary>What a section still lacks, beyond being empty.</summary>
    private static IEnumerable<(string Code, string Message)> Missing(FilledSection section, PlanFacts facts)
    {
        switch (section.Content)
        {
            case SwotContent swot when !swot.IsEmpty:
                foreach (var (name, points) in swot.All.Where(q => q.Points.Count == 0))
                {
                    yield return ("swot-incomplete", $"Add at least one point to {name}.");
                }

                var noSoWhat = swot.All.Sum(q => q.Points.Count(p => p.Point is not null && p.SoWhat is null));
                if (noSoWhat > 0)
                {
                    yield return ("swot-incomplete", $"{Count(noSoWhat, "point")} without a \"so what we will do\".");
                }

                break;
            case SegmentationContent segmentation:
                var tiered = segmentation.Rows.Where(r => r.Tier is not null).ToDictionary(r => r.AccountId);
                var untiered = facts.Accounts.Where(a => !tiered.ContainsKey(a.Key)).Select(a => a.Value).Order(StringComparer.OrdinalIgnoreCase).ToList();
                if (untiered.Count > 0)
                {
                    yield return ("accounts-untiered", $"{Count(untiered.Count, "account")} with no tier: {Names(untiered)}.");
                }

                var top = tiered.Values.Where(r => r.Tier is "A" or "B" && facts.Accounts.ContainsKey(r.AccountId)).ToList();
                var noMove = top.Where(r => r.NextMove is null).Select(r => $"{facts.Accounts[r.AccountId]} ({r.Tier})").ToList();
                if (noMove.Count > 0)
                {
                    yield return ("next-move-missing", $"Every A and B account needs a next move; missing for {Names(noMove)}.");
                }

                var noWhy = top.Where(r => r.Rationale is null).Select(r => $"{facts.Accounts[r.AccountId]} ({r.Tier})").ToList();
                if (noWhy.Count > 0)
                {
                    yield return ("rationale-missing", $"Every A and B account needs a why; missing for {Names(noWhy)}.");
                }

                break;
            case GoalsContent goals:
                for (var i = 0; i < goals.Goals.Count; i++)
                {
                    var goal = goals.Goals[i];
                    if (goal.Metric is null)
                    {
                        yield return ("goal-incomplete", $"Goal {i + 1} ({goal.Title}) needs a metric.");
                    }

                    if (goal.Targets.All(t => t is null))
                    {
                        yield return ("goal-incomplete", $"Goal {i + 1} ({goal.Title}) has no target in any quarter.");
                    }
                }

                break;
            case ActionPlanContent plan:
                for (var i = 0; i < plan.Actions.Count; i++)
                {
                    var action = plan.Actions[i];
                    if (action.Title is null)
                    {
                        yield return ("action-incomplete", $"Action {i + 1} needs a title.");
                    }

                    if (action.Due is null)
                    {
                        yield return ("action-incomplete", $"Action {i + 1} ({action.Title ?? "untitled"}) needs a due date.");
                    }
                }

                break;
        }
    }

    private static IEnumerable<PlanProblem> QualityWarnings(IReadOnlyList<FilledSection> sections, PlanFacts facts, QuotaGap gap)
    {
        foreach (var q in gap.Quarters.Where(q => q.Gap < 0))
        {
            yield return new PlanProblem("below-quota", KeyOf<GoalsContent>(sections),
                $"{q.Label}: revenue goals of {Money(q.Goal)} are {Money(-q.Gap!.Value)} below the quota of {Money(q.Quota)}.");
        }

        var goalSections = sections.Where(s => s.Content is GoalsContent).ToList();
        if (goalSections.Count > 0)
        {
            var goals = goalSections.SelectMany(s => ((GoalsContent)s.Content).Goals).ToList();
            for (var i = 0; i < facts.Quarters.Count; i++)
            {
                if (!goals.Any(g => i < g.Targets.Count && g.Targets[i] > 0))
                {
                    yield return new PlanProblem("quarter-without-goal", goalSections[0].Key, $"{facts.Quarters[i].Label} has no goal.");
                }
            }
        }

        foreach (var problem in ObjectiveWarnings(goalSections, facts))
        {
            yield return problem;
        }

        var actionSections = sections.Where(s => s.Content is ActionPlanContent).ToList();
        var actions = actionSections.SelectMany(s => ((ActionPlanContent)s.Content).Actions).ToList();
        var actionKey = actionSections.FirstOrDefault()?.Key;
        foreach (var action in actions.Where(a => a.Due is { } d && !facts.InPeriod(d)))
        {
            yield return new PlanProblem("action-outside-period", actionKey,
                $"The action \"{action.Title}\" is due {action.Due:yyyy-MM-dd}, outside the period {facts.PeriodStart:yyyy-MM-dd} to {facts.PeriodEnd:yyyy-MM-dd}.");
        }

        foreach (var action in actions.Where(a => a.GoalId is not null && !facts.Goals.ContainsKey(a.GoalId)))
        {
            yield return new PlanProblem("action-goal-removed", actionKey, $"The action \"{action.Title}\" serves a goal that was removed.");
        }

        foreach (var problem in TargetSegmentWarnings(sections, facts))
        {
            yield return problem;
        }

        var withAction = actions.Where(a => a.AccountId is not null).Select(a => a.AccountId!.Value).ToHashSet();
        var segmentation = sections.Select(s => s.Content).OfType<SegmentationContent>().SelectMany(s => s.Rows);
        var lonely = segmentation.Where(r => r.Tier == "A" && facts.Accounts.ContainsKey(r.AccountId) && !withAction.Contains(r.AccountId))
            .Select(r => facts.Accounts[r.AccountId]).Order(StringComparer.OrdinalIgnoreCase).ToList();
        if (lonely.Count > 0 && actionSections.Count > 0)
        {
            yield return new PlanProblem("a-account-without-action", actionKey,
                $"{Count(lonely.Count, "A-tier account")} with no action: {Names(lonely)}.");
        }
    }

    /// <summary>
    /// Tiers against the strategy's target segments: an A account outside every target segment, and a target-segment
    /// account left without a tier (it also blocks as untiered; this says why it matters most).
    /// </summary>
    private static IEnumerable<PlanProblem> TargetSegmentWarnings(IReadOnlyList<FilledSection> sections, PlanFacts facts)
    {
        if (!facts.HasTargetSegments || sections.FirstOrDefault(s => s.Content is SegmentationContent) is not { } section)
        {
            yield break;
        }

        var rows = ((SegmentationContent)section.Content).Rows.Where(r => facts.Accounts.ContainsKey(r.AccountId)).ToList();
        var offTarget = rows.Where(r => r.Tier == "A" && !facts.TargetAccounts!.Contains(r.AccountId))
            .Select(r => facts.Accounts[r.AccountId]).Order(StringComparer.OrdinalIgnoreCase).ToList();
        if (offTarget.Count > 0)
        {
            yield return new PlanProblem("a-account-off-target", section.Key,
                $"{Count(offTarget.Count, "A-tier account")} outside the strategy's target segments: {Names(offTarget)}.");
        }

        var tiered = rows.Where(r => r.Tier is not null).Select(r => r.AccountId).ToHashSet();
        var untiered = facts.TargetAccounts!.Where(id => facts.Accounts.ContainsKey(id) && !tiered.Contains(id))
            .Select(id => facts.Accounts[id]).Order(StringComparer.OrdinalIgnoreCase).ToList();
        if (untiered.Count > 0)
        {
            yield return new PlanProblem("target-account-untiered", section.Key,
                $"{Count(untiered.Count, "target-segment account")} with no tier: {Names(untiered)}.");
        }
    }

    /// <summary>
    /// Links to the strategy's objectives: a link to an objective the strategy no longer has, and (gently, only when the
    /// cycle executes a strategy) goals that could serve one of its objectives but are linked to none.
    /// </summary>
    private static IEnumerable<PlanProblem> ObjectiveWarnings(IReadOnlyList<FilledSection> goalSections, PlanFacts facts)
    {
        foreach (var section in goalSections)
        {
            var goals = ((GoalsContent)section.Content).Goals;
            foreach (var goal in goals.Where(g => g.ObjectiveId is { } id && facts.Objectives?.ContainsKey(id) != true))
            {
                yield return new PlanProblem("goal-objective-removed", section.Key,
                    $"The goal \"{goal.Title}\" is linked to an objective no longer in the strategy; link it to a current objective or to none.");
            }

            foreach (var goal in goals.Where(g => g.Product is not null || g.Segment is not null))
            {
                yield return new PlanProblem("goal-unlinked-product-or-segment", section.Key,
                    $"The goal \"{goal.Title}\" names {string.Join(" and ", new[] { goal.Product is null ? null : $"the product '{goal.Product}'", goal.Segment is null ? null : $"the segment '{goal.Segment}'" }.Where(x => x is not null))}, " +
                    "which the strategy does not have; pick one of the strategy's, or any.");
            }

            if (facts.Objectives is not { Count: > 0 } objectives)
            {
                continue;
            }

            // A linked goal for another product or segment than its objective's would not count toward it.
            foreach (var goal in goals.Where(g => g.ObjectiveId is { } id && objectives.ContainsKey(id) && g.Metric is not null))
            {
                var aligned = new AlignedGoal(goal.Metric, goal.ProductId, goal.SegmentId, goal.Product, goal.Segment, goal.ObjectiveId);
                if (GoalAlignment.WhyNotCounted(aligned, objectives, facts.Offerings ?? new Dictionary<string, string>(),
                        facts.Segments ?? new Dictionary<string, string>()) is { } why)
                {
                    yield return new PlanProblem("goal-not-counted", section.Key,
                        $"The goal \"{goal.Title}\" will not count toward \"{objectives[goal.ObjectiveId!].Name}\": {why}");
                }
            }

            // A goal whose metric no objective counts cannot be linked; only the ones that could be are mentioned.
            var metrics = objectives.Values.Select(o => o.Metric).ToHashSet();
            var unlinked = goals.Where(g => g.ObjectiveId is null && g.Metric is not null && metrics.Contains(g.Metric)).Select(g => g.Title).ToList();
            if (unlinked.Count > 0)
            {
                yield return new PlanProblem("goal-not-linked", section.Key,
                    $"{Count(unlinked.Count, "goal")} linked to no strategic objective: {Names(unlinked)}. Linking goals shows how the plan adds up to the strategy.");
            }
        }
    }

    private static string? KeyOf<T>(IReadOnlyList<FilledSection> sections) => sections.FirstOrDefault(s => s.Content is T)?.Key;

    private static string Names(IReadOnlyList<string> names) =>
        names.Count <= NamesShown ? string.Join(", ", names) : $"{string.Join(", ", names.Take(NamesShown))} and {names.Count - NamesShown} more";

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string Money(decimal? value) => value?.ToString("#,0", CultureInfo.InvariantCulture) ?? "–";
}
