using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Plans;

/// <summary>
/// The plan page: the whole plan read-only, section by section with its comment threads, the checklist, the quality
/// warnings and the quota gap beside it, and the review moves open to the reader.
/// </summary>
public sealed class PlanModel(PlanDocuments documents, PlanReview review, PlanComments comments, CurrentUser me, TimeProvider clock) : PageModel
{
    /// <summary>The thread key of comments on the plan as a whole (the notifications link to it).</summary>
    public const string PlanThread = "plan";

    public PlanDocument Document { get; private set; } = null!;

    public IReadOnlyList<CommentThread> Threads { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    /// <summary>What the last review move was refused for, shown above the actions.</summary>
    public IReadOnlyList<string> ActionErrors { get; private set; } = [];

    /// <summary>Which action form the error belongs to, so that the typed comment is shown again there.</summary>
    public PlanAction? FailedAction { get; private set; }

    public string? ReviewComment { get; private set; }

    /// <summary>The comment form that failed: its section (or <see cref="PlanThread"/>), its thread, the text and why.</summary>
    public CommentFailure? CommentError { get; private set; }

    [TempData]
    public string? Flash { get; set; }

    public bool IsOwner => Document.Plan.OwnerId == me.Id;

    public bool CycleOpen => Document.Cycle.Status == CycleStatus.Open;

    public bool CanComment => CycleOpen && (IsOwner || Document.CanReview);

    public string Status => Document.Plan.Status;

    public bool CanSubmit => IsOwner && CycleOpen && Status is nameof(PlanStatus.Draft) or nameof(PlanStatus.ChangesRequested);

    public bool CanAmend => IsOwner && CycleOpen && Status == nameof(PlanStatus.Approved);

    public bool CanDecide => Document.CanReview && Status == nameof(PlanStatus.Submitted);

    public bool OwesFirstDraft => Document.Plan.FirstSubmittedAt is null && Document.Plan.ApprovedVersion is null;

    public DateTimeOffset? ApprovalDeadline => Document.Plan.FirstSubmittedAt is { } first && Status != nameof(PlanStatus.Approved)
        ? Document.Cycle.ApprovalDeadline(first)
        : null;

    public int DaysLeft(DateTimeOffset deadline) => Deadlines.DaysLeft(Now, deadline, Document.Cycle.TimeZone);

    /// <summary>The last day of a deadline that lasts until the end of that day.</summary>
    public DateOnly LastDay(DateTimeOffset deadline) => Deadlines.LocalDate(deadline.AddTicks(-1), Document.Cycle.TimeZone);

    public string LocalTime(DateTimeOffset at, string format) =>
        TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById(Document.Cycle.TimeZone))
            .ToString(format, System.Globalization.CultureInfo.InvariantCulture);

    public IEnumerable<CommentThread> ThreadsOf(string? sectionKey) => Threads.Where(t => t.SectionKey == sectionKey);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostSubmitAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, PlanAction.Submit, null, "Your plan is submitted. Your manager has been told.", ct);

    public Task<IActionResult> OnPostRequestChangesAsync(Guid id, string? comment, CancellationToken ct) =>
        ActAsync(id, PlanAction.RequestChanges, comment, "Changes requested. The rep has been told.", ct);

    public Task<IActionResult> OnPostApproveAsync(Guid id, string? comment, CancellationToken ct) =>
        ActAsync(id, PlanAction.Approve, comment, "The plan is approved.", ct);

    public Task<IActionResult> OnPostAmendAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, PlanAction.Amend, null, "A new working version is open. The approved version stays in force until this one is approved.", ct);

    public async Task<IActionResult> OnPostCommentAsync(Guid id, string? sectionKey, Guid? replyTo, string? body, CancellationToken ct)
    {
        var thread = string.IsNullOrWhiteSpace(sectionKey) ? PlanThread : sectionKey.Trim();
        try
        {
            if (await comments.AddAsync(id, new CommentInput(thread == PlanThread ? null : thread, replyTo, body), ct) is not { } added)
            {
                return NotFound();
            }

            thread = added.SectionKey ?? PlanThread;
        }
        catch (DomainException e)
        {
            if (!await LoadAsync(id, ct))
            {
                return NotFound();
            }

            CommentError = new CommentFailure(thread, replyTo, body, e.Message);
            if (IsHtmx)
            {
                return Partial("_Comments", new CommentsBlock(this, thread));
            }

            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        if (IsHtmx)
        {
            await LoadAsync(id, ct);
            return Partial("_Comments", new CommentsBlock(this, thread) { Added = true });
        }

        return Redirect($"/Plans/{id}#comments-{Uri.EscapeDataString(thread)}");
    }

    private bool IsHtmx => Request.Headers.ContainsKey("HX-Request");

    private async Task<IActionResult> ActAsync(Guid id, PlanAction action, string? comment, string done, CancellationToken ct)
    {
        try
        {
            if (await review.ActAsync(id, action, comment, ct) is null)
            {
                return NotFound();
            }
        }
        catch (DomainException e)
        {
            if (!await LoadAsync(id, ct))
            {
                return NotFound();
            }

            // The domain joins the checklist's problems with "; " when it refuses a submission.
            ActionErrors = e.Field == "sections" && e.Message.IndexOf(": ", StringComparison.Ordinal) is var colon and > 0
                ? [e.Message[..colon] + ":", .. e.Message[(colon + 2)..].Split("; ")]
                : [e.Message];
            FailedAction = action;
            ReviewComment = comment;
            Response.StatusCode = e is NotAllowedException ? StatusCodes.Status403Forbidden : StatusCodes.Status422UnprocessableEntity;
            return Page();
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
        return true;
    }
}

/// <summary>A comment that was refused, kept to show it again with the reason.</summary>
public sealed record CommentFailure(string Thread, Guid? ReplyTo, string? Body, string Message);

/// <summary>The model of <c>_Comments.cshtml</c>: the threads of one section (or of the plan as a whole).</summary>
public sealed record CommentsBlock(PlanModel Page, string Thread)
{
    public bool Added { get; init; }

    public string? SectionKey => Thread == PlanModel.PlanThread ? null : Thread;

    public IEnumerable<CommentThread> Threads => Page.ThreadsOf(SectionKey);
}
