using Terrain.Domain;
using Terrain.Domain.Planning;
using Xunit;

namespace Terrain.Tests.Domain.Planning;

public sealed class CycleRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static CycleSchedule Schedule(DateOnly? end = null, DateOnly? kickoff = null, DateOnly? draftDue = null, int window = 14, string zone = "UTC", string name = "FY2027") =>
        new(name, new(2027, 1, 1), end ?? new(2027, 12, 31), kickoff ?? new(2027, 1, 4), draftDue ?? new(2027, 1, 18), window, zone);

    [Fact]
    public void A_year_splits_into_four_quarters()
    {
        var cycle = PlanningCycle.Open(Schedule(), Guid.NewGuid(), Now);

        Assert.Equal(
            [(new DateOnly(2027, 1, 1), new DateOnly(2027, 3, 31)), (new DateOnly(2027, 4, 1), new DateOnly(2027, 6, 30)),
             (new DateOnly(2027, 7, 1), new DateOnly(2027, 9, 30)), (new DateOnly(2027, 10, 1), new DateOnly(2027, 12, 31))],
            cycle.Quarters.Select(q => (q.Start, q.End)));
    }

    [Fact]
    public void A_fiscal_year_over_a_leap_day_splits_cleanly()
    {
        var quarters = Quarter.Split(new(2027, 12, 1), new(2028, 11, 30));

        Assert.Equal(4, quarters.Count);
        Assert.Equal(new DateOnly(2028, 2, 29), quarters[0].End);
        Assert.Equal(new DateOnly(2028, 3, 1), quarters[1].Start);
    }

    [Theory]
    [InlineData(2027, 12, 30, "periodEnd")]
    [InlineData(2028, 3, 31, "periodEnd")]
    [InlineData(2026, 12, 31, "periodEnd")]
    public void A_period_that_is_not_whole_quarters_is_refused(int y, int m, int d, string field) =>
        Assert.Equal(field, Assert.Throws<DomainException>(() => Schedule(end: new DateOnly(y, m, d)).Validate()).Field);

    [Fact]
    public void Each_broken_rule_is_named()
    {
        Assert.Equal("draftDue", Assert.Throws<DomainException>(() => Schedule(draftDue: new(2027, 1, 19)).Validate()).Field);
        Assert.Equal("draftDue", Assert.Throws<DomainException>(() => Schedule(draftDue: new(2027, 1, 3)).Validate()).Field);
        Assert.Equal("approvalWindowDays", Assert.Throws<DomainException>(() => Schedule(window: 15).Validate()).Field);
        Assert.Equal("approvalWindowDays", Assert.Throws<DomainException>(() => Schedule(window: 0).Validate()).Field);
        Assert.Equal("timeZone", Assert.Throws<DomainException>(() => Schedule(zone: "Mars/Olympus").Validate()).Field);
        Assert.Equal("name", Assert.Throws<DomainException>(() => Schedule(name: " ").Validate()).Field);
        Schedule(draftDue: new(2027, 1, 18), window: 14).Validate();
    }

    [Fact]
    public void The_draft_deadline_is_the_end_of_the_due_day_in_the_cycles_time_zone()
    {
        var berlin = PlanningCycle.Open(Schedule(zone: "Europe/Berlin"), Guid.NewGuid(), Now);
        var chicago = PlanningCycle.Open(Schedule(zone: "America/Chicago"), Guid.NewGuid(), Now);

        Assert.Equal(new DateTimeOffset(2027, 1, 18, 23, 0, 0, TimeSpan.Zero), berlin.DraftDeadline);
        Assert.Equal(new DateTimeOffset(2027, 1, 19, 6, 0, 0, TimeSpan.Zero), chicago.DraftDeadline);
    }

    [Fact]
    public void Days_left_count_calendar_days_in_the_zone_and_go_negative_when_overdue()
    {
        var cycle = PlanningCycle.Open(Schedule(zone: "America/Chicago"), Guid.NewGuid(), Now);
        var deadline = cycle.DraftDeadline;

        Assert.Equal(0, Deadlines.DaysLeft(deadline.AddMinutes(-1), deadline, cycle.TimeZone));
        Assert.Equal(-1, Deadlines.DaysLeft(deadline, deadline, cycle.TimeZone));
        Assert.Equal(14, Deadlines.DaysLeft(new DateTimeOffset(2027, 1, 4, 12, 0, 0, TimeSpan.Zero), deadline, cycle.TimeZone));
    }

    [Fact]
    public void The_approval_window_runs_from_the_local_day_of_the_first_submission()
    {
        var cycle = PlanningCycle.Open(Schedule(window: 14, zone: "Europe/Berlin"), Guid.NewGuid(), Now);

        // 23:30 UTC on 10 Jan is already 11 Jan in Berlin.
        var deadline = cycle.ApprovalDeadline(new DateTimeOffset(2027, 1, 10, 23, 30, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2027, 1, 25, 23, 0, 0, TimeSpan.Zero), deadline);
    }

    [Fact]
    public void Deadlines_across_a_daylight_saving_change_keep_to_local_midnight()
    {
        var cycle = PlanningCycle.Open(
            new CycleSchedule("FY2027", new(2027, 1, 1), new(2027, 12, 31), new(2027, 3, 20), new(2027, 3, 29), 14, "Europe/Berlin"), Guid.NewGuid(), Now);

        // Berlin moves to summer time on 28 March 2027: midnight after the 29th is 22:00 UTC.
        Assert.Equal(new DateTimeOffset(2027, 3, 29, 22, 0, 0, TimeSpan.Zero), cycle.DraftDeadline);
    }

    [Fact]
    public void A_closed_cycle_cannot_be_rescheduled_or_closed_again()
    {
        var cycle = PlanningCycle.Open(Schedule(), Guid.NewGuid(), Now);
        cycle.Close(Now);

        Assert.Equal(CycleStatus.Closed, cycle.Status);
        Assert.Throws<InvalidStateException>(() => cycle.Close(Now));
        Assert.Throws<InvalidStateException>(() => cycle.Reschedule(Schedule()));
    }
}
