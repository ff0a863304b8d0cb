namespace Terrain.Domain.Planning;

/// <summary>The two deadlines of a plan: the first draft, and the approval window after a version's first submission.</summary>
public enum DeadlineKind
{
    Draft = 0,
    Approval = 1,
}

/// <summary>
/// A plan's own deadlines (ADR 0030). A plan follows its cycle's draft due day and approval window until it is given
/// its own: a rep who joins after kickoff gets the cycle's draft window counted from the day they joined, and a leader
/// or the rep's manager may extend either deadline of one plan by at most <see cref="MaxExtensionDays"/> days in all.
/// A plan whose rep left (deactivated, or no longer a rep) is closed: read-only, off the overdue counts.
/// </summary>
public sealed partial class Plan
{
    public const int MaxExtensionDays = 14;

    /// <summary>The plan's own draft due day; null while it follows the cycle's.</summary>
    public DateOnly? OwnDraftDue { get; private set; }

    /// <summary>The plan's own approval window in days; null while it follows the cycle's.</summary>
    public int? OwnApprovalWindowDays { get; private set; }

    public int DraftExtensionDays { get; private set; }

    public int ApprovalExtensionDays { get; private set; }

    /// <summary>The day (in the cycle's zone) the rep joined the cycle after its kickoff; null for a rep there from the start.</summary>
    public DateOnly? JoinedOn { get; private set; }

    /// <summary>The first submission of the cycle's first draft, never reset: what the draft deadline is measured against.</summary>
    public DateTimeOffset? DraftSubmittedAt { get; private set; }

    /// <summary>When the plan was closed because its rep left; null while the rep is an active rep.</summary>
    public DateTimeOffset? LeftAt { get; private set; }

    public bool HasLeft => LeftAt is not null;

    /// <summary>Whether the plan's deadlines move with the cycle's (it has none of its own).</summary>
    public bool FollowsCycle => OwnDraftDue is null && OwnApprovalWindowDays is null;

    public DateOnly DraftDueIn(PlanningCycle cycle) => OwnDraftDue ?? cycle.DraftDue;

    public int ApprovalWindowIn(PlanningCycle cycle) => OwnApprovalWindowDays ?? cycle.ApprovalWindowDays;

    public DateTimeOffset DraftDeadline(PlanningCycle cycle) => Deadlines.EndOfDay(DraftDueIn(cycle), cycle.TimeZone);

    /// <summary>The last day of the approval window of the current version; null before it is first submitted.</summary>
    public DateOnly? ApprovalDueIn(PlanningCycle cycle) => FirstSubmittedAt is { } first
        ? Deadlines.LocalDate(first, cycle.TimeZone).AddDays(ApprovalWindowIn(cycle))
        : null;

    /// <summary>The first draft, against its due day: met on time or late, missed, or due. Frozen when the rep left.</summary>
    public DeadlineOutcome DraftOutcome(PlanningCycle cycle, DateTimeOffset now) =>
        DeadlineOutcome.Of(DraftDueIn(cycle), DraftSubmittedAt, LeftAt ?? now, cycle.TimeZone);

    /// <summary>The current version's approval against its window; null when it has not been submitted yet.</summary>
    public DeadlineOutcome? ApprovalOutcome(PlanningCycle cycle, DateTimeOffset now) => ApprovalDueIn(cycle) is { } due
        ? DeadlineOutcome.Of(due, Status == PlanStatus.Approved ? ApprovedAt : null, LeftAt ?? now, cycle.TimeZone)
        : null;

    /// <summary>
    /// The plan of a rep who became a rep while the cycle was open: the cycle's draft window counts from the day they
    /// joined (never earlier than the cycle's own due day). Joining on or before kickoff is joining on time.
    /// </summary>
    public static Plan JoinLate(PlanningCycle cycle, Guid ownerId, DateTimeOffset now)
    {
        var plan = StartDraft(cycle.Id, ownerId, now);
        var today = Deadlines.LocalDate(now, cycle.TimeZone);
        if (today > cycle.Kickoff)
        {
            plan.JoinedOn = today;
            var due = today.AddDays(cycle.DraftWindowDays);
            plan.OwnDraftDue = due > cycle.DraftDue ? due : cycle.DraftDue;
            plan.OwnApprovalWindowDays = cycle.ApprovalWindowDays;
        }

        return plan;
    }

