using Terrain.Domain.Planning;

namespace Terrain.Domain.Strategies;

/// <summary>
/// That a rep reached the end of one revision of the strategy: the first step of buy-in, ticked only then (not on
/// opening the page). Once per rep and revision; reaching the end again changes nothing.
/// </summary>
public sealed class StrategyReading
{
    private StrategyReading()
    {
    }

    public Guid Id { get; private set; }

    public Guid StrategyId { get; private set; }

    public Guid RepId { get; private set; }

    public DateTimeOffset At { get; private set; }

    public static StrategyReading Record(Strategy strategy, Actor actor, DateTimeOffset now)
    {
        BuyIn.EnsureSelf(actor, null, "read the strategy for buy-in");
        strategy.EnsurePublished("read for buy-in");
        return new StrategyReading { Id = Guid.CreateVersion7(now), StrategyId = strategy.Id, RepId = actor.Id, At = now };
    }
}
