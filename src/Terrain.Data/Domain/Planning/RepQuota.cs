namespace Terrain.Domain.Planning;

/// <summary>Where a quota change came from: the page's grid, a CSV file (page or API), or the JSON API.</summary>
public enum QuotaSource
{
    Grid,
    Csv,
    Api,

    /// <summary>A top-down allocation of the cycle's target (ADR 0038).</summary>
    Allocation,
}

/// <summary>
/// A rep's (or a manager's team) quota for one cycle as the unit people edit: the quarterly <see cref="Quota"/> rows and
/// the seat dates under it change together, and every change raises <see cref="Version"/>, the concurrency token a
/// grid row or an API row carries back (ADR 0034). Issue 13's publication state (proposed, published, acknowledged)
/// belongs here, beside the version it was published at.
/// </summary>
public sealed class RepQuota
{
    private RepQuota()
    {
    }

    public Guid Id { get; private set; }

    public Guid CycleId { get; private set; }

    public Guid RepId { get; private set; }

    /// <summary>0 before the first change through Terrain; each change adds one.</summary>
    public int Version { get; private set; }

    public Guid ChangedById { get; private set; }

    public DateTimeOffset ChangedAt { get; private set; }

    public static RepQuota Start(Guid cycleId, Guid repId, DateTimeOffset now) =>
        new() { Id = Guid.CreateVersion7(now), CycleId = cycleId, RepId = repId };

    public void Touch(Guid actorId, DateTimeOffset now)
    {
        Version++;
        (ChangedById, ChangedAt) = (actorId, now);
    }

    /// <summary>The version a quota letter first showed the rep (ADR 0038); null before publication.</summary>
    public int? PublishedVersion { get; private set; }

    public DateTimeOffset? PublishedAt { get; private set; }

    /// <summary>The allocation whose assumptions the rep's quota letter explains.</summary>
    public Guid? AllocationId { get; private set; }

    /// <summary>The version the rep last acknowledged; a change after that asks them again.</summary>
    public int? AcknowledgedVersion { get; private set; }

    public DateTimeOffset? AcknowledgedAt { get; private set; }

    public bool IsPublished => PublishedVersion is not null;

    /// <summary>Published, and the rep has not acknowledged the quota as it is now.</summary>
    public bool AwaitsAcknowledgement => IsPublished && AcknowledgedVersion != Version;

    /// <summary>Publishes the quota as it is now as the rep's quota letter; an earlier acknowledgement no longer counts unless nothing changed.</summary>
    public void Publish(Guid allocationId, DateTimeOffset now) =>
        (PublishedVersion, PublishedAt, AllocationId) = (Version, now, allocationId);

    /// <summary>The rep acknowledges the letter at <paramref name="version"/>, which must be the quota as it is now.</summary>
    public void Acknowledge(Guid actorId, int version, DateTimeOffset now)
    {
        if (actorId != RepId)
        {
            throw new NotAllowedException(Permissions.Refusal(Act.AcknowledgeQuota));
        }

        if (!IsPublished)
        {
            throw new InvalidStateException("Your quota for this cycle has not been published yet.", "version");
        }

        if (version != Version)
        {
            throw new InvalidStateException($"Your quota changed since you read it (version {version}, now {Version}): read the letter again before acknowledging it.", "version");
        }

        (AcknowledgedVersion, AcknowledgedAt) = (Version, now);
    }
}

/// <summary>
/// One quarter of one rep's quota changing: who, when, from what to what, through which way in, and why (kept forever;
/// the rep's quota history). Changes saved together share a <see cref="BatchId"/>.
/// </summary>
public sealed class QuotaChange
{
    private QuotaChange()
    {
    }

    public Guid Id { get; private set; }

    public Guid CycleId { get; private set; }

    public Guid RepId { get; private set; }

    public int Quarter { get; private set; }

    /// <summary>Null when the quarter had no quota before.</summary>
    public decimal? OldAmount { get; private set; }

    public decimal NewAmount { get; private set; }

    public Guid ChangedById { get; private set; }

    public DateTimeOffset ChangedAt { get; private set; }

    public QuotaSource Source { get; private set; }

    public Guid BatchId { get; private set; }

    /// <summary>The version of the rep's quota this change made.</summary>
    public int Version { get; private set; }

    public string? Reason { get; private set; }

    public const int MaxReason = 500;

    public static QuotaChange Record(RepQuota quota, int quarter, decimal? oldAmount, decimal newAmount, QuotaSource source, Guid batchId,
        string? reason, Guid actorId, DateTimeOffset now) =>
        new()
        {
            Id = Guid.CreateVersion7(now),
            CycleId = quota.CycleId,
            RepId = quota.RepId,
            Quarter = quarter,
            OldAmount = oldAmount,
            NewAmount = newAmount,
            Source = source,
            BatchId = batchId,
            Version = quota.Version,
            Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(),
            ChangedById = actorId,
            ChangedAt = now,
        };
}
