namespace Terrain.Domain.Territories;

public enum AssignmentStatus
{
    /// <summary>Dated in the future: applied when its day comes.</summary>
    Pending = 0,

    /// <summary>Done: the account is (or was, until a later move) in <see cref="AccountAssignment.ToTerritoryId"/>.</summary>
    Applied = 1,

    /// <summary>Replaced by a later dated move of the same account before its day came.</summary>
    Cancelled = 2,
}

/// <summary>How a move came about.</summary>
public enum AssignmentSource
{
    Manual = 0,
    Rule = 1,
    Import = 2,
    RepChange = 3,
    Scenario = 4,
}

/// <summary>
/// One move of one account to a territory, effective from a date (ADR 0039). An immediate move is recorded as applied;
/// a move dated in the future waits as pending and is applied when its day comes (UTC). Applied moves are the history
/// of each rep's book of business: who gained and who lost which account, and when. Actuals are never rewritten: a
/// deal stays credited to the owner it had at close.
/// </summary>
public sealed class AccountAssignment
{
    private AccountAssignment()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>The moves made by one request share a batch: the reps concerned hear of them once.</summary>
    public Guid Batch { get; private set; }

    public Guid AccountId { get; private set; }

    public Guid? FromTerritoryId { get; private set; }

    public Guid? FromRepId { get; private set; }

    public Guid ToTerritoryId { get; private set; }

    public Guid? ToRepId { get; private set; }

    public DateOnly EffectiveFrom { get; private set; }

    public AssignmentStatus Status { get; private set; }

    public AssignmentSource Source { get; private set; }

    public Guid? CreatedById { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? AppliedAt { get; private set; }

    /// <summary>Changes with every change of state, so that two instances never apply one pending move twice.</summary>
    public Guid Version { get; private set; }

    /// <summary>A move that has just been made: the account was moved from where it was to <paramref name="to"/>.</summary>
    public static AccountAssignment Applied(Guid batch, Account account, Guid? fromTerritoryId, Guid? fromRepId, Territory to, DateOnly effectiveFrom,
        AssignmentSource source, Guid? actorId, DateTimeOffset now) => new()
        {
            Id = Guid.CreateVersion7(now),
            Batch = batch,
            AccountId = account.Id,
            FromTerritoryId = fromTerritoryId,
            FromRepId = fromRepId,
            ToTerritoryId = to.Id,
            ToRepId = to.RepId,
            EffectiveFrom = effectiveFrom,
            Status = AssignmentStatus.Applied,
            Source = source,
            CreatedById = actorId,
            CreatedAt = now,
            AppliedAt = now,
            Version = Guid.NewGuid(),
        };

    /// <summary>A move dated after today: the account stays where it is until then.</summary>
    public static AccountAssignment Scheduled(Guid batch, Account account, Territory to, DateOnly effectiveFrom, AssignmentSource source,
        Guid? actorId, DateTimeOffset now) => new()
        {
            Id = Guid.CreateVersion7(now),
            Batch = batch,
            AccountId = account.Id,
            FromTerritoryId = account.TerritoryId,
            FromRepId = account.OwnerId,
            ToTerritoryId = to.Id,
            ToRepId = to.RepId,
            EffectiveFrom = effectiveFrom,
            Status = AssignmentStatus.Pending,
            Source = source,
            CreatedById = actorId,
            CreatedAt = now,
            Version = Guid.NewGuid(),
        };

    /// <summary>Applies a pending move now that its day has come; the from and to are as they are at this moment.</summary>
    public void Apply(Account account, Territory to, DateTimeOffset now)
    {
        if (Status != AssignmentStatus.Pending)
        {
            throw new InvalidStateException($"This move is {Status.ToString().ToLowerInvariant()}, not pending.");
        }

        if (account.Id != AccountId || to.Id != ToTerritoryId)
        {
            throw new ArgumentException("The account and territory are not this move's.");
        }

        FromTerritoryId = account.TerritoryId;
        FromRepId = account.OwnerId;
        account.PlaceIn(to);
        ToRepId = to.RepId;
        Status = AssignmentStatus.Applied;
        AppliedAt = now;
        Version = Guid.NewGuid();
    }

    public void Cancel()
    {
        if (Status != AssignmentStatus.Pending)
        {
            throw new InvalidStateException($"This move is {Status.ToString().ToLowerInvariant()}, not pending.");
        }

        Status = AssignmentStatus.Cancelled;
        Version = Guid.NewGuid();
    }
}
