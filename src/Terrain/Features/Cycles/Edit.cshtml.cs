using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Cycles;

/// <summary>
/// Changes an open cycle's schedule within the process rules (the rule broken is named beside the field), or closes
/// it. A change made by someone else since the page was read is refused, never overwritten.
/// </summary>
[May(Act.RunCycles)]
[FormPrefix("Form")]
public sealed class EditModel(CycleHandlers cycles) : PageModel, IReloadsOnRefusal
{
    public CycleRow Cycle { get; private set; } = null!;

    [BindProperty]
    public CycleForm Form { get; set; } = new();

    [BindProperty]
    public string? Version { get; set; }

    /// <summary>Closing ends the cycle for good; the form asks for it to be ticked.</summary>
    [BindProperty]
    public bool ConfirmClose { get; set; }

    [TempData]
    public string? Saved { get; set; }

    /// <summary>The refusal shown is of the close form (unconfirmed, or the cycle changed meanwhile).</summary>
    public bool ClosingRefused { get; private set; }

    /// <summary>The refusal shown is of the tier rule form.</summary>
    public bool TierRuleRefused { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await cycles.GetAsync(id, ct) is not { } cycle)
        {
            return NotFound();
        }

        (Cycle, Form, Version) = (cycle, CycleForm.Of(cycle), cycle.Version);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (await cycles.PatchAsync(id, Form.ToPatch(), Version ?? "", ct) is not { } saved)
        {
            return NotFound();
        }

        Saved = $"{saved.Name} is saved: drafts due {saved.DraftDue:d MMM yyyy}, approval within {saved.ApprovalWindowDays} days of submission.";
        return Redirect("/Cycles");
    }

    /// <summary>The rule the segmentation worksheet suggests tiers by (ADR 0035).</summary>
    public async Task<IActionResult> OnPostTierRuleAsync(Guid id, int? aShare, int? bShare, int? cShare, CancellationToken ct)
    {
        var rule = new TierRule(aShare ?? 0, bShare ?? 0, cShare ?? 0);
        if (await cycles.PatchAsync(id, new CyclePatch { TierRule = rule }, Version ?? "", ct) is not { } saved)
        {
            return NotFound();
        }

        Saved = $"{saved.Name} suggests tiers by a new rule. {saved.TierRule.Describe()}";
        return Redirect("/Cycles");
    }

    public async Task<IActionResult> OnPostCloseAsync(Guid id, CancellationToken ct)
    {
        if (await cycles.GetAsync(id, ct) is null)
        {
            return NotFound();
        }

        if (!ConfirmClose)
        {
            throw new DomainException("Tick the box to confirm: a closed cycle cannot be opened again and its plans become read-only.", "confirmClose");
        }

        if (await cycles.PatchAsync(id, new CyclePatch { Status = "Closed" }, Version ?? "", ct) is not { } closed)
        {
            return NotFound();
        }

        Saved = $"{closed.Name} is closed; its plans are read-only.";
        return Redirect("/Cycles");
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        if (await cycles.GetAsync(Guid.Parse(RouteData.Values["id"]!.ToString()!), ct) is not { } cycle)
        {
            return NotFound();
        }

        Cycle = cycle;
        ClosingRefused = handler?.Contains("Close", StringComparison.Ordinal) == true;
        TierRuleRefused = handler?.Contains("TierRule", StringComparison.Ordinal) == true;
        if (ClosingRefused || TierRuleRefused)
        {
            // The schedule form shows the cycle as saved; the refusal is shown at the close form.
            Form = CycleForm.Of(cycle);
        }

        return null;
    }
}
