using Terrain.Domain.Planning;

namespace Terrain.Domain.Reviews;

/// <summary>How often a manager reviews a rep's performance against the plan.</summary>
public enum ReviewCadence
{
    /// <summary>Every two weeks: 14-day windows from the cycle's first day.</summary>
    Biweekly = 0,

    /// <summary>Every fiscal month (a calendar month, or 4 or 5 weeks in a week-based calendar).</summary>
    Monthly = 1,
}

/// <summary>The days in which one review is due: held when completed inside it, missed when it passes.</summary>
public sealed record ReviewWindow(int Number, DateOnly Start, DateOnly End)
{
    public int Days => End.DayNumber - Start.DayNumber + 1;
}

/// <summary>
/// The review windows of a cycle's period (ADR 0025). Bi-weekly windows are 14 days from the period's first day; a
/// remainder of less than a week at the end of the period joins the last window rather than making a window too short
/// to meet in. Monthly windows are the fiscal months, so month ends (28 to 31 days, 4- and 5-week months) come from
/// the calendar, not from arithmetic here.
/// </summary>
public static class ReviewWindows
{
    public const int BiweeklyDays = 14;

    /// <summary>A plan approved late in a window is first reviewed in the next one: a window must end this many days after approval.</summary>
    public const int LeadDays = 7;

    public const ReviewCadence DefaultCadence = ReviewCadence.Monthly;

    public static IReadOnlyList<ReviewWindow> Of(DateOnly periodStart, DateOnly periodEnd, FiscalCalendar calendar, ReviewCadence cadence)
    {
        if (periodEnd < periodStart)
        {
            return [];
        }

        if (cadence == ReviewCadence.Monthly)
        {
            return FiscalCalendars.Months(periodStart, periodEnd, calendar).Select(m => new ReviewWindow(m.Number, m.Start, m.End)).ToList();
        }

        var windows = new List<ReviewWindow>();
        var cursor = periodStart;
        while (cursor <= periodEnd)
        {
            var end = cursor.AddDays(BiweeklyDays - 1);
            if (end > periodEnd || periodEnd.DayNumber - end.DayNumber < LeadDays)
            {
                end = periodEnd;
            }

            windows.Add(new ReviewWindow(windows.Count + 1, cursor, end));
            cursor = end.AddDays(1);
        }

        return windows;
    }

    /// <summary>The windows a plan approved on <paramref name="approvedOn"/> is reviewed in: those ending at least <see cref="LeadDays"/> later.</summary>
    public static IReadOnlyList<ReviewWindow> From(IReadOnlyList<ReviewWindow> windows, DateOnly approvedOn) =>
        windows.Where(w => w.End.DayNumber - approvedOn.DayNumber >= LeadDays).ToList();

    public static bool TryParse(string? text, out ReviewCadence cadence)
    {
        cadence = DefaultCadence;
        var compact = text?.Trim().Replace("-", "", StringComparison.Ordinal) ?? "";
        return Enum.TryParse(compact, ignoreCase: true, out cadence) && Enum.IsDefined(cadence) && !compact.All(char.IsAsciiDigit);
    }
}
