using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Domain.Strategies;

public sealed class WorkshopRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Leader = new(Guid.NewGuid(), Role.Leader);

    private static Strategy Published() =>
        StrategyBuilder.Published(TestOrg.User("leader@rules.terrain", "Rules Leader", Role.Leader, null, Now), Now);

    private static Workshop Schedule(WorkshopLength length = WorkshopLength.HalfDay, IReadOnlyList<AgendaItem>? agenda = null, DateTimeOffset? startsAt = null) =>
        Workshop.Schedule(Published(), Leader, null, startsAt ?? Now.AddDays(7), length, "Berlin", agenda, Now);

    [Theory]
    [InlineData(WorkshopLength.HalfDay, 240)]
    [InlineData(WorkshopLength.FullDay, 480)]
    public void The_default_agenda_fills_the_session_and_covers_every_part_with_content(WorkshopLength length, int minutes)
    {
        var agenda = Workshop.DefaultAgenda(StrategyBuilder.Content(), length);

        Assert.Equal(minutes, agenda.Sum(a => a.Minutes));
        Assert.Equal(StrategyContent.Parts.Select(p => p.Key), agenda.Select(a => a.Part).Where(p => StrategyContent.Parts.Any(x => x.Key == p)));
        Assert.All(agenda, a => Assert.True(a.Minutes >= 5, $"{a.Part} lasts {a.Minutes} minutes"));
        Assert.Equal("intro", agenda[0].Part);
        Assert.Equal("qa", agenda[^1].Part);
        Assert.Equal(length == WorkshopLength.FullDay ? 1 : 0, agenda.Count(a => a.Part == "break"));
    }

    [Fact]
    public void A_session_scheduled_without_an_agenda_gets_the_default_one()
    {
        var workshop = Schedule(WorkshopLength.FullDay);

        var agenda = workshop.ReadAgenda();
        Assert.Equal(480, agenda.Sum(a => a.Minutes));
        Assert.Equal(TimeSpan.FromHours(8), workshop.EndsAt - workshop.StartsAt);
        Assert.Equal("FY2027 sales strategy workshop", workshop.Title);
    }

    [Fact]
    public void The_default_agenda_leaves_out_parts_without_content()
    {
        var content = StrategyBuilder.Content();
        content.Priorities.Clear();
        content.Competitors.Clear();

        var agenda = Workshop.DefaultAgenda(content, WorkshopLength.HalfDay);

        Assert.DoesNotContain(agenda, a => a.Part == "priorities");
        Assert.Contains(agenda, a => a.Part == "why");
        Assert.Equal(240, agenda.Sum(a => a.Minutes));
    }

    [Fact]
    public void An_agenda_longer_than_the_session_is_refused_naming_the_agenda()
    {
        var agenda = new List<AgendaItem>
        {
            new() { Part = "sell", Minutes = 120 },
            new() { Part = "whom", Minutes = 90 },
            new() { Part = "qa", Minutes = 45 },
        };

        var e = Assert.Throws<DomainException>(() => Schedule(WorkshopLength.HalfDay, agenda));

        Assert.Equal("agenda", e.Field);
        Assert.Contains("255 minutes", e.Message, StringComparison.Ordinal);
        Assert.Equal(255, Schedule(WorkshopLength.FullDay, agenda).ReadAgenda().Sum(a => a.Minutes));
    }

    [Fact]
    public void An_agenda_must_teach_some_part_of_the_strategy_and_name_known_parts()
    {
        var onlyBreaks = Assert.Throws<DomainException>(() => Schedule(agenda: [new AgendaItem { Part = "intro", Minutes = 30 }, new AgendaItem { Part = "qa", Minutes = 30 }]));
        var unknown = Assert.Throws<DomainException>(() => Schedule(agenda: [new AgendaItem { Part = "golf", Minutes = 30 }]));
        var tooShort = Assert.Throws<DomainException>(() => Schedule(agenda: [new AgendaItem { Part = "sell", Minutes = 2 }]));

        Assert.Equal("agenda", onlyBreaks.Field);
        Assert.Equal("agenda[0].part", unknown.Field);
        Assert.Equal("agenda[0].minutes", tooShort.Field);
    }

    [Fact]
    public void Attendance_is_refused_before_the_session_starts_and_allowed_once_it_has()
    {
        var workshop = Schedule(startsAt: Now.AddHours(2));

        var early = Assert.Throws<InvalidStateException>(() => workshop.EnsureAttendanceCanBeRecorded(Leader, Now.AddHours(1)));
        workshop.EnsureAttendanceCanBeRecorded(Leader, Now.AddHours(2));

        Assert.Equal("attendance", early.Field);
    }

    [Fact]
    public void Rescheduling_counts_the_sequence_and_is_refused_after_attendance()
    {
        var strategy = Published();
        var workshop = Workshop.Schedule(strategy, Leader, "Kick-off", Now.AddDays(7), WorkshopLength.HalfDay, null, null, Now);
        var version = workshop.Version;

        workshop.Reschedule(strategy, Leader, "Kick-off", Now.AddDays(8), WorkshopLength.HalfDay, null, workshop.ReadAgenda(), Now);
        workshop.Reschedule(strategy, Leader, "Kick-off", Now.AddDays(9), WorkshopLength.FullDay, null, null, Now);
        workshop.MarkAttendanceRecorded(Now.AddDays(9));

        Assert.Equal(2, workshop.Sequence);
        Assert.NotEqual(version, workshop.Version);
        Assert.Equal(480, workshop.ReadAgenda().Sum(a => a.Minutes));
        Assert.Throws<InvalidStateException>(() => workshop.Reschedule(strategy, Leader, "Kick-off", Now.AddDays(10), WorkshopLength.HalfDay, null, null, Now));
    }

    [Fact]
    public void Only_published_strategies_are_scheduled_in_the_future()
    {
        var strategy = Published();
        var leader = new Actor(Guid.NewGuid(), Role.Leader);
        var draft = Strategy.Draft(leader, "Draft", new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31), StrategyBuilder.Content(), Now);

        Assert.Throws<InvalidStateException>(() => Workshop.Schedule(draft, leader, null, Now.AddDays(1), WorkshopLength.HalfDay, null, null, Now));
        Assert.Equal("startsAt", Assert.Throws<DomainException>(() => Workshop.Schedule(strategy, leader, null, Now.AddDays(-1), WorkshopLength.HalfDay, null, null, Now)).Field);
    }

    [Fact]
    public void Only_active_reps_and_managers_are_invited()
    {
        var workshop = Schedule();
        var leader = TestOrg.User("l@rules.terrain", "L", Role.Leader, null, Now);
        var manager = TestOrg.User("m@rules.terrain", "M", Role.Manager, leader, Now);
        var rep = TestOrg.User("r@rules.terrain", "R", Role.Rep, manager, Now);

        Assert.Equal(rep.Id, WorkshopInvitation.Invite(workshop, rep, Now).UserId);
        Assert.Null(WorkshopInvitation.Invite(workshop, manager, Now).Attended);
        Assert.Equal("invitees", Assert.Throws<DomainException>(() => WorkshopInvitation.Invite(workshop, leader, Now)).Field);
    }
}
