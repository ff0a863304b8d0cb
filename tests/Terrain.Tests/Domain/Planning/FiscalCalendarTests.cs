using Terrain.Domain;
using Terrain.Domain.Performance;
using Terrain.Domain.Planning;
using Xunit;

namespace Terrain.Tests.Domain.Planning;

/// <summary>Quarters and fiscal months of week-based (4-4-5 and kin) and shifted calendars, so Terrain's Q1 is the CRM's.</summary>
public sealed class FiscalCalendarTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    // A 52-week fiscal year starting on Sunday 3 January 2027 ends on Saturday 1 January 2028.
    private static readonly DateOnly Start = new(2027, 1, 3);
    private static readonly DateOnly End52 = new(2028, 1, 1);

    private static CycleSchedule Schedule(DateOnly start, DateOnly end, FiscalCalendar calendar) =>
        new("FY2027", start, end, new(2026, 12, 1), new(2026, 12, 14), 14, "UTC", calendar);

    [Fact]
    public void A_4_4_5_year_has_four_13_week_quarters_with_months_of_4_4_and_5_weeks()
    {
        var cycle = PlanningCycle.Open(Schedule(Start, End52, FiscalCalendar.Weeks445), Guid.NewGuid(), Now);

        Assert.Equal(
            [(new DateOnly(2027, 1, 3), new DateOnly(2027, 4, 3)), (new DateOnly(2027, 4, 4), new DateOnly(2027, 7, 3)),
             (new DateOnly(2027, 7, 4), new DateOnly(2027, 10, 2)), (new DateOnly(2027, 10, 3), new DateOnly(2028, 1, 1))],
            cycle.Quarters.Select(q => (q.Start, q.End)));
        Assert.Equal([28, 28, 35, 28, 28, 35, 28, 28, 35, 28, 28, 35], cycle.Months.Select(m => m.Days));
        Assert.Equal(new DateOnly(2027, 1, 30), cycle.Months[0].End);
        Assert.Equal(new DateOnly(2027, 2, 27), cycle.Months[1].End);
        Assert.Equal(new DateOnly(2027, 4, 3), cycle.Months[2].End);
        Assert.All(cycle.Months, m => Assert.Equal((m.Number + 2) / 3, m.Quarter));
    }

    [Theory]
    [InlineData(FiscalCalendar.Weeks454, new[] { 28, 35, 28 })]
    [InlineData(FiscalCalendar.Weeks544, new[] { 35, 28, 28 })]
    public void The_other_week_patterns_change_only_the_months(FiscalCalendar calendar, int[] days)
    {
        var months = FiscalCalendars.Months(Start, End52, calendar);

        Assert.Equal(12, months.Count);
        Assert.Equal(days, months.Take(3).Select(m => m.Days));
        Assert.Equal(FiscalCalendars.Quarters(Start, End52, FiscalCalendar.Weeks445), FiscalCalendars.Quarters(Start, End52, calendar));
    }

    [Fact]
    public void A_53_week_year_gives_the_extra_week_to_the_last_month_of_the_fourth_quarter()
    {
        var end53 = Start.AddDays(371 - 1);
        var quarters = FiscalCalendars.Quarters(Start, end53, FiscalCalendar.Weeks445);
        var months = FiscalCalendars.Months(Start, end53, FiscalCalendar.Weeks445);

        Assert.Equal([91, 91, 91, 98], quarters.Select(q => q.End.DayNumber - q.Start.DayNumber + 1));
        Assert.Equal(42, months[^1].Days);
        Assert.Equal(end53, months[^1].End);
    }

    [Fact]
    public void Half_a_week_based_year_is_two_quarters()
    {
        var quarters = FiscalCalendars.Quarters(Start, Start.AddDays(181), FiscalCalendar.Weeks544);

        Assert.Equal(2, quarters.Count);
        Assert.Equal(Start.AddDays(181), quarters[1].End);
    }

    [Fact]
    public void A_calendar_year_is_not_a_week_based_year_and_the_refusal_says_what_is()
    {
        var refusal = Assert.Throws<DomainException>(() => Schedule(new(2027, 1, 1), new(2027, 12, 31), FiscalCalendar.Weeks445).Validate());

        Assert.Equal("periodEnd", refusal.Field);
        Assert.Contains("13-week quarters", refusal.Message);
        Assert.Contains("2027-12-30", refusal.Message); // 364 days from 1 January
    }

    [Fact]
    public void An_unknown_calendar_is_refused_on_its_field() =>
        Assert.Equal("calendar", Assert.Throws<DomainException>(() => Schedule(Start, End52, (FiscalCalendar)9).Validate()).Field);

    [Fact]
    public void A_fiscal_year_starting_in_February_has_months_of_its_own()
    {
        var months = FiscalCalendars.Months(new(2027, 2, 1), new(2028, 1, 31), FiscalCalendar.Months);

        Assert.Equal(12, months.Count);
        Assert.Equal((new DateOnly(2027, 2, 1), new DateOnly(2027, 2, 28)), (months[0].Start, months[0].End));
        Assert.Equal((new DateOnly(2028, 1, 1), new DateOnly(2028, 1, 31)), (months[^1].Start, months[^1].End));
        Assert.Equal(new DateOnly(2027, 4, 30), FiscalCalendars.Quarters(new(2027, 2, 1), new(2028, 1, 31), FiscalCalendar.Months)[0].End);
    }

    [Fact]
    public void A_leap_day_falls_in_the_right_week_based_month()
    {
        // FY2028 of a 4-4-5 calendar starting Sunday 2 January 2028: month 2 runs 30 January to 26 February, month 3 to 1 April.
        var months = FiscalCalendars.Months(new(2028, 1, 2), new(2028, 12, 30), FiscalCalendar.Weeks445);

        var leapDay = new DateOnly(2028, 2, 29);
        Assert.Equal(3, months.Single(m => leapDay >= m.Start && leapDay <= m.End).Number);
    }

    [Fact]
    public void Goal_periods_follow_the_fiscal_quarters()
    {
        // 1 April 2027 is in Q2 of a calendar-month year but still in Q1 of this 4-4-5 year (which ends 3 April).
        var quarters = FiscalCalendars.Quarters(Start, End52, FiscalCalendar.Weeks445);
        var periods = PerformancePeriod.Of(quarters, new DateOnly(2027, 4, 1));

        Assert.True(periods.Single(p => p.Key == "Q1").Contains(new DateOnly(2027, 4, 1)));
        Assert.Equal(new DateOnly(2027, 4, 3), periods.Single(p => p.Kind == PeriodKind.CycleToDate).End);
    }

    [Theory]
    [InlineData("Weeks445", FiscalCalendar.Weeks445)]
    [InlineData("4-4-5", FiscalCalendar.Weeks445)]
    [InlineData("4-5-4 weeks", FiscalCalendar.Weeks454)]
    [InlineData("months", FiscalCalendar.Months)]
    [InlineData(null, FiscalCalendar.Months)]
    public void Calendar_names_are_read_as_people_write_them(string? text, FiscalCalendar expected)
    {
        Assert.True(FiscalCalendars.TryParse(text, out var calendar));
        Assert.Equal(expected, calendar);
    }

    [Theory]
    [InlineData("4-4-4")]
    [InlineData("weekly")]
    public void Other_calendar_names_are_not(string text) => Assert.False(FiscalCalendars.TryParse(text, out _));
}
