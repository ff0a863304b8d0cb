namespace Terrain.Domain.Planning;

public enum DeadlineState
{
    /// <summary>Not met yet and not passed: <see cref="DeadlineOutcome.Days"/> days left (0: due today).</summary>
    Due = 0,
    MetOnTime = 1,

    /// <summary>Met after the due day: <see cref="DeadlineOutcome.Days"/> days late.</summary>
    MetLate = 2,

    /// <summary>Passed and not met: <see cref="DeadlineOutcome.Days"/> days overdue.</summary>
    Missed = 3,
}

/// <summary>
/// How a deadline turned out, from dates alone: the due day (a deadline lasts that whole day in the cycle's zone,
/// ADR 0005), when it was met if it was, and now. The one place that says "met late by 6 days" (ADR 0030).
/// </summary>
public sealed record DeadlineOutcome(DateOnly Due, DeadlineState State, int Days)
{
    public static DeadlineOutcome Of(DateOnly due, DateTimeOffset? metAt, DateTimeOffset now, string timeZone)
    {
        if (metAt is { } met)
        {
            var late = Deadlines.LocalDate(met, timeZone).DayNumber - due.DayNumber;
            return late > 0 ? new(due, DeadlineState.MetLate, late) : new(due, DeadlineState.MetOnTime, 0);
        }

        var left = due.DayNumber - Deadlines.LocalDate(now, timeZone).DayNumber;
        return left >= 0 ? new(due, DeadlineState.Due, left) : new(due, DeadlineState.Missed, -left);
    }

    public bool IsLate => State is DeadlineState.MetLate or DeadlineState.Missed;

    public bool IsOverdue => State == DeadlineState.Missed;

    /// <summary>"met on time", "met late by 6 days", "missed (3 days overdue)", "due in 4 days", "due today".</summary>
    public string Text => State switch
    {
        DeadlineState.MetOnTime => "met on time",
        DeadlineState.MetLate => $"met late by {DaysText(Days)}",
        DeadlineState.Missed => $"missed ({DaysText(Days)} overdue)",
        DeadlineState.Due when Days == 0 => "due today",
        DeadlineState.Due => $"due in {DaysText(Days)}",
        _ => throw new ArgumentOutOfRangeException(nameof(State), State, "A deadline state without a text."),
    };

    private static string DaysText(int days) => days == 1 ? "1 day" : $"{days} days";
}
