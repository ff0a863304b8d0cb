using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain.Planning;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Plans;

/// <summary>
/// The plan page: the whole plan read-only, section by section with its comment threads, the checklist, the quality
/// warnings and the quota gap beside it, and the review moves open to the reader.
/// </summary>
public sealed class PlanModel(PlanDocuments documents, PlanReview review, PlanComments comments, ExtendDeadline extend, PlanProposals proposals,
    PlanHandlers plans, AccessPolicy access, CurrentUser me, TimeProvider clock, Territory.BookOfBusiness book) : PageModel, IReloadsOnRefusal
{
    /// <summary>The thread key of comments on the plan as a whole (the notifications link to it).</summary>
    public const string PlanThread = "plan";

    public PlanDocument Document { get; private set; } = null!;

    /// <summary>What changed in the plan owner's book of business since the cycle's kickoff (ADR 0039).</summary>
    public Territory.BookChanges? BookChanges { get; private set; }

    public IReadOnlyList<CommentThread> Threads { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    /// <summary>The review's last move with its comment: the request for changes while it stands, the approval once approved.</summary>
    public ReviewMove? LastMove { get; private set; }

    /// <summary>The reviewer pressed Approve: the page asks them to confirm, with their closing comment (ADR 0033).</summary>
    public bool ConfirmingApproval { get; private set; }

    /// <summary>The rejection form's reason, shown again when refused.</summary>
    [BindProperty(Name = "reason")]
    public string? RejectionReason { get; set; }

    [BindProperty(Name = "proposal")]
    public Guid? ProposalId { get; set; }

    public IEnumerable<ProposalView> ProposalsOf(string sectionKey) => Document.Proposals.Where(p => p.SectionKey == sectionKey);

    /// <summary>What a proposal changes, line by line, against the section as it is now.</summary>
    public IReadOnlyList<DiffLine> ChangesOf(ProposalView proposal) =>
        TextDiff.Lines(Document.Section(proposal.SectionKey)!.Content.Describe(Document.Facts).ToList(), proposal.Content.Describe(Document.Facts).ToList())
            .Where(l => l.Kind != DiffKind.Same).ToList();

    /// <summary>What the last review move was refused for, shown above the actions.</summary>
    public IReadOnlyList<string> ActionErrors { get; private set; } = [];

    /// <summary>Which action form the error belongs to, so that the typed comment is shown again there.</summary>
    public PlanAction? FailedAction { get; private set; }

    /// <summary>The comment of a review move (request changes, approve), shown again when the move is refused.</summary>
    [BindProperty(Name = "comment")]
    public string? ReviewComment { get; set; }

    /// <summary>The comment form's section key; none is the plan as a whole.</summary>
    [BindProperty]
    public string? SectionKey { get; set; }

    [BindProperty]
    public Guid? ReplyTo { get; set; }

    [BindProperty]
    public string? Body { get; set; }

    /// <summary>The comment form that failed: its section (or <see cref="PlanThread"/>), its thread, the text and why.</summary>
    public CommentFailure? CommentError { get; private set; }

    [TempData]
    public string? Flash { get; set; }

    /// <summary>The extension form's inputs, shown again when it is refused.</summary>
    [BindProperty(Name = "deadline")]
    public string? ExtensionDeadline { get; set; }

    [BindProperty(Name = "days")]
    public int? ExtensionDays { get; set; }

    [BindProperty(Name = "reason")]
    public string? ExtensionReason { get; set; }

    /// <summary>The plan's version the extension form was filled in against.</summary>
    [BindProperty(Name = "version")]
    public string? PlanVersion { get; set; }

    /// <summary>The rep's manager or a leader may give this plan more time while the cycle is open and the rep is still here.</summary>
    public bool CanExtend => CycleOpen && Document.Deadlines.LeftAt is null && (DraftExtendable || ApprovalExtendable)
        && access.May(Domain.Act.ExtendDeadline, new Domain.About(Document.Plan.OwnerId, Document.OwnerManagerId));

    /// <summary>The draft is still owed: its deadline can move. Once submitted, only the approval window can.</summary>
    public bool DraftExtendable => Document.Deadlines.DraftSubmittedAt is null;

    public bool ApprovalExtendable => Status != nameof(PlanStatus.Approved);

    public bool IsOwner => Document.Plan.OwnerId == me.Id;

    public bool CycleOpen => Document.Cycle.Status == CycleStatus.Open;

    public bool CanComment => CycleOpen && (IsOwner || Document.CanReview);

    public string Status => Document.Plan.Status;

    public bool CanSubmit => IsOwner && CycleOpen && Status is nameof(PlanStatus.Draft) or nameof(PlanStatus.ChangesRequested);

    public bool CanAmend => IsOwner && CycleOpen && Status == nameof(PlanStatus.Approved);

    public bool CanDecide => Document.CanReview && Status == nameof(PlanStatus.Submitted);

    public string LocalTime(DateTimeOffset at, string format) =>
        TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById(Document.Cycle.TimeZone))
            .ToString(format, System.Globalization.CultureInfo.InvariantCulture);

    public IEnumerable<CommentThread> ThreadsOf(string? sectionKey) => Threads.Where(t => t.SectionKey == sectionKey);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostSubmitAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, PlanAction.Submit, "Your plan is submitted. Your manager has been told.", ct);

    public Task<IActionResult> OnPostRequestChangesAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, PlanAction.RequestChanges, "Changes requested. The rep has been told.", ct);

    /// <summary>
    /// Approving takes two steps: the first shows what is about to happen and the closing comment; the second
    /// (<c>confirm=yes</c>) approves. A reader who may not approve now is refused at once, by the same rule as the API.
    /// </summary>
    public async Task<IActionResult> OnPostApproveAsync(Guid id, string? confirm, CancellationToken ct)
    {
        if (confirm != "yes" && await LoadAsync(id, ct) && CanDecide)
        {
            ConfirmingApproval = true;
            return Page();
        }

        return await ActAsync(id, PlanAction.Approve, "The plan is approved.", ct);
    }

    public async Task<IActionResult> OnPostAcceptProposalAsync(Guid id, CancellationToken ct)
    {
        if (await proposals.AcceptAsync(id, ProposalId ?? Guid.Empty, ct) is not { Proposal: { } accepted })
        {
            return NotFound();
        }

        Flash = "The proposed edit is accepted: it is now part of the plan, shown as the reviewer's change in its versions.";
        return Redirect($"/Plans/{id}#section-{accepted.SectionKey}");
    }

    public async Task<IActionResult> OnPostRejectProposalAsync(Guid id, CancellationToken ct)
    {
        if (await proposals.RejectAsync(id, ProposalId ?? Guid.Empty, new RejectionInput(RejectionReason), ct) is not { Proposal: { } rejected })
        {
            return NotFound();
        }

        Flash = "The proposed edit is rejected. The reviewer has been told.";
        return Redirect($"/Plans/{id}#section-{rejected.SectionKey}");
    }

    public Task<IActionResult> OnPostAmendAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, PlanAction.Amend, "A new working version is open. The approved version stays in force until this one is approved.", ct);

    public async Task<IActionResult> OnPostExtendAsync(Guid id, CancellationToken ct)
    {
        var (outcome, deadlines, _) = await extend.HandleAsync(id, new ExtensionInput(ExtensionDeadline, ExtensionDays, ExtensionReason), PlanVersion, ct);
        switch (outcome)
        {
            case ExtensionOutcome.NotFound:
                return NotFound();
            case ExtensionOutcome.PreconditionRequired:
                throw new Domain.InvalidStateException("The form did not say which version of the plan it extends. Reload the plan and try again.", "version");
        }

        var extension = deadlines!.Extensions[^1];
        Flash = $"{(extension.Deadline == nameof(DeadlineKind.Draft) ? "Draft deadline" : "Approval window")} extended by {extension.Days} {(extension.Days == 1 ? "day" : "days")}.";
        return Redirect($"/Plans/{id}");
    }

    public async Task<IActionResult> OnPostCommentAsync(Guid id, CancellationToken ct)
    {
        if (await comments.AddAsync(id, new CommentInput(CommentThread == PlanThread ? null : CommentThread, ReplyTo, Body), ct) is not { } added)
        {
            return NotFound();
        }

        var thread = added.SectionKey ?? PlanThread;
        if (IsHtmx)
        {
            await LoadAsync(id, ct);
            return Partial("_Comments", new CommentsBlock(this, thread) { Added = true });
        }

        return Redirect($"/Plans/{id}#comments-{Uri.EscapeDataString(thread)}");
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        if (!Guid.TryParse(RouteData.Values["id"]?.ToString(), out var id) || !await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (handler == "Comment")
        {
            CommentError = new CommentFailure(CommentThread, ReplyTo, Body, ModelState.Messages()[0]);
            // htmx swaps only successful answers: the refusal is shown inside the swapped thread.
            if (IsHtmx)
            {
                var partial = Partial("_Comments", new CommentsBlock(this, CommentThread));
                partial.StatusCode = StatusCodes.Status200OK;
                return partial;
            }

            return null;
        }

        FailedAction = Enum.TryParse<PlanAction>(handler, out var action) ? action : null;
        ActionErrors = ModelState.Messages();
        return null;
    }

    private bool IsHtmx => Request.Headers.ContainsKey("HX-Request");

    /// <summary>The comment's thread key as posted: the plan's own thread when no section is named.</summary>
    private string CommentThread => string.IsNullOrWhiteSpace(SectionKey) ? PlanThread : SectionKey.Trim();

    private async Task<IActionResult> ActAsync(Guid id, PlanAction action, string done, CancellationToken ct)
    {
        if (await review.ActAsync(id, action, action is PlanAction.RequestChanges or PlanAction.Approve ? ReviewComment : null, ct) is null)
        {
            return NotFound();
        }

        Flash = done;
        return Redirect($"/Plans/{id}");
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await documents.LoadAsync(id, ct) is not { } document)
        {
            return false;
        }

        Document = document;
        Threads = await comments.ListAsync(id, null, ct) ?? [];
        Now = clock.GetUtcNow();
        LastMove = await LastMoveAsync(id, document.Plan.Status, ct);
        BookChanges = await book.ForRepAsync(document.Plan.OwnerId, document.Cycle.Kickoff, ct);
        return true;
    }

    private async Task<ReviewMove?> LastMoveAsync(Guid id, string status, CancellationToken ct)
    {
        var action = status switch
        {
            nameof(PlanStatus.ChangesRequested) => "plan.changes-requested",
            nameof(PlanStatus.Approved) => "plan.approved",
            _ => null,
        };
        if (action is null || (await plans.HistoryAsync(id, ct))?.LastOrDefault(e => e.Action == action) is not { } move)
        {
            return null;
        }

        var by = move.ById is { } byId ? await plans.NameOfAsync(byId, ct) : null;
        return new ReviewMove(move.At, by ?? "Terrain", PrintModel.Details(move.Details).Comment);
    }
}

/// <summary>A review move as the plan page shows it: when, by whom, and the reviewer's comment.</summary>
public sealed record ReviewMove(DateTimeOffset At, string ByName, string? Comment);

/// <summary>A comment that was refused, kept to show it again with the reason.</summary>
public sealed record CommentFailure(string Thread, Guid? ReplyTo, string? Body, string Message);

/// <summary>The model of <c>_Comments.cshtml</c>: the threads of one section (or of the plan as a whole).</summary>
public sealed record CommentsBlock(PlanModel Page, string Thread)
{
    public bool Added { get; init; }

    public string? SectionKey => Thread == PlanModel.PlanThread ? null : Thread;

    public IEnumerable<CommentThread> Threads => Page.ThreadsOf(SectionKey);
}
