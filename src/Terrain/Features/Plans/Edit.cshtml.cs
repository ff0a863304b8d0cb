using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Plans;

/// <summary>
/// The editor of one plan section. The form binds to the section's own content class, which is what gets saved, so a
/// field's name is the content's JSON path (<c>c.Rows[3].Tier</c> for <c>rows[3].tier</c>) and the domain's error
/// lands next to the field it names. Every save carries the version the rep started from; nothing the rep typed is
/// ever dropped: on a conflict or a refusal the form comes back as typed.
/// </summary>
// A rep can own a few hundred accounts, seven values each on the segmentation worksheet.
[RequestFormLimits(ValueCountLimit = 30_000)]
[FormPrefix(Prefix)]
public sealed partial class EditModel(PlanDocuments documents, PlanProposals proposals, PlanComments comments, AccessPolicy access, CurrentUser me,
    TimeProvider clock) : PageModel, IReloadsOnRefusal, IReadsItsOwnAmounts
{
    public const string Prefix = "c";

    public PlanDocument Document { get; private set; } = null!;

    public SectionView Section { get; private set; } = null!;

    /// <summary>What the form shows: the saved content on a fresh page, the posted content after a post.</summary>
    public SectionContent Form { get; private set; } = null!;

    /// <summary>The version the next save is based on.</summary>
    public string Version { get; private set; } = "";

    /// <summary>Set when the plan is not editable by this person now: why, in a sentence.</summary>
    public string? ReadOnlyReason { get; private set; }

    /// <summary>On a conflict: the version someone saved in between, shown beside the form.</summary>
    public SectionView? Theirs { get; private set; }

    /// <summary>The value a save was refused for: the form field it names (<c>c.Rows[3].Tier</c>) and the reason.</summary>
    public (string Key, string Message)? Error { get; private set; }

    public string? SavedAt { get; private set; }

    /// <summary>A reviewer's form holds changes not saved yet (a row added or removed): what to do with them.</summary>
    public string? Unsaved { get; private set; }

    /// <summary>The field to put the cursor in after a row was added.</summary>
    public string? FocusPath { get; private set; }

    [TempData]
    public string? Flash { get; set; }

    /// <summary>The thread a reply was just posted to, across the redirect (without JavaScript).</summary>
    [TempData]
    public string? RepliedTo { get; set; }

    /// <summary>The thread a reply was just posted to: it says so.</summary>
    public Guid? Replied { get; private set; }

    /// <summary>A reply that was refused: its thread, what was typed and why.</summary>
    public ReplyFailure? ReplyError { get; private set; }

    public sealed record ReplyFailure(Guid ThreadId, string? Body, string Message);

    /// <summary>Who may reply in the editor: the rep and the plan's reviewers, while the cycle is open (as on the plan page).</summary>
    public bool CanReply => Document.Cycle.Status == CycleStatus.Open && (Document.Plan.OwnerId == me.Id || Document.CanReview);

    public bool Autosave { get; private set; }

    /// <summary>The reviewer's note with a proposed edit, shown again when the proposal is refused.</summary>
    [BindProperty(Name = "note")]
    public string? Note { get; set; }

    /// <summary>The comment threads on this section, shown beside the form.</summary>
    public IReadOnlyList<CommentThread> Threads { get; private set; } = [];

    /// <summary>A reviewer refining a submitted plan: no autosave; they save a change or propose it to the rep (ADR 0033).</summary>
    public bool Refining => Document.Plan.OwnerId != me.Id;

    /// <summary>Whether this thread still waits for the rep's answer before the plan can go back.</summary>
    public bool Unanswered(CommentThread thread) => Document.Unanswered.Any(u => u.ThreadId == thread.Id);

    public SectionKind Kind => Section.Kind;

    public string EditUrl => $"/Plans/{Document.Plan.Id}/Edit/{Section.Key}";

    public IReadOnlyList<Quarter> Quarters => Document.Facts.Quarters;

    public string Action(string handler, string? list = null, int? index = null)
    {
        var url = $"{EditUrl}?handler={handler}";
        url += list is null ? "" : $"&list={list}";
        return url + (index is { } i ? $"&index={i.ToString(CultureInfo.InvariantCulture)}" : "");
    }

    public SectionView? Previous => Document.Sections.TakeWhile(s => s.Key != Section.Key).LastOrDefault();

    public SectionView? Next => Document.Sections.SkipWhile(s => s.Key != Section.Key).Skip(1).FirstOrDefault();

    public ChecklistItem? Checklist => Document.Checks.Checklist.FirstOrDefault(c => c.SectionKey == Section.Key);

    public string PeriodMin => Document.Cycle.PeriodStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public string PeriodMax => Document.Cycle.PeriodEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnGetAsync(Guid id, string key, CancellationToken ct)
    {
        if (!await LoadAsync(id, key, ct))
        {
            return NotFound();
        }

        Form = Section.Content;
        Version = Section.Version;
        SavedAt = Flash;
        Replied = RepliedTo is { } thread && Guid.TryParse(thread.Replace("thread-", "", StringComparison.Ordinal), out var replied) ? replied : null;
        Prepare();
        return Page();
    }

    /// <summary>
    /// A reply to a comment thread on this section, from beside the comment (issue 12 §3). With htmx the answer is the
    /// thread alone, swapped in place; without it the editor again, at the thread. Nothing in the section form is posted.
    /// </summary>
    public async Task<IActionResult> OnPostReplyAsync(Guid id, string key, Guid? replyTo, string? body, CancellationToken ct)
    {
        if (!await LoadAsync(id, key, ct) || await comments.AddAsync(id, new CommentInput(Section.Key, replyTo, body), ct) is not { } added)
        {
            return NotFound();
        }

        if (Request.Headers.ContainsKey("HX-Request") && await LoadAsync(id, key, ct) && Threads.FirstOrDefault(t => t.Id == added.ThreadId) is { } thread)
        {
            Replied = thread.Id;
            return Partial("Editors/_Thread", (this, thread));
        }

        // Not a bare Guid: TempData would read it back as a Guid, not the string this property is.
        RepliedTo = $"thread-{added.ThreadId:N}";
        return Redirect($"{EditUrl}#thread-{added.ThreadId:N}");
    }

    /// <summary>Save without JavaScript: post, redirect, get.</summary>
    public async Task<IActionResult> OnPostAsync(Guid id, string key, string? version, string? then, CancellationToken ct)
    {
        if (await BindAsync(id, key, version, ct) is { } early)
        {
            return early;
        }

        if (!await SaveAsync(id, ct))
        {
            return NotFound();
        }

        if (SavedAt is not null)
        {
            Flash = SavedAt;
            return Redirect(then switch
            {
                "plan" => $"/Plans/{id}#section-{key}",
                "view" => EditUrl + SheetView.FromForm(Request.Form).Query,
                _ => EditUrl,
            });
        }

        return Redisplay();
    }

    /// <summary>A reviewer proposes the form's content to the rep instead of saving it.</summary>
    public async Task<IActionResult> OnPostProposeAsync(Guid id, string key, string? version, CancellationToken ct)
    {
        if (await BindAsync(id, key, version, ct) is { } early)
        {
            return early;
        }

        GiveIds(Form);
        var payload = JsonSerializer.SerializeToElement(Form, Form.GetType(), SectionContents.Json);
        var result = await proposals.ProposeAsync(id, Section.Key, new ProposalInput(payload, Note), Version, ct);
        switch (result.Outcome)
        {
            case ProposalOutcome.NotFound:
                return NotFound();
            case ProposalOutcome.Conflict:
                Theirs = result.Current;
                Version = result.Current?.Version ?? Version;
                return Redisplay();
            case ProposalOutcome.PreconditionRequired:
                throw new Domain.InvalidStateException("The form did not say which version of the section it starts from. Reload the section and try again.", "version");
        }

        Flash = $"Your proposed edit of {Section.Title} is sent to {Document.Plan.OwnerName}, who accepts or rejects it.";
        return Redirect($"/Plans/{id}#section-{key}");
    }

    /// <summary>
    /// Adds a blank row to a list, saving what the rep typed on the way. A reviewer's row waits with the rest of their
    /// change until they save it or propose it.
    /// </summary>
    public async Task<IActionResult> OnPostAddRowAsync(Guid id, string key, string? version, string? list, CancellationToken ct)
    {
        if (await BindAsync(id, key, version, ct) is { } early)
        {
            return early;
        }

        if (ListOf(Form, list) is { } rows)
        {
            ModelState.Clear();
            rows.Add(NewRow(rows));
            FocusPath = $"{list}[{rows.Count - 1}]";
        }

        return await SaveAndRedisplayAsync(id, ct);
    }

    /// <summary>
    /// Sets the tier of many accounts at once on the segmentation worksheet: the chosen tier for the selected accounts,
    /// or (<paramref name="apply"/> = "suggested") the suggested tier for the selected ones, or for every account without
    /// a tier when none is selected. What was typed is saved on the way.
    /// </summary>
    public async Task<IActionResult> OnPostTiersAsync(Guid id, string key, string? version, Guid[]? selected, string? bulkTier, string? apply,
        CancellationToken ct)
    {
        if (await BindAsync(id, key, version, ct) is { } early)
        {
            return early;
        }

        if (Form is SegmentationContent segmentation)
        {
            ModelState.Clear();
            Prepare();
            var picked = (selected ?? []).ToHashSet();
            if (apply == "suggested")
            {
                var suggested = Suggestions(segmentation);
                foreach (var row in segmentation.Rows.Where(r => picked.Count > 0 ? picked.Contains(r.AccountId) : r.Tier is null))
                {
                    row.Tier = suggested.GetValueOrDefault(row.AccountId) ?? row.Tier;
                }
            }
            else
            {
                var tier = string.IsNullOrWhiteSpace(bulkTier) ? null : bulkTier.Trim().ToUpperInvariant();
                if (picked.Count == 0)
                {
                    throw new DomainException("Tick the accounts to set the tier of first.", "");
                }

                foreach (var row in segmentation.Rows.Where(r => picked.Contains(r.AccountId)))
                {
                    row.Tier = tier;
                }
            }
        }

        return await SaveAndRedisplayAsync(id, ct);
    }

    public async Task<IActionResult> OnPostRemoveRowAsync(Guid id, string key, string? version, string? list, int index, CancellationToken ct)
    {
        if (await BindAsync(id, key, version, ct) is { } early)
        {
            return early;
        }

        if (ListOf(Form, list) is { } rows && index >= 0 && index < rows.Count)
        {
            // Indices shift: what the browser posted no longer lines up with the rows, so the form shows the model.
            ModelState.Clear();
            rows.RemoveAt(index);
        }

        return await SaveAndRedisplayAsync(id, ct);
    }

    /// <summary>Saves as the rep types (htmx); answers with the status line and the new version only.</summary>
    public async Task<IActionResult> OnPostAutosaveAsync(Guid id, string key, string? version, CancellationToken ct)
    {
        Autosave = true;
        if (await BindAsync(id, key, version, ct) is { } early)
        {
            if (early is not PageResult || Response.StatusCode == StatusCodes.Status403Forbidden)
            {
                return early;
            }

            // htmx swaps only successful answers; the status line says what went wrong.
            Response.StatusCode = StatusCodes.Status200OK;
            return Partial("Editors/_SaveStatus", this);
        }

        return await SaveAsync(id, ct) ? Partial("Editors/_SaveStatus", this) : NotFound();
    }

    private async Task<IActionResult> SaveAndRedisplayAsync(Guid id, CancellationToken ct)
    {
        if (Refining)
        {
            // A reviewer's rows are part of their change like the rest of the form: nothing is saved until they save
            // the change or propose it (ADR 0033), so adding a row is neither an edit of its own nor lost on a proposal.
            Unsaved = $"Not saved yet: save the change or propose it to {Document.Plan.OwnerName}.";
            if (Request.Headers.ContainsKey("HX-Request"))
            {
                Prepare();
                Response.Headers["X-Editor-Body"] = "1";
                return Partial("Editors/_RowAnswer", this);
            }

            return Redisplay();
        }

        if (!await SaveAsync(id, ct))
        {
            return NotFound();
        }

        // Without a reload (plan.js): a clean save answers with the worksheet alone; anything else with the whole page.
        if (Request.Headers.ContainsKey("HX-Request") && SavedAt is not null && Theirs is null && Error is null && ReadOnlyReason is null)
        {
            Prepare();
            Response.Headers["X-Editor-Body"] = "1";
            return Partial("Editors/_RowAnswer", this);
        }

        return Redisplay();
    }

    private IActionResult Redisplay()
    {
        Prepare();
        if (Theirs is not null)
        {
            Response.StatusCode = StatusCodes.Status409Conflict;
        }

        return Page();
    }

    /// <summary>
    /// A save the domain refused (the filter has set the API's status: 403, 409 or 422): the form comes back as typed,
    /// read-only with the reason when the plan may not be edited now, or with the error at the field it names.
    /// </summary>
    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        var status = Response.StatusCode;
        if (handler == "Reply")
        {
            return ReplyRefused(status);
        }

        var (key, message) = ModelState.Where(e => e.Value is { Errors.Count: > 0 })
            .Select(e => (e.Key, e.Value!.Errors[0].ErrorMessage)).First();
        if (status is StatusCodes.Status403Forbidden or StatusCodes.Status409Conflict)
        {
            await LoadAsync(Document.Plan.Id, Section.Key, ct);
            ReadOnlyReason ??= message;
        }
        else
        {
            Error = (key, Readable(message));
        }

        Prepare();
        if (handler == "Autosave" && status != StatusCodes.Status403Forbidden)
        {
            // htmx swaps only successful answers; the status line says what went wrong.
            Response.StatusCode = StatusCodes.Status200OK;
            return Partial("Editors/_SaveStatus", this);
        }

        return null;
    }

    /// <summary>A refused reply: the editor (or, for htmx, the thread) again, with what was typed and why beside the form.</summary>
    private IActionResult? ReplyRefused(int status)
    {
        var message = ModelState.Where(e => e.Value is { Errors.Count: > 0 }).Select(e => e.Value!.Errors[0].ErrorMessage).First();
        Form = Section.Content;
        Version = Section.Version;
        var replyTo = Guid.TryParse(Request.Form["replyTo"], out var parent) ? parent : (Guid?)null;
        var thread = Threads.FirstOrDefault(t => t.Comments.Any(c => c.Id == replyTo));
        if (status == StatusCodes.Status403Forbidden || thread is null)
        {
            ReadOnlyReason ??= message;
            Prepare();
            return null;
        }

        ReplyError = new ReplyFailure(thread.Id, Request.Form["body"], message);
        Prepare();
        if (Request.Headers.ContainsKey("HX-Request"))
        {
            // htmx swaps only successful answers: the refusal is shown inside the swapped thread.
            var partial = Partial("Editors/_Thread", (this, thread));
            partial.StatusCode = StatusCodes.Status200OK;
            return partial;
        }

        return null;
    }

    /// <summary>Loads the plan and binds the posted content; a result when there is nothing to save.</summary>
    private async Task<IActionResult?> BindAsync(Guid id, string key, string? version, CancellationToken ct)
    {
        if (!await LoadAsync(id, key, ct))
        {
            return NotFound();
        }

        // A post without the version it started from is treated as stale, never as permission to overwrite.
        Version = version ?? "";
        Form = SectionContents.Empty(Section.Kind);
        await TryUpdateModelAsync(Form, Form.GetType(), Prefix);
        if (ReadOnlyReason is not null)
        {
            // Someone who may never edit this plan is refused as the API refuses them (403); the owner meets the
            // plan's state (409).
            Prepare();
            Response.StatusCode = Document.Plan.OwnerId == me.Id || MayReview ? StatusCodes.Status409Conflict : StatusCodes.Status403Forbidden;
            return Page();
        }

        // A value the binder could not read (text in a number field) is refused like the domain refuses one.
        var unreadable = ModelState.Where(e => e.Value is { Errors.Count: > 0, AttemptedValue.Length: > 0 }).Select(e => e.Key).FirstOrDefault();
        if (unreadable is not null)
        {
            var typed = ModelState[unreadable]!.AttemptedValue!;
            Error = (unreadable, ModelState[unreadable]!.Errors[0].ErrorMessage.Contains("is not an amount", StringComparison.Ordinal)
                ? AmountBinder.Message(FieldLabel(unreadable), typed)
                : $"{FieldLabel(unreadable)}: '{typed}' is not a valid value here.");
            Prepare();
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        return null;
    }

    /// <summary>False when the plan or section is gone; otherwise one of SavedAt, Theirs, Error or ReadOnlyReason is set.</summary>
    private async Task<bool> SaveAsync(Guid id, CancellationToken ct)
    {
        GiveIds(Form);
        var payload = JsonSerializer.SerializeToElement(Form, Form.GetType(), SectionContents.Json);
        var result = await documents.SaveAsync(id, Section.Key, payload, Version, merge: false, ct);

        switch (result.Outcome)
        {
            case SaveOutcome.NotFound:
                return false;
            case SaveOutcome.Conflict when result.Current is { } current && Same(payload, current):
                // A save that crossed an identical one (a blur and a click, two tabs) is no conflict.
                Version = current.Version;
                SavedAt = $"Saved at {LocalTime(current.UpdatedAt ?? clock.GetUtcNow())}";
                return true;
            case SaveOutcome.Conflict:
                Theirs = result.Current;
                // The next save is a deliberate one over their version: the rep has seen it beside the form.
                Version = result.Current?.Version ?? Version;
                return true;
        }

        Version = result.Current!.Version;
        SavedAt = $"Saved at {LocalTime(result.Current.UpdatedAt ?? clock.GetUtcNow())}";
        return await LoadAsync(id, Section.Key, ct);
    }

    /// <summary>
    /// A form field as the rep reads it, for a message that names it: "c.Goals[0].Targets[1]" is "Goal 1, Q2 target",
    /// "c.Items[2].Cost" is "Resource 3, cost", "c.Rows[4].Potential" is the account's name and "potential".
    /// </summary>
    public string FieldLabel(string key)
    {
        var words = new List<string>();
        foreach (var part in PathOf(key).Split('.'))
        {
            var indexed = Indexed().Match(part);
            if (!indexed.Success)
            {
                words.Add(AmountBinder.Words(part).ToLowerInvariant());
                continue;
            }

            var (name, index) = (indexed.Groups[1].Value, int.Parse(indexed.Groups[2].Value, CultureInfo.InvariantCulture));
            words.Add(name switch
            {
                "Targets" when index < Quarters.Count => $"{Quarters[index].Label} target",
                "Rows" when Form is SegmentationContent sheet && index < sheet.Rows.Count &&
                    Document.Accounts.FirstOrDefault(a => a.Id == sheet.Rows[index].AccountId) is { } account => account.Name,
                "Items" => $"{(Kind == SectionKind.Risks ? "Risk" : "Resource")} {index + 1}",
                _ => $"{(name.EndsWith('s') ? name[..^1] : name)} {index + 1}",
            });
        }

        var label = string.Join(", ", words);
        return label.Length == 0 ? label : char.ToUpperInvariant(label[0]) + label[1..];
    }

    [GeneratedRegex(@"^(\w+)\[(\d+)\]$")]
    private static partial Regex Indexed();

    /// <summary>The domain names a quarter's target by its index ("targets[1]"); the form calls it "Q2 target".</summary>
    private string Readable(string message) => QuarterTarget().Replace(message, m =>
        int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var q) && q < Quarters.Count ? $"{Quarters[q].Label} target" : m.Value);

    private bool Same(JsonElement payload, SectionView current)
    {
        try
        {
            var mine = SectionContents.Parse(current.Kind, payload);
            mine.Normalize(Document.Facts);
            return SectionContents.Write(mine) == SectionContents.Write(current.Content);
        }
        catch (DomainException)
        {
            return false;
        }
    }

    private async Task<bool> LoadAsync(Guid id, string key, CancellationToken ct)
    {
        if (await documents.LoadAsync(id, ct) is not { } document || document.Section(key) is not { } section)
        {
            return false;
        }

        (Document, Section) = (document, section);
        ReadOnlyReason = document.CanEdit ? null : WhyReadOnly(document);
        Threads = await comments.ListAsync(id, key, ct) ?? [];
        return true;
    }

    private string WhyReadOnly(PlanDocument d)
    {
        if (d.Cycle.Status != CycleStatus.Open)
        {
            return $"The {d.Cycle.Name} cycle is closed: its plans are read-only.";
        }

        if (d.Plan.OwnerId != me.Id)
        {
            return MayReview
                ? d.Plan.Status == nameof(PlanStatus.Approved)
                    ? "The plan is approved and read-only."
                    : $"{d.Plan.OwnerName} is writing this plan: as its reviewer you edit it only while it is submitted for review. Comment on it on the plan page."
                : $"Only {d.Plan.OwnerName} edits this plan. Reviewers comment on the plan page.";
        }

        return d.Plan.Status == nameof(PlanStatus.Approved)
            ? "The plan is approved and read-only. Amend it from the plan page to start a new version."
            : "The plan is submitted and waiting for review: it cannot be edited until your manager asks for changes.";
    }

    /// <summary>Whether the reader is this plan's reviewer (the rep's manager or a leader), whatever the plan's state.</summary>
    private bool MayReview => access.May(Domain.Act.ReviewPlan, new Domain.About(Document.Plan.OwnerId, Document.OwnerManagerId));

    /// <summary>The rule the cycle suggests tiers by.</summary>
    public TierRule TierRule => Document.Cycle.TierRule;

    /// <summary>The sort and filter of the segmentation worksheet, from the address (without JavaScript).</summary>
    public SheetView View => SheetView.FromQuery(Request.Query);

    /// <summary>The potential a row's suggestion uses: the rep's figure, else the account's from the CRM.</summary>
    public decimal? PotentialOf(SegmentRow row) =>
        row.Potential ?? Document.Accounts.FirstOrDefault(a => a.Id == row.AccountId)?.Potential;

    /// <summary>The tier suggested for each account of the worksheet, by the cycle's rule.</summary>
    public IReadOnlyDictionary<Guid, string> Suggestions(SegmentationContent content)
    {
        var accounts = Document.Accounts.ToDictionary(a => a.Id, a => a.Potential);
        return TierRule.Suggest(content.Rows.Select(r => (r.AccountId, r.Potential ?? (accounts.TryGetValue(r.AccountId, out var p) ? p : (decimal?)null))));
    }

    /// <summary>This section's quality warnings, shown in the editor.</summary>
    public IReadOnlyList<PlanProblem> Warnings => Document.Checks.Warnings.Where(w => w.SectionKey == Section.Key).ToList();

    /// <summary>The form shows every account on the segmentation worksheet, and a row to type in for empty lists.</summary>
    private void Prepare()
    {
        switch (Form)
        {
            case SegmentationContent segmentation:
                // Posted rows already list every account in order; saved ones hold only the filled-in rows. Rows stay
                // as posted while an error names one of them by its index.
                if (Error is null && !segmentation.Rows.Select(r => r.AccountId).SequenceEqual(Document.Accounts.Select(a => a.Id)))
                {
                    var rows = segmentation.Rows.GroupBy(r => r.AccountId).ToDictionary(g => g.Key, g => g.First());
                    segmentation.Rows = Document.Accounts.Select(a => rows.GetValueOrDefault(a.Id) ?? new SegmentRow { AccountId = a.Id }).ToList();
                }

                break;
            case GoalsContent goals:
                foreach (var goal in goals.Goals)
                {
                    while (goal.Targets.Count < Quarters.Count)
                    {
                        goal.Targets.Add(null);
                    }
                }

                break;
        }

        foreach (var list in Lists(Form))
        {
            if (list.Count == 0)
            {
                list.Add(NewRow(list));
            }
        }

        GiveIds(Form);
    }

    /// <summary>New goals and actions get their id in the form, so that saving twice keeps one id (actions link to goals).</summary>
    private static void GiveIds(SectionContent content)
    {
        foreach (var goal in (content as GoalsContent)?.Goals ?? [])
        {
            goal.Id = string.IsNullOrWhiteSpace(goal.Id) ? NewId() : goal.Id;
        }

        foreach (var action in (content as ActionPlanContent)?.Actions ?? [])
        {
            action.Id = string.IsNullOrWhiteSpace(action.Id) ? NewId() : action.Id;
        }
    }

    private static string NewId() => Guid.NewGuid().ToString("N")[..10];

    private object NewRow(IList list) => list switch
    {
        List<Goal> => new Goal { Id = NewId(), Targets = Quarters.Select(_ => (decimal?)null).ToList() },
        List<ActionItem> => new ActionItem { Id = NewId() },
        _ => Activator.CreateInstance(list.GetType().GetGenericArguments()[0])!,
    };

    /// <summary>The lists of a section that rows are added to and removed from, by their JSON name.</summary>
    public static IList? ListOf(SectionContent content, string? name) => (content, name) switch
    {
        (SwotContent s, "strengths") => s.Strengths,
        (SwotContent s, "weaknesses") => s.Weaknesses,
        (SwotContent s, "opportunities") => s.Opportunities,
        (SwotContent s, "threats") => s.Threats,
        (GoalsContent g, "goals") => g.Goals,
        (KeyAccountsContent k, "accounts") => k.Accounts,
        (ProspectingContent p, "prospects") => p.Prospects,
        (ActionPlanContent a, "actions") => a.Actions,
        (ResourcesContent r, "items") => r.Items,
        (RisksContent r, "items") => r.Items,
        _ => null,
    };

    private static IEnumerable<IList> Lists(SectionContent content) => content switch
    {
        SwotContent s => [s.Strengths, s.Weaknesses, s.Opportunities, s.Threats],
        GoalsContent g => [g.Goals],
        KeyAccountsContent k => [k.Accounts],
        ProspectingContent p => [p.Prospects],
        ActionPlanContent a => [a.Actions],
        ResourcesContent r => [r.Items],
        RisksContent r => [r.Items],
        _ => [],
    };

    public string LocalTime(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById(Document.Cycle.TimeZone)).ToString("HH:mm", CultureInfo.InvariantCulture);

    // Form fields. A path is the content's JSON path, e.g. "rows[3].nextMove".

    /// <summary>"rows[3].nextMove" is posted as "c.Rows[3].NextMove".</summary>
    public static string Name(string path) =>
        Prefix + "." + string.Join('.', path.Split('.').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));

    public static string Id(string path) => "f-" + NonWord().Replace(path, "-").Trim('-').ToLowerInvariant();

    public string? ErrorOf(string path) => Error is { } e && e.Key == Name(path) ? e.Message : null;

    public string? Invalid(string path) => ErrorOf(path) is null ? null : "true";

    /// <summary>The id of the field's error message, for aria-describedby; null when the field is fine.</summary>
    public string? ErrorId(string path) => ErrorOf(path) is null ? null : Id(path) + "-error";

    /// <summary>The id of the field the error names, when the form has it: the error summary links there.</summary>
    public string? ErrorFieldId => Error is { Key.Length: > 0 } e ? Id(PathOf(e.Key)) : null;

    private static string PathOf(string key) => key.StartsWith(Prefix + ".", StringComparison.Ordinal) ? key[(Prefix.Length + 1)..] : key;

    public bool Focus(string path) => FocusPath is { } f && path.StartsWith(f + ".", StringComparison.Ordinal);

    /// <summary>What the field shows: what was typed when it could not be read, otherwise the value.</summary>
    public string? Value(string path, string? value) =>
        ModelState.TryGetValue(Name(path), out var entry) && entry.Errors.Count > 0 ? entry.AttemptedValue : value;

    public string? Value(string path, decimal? value) => Value(path, value?.ToString(CultureInfo.InvariantCulture));

    public string? Value(string path, DateOnly? value) => Value(path, value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex NonWord();

    [GeneratedRegex(@"targets\[(\d+)\]")]
    private static partial Regex QuarterTarget();
}
