namespace Terrain.Domain.Planning;

public enum ProposalStatus
{
    Pending = 0,
    Accepted = 1,
    Rejected = 2,
}

/// <summary>
/// A reviewer's proposed content for one section of a submitted plan, made against the section's version at the time
/// (ADR 0033). The rep accepts it, and the content becomes the section's new version with the reviewer as its author,
/// or rejects it with an optional reason. A proposal made against a version that has since changed is never applied:
/// it would silently undo that change.
/// </summary>
public sealed class PlanProposal
{
    public const int MaxNoteLength = 2000;

    private PlanProposal()
    {
    }

    public Guid Id { get; private set; }

    public Guid PlanId { get; private set; }

    public string SectionKey { get; private set; } = "";

    /// <summary>The proposed content, as JSON of the section's kind, validated when proposed.</summary>
    public string Content { get; private set; } = "";

    /// <summary>The section's version the proposal was made against; it applies only while the section still has it.</summary>
    public string BaseVersion { get; private set; } = "";

    /// <summary>Why, in the reviewer's words; optional.</summary>
    public string? Note { get; private set; }

    public Guid ProposedById { get; private set; }

    public DateTimeOffset ProposedAt { get; private set; }

    public ProposalStatus Status { get; private set; }

    public Guid? DecidedById { get; private set; }

    public DateTimeOffset? DecidedAt { get; private set; }

    /// <summary>The rep's reason for rejecting it; optional.</summary>
    public string? Reason { get; private set; }

    public static PlanProposal Propose(Plan plan, Actor actor, Guid? ownerManagerId, PlanningCycle cycle, string sectionKey, SectionContent content,
        string baseVersion, string? note, DateTimeOffset now)
    {
        if (actor.Id == plan.OwnerId)
        {
            throw new NotAllowedException("A rep edits their own plan directly; proposing an edit is for its reviewer.");
        }

        Permissions.Ensure(actor, Act.ReviewPlan, new About(plan.OwnerId, ownerManagerId));
        plan.EnsureEditable(actor, cycle, ownerManagerId);
        return new PlanProposal
        {
            Id = Guid.CreateVersion7(now),
            PlanId = plan.Id,
            SectionKey = sectionKey,
            Content = SectionContents.Write(content),
            BaseVersion = baseVersion,
            Note = Text(note, "note", "The note"),
            ProposedById = actor.Id,
            ProposedAt = now,
            Status = ProposalStatus.Pending,
        };
    }

    /// <summary>
    /// The rep takes the proposed content. <paramref name="currentVersion"/> is the section's version now: when it is
    /// no longer the one proposed against, the proposal is refused as stale and stays pending (to be rejected).
    /// </summary>
    public void Accept(Plan plan, Actor actor, PlanningCycle cycle, string currentVersion, DateTimeOffset now)
    {
        EnsureOwner(plan, actor, "accepts");
        cycle.EnsureOpen();
        EnsurePending();
        if (plan.HasLeft)
        {
            throw new InvalidStateException("The rep has left: this plan is closed and read-only.", "plan");
        }

        if (plan.Status is not (PlanStatus.Submitted or PlanStatus.ChangesRequested))
        {
            throw new InvalidStateException(plan.Status == PlanStatus.Approved
                ? "The plan is approved: a proposal made during its review can no longer be applied. Reject it, or amend the plan and make the change yourself."
                : "The plan is no longer under review: reject the proposal and make the change yourself.");
        }

        if (currentVersion != BaseVersion)
        {
            throw new InvalidStateException(
                "The section has changed since this edit was proposed, so accepting it would undo that change. Reject it, or make the change yourself.",
                "version");
        }

        Decide(ProposalStatus.Accepted, actor, now, null);
    }

    public void Reject(Plan plan, Actor actor, string? reason, DateTimeOffset now)
    {
        EnsureOwner(plan, actor, "rejects");
        EnsurePending();
        Decide(ProposalStatus.Rejected, actor, now, Text(reason, "reason", "The reason"));
    }

    private void Decide(ProposalStatus status, Actor actor, DateTimeOffset now, string? reason)
    {
        Status = status;
        DecidedById = actor.Id;
        DecidedAt = now;
        Reason = reason;
    }

    private void EnsureOwner(Plan plan, Actor actor, string verb)
    {
        if (plan.Id != PlanId)
        {
            throw new DomainException("The proposal is for another plan.", "proposal");
        }

        if (actor.Id != plan.OwnerId)
        {
            throw new NotAllowedException($"Only the rep who owns the plan {verb} an edit proposed to it.");
        }
    }

    private void EnsurePending()
    {
        if (Status != ProposalStatus.Pending)
        {
            throw new InvalidStateException($"This proposal was already {(Status == ProposalStatus.Accepted ? "accepted" : "rejected")}.");
        }
    }

    private static string? Text(string? value, string field, string what)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (text.Length > MaxNoteLength)
        {
            throw new DomainException($"{what} is longer than {MaxNoteLength:N0} characters.", field);
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new DomainException($"{what} contains a NUL character.", field);
        }

        return text.Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}

/// <summary>A comment as <see cref="ReviewAnswers"/> needs it.</summary>
public sealed record CommentFact(Guid ThreadId, string? SectionKey, Guid AuthorId, string AuthorName, DateTimeOffset At);

/// <summary>A reviewer's comment on a section that the rep has not answered yet.</summary>
public sealed record UnansweredComment(Guid ThreadId, string SectionKey, string SectionTitle, string AuthorName, DateTimeOffset At)
{
    public string Message => $"Answer {AuthorName}'s comment on {SectionTitle}: change the section or reply to it.";
}

/// <summary>
/// After changes are requested, every comment a reviewer wrote on a section during the review (since the submission
/// under review) needs an answer before the plan goes back: a change to its section after it, or the rep's reply in
/// its thread after it (ADR 0033). Comments on the plan as a whole are answered by resubmitting.
/// </summary>
public static class ReviewAnswers
{
    public static IReadOnlyList<UnansweredComment> Unanswered(IEnumerable<CommentFact> comments, Guid ownerId, DateTimeOffset since,
        IReadOnlyDictionary<string, (string Title, DateTimeOffset? UpdatedAt)> sections) =>
        comments.Where(c => c.SectionKey is not null).GroupBy(c => c.ThreadId)
            .Select(thread =>
            {
                var last = thread.Where(c => c.AuthorId != ownerId && c.At >= since).MaxBy(c => c.At);
                if (last is null || !sections.TryGetValue(last.SectionKey!, out var section))
                {
                    return null;
                }

                var replied = thread.Any(c => c.AuthorId == ownerId && c.At > last.At);
                var changed = section.UpdatedAt > last.At;
                return replied || changed ? null : new UnansweredComment(thread.Key, last.SectionKey!, section.Title, last.AuthorName, last.At);
            })
            .OfType<UnansweredComment>()
            .OrderBy(u => u.At)
            .ToList();
}
