namespace Terrain.Domain.Reviews;

/// <summary>
/// One variance reason of a completed review, as a row (ADR 0051): what the oversight counts by category and joins to
/// the corrective actions of the same goal, without unnesting every review's JSON at read time. Written once, when
/// the review is completed (<see cref="Data.AppDbContext"/> adds the rows of a review whose completion it saves); a
/// completed review never changes its reasons, its rep, its manager or its completion day.
/// </summary>
public sealed class ReviewReason
{
    private ReviewReason()
    {
    }

    public Guid ReviewId { get; private set; }

    public string GoalKey { get; private set; } = "";

    public Guid CycleId { get; private set; }

    public Guid RepId { get; private set; }

    public Guid? ManagerId { get; private set; }

    public DateOnly CompletedOn { get; private set; }

    public VarianceCategory Category { get; private set; }

    /// <summary>The rows of a completed review's reasons (none before it is completed).</summary>
    public static IEnumerable<ReviewReason> Of(Review review) => review.CompletedOn is not { } on
        ? []
        : review.VarianceReasons.Select(r => new ReviewReason
        {
            ReviewId = review.Id,
            GoalKey = r.GoalKey,
            CycleId = review.CycleId,
            RepId = review.RepId,
            ManagerId = review.ManagerId,
            CompletedOn = on,
            Category = r.Category,
        });
}
