namespace Terrain.Domain.Reviews;

public enum CorrectiveStatus
{
    Open,
    Done,
    Dropped,
    Missed,
}

/// <summary>What a claim measures, read from the actuals like the goals of the same metric (docs/metrics.md).</summary>
public enum ClaimMetric
{
    RevenueWon,
    PipelineCreated,
    ActivitiesHeld,
    NewLogos,
}

/// <summary>What a claim is narrowed to: one of the strategy's target segments, one of its offerings, or nothing.</summary>
public enum ClaimFilter
{
    None,
    Segment,
    Product,
}

public enum ClaimOutcome
{
    /// <summary>Its date has not passed and the amount is not reached yet.</summary>
    Pending,
    Achieved,
    PartlyAchieved,
    Missed,
}

/// <summary>The effect an action is expected to have: "+50,000 pipeline created in segment X by 1 March".</summary>
public sealed record EffectClaim(ClaimMetric Metric, ClaimFilter Filter, string? FilterId, decimal Amount, DateOnly By);

/// <summary>
/// An action agreed in a review to close a gap: what, who (the rep or the manager), by when, for which goal, and its
/// expected effect as a claim that imports check against the actuals. Both people confirm the agreement. It lives apart
/// from the approved plan: following up never edits the plan (ADR 0025).
/// </summary>
public sealed class CorrectiveAction
{
    public const int MaxWhat = 500;

    private CorrectiveAction()
    {
    }

    public Guid Id { get; private set; }

    public Guid ReviewId { get; private set; }

    public Guid CycleId { get; private set; }

    public Guid RepId { get; private set; }

    public Guid? ManagerId { get; private set; }

    public string What { get; private set; } = "";

    public Guid OwnerId { get; private set; }

    public DateOnly Due { get; private set; }

    public string? GoalKey { get; private set; }

    public ClaimMetric ClaimMetric { get; private set; }

    public ClaimFilter ClaimFilter { get; private set; }

    public string? ClaimFilterId { get; private set; }

    public decimal ClaimAmount { get; private set; }

    /// <summary>The first day that counts toward the claim: the day it was agreed.</summary>
    public DateOnly ClaimFrom { get; private set; }

    public DateOnly ClaimBy { get; private set; }

    public ClaimOutcome ClaimOutcome { get; private set; }

    public decimal? ClaimActual { get; private set; }

    public DateTimeOffset? ClaimCheckedAt { get; private set; }

    public CorrectiveStatus Status { get; private set; }

    public string? DropReason { get; private set; }

    /// <summary>What came of it, as recorded at a later review.</summary>
    public string Outcome { get; private set; } = "";

    public Guid? RepConfirmedById { get; private set; }

    public DateTimeOffset? RepConfirmedAt { get; private set; }

    public Guid? ManagerConfirmedById { get; private set; }

    public DateTimeOffset? ManagerConfirmedAt { get; private set; }

