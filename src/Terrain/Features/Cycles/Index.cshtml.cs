using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Cycles;

/// <summary>The planning cycles; leaders also choose here which published strategy each open cycle executes.</summary>
public sealed class IndexModel(CycleHandlers cycles, CurrentUser me) : PageModel
{
    public IReadOnlyList<CycleRow> Cycles { get; private set; } = [];

    public IReadOnlyList<StrategyOption> Strategies { get; private set; } = [];

    /// <summary>Leaders (and admins, who run cycles too) tie cycles to strategies.</summary>
    public bool CanSetStrategy => me.Role is Role.Leader or Role.Admin;

    /// <summary>The cycle whose strategy change was refused, what was chosen, and why.</summary>
    public StrategyError? Error { get; private set; }

    [TempData]
    public string? Saved { get; set; }

    public sealed record StrategyError(Guid CycleId, Guid? StrategyId, bool RequireAcknowledgement, string Message);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostStrategyAsync(Guid cycle, Guid? strategyId, bool requireAcknowledgement, string? version, CancellationToken ct)
    {
        if (!CanSetStrategy)
        {
            return Forbid();
        }

        try
        {
            var patch = new CyclePatch { StrategyId = strategyId, RequireAcknowledgement = requireAcknowledgement };
            if (await cycles.PatchAsync(cycle, patch, version ?? "", ct) is not { } saved)
            {
                return NotFound();
            }

            Saved = saved.StrategyName is null
                ? $"{saved.Name} executes no strategy now."
                : $"{saved.Name} executes the {saved.StrategyName}" +
                  (saved.RequireAcknowledgement ? "; reps must acknowledge it before they submit." : "; reps may submit without acknowledging it.");
            return Redirect($"/Cycles#strategy-{cycle}");
        }
        catch (DomainException e)
        {
            await LoadAsync(ct);
            if (Cycles.All(c => c.Id != cycle))
            {
                return NotFound();
            }

            Error = new StrategyError(cycle, strategyId, requireAcknowledgement, e.Message);
            Response.StatusCode = e is InvalidStateException ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Cycles = (await cycles.Query().ToListAsync(ct)).Select(CycleHandlers.Complete).ToList();
        Strategies = CanSetStrategy ? await cycles.PublishedStrategiesAsync(ct) : [];
    }
}
