using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Territory;

/// <summary>
/// The assignment rules, in the order they are tried: add, change, delete, reorder, and place the accounts that belong
/// to nobody now, with a count of what that would do first (ADR 0039).
/// </summary>
[Authorize(Policy = Policies.Prefix + nameof(Act.AssignAccounts))]
[FormPrefix("Form")]
public sealed class RulesModel(AssignmentRules rules, Territories territories) : PageModel, IReloadsOnRefusal
{
    [BindProperty]
    public RuleForm Form { get; set; } = new();

    /// <summary>The rule being changed (?edit=id); none: the form adds a rule.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? Edit { get; set; }

    [TempData]
    public string? Saved { get; set; }

    public IReadOnlyList<AssignmentRuleView> List { get; private set; } = [];

    public IReadOnlyList<(Guid Id, string Label)> Territories { get; private set; } = [];

    public RulePreview Preview { get; private set; } = new(0, 0, new Dictionary<Guid, int>());

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Edit is { } id)
        {
            if (List.FirstOrDefault(r => r.Id == id) is not { } rule)
            {
                return NotFound();
            }

            Form = new RuleForm
            {
                PostalPrefix = rule.PostalPrefix,
                Region = rule.Region,
                Segment = rule.Segment,
                Industry = rule.Industry,
                TerritoryId = rule.TerritoryId,
                Priority = rule.Priority,
                Version = rule.Version,
            };
        }

        return Page();
    }

    /// <summary>Adds a rule, or with ?edit=id changes that one (pinned to the version read).</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var input = new AssignmentRuleInput(Form.PostalPrefix, Form.Region, Form.Segment, Form.Industry, Form.TerritoryId, Form.Priority);
        if (Edit is not { } id)
        {
            var created = await rules.CreateAsync(input, ct);
            Saved = $"Added rule {created.Priority}: {created.Description} → {created.TerritoryName}.";
            return RedirectToPage();
        }

        var result = await rules.UpdateAsync(id, input, string.IsNullOrEmpty(Form.Version) ? null : Form.Version, ct);
        switch (result.Outcome)
        {
            case RuleOutcome.NotFound:
                return NotFound();
            case RuleOutcome.Saved:
                Saved = $"Saved rule {result.Current!.Priority}: {result.Current.Description} → {result.Current.TerritoryName}.";
                return RedirectToPage(new { edit = (Guid?)null });
            default:
                ModelState.AddModelError("", "Someone changed this rule after you opened it, so your change was not saved. Reload it and redo your change.");
                Response.StatusCode = StatusCodes.Status409Conflict;
                await LoadAsync(ct);
                return Page();
        }
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, string? version, CancellationToken ct)
    {
        var result = await rules.DeleteAsync(id, string.IsNullOrEmpty(version) ? null : version, ct);
        if (result.Outcome == RuleOutcome.NotFound)
        {
            return NotFound();
        }

        Saved = result.Outcome == RuleOutcome.Stale ? "That rule changed after you opened the page; it was not deleted." : "Deleted the rule.";
        return RedirectToPage(new { edit = (Guid?)null });
    }

    public async Task<IActionResult> OnPostUpAsync(Guid id, CancellationToken ct)
    {
        await rules.MoveAsync(id, up: true, ct);
        return RedirectToPage(new { edit = (Guid?)null });
    }

    public async Task<IActionResult> OnPostDownAsync(Guid id, CancellationToken ct)
    {
        await rules.MoveAsync(id, up: false, ct);
        return RedirectToPage(new { edit = (Guid?)null });
    }

    /// <summary>Places every account that belongs to nobody and meets a rule, now.</summary>
    public async Task<IActionResult> OnPostApplyAsync(CancellationToken ct)
    {
        var done = await rules.ApplyAsync(ct);
        Saved = done.Placed == 0
            ? "No account that belongs to nobody meets a rule; nothing moved."
            : $"Placed {done.Placed:N0} of the {done.Unowned:N0} accounts that belonged to nobody.";
        return RedirectToPage(new { edit = (Guid?)null });
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        await LoadAsync(ct);
        return null;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        List = await rules.ListAsync(ct);
        Territories = await territories.ChoicesAsync(ct);
        Preview = await rules.PreviewAsync(ct);
    }
}

public sealed class RuleForm
{
    public string? PostalPrefix { get; set; }

    public string? Region { get; set; }

    public string? Segment { get; set; }

    public string? Industry { get; set; }

    public Guid? TerritoryId { get; set; }

    public int? Priority { get; set; }

    public string? Version { get; set; }
}