    public Guid CreatedById { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public Guid Version { get; private set; }

    public EffectClaim Claim => new(ClaimMetric, ClaimFilter, ClaimFilterId, ClaimAmount, ClaimBy);

    /// <summary>Agreed when both the rep and the manager confirmed it.</summary>
    public bool Agreed => RepConfirmedAt is not null && ManagerConfirmedAt is not null;

    /// <summary>Agrees an action in a review; the person proposing it confirms it at once. The filter check asks whether the claim's segment or offering is the cycle strategy's.</summary>
    public static CorrectiveAction Agree(Review review, string what, Guid ownerId, DateOnly due, string? goalKey, IReadOnlyCollection<string> goalKeys,
        EffectClaim claim, Func<ClaimFilter, string, bool> filterExists, Guid actorId, DateOnly today, DateTimeOffset now)
    {
        review.EnsureNotCompleted();
        var text = (what ?? "").Trim();
        if (text.Length == 0 || text.Length > MaxWhat || text.Any(char.IsControl))
        {
            throw new DomainException($"Say what will be done, in one line of at most {MaxWhat} characters.", "what");
        }

        if (ownerId != review.RepId && ownerId != review.ManagerId)
        {
            throw new DomainException("The owner is the rep or the manager of the review; nobody else.", "ownerId");
        }

        if (due < today)
        {
            throw new DomainException($"The due date {due:yyyy-MM-dd} has passed.", "due");
        }

        if (goalKey is not null && !goalKeys.Contains(goalKey))
        {
            throw new DomainException($"The plan in force has no goal '{goalKey}'.", "goalKey");
        }

        ValidateClaim(claim, filterExists, today);
        var action = new CorrectiveAction
        {
            Id = Guid.CreateVersion7(now),
            ReviewId = review.Id,
            CycleId = review.CycleId,
            RepId = review.RepId,
            ManagerId = review.ManagerId,
            What = text,
            OwnerId = ownerId,
            Due = due,
            GoalKey = goalKey,
            ClaimMetric = claim.Metric,
            ClaimFilter = claim.Filter,
            ClaimFilterId = claim.Filter == ClaimFilter.None ? null : claim.FilterId,
            ClaimAmount = claim.Amount,
            ClaimFrom = today,
            ClaimBy = claim.By,
            ClaimOutcome = ClaimOutcome.Pending,
            Status = CorrectiveStatus.Open,
            CreatedById = actorId,
            CreatedAt = now,
            Version = Guid.NewGuid(),
        };
        action.Confirm(actorId, now);
        return action;
    }

    /// <summary>The rep or the manager of the review confirms the agreement; the one who proposed it confirmed it then.</summary>
    public bool Confirm(Guid actorId, DateTimeOffset now)
    {
        if (actorId == RepId)
        {
            if (RepConfirmedAt is not null)
            {
                return false;
            }

            (RepConfirmedById, RepConfirmedAt) = (actorId, now);
        }
        else if (actorId == ManagerId)
        {
            if (ManagerConfirmedAt is not null)
            {
                return false;
            }

            (ManagerConfirmedById, ManagerConfirmedAt) = (actorId, now);
        }
        else
        {
            throw new NotAllowedException("Only the rep and the manager of the review confirm its corrective actions.");
        }

        Version = Guid.NewGuid();
        return true;
    }

    /// <summary>Done, dropped (with a reason) or missed; or open again. The outcome note may be written at any time.</summary>
    public void Follow(CorrectiveStatus? status, string? dropReason, string? outcome)
    {
        if (status is { } next)
        {
            if (!Enum.IsDefined(next))
            {
                throw new DomainException($"Unknown status. Use one of {string.Join(", ", Enum.GetNames<CorrectiveStatus>())}.", "status");
            }

            var reason = dropReason?.Trim() ?? "";
            if (next == CorrectiveStatus.Dropped && reason.Length == 0)
            {
                throw new DomainException("Say why the action is dropped.", "dropReason");
            }

            if (reason.Length > MaxWhat || reason.Any(char.IsControl))
            {
                throw new DomainException($"The reason is one line of at most {MaxWhat} characters.", "dropReason");
            }

            Status = next;
            DropReason = next == CorrectiveStatus.Dropped ? reason : null;
        }
        else if (dropReason is not null)
        {
            throw new DomainException("A drop reason goes with the status Dropped.", "dropReason");
        }

        if (outcome is not null)
        {
            var text = outcome.Trim();
            if (text.Length > Review.MaxNote)
            {
                throw new DomainException($"The outcome is at most {Review.MaxNote} characters.", "outcome");
            }

            Outcome = text;
        }

        Version = Guid.NewGuid();
    }

    /// <summary>Records what the actuals show for the claim; once decided (achieved, partly, missed) it stays.</summary>
    public bool Check(decimal actual, DateOnly today, DateTimeOffset now)
    {
        if (ClaimOutcome != ClaimOutcome.Pending || Status == CorrectiveStatus.Dropped)
        {
            return false;
        }

        var verdict = Verdict(actual, ClaimAmount, ClaimBy, today);
        var changed = verdict != ClaimOutcome || actual != ClaimActual;
        (ClaimOutcome, ClaimActual, ClaimCheckedAt) = (verdict, actual, now);
        return changed;
    }

    /// <summary>Achieved once the amount is reached; when the date has passed without it, partly achieved if anything counted, else missed.</summary>
    public static ClaimOutcome Verdict(decimal actual, decimal amount, DateOnly by, DateOnly today) =>
        actual >= amount ? ClaimOutcome.Achieved
        : today <= by ? ClaimOutcome.Pending
        : actual > 0 ? ClaimOutcome.PartlyAchieved
        : ClaimOutcome.Missed;

    private static void ValidateClaim(EffectClaim claim, Func<ClaimFilter, string, bool> filterExists, DateOnly today)
    {
        if (!Enum.IsDefined(claim.Metric))
        {
            throw new DomainException($"Unknown metric. Use one of {string.Join(", ", Enum.GetNames<ClaimMetric>())}.", "claim.metric");
        }

        if (!Enum.IsDefined(claim.Filter))
        {
            throw new DomainException($"Unknown filter. Use one of {string.Join(", ", Enum.GetNames<ClaimFilter>())}.", "claim.filter");
        }

        if (claim.Filter != ClaimFilter.None)
        {
            if (string.IsNullOrWhiteSpace(claim.FilterId) || !filterExists(claim.Filter, claim.FilterId))
            {
                throw new DomainException($"The strategy has no {claim.Filter.ToString().ToLowerInvariant()} '{claim.FilterId}'.", "claim.filterId");
            }

            if (claim.Filter == ClaimFilter.Product && claim.Metric == ClaimMetric.ActivitiesHeld)
            {
                throw new DomainException("Activities have no product: narrow an activities claim to a segment or to nothing.", "claim.filter");
            }
        }

        if (claim.Metric is ClaimMetric.ActivitiesHeld or ClaimMetric.NewLogos && decimal.Round(claim.Amount) != claim.Amount)
        {
            throw new DomainException("Activities and logos are counted in whole numbers.", "claim.amount");
        }

        Money.Validate(claim.Amount, "claim.amount");
        if (claim.Amount <= 0)
        {
            throw new DomainException("A claim expects some effect: an amount above zero.", "claim.amount");
        }

        if (claim.By < today)
        {
            throw new DomainException($"The claim's date {claim.By:yyyy-MM-dd} has passed.", "claim.by");
        }
    }
}
