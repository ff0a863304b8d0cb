using Terrain.Domain.Planning;

namespace Terrain.Domain;

/// <summary>What a person may set out to do. Reading is scoped by <c>AccessPolicy</c>; these are the acts.</summary>
public enum Act
{
    /// <summary>Create and change users.</summary>
    ManageUsers,

    /// <summary>Load users and accounts from files.</summary>
    Import,

    /// <summary>Open, change and close planning cycles: schedule, template, the strategy a cycle executes.</summary>
    RunCycles,

    /// <summary>Draft, edit, publish and revise the strategy, and set its comprehension check.</summary>
    WriteStrategy,

    /// <summary>Schedule and change strategy workshops, and record who attended.</summary>
    LeadWorkshop,

    /// <summary>Follow the reps one looks after: the deadline board, readiness, alignment, quotas and team pages.</summary>
    FollowTeam,

    /// <summary>Set a rep's quota (about that rep).</summary>
    SetQuota,

    /// <summary>Request changes to or approve a rep's plan (about the plan's owner).</summary>
    ReviewPlan,

    /// <summary>Edit, submit and amend one's own plan (about the plan's owner).</summary>
    WritePlan,

    /// <summary>Comment on a plan: its owner and whoever reviews it (about the plan's owner).</summary>
    CommentOnPlan,

    /// <summary>Acknowledge the strategy, take its check and ask about it, for oneself (about the rep it is for).</summary>
    BuyIn,

    /// <summary>Answer a rep's question about the strategy (about the rep who asked).</summary>
    AnswerQuestion,

    /// <summary>Keep the status of the action items of an approved plan: its owner and the owner's manager (about the plan's owner).</summary>
    TrackActions,

    /// <summary>Set the performance thresholds of the organisation: status ratios, healthy coverage, early stages.</summary>
    SetMetrics,

    /// <summary>Hold a performance review with a rep: the review's manager (about the review's rep and manager).</summary>
    HoldReview,

    /// <summary>Take part in one's own review: self-assessment, forecast call, shared notes, confirming actions (about the review's rep).</summary>
    JoinReview,

    /// <summary>Choose how often a rep is reviewed: the rep's manager or a leader (about the rep).</summary>
    SetReviewCadence,

    /// <summary>Give one plan more time for its draft or its approval (a bounded, audited exception): the rep's manager or a leader (about the plan's owner).</summary>
    ExtendDeadline,

    /// <summary>Allocate a cycle's revenue target down to teams and reps, and publish the quota letters: sales leaders.</summary>
    AllocateQuota,

    /// <summary>Acknowledge one's own published quota letter (about the rep it is for).</summary>
    AcknowledgeQuota,

    /// <summary>Share a team's quota in a draft allocation out between its reps (ADR 0048): the team's manager, or a leader (about the rep).</summary>
    AllocateTeamQuota,

    /// <summary>Move accounts between territories, keep the territories and the assignment rules (ADR 0039).</summary>
    AssignAccounts,

    /// <summary>Read territory scenarios: leaders and admins all of them, a manager those of their own team, read-only (ADR 0045).</summary>
    ReadScenarios,
}

/// <summary>The rep an act is about (a plan's owner, a quota's rep, a question's asker) and that rep's manager.</summary>
public readonly record struct About(Guid RepId, Guid? ManagerId);

