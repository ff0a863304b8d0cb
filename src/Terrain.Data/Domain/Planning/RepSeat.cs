namespace Terrain.Domain.Planning;

/// <summary>
/// The days of a cycle a rep holds the seat their plan and quota are for (ADR 0023): from <see cref="From"/> (null:
/// the cycle's start) to <see cref="To"/> (null: its end), both included. A rep who joins or moves mid-period gets
/// each quarter's target prorated by the share of its days in the seat; no row means the whole cycle.
/// </summary>
public sealed class RepSeat
{
    private RepSeat()
    {
    }

    public Guid Id { get; private set; }

    public Guid CycleId { get; private set; }

    public Guid RepId { get; private set; }

    public DateOnly? From { get; private set; }

    public DateOnly? To { get; private set; }

    public Guid SetById { get; private set; }

    public DateTimeOffset SetAt { get; private set; }

    public static RepSeat Set(Guid cycleId, Guid repId, DateOnly? from, DateOnly? to, Guid actorId, DateTimeOffset now)
    {
        var seat = new RepSeat { Id = Guid.CreateVersion7(now), CycleId = cycleId, RepId = repId };
        seat.Change(from, to, actorId, now);
        return seat;
    }

    public void Change(DateOnly? from, DateOnly? to, Guid actorId, DateTimeOffset now)
    {
        if (from is { } f && to is { } t && t < f)
        {
            throw new DomainException("The last day in the seat is before the first.", "inSeatTo");
        }

        (From, To, SetById, SetAt) = (from, to, actorId, now);
    }
}

/// <summary>Targets prorated by the days a rep holds the seat (ADR 0023, docs/metrics.md).</summary>
public static class Proration
{
    /// <summary>
    /// Each quarter's target × the days of the quarter in the seat ÷ the quarter's days, to the cent (half to even);
    /// the targets as they are when the seat spans the whole cycle (<paramref name="from"/> and <paramref name="to"/> null).
    /// </summary>
    public static IReadOnlyDictionary<int, decimal> Targets(IReadOnlyDictionary<int, decimal> targets, IReadOnlyList<Quarter> quarters, DateOnly? from,
        DateOnly? to)
    {
        if (from is null && to is null)
        {
            return targets;
        }

        return targets.ToDictionary(t => t.Key, t => quarters.FirstOrDefault(q => q.Number == t.Key) is { } q
            ? decimal.Round(t.Value * Share(q.Start, q.End, from, to), 2, MidpointRounding.ToEven)
            : t.Value);
    }

    /// <summary>The share of the days from <paramref name="start"/> to <paramref name="end"/> in the seat, as an exact fraction.</summary>
    public static decimal Share(DateOnly start, DateOnly end, DateOnly? from, DateOnly? to)
    {
        var days = end.DayNumber - start.DayNumber + 1;
        var first = from is { } f && f > start ? f : start;
        var last = to is { } t && t < end ? t : end;
        var inSeat = Math.Max(0, last.DayNumber - first.DayNumber + 1);
        return days <= 0 ? 0 : (decimal)inSeat / days;
    }
}
