namespace Terrain.Domain.Planning;

public enum PlanStatus
{
    Draft = 0,
    Submitted = 1,
    ChangesRequested = 2,
    Approved = 3,
}

/// <summary>Who is acting: the only facts the workflow needs about a person.</summary>
public sealed record Actor(Guid Id, Role Role);

/// <summary>One step of a plan's life, kept forever: who moved it, when, from and to, and why.</summary>
public sealed record PlanTransition(PlanStatus From, PlanStatus To, Guid ById, DateTimeOffset At, int Version, string? Comment);

/// <summary>
/// A rep's territory plan in one cycle. Draft → Submitted → ChangesRequested → Submitted → … → Approved.
/// Only the rep submits; only the rep's manager or a leader requests changes or approves, and never the rep.
/// An approved plan is read-only: amending starts a new working version while the approved one stays in force.
/// Every illegal move throws; none is silently ignored. Who may move it is checked before the plan's or the cycle's state.
/// </summary>
public sealed partial class Plan
{
    private Plan()
    {
    }

    public Guid Id { get; private set; }

    public Guid CycleId { get; private set; }

    public Guid OwnerId { get; private set; }

    public PlanStatus Status { get; private set; }

    /// <summary>The version being worked on; each submission snapshots it.</summary>
    public int WorkingVersion { get; private set; } = 1;

    /// <summary>The approved version in force, if any; it stays in force while an amendment is under way.</summary>
    public int? ApprovedVersion { get; private set; }

    /// <summary>The first submission of the current working version: the approval window runs from here.</summary>
    public DateTimeOffset? FirstSubmittedAt { get; private set; }

    public DateTimeOffset? LastSubmittedAt { get; private set; }

    public DateTimeOffset? ApprovedAt { get; private set; }

