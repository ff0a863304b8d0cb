namespace Terrain.Domain.Planning;

/// <summary>
/// How a cycle's period splits into quarters and months, so that Terrain's Q1 is the CRM's and finance's Q1. The
/// fiscal year may start on any day. Week-based calendars have 13-week quarters whose three months are 4, 4 and 5
/// weeks long (or 4-5-4, 5-4-4); in a 53-week year the extra week goes to the last month of the year.
/// </summary>
public enum FiscalCalendar
{
    /// <summary>Quarters of three calendar months from the period's start (which may be any day of any month).</summary>
    Months = 0,

    Weeks445 = 1,

    Weeks454 = 2,

    Weeks544 = 3,
}

/// <summary>A fiscal month: the third of a quarter (a calendar month, or 4 or 5 weeks).</summary>
public sealed record FiscalMonth(int Number, int Quarter, DateOnly Start, DateOnly End)
{
    public string Label => $"M{Number}";

    public int Days => End.DayNumber - Start.DayNumber + 1;
}

public static class FiscalCalendars
{
    public const int WeeksPerQuarter = 13;
    private const int DaysPerQuarter = WeeksPerQuarter * 7;

    /// <summary>The names the API and the forms accept, with the label shown to people.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetNames<FiscalCalendar>();

    public static string Label(FiscalCalendar calendar) => calendar switch
    {
        FiscalCalendar.Weeks445 => "4-4-5 weeks",
        FiscalCalendar.Weeks454 => "4-5-4 weeks",
        FiscalCalendar.Weeks544 => "5-4-4 weeks",
        _ => "Calendar months",
    };

    public static bool TryParse(string? text, out FiscalCalendar calendar)
    {
        calendar = FiscalCalendar.Months;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var compact = text.Trim().Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        foreach (var value in Enum.GetValues<FiscalCalendar>())
        {
            if (string.Equals(compact, value.ToString(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(compact, Label(value).Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase)
                || (value != FiscalCalendar.Months && string.Equals(compact, value.ToString()["Weeks".Length..], StringComparison.Ordinal)))
            {
                calendar = value;
                return true;
            }
        }

        return false;
    }

    /// <summary>The weeks of each month of a quarter, in order.</summary>
    public static IReadOnlyList<int> WeeksPerMonth(FiscalCalendar calendar) => calendar switch
    {
        FiscalCalendar.Weeks445 => [4, 4, 5],
        FiscalCalendar.Weeks454 => [4, 5, 4],
        FiscalCalendar.Weeks544 => [5, 4, 4],
        _ => throw new ArgumentOutOfRangeException(nameof(calendar), calendar, "Calendar months have no weeks per month."),
    };

    /// <summary>
    /// The quarters of [start, end]; empty when the period is not 1 to 4 whole quarters. A week-based year may have 53
    /// weeks (371 days): its fourth quarter then has 14.
    /// </summary>
    public static IReadOnlyList<Quarter> Quarters(DateOnly start, DateOnly end, FiscalCalendar calendar)
    {
        if (end < start)
        {
            return [];
        }

        if (calendar == FiscalCalendar.Months)
        {
            return MonthQuarters(start, end);
        }

        var days = end.DayNumber - start.DayNumber + 1;
        var count = days == 4 * DaysPerQuarter + 7 ? 4 : days % DaysPerQuarter == 0 ? days / DaysPerQuarter : 0;
        if (count is < 1 or > 4)
        {
            return [];
        }

        var quarters = new List<Quarter>(count);
        for (var n = 1; n <= count; n++)
        {
            var qStart = start.AddDays((n - 1) * DaysPerQuarter);
            var qEnd = n == count ? end : qStart.AddDays(DaysPerQuarter - 1);
            quarters.Add(new Quarter(n, qStart, qEnd));
        }

        return quarters;
    }

    /// <summary>The fiscal months of [start, end], three per quarter; empty when the period is not whole quarters.</summary>
    public static IReadOnlyList<FiscalMonth> Months(DateOnly start, DateOnly end, FiscalCalendar calendar)
    {
        var months = new List<FiscalMonth>();
        foreach (var quarter in Quarters(start, end, calendar))
        {
            var cursor = quarter.Start;
            for (var m = 0; m < 3; m++)
            {
                var last = m == 2;
                var monthEnd = last ? quarter.End
                    : calendar == FiscalCalendar.Months ? quarter.Start.AddMonths(m + 1).AddDays(-1)
                    : cursor.AddDays(WeeksPerMonth(calendar)[m] * 7 - 1);
                months.Add(new FiscalMonth(months.Count + 1, quarter.Number, cursor, monthEnd));
                cursor = monthEnd.AddDays(1);
            }
        }

        return months;
    }

    /// <summary>What a valid period looks like, with an example from the chosen start.</summary>
    public static string WholeQuartersRule(DateOnly start, FiscalCalendar calendar) => calendar == FiscalCalendar.Months
        ? "The period must be whole quarters: 3, 6, 9 or 12 months, ending the day before a quarter would start " +
          $"(e.g. {start:yyyy-MM-dd} to {start.AddMonths(12).AddDays(-1):yyyy-MM-dd})."
        : $"With a {Label(calendar)} calendar the period must be whole 13-week quarters: 91, 182, 273 or 364 days, or 371 for a 53-week year " +
          $"(e.g. {start:yyyy-MM-dd} to {start.AddDays(4 * DaysPerQuarter - 1):yyyy-MM-dd}).";

    private static List<Quarter> MonthQuarters(DateOnly start, DateOnly end)
    {
        var quarters = new List<Quarter>();
        var cursor = start;
        for (var n = 1; n <= 4; n++)
        {
            var next = start.AddMonths(3 * n);
            quarters.Add(new Quarter(n, cursor, next.AddDays(-1)));
            if (next.AddDays(-1) == end)
            {
                return quarters;
            }

            if (next.AddDays(-1) > end)
            {
                break;
            }

            cursor = next;
        }

        return [];
    }
}