/// <summary>
/// The one decision point for who may do what (ADR 0015). Roles decide which acts a person may set out to do at all;
/// for an act about a rep, the reporting line decides which reps. Entities keep the rules of their own state and ask
/// here when an act depends on who they belong to; endpoints, pages and the UI ask through <c>AccessPolicy</c>.
/// </summary>
public static class Permissions
{
    /// <summary>Whether the person may do this kind of act at all, whatever it is about.</summary>
    public static bool May(Actor actor, Act act) => act switch
    {
        Act.ManageUsers or Act.Import => actor.Role == Role.Admin,
        // Admins set up what leaders set up (cycles and the strategy) but do not act in the reporting line.
        Act.RunCycles or Act.WriteStrategy => actor.Role is Role.Leader or Role.Admin,
        Act.LeadWorkshop => actor.Role == Role.Leader,
        Act.FollowTeam => actor.Role is Role.Manager or Role.Leader or Role.Admin,
        Act.SetQuota or Act.ReviewPlan or Act.AnswerQuestion => actor.Role is Role.Manager or Role.Leader,
        Act.WritePlan or Act.BuyIn => actor.Role == Role.Rep,
        Act.CommentOnPlan => actor.Role is Role.Rep or Role.Manager or Role.Leader,
        Act.TrackActions => actor.Role is Role.Rep or Role.Manager,
        Act.SetMetrics => actor.Role is Role.Leader or Role.Admin,
        Act.HoldReview => actor.Role == Role.Manager,
        Act.JoinReview => actor.Role == Role.Rep,
        Act.SetReviewCadence or Act.ExtendDeadline => actor.Role is Role.Manager or Role.Leader,
        // Allocating writes every rep's quota, which admins do not set (ADR 0034): leaders only.
        Act.AllocateQuota => actor.Role == Role.Leader,
        Act.AcknowledgeQuota => actor.Role == Role.Rep,
        Act.AllocateTeamQuota => actor.Role is Role.Manager or Role.Leader,
        Act.AssignAccounts => actor.Role is Role.Leader or Role.Admin,
        Act.ReadScenarios => actor.Role is Role.Manager or Role.Leader or Role.Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(act), act, "An act without a rule."),
    };

    /// <summary>Whether the person may do this act about this rep.</summary>
    public static bool May(Actor actor, Act act, About about) => May(actor, act) && act switch
    {
        Act.WritePlan or Act.BuyIn => actor.Id == about.RepId,
        Act.SetQuota or Act.ReviewPlan or Act.AnswerQuestion => actor.Id != about.RepId && LeadsOrManages(actor, about),
        Act.CommentOnPlan => actor.Id == about.RepId || LeadsOrManages(actor, about),
        Act.TrackActions => actor.Id == about.RepId || (actor.Role == Role.Manager && about.ManagerId == actor.Id),
        // The review's own manager: a review to come follows the rep to a new manager, a past one stays with the old one.
        Act.HoldReview => actor.Id != about.RepId && about.ManagerId == actor.Id,
        Act.JoinReview or Act.AcknowledgeQuota => actor.Id == about.RepId,
        Act.SetReviewCadence or Act.ExtendDeadline or Act.AllocateTeamQuota => actor.Id != about.RepId && LeadsOrManages(actor, about),
        Act.ManageUsers or Act.Import or Act.RunCycles or Act.WriteStrategy or Act.LeadWorkshop or Act.FollowTeam or Act.SetMetrics or Act.AllocateQuota or Act.AssignAccounts
            or Act.ReadScenarios => true,
        _ => throw new ArgumentOutOfRangeException(nameof(act), act, "An act without a rule."),
    };

    public static void Ensure(Actor actor, Act act)
    {
        if (!May(actor, act))
        {
            throw new NotAllowedException(Refusal(act));
        }
    }

    public static void Ensure(Actor actor, Act act, About about)
    {
        if (!May(actor, act, about))
        {
            throw new NotAllowedException(Refusal(act));
        }
    }

    /// <summary>What a refused person is told.</summary>
    public static string Refusal(Act act) => act switch
    {
        Act.ManageUsers => "Only admins manage users.",
        Act.Import => "Only admins import data.",
        Act.RunCycles => "Only sales leaders and admins run planning cycles.",
        Act.WriteStrategy => "Only sales leaders and admins write and publish the strategy.",
        Act.LeadWorkshop => "Sales leaders run the strategy workshops.",
        Act.FollowTeam => "This is for managers and leaders.",
        Act.SetQuota => "Only a sales leader or the rep's own manager sets the rep's quota.",
        Act.ReviewPlan => "Only the rep's manager or a sales leader reviews this plan.",
        Act.WritePlan => "Only the rep who owns the plan edits it; reviewers comment.",
        Act.CommentOnPlan => "Only the rep, the rep's manager and sales leaders comment on a plan.",
        Act.BuyIn => "Reps acknowledge the strategy and take its check, for themselves; leaders and managers follow their readiness instead.",
        Act.AnswerQuestion => "A leader or the rep's own manager answers a rep's question.",
        Act.TrackActions => "Only the rep who owns the plan and the rep's manager update its actions.",
        Act.SetMetrics => "Only sales leaders and admins set the performance thresholds.",
        Act.HoldReview => "Only the manager the review is with holds it; leaders read it.",
        Act.JoinReview => "Only the rep the review is about takes part in it as the rep.",
        Act.SetReviewCadence => "Only the rep's manager or a sales leader chooses how often the rep is reviewed.",
        Act.ExtendDeadline => "Only the rep's manager or a sales leader extends a plan's deadline.",
        Act.AllocateQuota => "Only sales leaders allocate the revenue target and publish quota letters.",
        Act.AcknowledgeQuota => "Only the rep a quota letter is for acknowledges it.",
        Act.AllocateTeamQuota => "Only a sales leader or the team's own manager shares a team's quota out between its reps.",
        Act.AssignAccounts => "Only sales leaders and admins move accounts between territories.",
        Act.ReadScenarios => "Only sales leaders, admins and managers (for their own team) read territory scenarios.",
        _ => throw new ArgumentOutOfRangeException(nameof(act), act, "An act without a rule."),
    };

    /// <summary>Leaders act on every rep; a manager on their own reps only.</summary>
    private static bool LeadsOrManages(Actor actor, About about) =>
        actor.Role == Role.Leader || (actor.Role == Role.Manager && about.ManagerId == actor.Id);
}
