using Terrain.Domain.Strategies;

namespace Terrain.Domain.Planning;

/// <summary>A goal as the alignment rule sees it: what it counts, for which product and segment, towards which objective.</summary>
public sealed record AlignedGoal(string? Metric, string? ProductId, string? SegmentId, string? UnlinkedProduct, string? UnlinkedSegment, string? ObjectiveId);

/// <summary>
/// When a goal counts toward a strategic objective: it is linked to the objective, counts the same metric, and is
/// for the objective's product and segment where the objective names one (a goal for any product does not count
/// toward an objective about one product). The reason a goal does not count is said in words.
/// </summary>
public static class GoalAlignment
{
    /// <summary>Null when the goal counts toward its objective; otherwise why not.</summary>
    public static string? WhyNotCounted(AlignedGoal goal, IReadOnlyDictionary<string, ObjectiveFact> objectives,
        IReadOnlyDictionary<string, string> offerings, IReadOnlyDictionary<string, string> segments)
    {
        if (goal.ObjectiveId is null)
        {
            return "Linked to no objective.";
        }

        if (!objectives.TryGetValue(goal.ObjectiveId, out var objective))
        {
            return "Linked to an objective that is no longer in the strategy.";
        }

        if (goal.Metric is null)
        {
            return "Has no metric.";
        }

        if (goal.Metric != objective.Metric)
        {
            return $"Counts {Goal.MetricLabel(goal.Metric)}; the objective counts {Goal.MetricLabel(objective.Metric)}.";
        }

        return Mismatch("product", "offerings", objective.ProductId, goal.ProductId, goal.UnlinkedProduct, offerings)
               ?? Mismatch("segment", "target segments", objective.SegmentId, goal.SegmentId, goal.UnlinkedSegment, segments);
    }

    private static string? Mismatch(string what, string plural, string? wanted, string? id, string? unlinked, IReadOnlyDictionary<string, string> names)
    {
        if (wanted is null || wanted == id)
        {
            return null;
        }

        if (wanted == StrategyContent.MissingId)
        {
            return $"The objective names a {what} that is not one of the strategy's {plural}.";
        }

        var name = names.GetValueOrDefault(wanted, wanted);
        if (unlinked is not null)
        {
            return $"Its {what} '{unlinked}' is not one of the strategy's {plural}; the objective counts {name} only.";
        }

        return id is null
            ? $"Is for any {what}; the objective counts {name} only."
            : $"Is for {names.GetValueOrDefault(id, id)}; the objective counts {name} only.";
    }
}
