using System.Text.Json;

namespace Terrain.Domain.Planning;

/// <summary>
/// One approved version of a plan. It is the plan of record of its rep in its cycle from <see cref="ApprovedAt"/>
/// until a later version of the same plan is approved; while an amendment is under way it stays in force. Its goals
/// and action items are the rows recorded for <see cref="SnapshotId"/>, the submission that was approved.
/// </summary>
public sealed class ApprovedPlanVersion
{
    private ApprovedPlanVersion()
    {
    }

    public Guid Id { get; private set; }

    public Guid PlanId { get; private set; }

    public Guid CycleId { get; private set; }

    public Guid OwnerId { get; private set; }

    /// <summary>The plan's working version that was approved (1, then 2 after an amendment, ...).</summary>
    public int Edition { get; private set; }

    /// <summary>The submission that was approved.</summary>
    public Guid SnapshotId { get; private set; }

    public int SnapshotNumber { get; private set; }

    public DateTimeOffset ApprovedAt { get; private set; }

    public Guid ApprovedById { get; private set; }

    public static ApprovedPlanVersion Record(Plan plan, PlanSnapshot approved, Guid approvedById, DateTimeOffset approvedAt)
    {
        if (approved.PlanId != plan.Id)
        {
            throw new InvalidOperationException("The approved submission belongs to another plan.");
        }

        return new ApprovedPlanVersion
        {
            Id = Guid.CreateVersion7(approvedAt),
            PlanId = plan.Id,
            CycleId = plan.CycleId,
            OwnerId = plan.OwnerId,
            Edition = approved.Edition,
            SnapshotId = approved.Id,
            SnapshotNumber = approved.Number,
            ApprovedAt = approvedAt,
            ApprovedById = approvedById,
        };
    }
}

/// <summary>
/// A goal of one submitted version of a plan, as a row that SQL can filter, join and sum: its metric, the product
/// and segment it counts (by the strategy's ids; null for any), the objective it serves, and its targets per quarter
/// (<see cref="PlanGoalTarget"/>). Rows are written when the version is submitted and never change.
/// </summary>
public sealed class PlanGoal
{
    private PlanGoal()
    {
    }

    public Guid Id { get; private set; }

    public Guid SnapshotId { get; private set; }

    public Guid PlanId { get; private set; }

    /// <summary>The goal's own id in the plan content; stable across versions, so actions and reviews refer to it.</summary>
    public string GoalKey { get; private set; } = "";

    /// <summary>Its place in the worksheet, from 0.</summary>
    public int Position { get; private set; }

    /// <summary>One of <see cref="Goal.Metrics"/>; null when the rep set none.</summary>
    public string? Metric { get; private set; }

    public string Name { get; private set; } = "";

    public string? ProductId { get; private set; }

    public string? SegmentId { get; private set; }

    /// <summary>A product written as free text that matches none of the strategy's offerings.</summary>
    public string? UnlinkedProduct { get; private set; }

    /// <summary>A segment written as free text that matches none of the strategy's target segments.</summary>
    public string? UnlinkedSegment { get; private set; }

    public string? ObjectiveId { get; private set; }

    /// <summary>The sum of the quarterly targets.</summary>
    public decimal Total { get; private set; }

    public List<PlanGoalTarget> Targets { get; private set; } = [];

    internal static PlanGoal Of(PlanSnapshot snapshot, int position, Goal goal, IReadOnlyList<Quarter> quarters,
        IReadOnlyDictionary<string, string>? offerings, IReadOnlyDictionary<string, string>? segments)
    {
        var (productId, product) = GoalsContent.Pick(Known(goal.ProductId, offerings), goal.ProductId is null ? goal.Product : null, offerings, "productId", "", "");
        var (segmentId, segment) = GoalsContent.Pick(Known(goal.SegmentId, segments), goal.SegmentId is null ? goal.Segment : null, segments, "segmentId", "", "");
        var row = new PlanGoal
        {
            Id = Guid.CreateVersion7(snapshot.SubmittedAt),
            SnapshotId = snapshot.Id,
            PlanId = snapshot.PlanId,
            GoalKey = goal.Id ?? $"goal-{position + 1}",
            Position = position,
            Metric = goal.Metric,
            Name = goal.Title,
            ProductId = productId,
            SegmentId = segmentId,
            // An id that is no longer in the strategy is kept as unlinked text, not lost.
            UnlinkedProduct = product ?? (goal.ProductId is not null && productId is null ? goal.ProductId : null),
            UnlinkedSegment = segment ?? (goal.SegmentId is not null && segmentId is null ? goal.SegmentId : null),
            ObjectiveId = goal.ObjectiveId,
            Total = goal.Total,
        };
        for (var q = 0; q < quarters.Count; q++)
        {
            if (q < goal.Targets.Count && goal.Targets[q] is { } target)
            {
                row.Targets.Add(new PlanGoalTarget(row.Id, quarters[q].Number, quarters[q].Start, quarters[q].End, target));
            }
        }

        return row;
    }

