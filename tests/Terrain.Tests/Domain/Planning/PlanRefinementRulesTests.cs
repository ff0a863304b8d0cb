using Terrain.Domain;
using Terrain.Domain.Planning;
using Xunit;

namespace Terrain.Tests.Domain.Planning;

/// <summary>The reviewer refines a submitted plan: direct edits, proposals the rep decides on, and answered comments (ADR 0033).</summary>
public sealed class PlanRefinementRulesTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid ManagerId = Guid.NewGuid();
    private static readonly Actor Rep = new(Guid.NewGuid(), Role.Rep);
    private static readonly Actor Manager = new(ManagerId, Role.Manager);
    private static readonly Actor OtherManager = new(Guid.NewGuid(), Role.Manager);
    private static readonly Actor Leader = new(Guid.NewGuid(), Role.Leader);
    private static readonly Actor Admin = new(Guid.NewGuid(), Role.Admin);

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
            plan.RequestChanges(Manager, ManagerId, cycle, "More detail", Now);
        }
        else if (status == PlanStatus.Approved)
        {
            plan.Approve(Manager, ManagerId, cycle, null, Now);
        }

        return plan;
    }

    private static PlanProposal Proposal(Plan plan, PlanningCycle cycle, string version = "v1") =>
        PlanProposal.Propose(plan, Manager, ManagerId, cycle, "summary", new NarrativeContent { Text = "Sharper" }, version, " Why not? ", Now);

    [Fact]
    public void The_reviewer_edits_a_submitted_plan_and_only_a_submitted_one()
    {
        var cycle = Cycle();
        PlanIn(PlanStatus.Submitted, cycle).EnsureEditable(Manager, cycle, ManagerId);
        PlanIn(PlanStatus.Submitted, cycle).EnsureEditable(Leader, cycle, ManagerId);
        Assert.True(PlanIn(PlanStatus.Submitted, cycle).MayEdit(Manager, cycle, ManagerId));

        Assert.Throws<InvalidStateException>(() => PlanIn(PlanStatus.Draft, cycle).EnsureEditable(Manager, cycle, ManagerId));
        Assert.Throws<InvalidStateException>(() => PlanIn(PlanStatus.ChangesRequested, cycle).EnsureEditable(Manager, cycle, ManagerId));
        Assert.Throws<InvalidStateException>(() => PlanIn(PlanStatus.Approved, cycle).EnsureEditable(Manager, cycle, ManagerId));
        Assert.False(PlanIn(PlanStatus.Draft, cycle).MayEdit(Manager, cycle, ManagerId));
    }

    [Fact]
    public void Nobody_outside_the_reporting_line_edits_whatever_the_state()
    {
        var cycle = Cycle();
        foreach (var actor in new[] { OtherManager, Admin })
        {
            Assert.Throws<NotAllowedException>(() => PlanIn(PlanStatus.Submitted, cycle).EnsureEditable(actor, cycle, ManagerId));
            Assert.False(PlanIn(PlanStatus.Submitted, cycle).MayEdit(actor, cycle, ManagerId));
        }

        // The rep's own rules are unchanged: not while submitted.
        Assert.Throws<InvalidStateException>(() => PlanIn(PlanStatus.Submitted, cycle).EnsureEditable(Rep, cycle, ManagerId));
    }

    [Fact]
    public void Only_the_reviewer_proposes_and_only_while_the_plan_is_submitted()
    {
        var cycle = Cycle();
        var proposal = Proposal(PlanIn(PlanStatus.Submitted, cycle), cycle);
        Assert.Equal(ProposalStatus.Pending, proposal.Status);
        Assert.Equal("Why not?", proposal.Note);
        Assert.Equal("v1", proposal.BaseVersion);

        var submitted = PlanIn(PlanStatus.Submitted, cycle);
        Assert.Throws<NotAllowedException>(() => PlanProposal.Propose(submitted, Rep, ManagerId, cycle, "summary", new NarrativeContent(), "v1", null, Now));
        Assert.Throws<NotAllowedException>(() => PlanProposal.Propose(submitted, OtherManager, ManagerId, cycle, "summary", new NarrativeContent(), "v1", null, Now));
        Assert.Throws<InvalidStateException>(() => Proposal(PlanIn(PlanStatus.ChangesRequested, cycle), cycle));
        Assert.Throws<DomainException>(() => PlanProposal.Propose(submitted, Manager, ManagerId, cycle, "summary", new NarrativeContent(), "v1",
            new string('x', PlanProposal.MaxNoteLength + 1), Now));
    }

    [Fact]
    public void The_rep_accepts_a_proposal_made_against_the_current_version_once()
    {
        var cycle = Cycle();
        var plan = PlanIn(PlanStatus.Submitted, cycle);
        var proposal = Proposal(plan, cycle);

        Assert.Throws<NotAllowedException>(() => proposal.Accept(plan, Manager, cycle, "v1", Now));
        proposal.Accept(plan, Rep, cycle, "v1", Now.AddHours(1));

        Assert.Equal(ProposalStatus.Accepted, proposal.Status);
        Assert.Equal(Rep.Id, proposal.DecidedById);
        Assert.Throws<InvalidStateException>(() => proposal.Accept(plan, Rep, cycle, "v1", Now));
        Assert.Throws<InvalidStateException>(() => proposal.Reject(plan, Rep, null, Now));
    }

    [Fact]
    public void A_stale_proposal_is_never_applied_and_stays_pending_to_be_rejected()
    {
        var cycle = Cycle();
        var plan = PlanIn(PlanStatus.Submitted, cycle);
        var proposal = Proposal(plan, cycle);

        var refused = Assert.Throws<InvalidStateException>(() => proposal.Accept(plan, Rep, cycle, "v2", Now));

        Assert.Contains("changed since", refused.Message, StringComparison.Ordinal);
        Assert.Equal(ProposalStatus.Pending, proposal.Status);
        proposal.Reject(plan, Rep, "  Already reworded it.  ", Now);
        Assert.Equal(ProposalStatus.Rejected, proposal.Status);
        Assert.Equal("Already reworded it.", proposal.Reason);
    }

    [Fact]
    public void A_proposal_is_accepted_while_the_plan_is_under_review_and_only_rejected_once_approved()
    {
        var cycle = Cycle();
        var plan = PlanIn(PlanStatus.Submitted, cycle);
        var proposal = Proposal(plan, cycle);
        plan.RequestChanges(Manager, ManagerId, cycle, "See my proposal", Now);
        proposal.Accept(plan, Rep, cycle, "v1", Now);

        var approved = PlanIn(PlanStatus.Submitted, cycle);
        var late = Proposal(approved, cycle);
        approved.Approve(Manager, ManagerId, cycle, null, Now);
        Assert.Throws<InvalidStateException>(() => late.Accept(approved, Rep, cycle, "v1", Now));
        Assert.Throws<NotAllowedException>(() => late.Reject(approved, Manager, null, Now));
        late.Reject(approved, Rep, null, Now);
    }

    private static readonly Guid Thread1 = Guid.NewGuid();
    private static readonly Guid Thread2 = Guid.NewGuid();

    private static IReadOnlyDictionary<string, (string Title, DateTimeOffset? UpdatedAt)> Sections(DateTimeOffset? summaryUpdated = null) =>
        new Dictionary<string, (string, DateTimeOffset?)> { ["summary"] = ("Summary", summaryUpdated), ["goals"] = ("Goals", null) };

    [Fact]
    public void A_review_comment_on_a_section_waits_for_a_change_or_a_reply()
    {
        var since = Now;
        var comments = new List<CommentFact>
        {
            new(Thread1, "summary", ManagerId, "Manager One", Now.AddHours(1)),
            new(Thread2, "goals", ManagerId, "Manager One", Now.AddHours(2)),
            // Before the submission under review: not part of this review.
            new(Guid.NewGuid(), "goals", ManagerId, "Manager One", Now.AddDays(-1)),
            // On the plan as a whole: answered by resubmitting.
            new(Guid.NewGuid(), null, ManagerId, "Manager One", Now.AddHours(1)),
        };

        var open = ReviewAnswers.Unanswered(comments, Rep.Id, since, Sections());
        Assert.Equal(["summary", "goals"], open.Select(u => u.SectionKey));
        Assert.Equal("Answer Manager One's comment on Summary: change the section or reply to it.", open[0].Message);

        // A change to the summary after the comment, and a reply in the goals thread, answer both.
        comments.Add(new(Thread2, "goals", Rep.Id, "Rep", Now.AddHours(3)));
        Assert.Empty(ReviewAnswers.Unanswered(comments, Rep.Id, since, Sections(Now.AddHours(2))));

        // A change before the comment, or a reply the reviewer answered again, does not.
        comments.Add(new(Thread2, "goals", ManagerId, "Manager One", Now.AddHours(4)));
        Assert.Equal(["summary", "goals"], ReviewAnswers.Unanswered(comments, Rep.Id, since, Sections(Now.AddMinutes(30))).Select(u => u.SectionKey));
    }

    [Fact]
    public void Resubmission_is_refused_while_a_review_comment_is_unanswered_naming_it()
    {
        var cycle = Cycle();
        var plan = PlanIn(PlanStatus.ChangesRequested, cycle);

        var refused = Assert.Throws<DomainException>(() => plan.Submit(Rep, cycle, [], Now, ["Answer Manager One's comment on Summary: change the section or reply to it."]));

        Assert.Equal(["Answer Manager One's comment on Summary: change the section or reply to it."], refused.Problems);
        Assert.Equal(PlanStatus.ChangesRequested, plan.Status);
        plan.Submit(Rep, cycle, [], Now, []);
        Assert.Equal(PlanStatus.Submitted, plan.Status);
    }
}
