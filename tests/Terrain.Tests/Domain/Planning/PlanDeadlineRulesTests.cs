using Terrain.Domain;
using Terrain.Domain.Planning;
using Xunit;

namespace Terrain.Tests.Domain.Planning;

/// <summary>
/// A plan's own deadlines (ADR 0030). The cycle kicks off on Monday 4 Jan 2027 and drafts are due on the 18th (14
/// days); the approval window is 10 days; the cycle's zone is Berlin, so days end at 23:00 UTC in winter.
/// </summary>
public sealed class PlanDeadlineRulesTests
{
    private static readonly DateTimeOffset Kickoff = new(2027, 1, 4, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid ManagerId = Guid.NewGuid();
    private static readonly Actor Rep = new(Guid.NewGuid(), Role.Rep);
    private static readonly Actor Manager = new(ManagerId, Role.Manager);
    private static readonly Actor OtherManager = new(Guid.NewGuid(), Role.Manager);
    private static readonly Actor Leader = new(Guid.NewGuid(), Role.Leader);
    private static readonly Actor Admin = new(Guid.NewGuid(), Role.Admin);

    private static PlanningCycle Cycle() => PlanningCycle.Open(
        new CycleSchedule("FY2027", new(2027, 1, 1), new(2027, 12, 31), new(2027, 1, 4), new(2027, 1, 18), 10, "Europe/Berlin"), Leader.Id, Kickoff);

    private static DateOnly Day(int january) => new(2027, 1, january);

    [Fact]
    public void A_rep_who_joins_mid_cycle_gets_the_draft_window_from_the_day_they_join()
    {
        var cycle = Cycle();
        // 23:30 UTC on the 9th is already the 10th in Berlin.
        var plan = Plan.JoinLate(cycle, Rep.Id, new DateTimeOffset(2027, 1, 9, 23, 30, 0, TimeSpan.Zero));

        Assert.Equal(Day(10), plan.JoinedOn);
        Assert.Equal(Day(24), plan.DraftDueIn(cycle));
        Assert.Equal(10, plan.ApprovalWindowIn(cycle));
        Assert.False(plan.FollowsCycle);
        Assert.Equal(new DateTimeOffset(2027, 1, 24, 23, 0, 0, TimeSpan.Zero), plan.DraftDeadline(cycle));
    }

    [Fact]
    public void A_rep_who_joins_by_kickoff_follows_the_cycle_and_moves_with_it()
    {
        var cycle = Cycle();
        var plan = Plan.JoinLate(cycle, Rep.Id, Kickoff);

        cycle.Reschedule(new CycleSchedule("FY2027", new(2027, 1, 1), new(2027, 12, 31), new(2027, 1, 4), new(2027, 1, 15), 7, "Europe/Berlin"));

        Assert.Null(plan.JoinedOn);
        Assert.True(plan.FollowsCycle);
        Assert.Equal(Day(15), plan.DraftDueIn(cycle));
        Assert.Equal(7, plan.ApprovalWindowIn(cycle));
    }

    [Fact]
    public void A_late_joiner_or_an_extended_plan_keeps_its_deadlines_when_the_cycle_moves()
    {
        var cycle = Cycle();
        var late = Plan.JoinLate(cycle, Rep.Id, new DateTimeOffset(2027, 1, 12, 9, 0, 0, TimeSpan.Zero));
        var extended = Plan.StartDraft(cycle.Id, Rep.Id, Kickoff);
        extended.Extend(Manager, ManagerId, cycle, DeadlineKind.Approval, 2, "Leave", Kickoff);

        cycle.Reschedule(new CycleSchedule("FY2027", new(2027, 1, 1), new(2027, 12, 31), new(2027, 1, 4), new(2027, 1, 11), 14, "Europe/Berlin"));

        Assert.Equal(Day(26), late.DraftDueIn(cycle));
        Assert.Equal(10, late.ApprovalWindowIn(cycle));
        Assert.Equal(Day(18), extended.DraftDueIn(cycle));
        Assert.Equal(12, extended.ApprovalWindowIn(cycle));
    }

    [Fact]
    public void An_extension_adds_days_up_to_fourteen_in_all_per_deadline_with_a_reason()
    {
        var cycle = Cycle();
        var plan = Plan.StartDraft(cycle.Id, Rep.Id, Kickoff);

        var first = plan.Extend(Leader, ManagerId, cycle, DeadlineKind.Draft, 10, "  Parental leave  ", Kickoff);
        plan.Extend(Manager, ManagerId, cycle, DeadlineKind.Draft, 4, "Still out", Kickoff);
        var beyond = Assert.Throws<DomainException>(() => plan.Extend(Manager, ManagerId, cycle, DeadlineKind.Draft, 1, "More", Kickoff));
        plan.Extend(Manager, ManagerId, cycle, DeadlineKind.Approval, 14, "Manager away", Kickoff);

        Assert.Equal("Parental leave", first.Reason);
        Assert.Equal(new DateOnly(2027, 2, 1), plan.DraftDueIn(cycle));
        Assert.Equal(14, plan.DraftExtensionDays);
        Assert.Equal("days", beyond.Field);
        Assert.Equal(24, plan.ApprovalWindowIn(cycle));
    }

    [Theory]
    [InlineData(0, "Why", "days")]
    [InlineData(15, "Why", "days")]
    [InlineData(3, "", "reason")]
    [InlineData(3, null, "reason")]
    public void An_extension_without_days_or_reason_is_refused_on_its_field(int days, string? reason, string field)
    {
        var cycle = Cycle();
        var plan = Plan.StartDraft(cycle.Id, Rep.Id, Kickoff);

        var refusal = Assert.Throws<DomainException>(() => plan.Extend(Manager, ManagerId, cycle, DeadlineKind.Draft, days, reason, Kickoff));

        Assert.Equal(field, refusal.Field);
        Assert.True(plan.FollowsCycle);
    }

    [Fact]
    public void Only_the_reps_manager_or_a_leader_extends_and_never_a_submitted_draft_or_an_approved_plan()
    {
        var cycle = Cycle();
        var plan = Plan.StartDraft(cycle.Id, Rep.Id, Kickoff);

        Assert.Throws<NotAllowedException>(() => plan.Extend(Rep, ManagerId, cycle, DeadlineKind.Draft, 1, "Me", Kickoff));
        Assert.Throws<NotAllowedException>(() => plan.Extend(OtherManager, ManagerId, cycle, DeadlineKind.Draft, 1, "Not mine", Kickoff));
        Assert.Throws<NotAllowedException>(() => plan.Extend(Admin, ManagerId, cycle, DeadlineKind.Draft, 1, "Admin", Kickoff));

        plan.Submit(Rep, cycle, [], Kickoff);
        Assert.Throws<InvalidStateException>(() => plan.Extend(Manager, ManagerId, cycle, DeadlineKind.Draft, 1, "Too late", Kickoff));
        plan.Approve(Manager, ManagerId, cycle, null, Kickoff);
        Assert.Throws<InvalidStateException>(() => plan.Extend(Manager, ManagerId, cycle, DeadlineKind.Approval, 1, "Done", Kickoff));
        Assert.Equal(0, plan.DraftExtensionDays + plan.ApprovalExtensionDays);
    }

    [Fact]
    public void A_closed_plan_refuses_every_move_and_reopens_when_the_rep_is_back()
    {
        var cycle = Cycle();
        var plan = Plan.StartDraft(cycle.Id, Rep.Id, Kickoff);

        plan.Close(Kickoff);

        Assert.Throws<InvalidStateException>(() => plan.Submit(Rep, cycle, [], Kickoff));
        Assert.Throws<InvalidStateException>(() => plan.EnsureEditable(Rep, cycle));
        Assert.Throws<InvalidStateException>(() => plan.Extend(Manager, ManagerId, cycle, DeadlineKind.Draft, 1, "Gone", Kickoff));
        plan.Reopen(Kickoff);
        plan.Submit(Rep, cycle, [], Kickoff);
        Assert.Equal(PlanStatus.Submitted, plan.Status);
    }

    [Fact]
    public void The_draft_outcome_keeps_its_lateness_after_submission_and_approval()
    {
        var cycle = Cycle();
        var plan = Plan.StartDraft(cycle.Id, Rep.Id, Kickoff);
        var sixDaysLate = new DateTimeOffset(2027, 1, 24, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal("missed (6 days overdue)", plan.DraftOutcome(cycle, sixDaysLate).Text);
        plan.Submit(Rep, cycle, [], sixDaysLate);
        plan.Approve(Manager, ManagerId, cycle, null, sixDaysLate.AddDays(12));
        var later = sixDaysLate.AddDays(40);

        Assert.Equal("met late by 6 days", plan.DraftOutcome(cycle, later).Text);
        Assert.Equal("met late by 2 days", plan.ApprovalOutcome(cycle, later)!.Text);
        plan.Amend(Rep, cycle, later);
        Assert.Equal("met late by 6 days", plan.DraftOutcome(cycle, later).Text);
        Assert.Null(plan.ApprovalOutcome(cycle, later));
    }
}

public sealed class DeadlineOutcomeTests
{
    private static readonly DateOnly Due = new(2027, 1, 18);

    [Theory]
    // Met: the whole due day counts (Berlin: the 18th ends at 23:00 UTC).
    [InlineData("2027-01-18T22:59:59Z", null, "met on time", DeadlineState.MetOnTime, 0)]
    [InlineData("2027-01-10T08:00:00Z", null, "met on time", DeadlineState.MetOnTime, 0)]
    [InlineData("2027-01-18T23:00:00Z", null, "met late by 1 day", DeadlineState.MetLate, 1)]
    [InlineData("2027-01-24T10:00:00Z", null, "met late by 6 days", DeadlineState.MetLate, 6)]
    // Not met: due, due today, then missed with the days overdue.
    [InlineData(null, "2027-01-14T10:00:00Z", "due in 4 days", DeadlineState.Due, 4)]
    [InlineData(null, "2027-01-17T10:00:00Z", "due in 1 day", DeadlineState.Due, 1)]
    [InlineData(null, "2027-01-18T22:59:00Z", "due today", DeadlineState.Due, 0)]
    [InlineData(null, "2027-01-18T23:00:00Z", "missed (1 day overdue)", DeadlineState.Missed, 1)]
    [InlineData(null, "2027-01-21T10:00:00Z", "missed (3 days overdue)", DeadlineState.Missed, 3)]
    public void An_outcome_is_computed_from_the_dates_alone(string? met, string? now, string text, DeadlineState state, int days)
    {
        var outcome = DeadlineOutcome.Of(Due, met is null ? null : DateTimeOffset.Parse(met, System.Globalization.CultureInfo.InvariantCulture),
            now is null ? new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) : DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture),
            "Europe/Berlin");

        Assert.Equal(text, outcome.Text);
        Assert.Equal(state, outcome.State);
        Assert.Equal(days, outcome.Days);
    }
}
