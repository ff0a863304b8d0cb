using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain.Performance;
using Terrain.Domain.Reviews;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Reviews;

/// <summary>
/// The review meeting's page, for its manager and its rep (leaders read it): the prepared figures, the notes and calls,
/// the variance reasons and the decision, the corrective actions. The same handlers as the API; built to be used on a
/// tablet in the meeting and printed after it.
/// </summary>
public sealed class ReviewModel(ReviewQueries queries, ReviewEdits edits, ReviewCompletion completion, CorrectiveActions actions) : PageModel, IReloadsOnRefusal
{
    public ReviewDetail View { get; private set; } = null!;

    [TempData]
    public string? Flash { get; set; }

    public sealed class NotesForm
    {
        public string? Version { get; set; }

        public string? Agenda { get; set; }

        public string? SharedNotes { get; set; }

        public string? SelfAssessment { get; set; }

        public string? CoachingNotes { get; set; }

        public decimal? Commit { get; set; }

        public decimal? BestCase { get; set; }

        public string? CallNote { get; set; }

        public DateOnly? ScheduledOn { get; set; }

        public string? NoActionReason { get; set; }

        public List<VarianceField> Variances { get; set; } = [];
    }

    public sealed class VarianceField
    {
        public string GoalKey { get; set; } = "";

        public VarianceCategory? Category { get; set; }

        public string? Explanation { get; set; }
    }

    public sealed class ActionForm
    {
        public string? What { get; set; }

        public Guid OwnerId { get; set; }

        public DateOnly? Due { get; set; }

        public string? GoalKey { get; set; }

        public ClaimMetric Metric { get; set; }

        public ClaimFilter Filter { get; set; }

        public string? FilterId { get; set; }

        public decimal? Amount { get; set; }

        public DateOnly? By { get; set; }
    }

    [BindProperty]
    public NotesForm Notes { get; set; } = new();

    [BindProperty]
    public ActionForm NewAction { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await queries.GetAsync(id, ct) is not { } view)
        {
            return NotFound();
        }

        View = view;
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(Guid id, CancellationToken ct)
    {
        if (await queries.GetAsync(id, ct) is not { } view)
        {
            return NotFound();
        }

        var n = Notes;
        var patch = view.MayHold
            ? new ReviewPatch(Agenda: n.Agenda ?? "", SharedNotes: n.SharedNotes ?? "", CoachingNotes: n.CoachingNotes ?? "",
                ManagerCall: new ForecastCall(n.Commit, n.BestCase, n.CallNote ?? ""),
                VarianceReasons: n.Variances.Where(v => v.Category is not null)
                    .Select(v => new VarianceReason(v.GoalKey, v.Category!.Value, v.Explanation ?? "")).ToList(),
                NoActionReason: n.NoActionReason ?? "",
                ScheduledOn: n.ScheduledOn == view.ScheduledOn ? null : n.ScheduledOn)
            : new ReviewPatch(Agenda: n.Agenda ?? "", SharedNotes: n.SharedNotes ?? "", SelfAssessment: n.SelfAssessment ?? "",
                RepCall: new ForecastCall(n.Commit, n.BestCase, n.CallNote ?? ""));
        var result = await edits.EditAsync(id, patch, n.Version ?? "", ct);
        switch (result.Outcome)
        {
            case ReviewOutcome.NotFound:
                return NotFound();
            case ReviewOutcome.Saved:
                Flash = "Saved.";
                return RedirectToPage(null, null, new { id }, "notes");
            default:
                View = result.Current ?? view;
                ModelState.AddModelError("", "Someone changed this review after you opened it, so your changes were not saved. They are shown below; save again to apply them.");
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
        }
    }

    public async Task<IActionResult> OnPostCompleteAsync(Guid id, CancellationToken ct)
    {
        if (await completion.CompleteAsync(id, ct) is null)
        {
            return NotFound();
        }

        Flash = "The review is completed; its figures are frozen.";
        return RedirectToPage(null, null, new { id });
    }

    public async Task<IActionResult> OnPostActionAsync(Guid id, CancellationToken ct)
    {
        var a = NewAction;
        var claim = new EffectClaim(a.Metric, a.Filter, string.IsNullOrWhiteSpace(a.FilterId) ? null : a.FilterId.Trim(), a.Amount ?? 0, a.By ?? DateOnly.MinValue);
        var row = await actions.AgreeAsync(id, new CorrectiveActionInput(a.What, a.OwnerId, a.Due ?? DateOnly.MinValue, string.IsNullOrEmpty(a.GoalKey) ? null : a.GoalKey, claim), ct);
        if (row is null)
        {
            return NotFound();
        }

        Flash = $"“{row.What}” is proposed; it is agreed once the other person confirms it.";
        return RedirectToPage(null, null, new { id }, "actions");
    }

    public async Task<IActionResult> OnPostConfirmAsync(Guid id, Guid actionId, string? version, CancellationToken ct)
    {
        var result = await actions.FollowAsync(actionId, new CorrectiveActionPatch(Confirm: true), version ?? "", ct);
        if (result.Outcome == ReviewOutcome.NotFound)
        {
            return NotFound();
        }

        Flash = result.Outcome == ReviewOutcome.Saved ? "Confirmed." : "The action changed after you opened the page; look at it again.";
        return RedirectToPage(null, null, new { id }, "actions");
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        var id = Guid.Parse((string)RouteData.Values["id"]!, CultureInfo.InvariantCulture);
        var status = Response.StatusCode;
        if (await OnGetAsync(id, ct) is NotFoundResult)
        {
            return NotFound();
        }

        Response.StatusCode = status;
        return null;
    }

    /// <summary>The goals that need a reason: those off track, and any that already have one.</summary>
    public IEnumerable<ReviewGoal> GoalsNeedingReasons() =>
        View.Figures?.Goals.Where(g => g.Status == GoalStatus.OffTrack || View.VarianceReasons.Any(r => r.GoalKey == g.GoalKey)) ?? [];

    public static string Amount(ReviewGoal goal, decimal? value) => Plans.PlanFormat.Target(goal.Metric, value);

    /// <summary>What a corrective action claims: money for revenue and pipeline, a count otherwise.</summary>
    public static string ClaimAmount(ClaimMetric metric, decimal value) =>
        metric is ClaimMetric.RevenueWon or ClaimMetric.PipelineCreated ? Show.Money(value) : Show.Number(value);

    /// <summary>The reason the gap split proposes for a goal behind; null without one.</summary>
    public static VarianceReason? Proposed(ReviewGoal goal) =>
        goal.Breakdown is { ProposedCategory: { } category, ProposedExplanation: { } why } ? new VarianceReason(goal.GoalKey, category, why) : null;

    public static string Raw(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>What an amount input shows: what was typed when it was refused, otherwise the amount.</summary>
    public string Typed(string key, decimal? value) =>
        ModelState.TryGetValue(key, out var entry) && entry.Errors.Count > 0 ? entry.AttemptedValue ?? "" : Raw(value);

    public static string Date(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
}
