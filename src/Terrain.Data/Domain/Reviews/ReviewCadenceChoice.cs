namespace Terrain.Domain.Reviews;

/// <summary>
/// The review cadence of a cycle: the default a leader sets (<see cref="RepId"/> null) or one rep's, chosen by the
/// rep's manager or a leader. A rep without a choice of their own follows the default; a cycle without a default is
/// reviewed monthly.
/// </summary>
public sealed class ReviewCadenceChoice
{
    private ReviewCadenceChoice()
    {
    }

    public Guid Id { get; private set; }

    public Guid CycleId { get; private set; }

    public Guid? RepId { get; private set; }

    public ReviewCadence Cadence { get; private set; }

    public Guid SetById { get; private set; }

    public DateTimeOffset SetAt { get; private set; }

    public static ReviewCadenceChoice Create(Guid cycleId, Guid? repId, ReviewCadence cadence, Guid actorId, DateTimeOffset now)
    {
        var choice = new ReviewCadenceChoice { Id = Guid.CreateVersion7(now), CycleId = cycleId, RepId = repId };
        choice.Set(cadence, actorId, now);
        return choice;
    }

    public void Set(ReviewCadence cadence, Guid actorId, DateTimeOffset now)
    {
        if (!Enum.IsDefined(cadence))
        {
            throw new DomainException($"Unknown cadence. Use one of {string.Join(", ", Enum.GetNames<ReviewCadence>())}.", "cadence");
        }

        Cadence = cadence;
        SetById = actorId;
        SetAt = now;
    }
}