    public Guid? ApprovedById { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public string ConcurrencyToken { get; private set; } = "";

    public bool IsAmendment => ApprovedVersion is not null && Status != PlanStatus.Approved;

    public bool IsEditable => IsEditableIn(Status);

    public static bool IsEditableIn(PlanStatus status) => status is PlanStatus.Draft or PlanStatus.ChangesRequested;

    /// <summary>The rep's manager or a leader, and never the rep: who requests changes and approves.</summary>
    public static bool MayReview(Actor actor, Guid ownerId, Guid? ownerManagerId) =>
        Permissions.May(actor, Act.ReviewPlan, new About(ownerId, ownerManagerId));

    /// <summary>The rep still owes the cycle's first draft: never submitted, and no approved version in force.</summary>
    public bool OwesFirstDraft => FirstSubmittedAt is null && ApprovedVersion is null;

    /// <summary>When the approval window of the version under review closes; null when nothing awaits approval.</summary>
    public DateTimeOffset? ApprovalDeadline(PlanningCycle cycle) =>
        FirstSubmittedAt is not null && Status != PlanStatus.Approved && ApprovalDueIn(cycle) is { } due ? Deadlines.EndOfDay(due, cycle.TimeZone) : null;

    public static Plan StartDraft(Guid cycleId, Guid ownerId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        CycleId = cycleId,
        OwnerId = ownerId,
        Status = PlanStatus.Draft,
        CreatedAt = now,
        UpdatedAt = now,
        ConcurrencyToken = Guid.NewGuid().ToString("N"),
    };

    /// <summary>
    /// The rep sends the plan for review once nothing blocks it; after changes were requested, also once every review
    /// comment on a section is answered (<paramref name="unansweredComments"/>, see <see cref="ReviewAnswers"/>).
    /// </summary>
    public PlanTransition Submit(Actor actor, PlanningCycle cycle, IReadOnlyCollection<string> blockingProblems, DateTimeOffset now,
        IReadOnlyCollection<string>? unansweredComments = null)
    {
        if (actor.Id != OwnerId)
        {
            throw new NotAllowedException("Only the rep who owns the plan submits it.");
        }

        cycle.EnsureOpen();
        EnsureNotClosed();

        EnsureIn("submit", PlanStatus.Draft, PlanStatus.ChangesRequested);
        if (blockingProblems.Count > 0)
        {
            throw new DomainException("The plan is not complete", [.. blockingProblems], "sections");
        }

        if (Status == PlanStatus.ChangesRequested && unansweredComments is { Count: > 0 })
        {
            throw new DomainException("Answer every comment from the review first: change its section or reply to it", [.. unansweredComments], "comments");
        }

        FirstSubmittedAt ??= now;
        DraftSubmittedAt ??= now;
        LastSubmittedAt = now;
        return Move(PlanStatus.Submitted, actor, now, null);
    }

    public PlanTransition RequestChanges(Actor actor, Guid? ownerManagerId, PlanningCycle cycle, string? comment, DateTimeOffset now)
    {
        EnsureReviewer(actor, ownerManagerId, "request changes to");
        cycle.EnsureOpen();
        EnsureNotClosed();
        EnsureIn("request changes to", PlanStatus.Submitted);
        if (string.IsNullOrWhiteSpace(comment))
        {
            throw new DomainException("Say what needs to change: a comment is required.", "comment");
        }

        EnsureComment(comment);
        return Move(PlanStatus.ChangesRequested, actor, now, comment.Trim());
    }

    public PlanTransition Approve(Actor actor, Guid? ownerManagerId, PlanningCycle cycle, string? comment, DateTimeOffset now)
    {
        EnsureReviewer(actor, ownerManagerId, "approve");
        cycle.EnsureOpen();
        EnsureNotClosed();
        EnsureIn("approve", PlanStatus.Submitted);
        EnsureComment(comment);
        ApprovedVersion = WorkingVersion;
        ApprovedAt = now;
        ApprovedById = actor.Id;
        return Move(PlanStatus.Approved, actor, now, string.IsNullOrWhiteSpace(comment) ? null : comment.Trim());
    }

    /// <summary>Starts a new working version of an approved plan; the approved version stays in force.</summary>
    public PlanTransition Amend(Actor actor, PlanningCycle cycle, DateTimeOffset now)
    {
        if (actor.Id != OwnerId)
        {
            throw new NotAllowedException("Only the rep who owns the plan amends it.");
        }

        cycle.EnsureOpen();
        EnsureNotClosed();

        EnsureIn("amend", PlanStatus.Approved);
        WorkingVersion++;
        FirstSubmittedAt = null;
        LastSubmittedAt = null;
        return Move(PlanStatus.Draft, actor, now, null);
    }

    /// <summary>
    /// Guards every content edit. The rep edits while the plan is a draft or sent back; the rep's reviewer (their manager
    /// or a leader) refines it while it is submitted, which is when they review it (ADR 0033).
    /// </summary>
    public void EnsureEditable(Actor actor, PlanningCycle cycle, Guid? ownerManagerId = null)
    {
        var refining = actor.Id != OwnerId && MayReview(actor, OwnerId, ownerManagerId);
        if (actor.Id != OwnerId && !refining)
        {
            throw new NotAllowedException("Only the rep who owns the plan edits it; while it is submitted, its reviewer may refine it.");
        }

        cycle.EnsureOpen();
        EnsureNotClosed();

        if (refining)
        {
            if (Status != PlanStatus.Submitted)
            {
                throw new InvalidStateException(Status == PlanStatus.Approved
                    ? "The plan is approved and read-only."
                    : "The rep is revising this plan: a reviewer edits it only while it is submitted for review. Comment on it instead.");
            }

            return;
        }

        if (!IsEditable)
        {
            throw new InvalidStateException(Status == PlanStatus.Approved
                ? "The plan is approved and read-only. Amend it to start a new version."
                : "The plan is waiting for review and cannot be edited until changes are requested.");
        }
    }

    /// <summary>Whether this person may edit the plan's content now (see <see cref="EnsureEditable"/>), without throwing.</summary>
    public bool MayEdit(Actor actor, PlanningCycle cycle, Guid? ownerManagerId) =>
        cycle.Status == CycleStatus.Open && !HasLeft
        && (actor.Id == OwnerId ? IsEditable : Status == PlanStatus.Submitted && MayReview(actor, OwnerId, ownerManagerId));

    public void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        ConcurrencyToken = Guid.NewGuid().ToString("N");
    }

    private static void EnsureComment(string? comment)
    {
        if (comment is { Length: > 4000 })
        {
            throw new DomainException("The comment is longer than 4,000 characters.", "comment");
        }

        if (comment?.Contains('\0', StringComparison.Ordinal) == true)
        {
            throw new DomainException("The comment contains a NUL character.", "comment");
        }
    }

    private void EnsureReviewer(Actor actor, Guid? ownerManagerId, string verb)
    {
        if (actor.Id == OwnerId)
        {
            throw new NotAllowedException($"A rep cannot {verb} their own plan.");
        }

        if (!MayReview(actor, OwnerId, ownerManagerId))
        {
            throw new NotAllowedException($"Only the rep's manager or a sales leader can {verb} this plan.");
        }
    }

    private void EnsureIn(string verb, params PlanStatus[] allowed)
    {
        if (!allowed.Contains(Status))
        {
            throw new InvalidStateException($"A plan that is {Describe(Status)} cannot be {Past(verb)}.");
        }
    }

    private PlanTransition Move(PlanStatus to, Actor actor, DateTimeOffset now, string? comment)
    {
        var transition = new PlanTransition(Status, to, actor.Id, now, WorkingVersion, comment);
        Status = to;
        Touch(now);
        return transition;
    }

    private static string Describe(PlanStatus status) => status switch
    {
        PlanStatus.Draft => "a draft",
        PlanStatus.Submitted => "submitted",
        PlanStatus.ChangesRequested => "waiting for the rep's changes",
        _ => "approved",
    };

    private static string Past(string verb) => verb switch
    {
        "submit" => "submitted",
        "approve" => "approved",
        "amend" => "amended",
        _ => "sent back with changes requested",
    };
}