    /// <summary>
    /// Gives one plan more time: a documented exception to the two-week rule, by the rep's manager or a leader, with a
    /// reason, at most <see cref="MaxExtensionDays"/> days in all per deadline. The plan keeps its own deadlines after.
    /// </summary>
    public PlanExtension Extend(Actor actor, Guid? ownerManagerId, PlanningCycle cycle, DeadlineKind deadline, int days, string? reason, DateTimeOffset now)
    {
        Permissions.Ensure(actor, Act.ExtendDeadline, new About(OwnerId, ownerManagerId));
        cycle.EnsureOpen();
        EnsureNotClosed();
        if (!Enum.IsDefined(deadline))
        {
            throw new DomainException("Say which deadline to extend: Draft or Approval.", "deadline");
        }

        if (deadline == DeadlineKind.Draft && DraftSubmittedAt is not null)
        {
            throw new InvalidStateException("The draft was already submitted; there is no draft deadline left to extend.", "deadline");
        }

        if (deadline == DeadlineKind.Approval && Status == PlanStatus.Approved)
        {
            throw new InvalidStateException("The plan is approved; no approval is pending. Extend the window when an amendment is submitted.", "deadline");
        }

        var used = deadline == DeadlineKind.Draft ? DraftExtensionDays : ApprovalExtensionDays;
        if (days < 1 || used + days > MaxExtensionDays)
        {
            throw new DomainException(used == 0
                ? $"Extend by 1 to {MaxExtensionDays} days."
                : $"This deadline was already extended by {used} days; at most {MaxExtensionDays - used} more are allowed ({MaxExtensionDays} in all).", "days");
        }

        var text = reason?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            throw new DomainException("Give the reason for the exception: it is shown on the board and kept in the audit trail.", "reason");
        }

        text = Text.EnsurePrintable(text, "reason");
        if (text.Length > PlanExtension.MaxReasonLength)
        {
            throw new DomainException($"The reason is longer than {PlanExtension.MaxReasonLength} characters.", "reason");
        }

        if (deadline == DeadlineKind.Draft)
        {
            OwnDraftDue = DraftDueIn(cycle).AddDays(days);
            DraftExtensionDays += days;
        }
        else
        {
            OwnApprovalWindowDays = ApprovalWindowIn(cycle) + days;
            ApprovalExtensionDays += days;
        }

        // Both deadlines stop following the cycle together, so that a later change of the cycle cannot move only one.
        OwnDraftDue ??= cycle.DraftDue;
        OwnApprovalWindowDays ??= cycle.ApprovalWindowDays;
        Touch(now);
        return PlanExtension.Grant(Id, deadline, days, text, actor.Id, now);
    }

    /// <summary>The rep left (deactivated, or no longer a rep): the plan closes, its outcomes freeze.</summary>
    public void Close(DateTimeOffset now)
    {
        if (LeftAt is null)
        {
            LeftAt = now;
            Touch(now);
        }
    }

    /// <summary>The rep is back as an active rep: the plan opens again where it was.</summary>
    public void Reopen(DateTimeOffset now)
    {
        if (LeftAt is not null)
        {
            LeftAt = null;
            Touch(now);
        }
    }

    private void EnsureNotClosed()
    {
        if (LeftAt is not null)
        {
            throw new InvalidStateException("The rep has left: this plan is closed and read-only.", "plan");
        }
    }
}

/// <summary>One extension of one plan's deadline: how many days, why, by whom and when. Kept forever.</summary>
public sealed class PlanExtension
{
    public const int MaxReasonLength = 500;

    private PlanExtension()
    {
    }

    public Guid Id { get; private set; }

    public Guid PlanId { get; private set; }

    public DeadlineKind Deadline { get; private set; }

    public int Days { get; private set; }

    public string Reason { get; private set; } = "";

    public Guid ById { get; private set; }

    public DateTimeOffset At { get; private set; }

    internal static PlanExtension Grant(Guid planId, DeadlineKind deadline, int days, string reason, Guid byId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PlanId = planId,
        Deadline = deadline,
        Days = days,
        Reason = reason,
        ById = byId,
        At = now,
    };
}
