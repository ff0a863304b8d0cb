using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Cycles;

/// <summary>The planning cycles; leaders also choose here which published strategy each open cycle executes.</summary>
public sealed class IndexModel(CycleHandlers cycles, AccessPolicy access) : PageModel, IReloadsOnRefusal
{
    public IReadOnlyList<CycleRow> Cycles { get; private set; } = [];

    public IReadOnlyList<StrategyOption> Strategies { get; private set; } = [];

    /// <summary>Leaders (and admins, who run cycles too) tie cycles to strategies.</summary>
    public bool CanSetStrategy => access.May(Act.RunCycles);

    /// <summary>The cycle whose strategy change was refused, what was chosen, and why.</summary>
    public StrategyError? Error { get; private set; }

    [TempData]
    public string? Saved { get; set; }

    public sealed record StrategyError(Guid CycleId, Guid? StrategyId, bool RequireAcknowledgement, string Message);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>The cycle of the strategy form posted, with its choices: shown again as chosen when refused.</summary>
    [BindProperty]
    public Guid Cycle { get; set; }

    [BindProperty]
    public Guid? StrategyId { get; set; }

    [BindProperty]
    public bool RequireAcknowledgement { get; set; }

    public async Task<IActionResult> OnPostStrategyAsync(string? version, CancellationToken ct)
    {
        if (!CanSetStrategy)
        {
            // Refused before the form is read; the page cannot be shown again around a refusal it has no cycle for.
            return Forbid();
        }

        var patch = new CyclePatch { StrategyId = StrategyId, RequireAcknowledgement = RequireAcknowledgement };
        if (await cycles.PatchAsync(Cycle, patch, version ?? "", ct) is not { } saved)
        {
            return NotFound();
        }

        Saved = saved.StrategyName is null
            ? $"{saved.Name} executes no strategy now."
            : $"{saved.Name} executes the {saved.StrategyName}" +
              (saved.RequireAcknowledgement ? "; reps must acknowledge it before they submit." : "; reps may submit without acknowledging it.");
        return Redirect($"/Cycles#strategy-{Cycle}");
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Cycles.All(c => c.Id != Cycle))
        {
            return NotFound();
        }

        Error = new StrategyError(Cycle, StrategyId, RequireAcknowledgement, ModelState.Messages()[0]);
        return null;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Cycles = (await cycles.Query().ToListAsync(ct)).Select(CycleHandlers.Complete).ToList();
        Strategies = CanSetStrategy ? await cycles.PublishedStrategiesAsync(ct) : [];
    }
}