    private static string? Known(string? id, IReadOnlyDictionary<string, string>? known) =>
        id is not null && known is not null && known.ContainsKey(id) ? id : null;
}

/// <summary>A goal's target for one quarter of the period.</summary>
public sealed class PlanGoalTarget(Guid goalId, int quarter, DateOnly start, DateOnly end, decimal amount)
{
    public Guid GoalId { get; private set; } = goalId;

    /// <summary>1 to 4.</summary>
    public int Quarter { get; private set; } = quarter;

    public DateOnly Start { get; private set; } = start;

    public DateOnly End { get; private set; } = end;

    public decimal Amount { get; private set; } = amount;
}

/// <summary>An item of the action plan of one submitted version of a plan, as a row (see <see cref="PlanGoal"/>).</summary>
public sealed class PlanActionItem
{
    private PlanActionItem()
    {
    }

    public Guid Id { get; private set; }

    public Guid SnapshotId { get; private set; }

    public Guid PlanId { get; private set; }

    public string ActionKey { get; private set; } = "";

    public int Position { get; private set; }

    public string Title { get; private set; } = "";

    public DateOnly? Due { get; private set; }

    /// <summary>
    /// One of <see cref="ActionItem.Statuses"/>: as the version was submitted, then as the rep (or their manager)
    /// keeps it while the plan is carried out (<see cref="SetStatus"/>).
    /// </summary>
    public string Status { get; private set; } = "";

    /// <summary>Changes with every status change: the concurrency token (and ETag) of the status.</summary>
    public Guid StatusVersion { get; private set; }

    public DateTimeOffset? StatusChangedAt { get; private set; }

    public Guid? StatusChangedById { get; private set; }

    public string? Owner { get; private set; }

    /// <summary>The goal it serves: a <see cref="PlanGoal.GoalKey"/> of the same version.</summary>
    public string? GoalKey { get; private set; }

    public Guid? AccountId { get; private set; }

    /// <summary>Sets the status the action is in now; returns the previous one. An unknown status names the field.</summary>
    public string SetStatus(string? status, Guid by, DateTimeOffset at)
    {
        var canonical = ActionItem.Statuses.FirstOrDefault(s => string.Equals(s, status?.Trim(), StringComparison.OrdinalIgnoreCase))
                        ?? throw new DomainException($"'{status}' is not an action status: use one of {string.Join(", ", ActionItem.Statuses)}.", "status");
        var previous = Status;
        (Status, StatusVersion, StatusChangedAt, StatusChangedById) = (canonical, Guid.NewGuid(), at, by);
        return previous;
    }

    internal static PlanActionItem Of(PlanSnapshot snapshot, int position, ActionItem action) => new()
    {
        StatusVersion = Guid.NewGuid(),
        Id = Guid.CreateVersion7(snapshot.SubmittedAt),
        SnapshotId = snapshot.Id,
        PlanId = snapshot.PlanId,
        ActionKey = action.Id ?? $"action-{position + 1}",
        Position = position,
        Title = action.Title ?? "Untitled action",
        Due = action.Due,
        Status = action.Status ?? "NotStarted",
        Owner = action.Owner,
        GoalKey = action.GoalId,
        AccountId = action.AccountId,
    };
}

/// <summary>Turns a submitted version's content into the rows of the plan of record.</summary>
public static class PlanRecordRows
{
    /// <summary>
    /// The goal and action rows of a snapshot. Products and segments named as free text are matched to the
    /// strategy's offerings and segments by name; what matches nothing stays as unlinked text.
    /// </summary>
    public static (IReadOnlyList<PlanGoal> Goals, IReadOnlyList<PlanActionItem> Actions) Of(PlanSnapshot snapshot,
        IReadOnlyList<Quarter> quarters, IReadOnlyDictionary<string, string>? offerings, IReadOnlyDictionary<string, string>? segments)
    {
        var sections = JsonSerializer.Deserialize<List<SnapshotSection>>(snapshot.Sections, SectionContents.Json) ?? [];
        var goals = sections.Where(s => s.Kind == SectionKind.Goals)
            .SelectMany(s => SectionContents.Read(s.Kind, s.Content) is GoalsContent g ? g.Goals : [])
            .DistinctBy(g => g.Id)
            .Select((g, i) => PlanGoal.Of(snapshot, i, g, quarters, offerings, segments))
            .ToList();
        var actions = sections.Where(s => s.Kind == SectionKind.ActionPlan)
            .SelectMany(s => SectionContents.Read(s.Kind, s.Content) is ActionPlanContent a ? a.Actions : [])
            .DistinctBy(a => a.Id)
            .Select((a, i) => PlanActionItem.Of(snapshot, i, a))
            .ToList();
        return (goals, actions);
    }
}
