using Terrain.Domain;
using Terrain.Domain.Planning;
using Xunit;

namespace Terrain.Tests.Domain.Planning;

public sealed class PlanWorkflowTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid ManagerId = Guid.NewGuid();
    private static readonly Actor Rep = new(Guid.NewGuid(), Role.Rep);
    private static readonly Actor Manager = new(ManagerId, Role.Manager);
    private static readonly Actor OtherManager = new(Guid.NewGuid(), Role.Manager);
    private static readonly Actor Leader = new(Guid.NewGuid(), Role.Leader);
    private static readonly Actor Admin = new(Guid.NewGuid(), Role.Admin);
    private static readonly Actor OtherRep = new(Guid.NewGuid(), Role.Rep);

    private static PlanningCycle Cycle() => PlanningCycle.Open(
        new CycleSchedule("FY2027", new(2027, 1, 1), new(2027, 12, 31), new(2027, 1, 4), new(2027, 1, 18)), Leader.Id, Now);

    private static Plan PlanIn(PlanStatus status, PlanningCycle cycle)
    {
        var plan = Plan.StartDraft(cycle.Id, Rep.Id, Now);
        if (status == PlanStatus.Draft)
        {
            return plan;
        }

        plan.Submit(Rep, cycle, [], Now);
        if (status == PlanStatus.ChangesRequested)
        {
            plan.RequestChanges(Manager, ManagerId, cycle, "More detail on Q3", Now);
        }
        else if (status == PlanStatus.Approved)
        {
            plan.Approve(Manager, ManagerId, cycle, null, Now);
        }

        return plan;
    }

    [Fact]
    public void The_whole_loop_records_every_transition()
    {
        var cycle = Cycle();
        var plan = Plan.StartDraft(cycle.Id, Rep.Id, Now);

        var steps = new[]
        {
            plan.Submit(Rep, cycle, [], Now),
            plan.RequestChanges(Manager, ManagerId, cycle, "Goals below quota in Q2", Now.AddDays(1)),
            plan.Submit(Rep, cycle, [], Now.AddDays(2)),
            plan.Approve(Manager, ManagerId, cycle, "Good plan", Now.AddDays(3)),
        };

        Assert.Equal([PlanStatus.Submitted, PlanStatus.ChangesRequested, PlanStatus.Submitted, PlanStatus.Approved], steps.Select(s => s.To));
        Assert.Equal([PlanStatus.Draft, PlanStatus.Submitted, PlanStatus.ChangesRequested, PlanStatus.Submitted], steps.Select(s => s.From));
        Assert.Equal(Now, plan.FirstSubmittedAt);
        Assert.Equal(1, plan.ApprovedVersion);
        Assert.Equal(ManagerId, plan.ApprovedById);
        Assert.False(plan.IsEditable);
    }

    [Fact]
    public void A_plan_owes_its_first_draft_until_submitted_and_the_approval_window_runs_until_approval()
    {
        var cycle = Cycle();
        var plan = Plan.StartDraft(cycle.Id, Rep.Id, Now);
        Assert.True(plan.OwesFirstDraft);
        Assert.Null(plan.ApprovalDeadline(cycle));

        plan.Submit(Rep, cycle, [], Now);
        plan.RequestChanges(Manager, ManagerId, cycle, "Q3", Now.AddDays(1));

        Assert.False(plan.OwesFirstDraft);
        Assert.Equal(cycle.ApprovalDeadline(Now), plan.ApprovalDeadline(cycle));
        plan.Submit(Rep, cycle, [], Now.AddDays(2));
        plan.Approve(Manager, ManagerId, cycle, null, Now.AddDays(3));
        Assert.Null(plan.ApprovalDeadline(cycle));
        plan.Amend(Rep, cycle, Now.AddDays(4));
        Assert.False(plan.OwesFirstDraft);
    }

    [Fact]
    public void Amending_an_approved_plan_starts_a_new_version_and_keeps_the_approved_one_in_force()
    {
        var cycle = Cycle();
        var plan = PlanIn(PlanStatus.Approved, cycle);

        plan.Amend(Rep, cycle, Now.AddDays(30));

        Assert.Equal(PlanStatus.Draft, plan.Status);
        Assert.Equal(2, plan.WorkingVersion);
        Assert.Equal(1, plan.ApprovedVersion);
        Assert.True(plan.IsAmendment);
        Assert.Null(plan.FirstSubmittedAt);
        plan.Submit(Rep, cycle, [], Now.AddDays(31));
        Assert.Equal(Now.AddDays(31), plan.FirstSubmittedAt);
        plan.Approve(Leader, ManagerId, cycle, null, Now.AddDays(32));
        Assert.Equal(2, plan.ApprovedVersion);
    }

    public static TheoryData<PlanStatus, string, string> IllegalMoves()
    {
        var data = new TheoryData<PlanStatus, string, string>();
        foreach (var status in Enum.GetValues<PlanStatus>())
        {
            foreach (var action in new[] { "submit", "request-changes", "approve", "amend" })
            {
                foreach (var actor in new[] { "rep", "other-rep", "manager", "other-manager", "leader", "admin" })
                {
                    if (!IsLegal(status, action, actor))
                    {
                        data.Add(status, action, actor);
                    }
                }
            }
        }

        return data;
    }

    private static bool IsLegal(PlanStatus status, string action, string actor) => (status, action, actor) switch
    {
        (PlanStatus.Draft or PlanStatus.ChangesRequested, "submit", "rep") => true,
        (PlanStatus.Submitted, "request-changes" or "approve", "manager" or "leader") => true,
        (PlanStatus.Approved, "amend", "rep") => true,
        _ => false,
    };

    [Theory]
    [MemberData(nameof(IllegalMoves))]
    public void Every_illegal_move_throws_and_changes_nothing(PlanStatus status, string action, string actorName)
    {
        var cycle = Cycle();
        var plan = PlanIn(status, cycle);
        var actor = actorName switch
        {
            "rep" => Rep,
            "other-rep" => OtherRep,
            "manager" => Manager,
            "other-manager" => OtherManager,
            "leader" => Leader,
            _ => Admin,
        };
        var before = (plan.Status, plan.WorkingVersion, plan.ApprovedVersion, plan.ConcurrencyToken);

        var error = Assert.ThrowsAny<DomainException>(() => Act(plan, cycle, action, actor));

        Assert.True(error is NotAllowedException or InvalidStateException, error.GetType().Name);
        Assert.Equal(before, (plan.Status, plan.WorkingVersion, plan.ApprovedVersion, plan.ConcurrencyToken));
    }

    [Theory]
    [InlineData("submit")]
    [InlineData("request-changes")]
    [InlineData("approve")]
    [InlineData("amend")]
    public void Nothing_moves_in_a_closed_cycle(string action)
    {
        var cycle = Cycle();
        var plan = PlanIn(action switch { "submit" => PlanStatus.Draft, "amend" => PlanStatus.Approved, _ => PlanStatus.Submitted }, cycle);
        cycle.Close(Now);

        Assert.Equal("cycle", Assert.Throws<InvalidStateException>(() => Act(plan, cycle, action, action is "submit" or "amend" ? Rep : Manager)).Field);
        Assert.ThrowsAny<DomainException>(() => plan.EnsureEditable(Rep, cycle));
    }

    [Fact]
    public void An_incomplete_plan_cannot_be_submitted_and_says_what_is_missing()
    {
        var cycle = Cycle();
        var plan = Plan.StartDraft(cycle.Id, Rep.Id, Now);

        var error = Assert.Throws<DomainException>(() => plan.Submit(Rep, cycle, ["SWOT is empty", "Q3 has no goal"], Now));

        Assert.Contains("SWOT is empty", error.Message, StringComparison.Ordinal);
        Assert.Equal(PlanStatus.Draft, plan.Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public void Requesting_changes_needs_a_comment(string? comment)
    {
        var cycle = Cycle();
        var plan = PlanIn(PlanStatus.Submitted, cycle);

        Assert.Equal("comment", Assert.Throws<DomainException>(() => plan.RequestChanges(Manager, ManagerId, cycle, comment, Now)).Field);
        Assert.Equal(PlanStatus.Submitted, plan.Status);
    }

    [Fact]
    public void Only_the_rep_edits_and_only_while_draft_or_changes_requested()
    {
        var cycle = Cycle();
        PlanIn(PlanStatus.Draft, cycle).EnsureEditable(Rep, cycle);
        PlanIn(PlanStatus.ChangesRequested, cycle).EnsureEditable(Rep, cycle);

        Assert.Throws<NotAllowedException>(() => PlanIn(PlanStatus.Draft, cycle).EnsureEditable(Manager, cycle));
        Assert.Throws<InvalidStateException>(() => PlanIn(PlanStatus.Submitted, cycle).EnsureEditable(Rep, cycle));
        Assert.Contains("Amend", Assert.Throws<InvalidStateException>(() => PlanIn(PlanStatus.Approved, cycle).EnsureEditable(Rep, cycle)).Message, StringComparison.Ordinal);
    }

    private static void Act(Plan plan, PlanningCycle cycle, string action, Actor actor)
    {
        switch (action)
        {
            case "submit":
                plan.Submit(actor, cycle, [], Now);
                break;
            case "request-changes":
                plan.RequestChanges(actor, ManagerId, cycle, "Please revise", Now);
                break;
            case "approve":
                plan.Approve(actor, ManagerId, cycle, null, Now);
                break;
            default:
                plan.Amend(actor, cycle, Now);
                break;
        }
    }
}
