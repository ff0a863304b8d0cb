using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Performance;

/// <summary>The performance thresholds, edited by leaders and admins: the same handler as PUT /api/v1/settings/metrics.</summary>
[May(Act.SetMetrics)]
public sealed class SettingsModel(MetricSettingsHandlers handlers) : PageModel, IReloadsOnRefusal
{
    public MetricSettingsView Current { get; private set; } = null!;

    [BindProperty]
    public int? OnTrackPercent { get; set; }

    [BindProperty]
    public int? AtRiskPercent { get; set; }

    [BindProperty]
    public int? HealthyCoveragePercent { get; set; }

    /// <summary>One stage per line.</summary>
    [BindProperty]
    public string? EarlyStages { get; set; }

    [BindProperty]
    public int? IdleDays { get; set; }

    [BindProperty]
    public int? StalledDays { get; set; }

    [BindProperty]
    public int? DataAgeLimitHours { get; set; }

    [BindProperty]
    public string? Version { get; set; }

    [TempData]
    public string? Saved { get; set; }

    public string? Conflict { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Current = await handlers.GetAsync(ct);
        (OnTrackPercent, AtRiskPercent, HealthyCoveragePercent, EarlyStages, IdleDays, StalledDays, Version) =
            (Current.OnTrackPercent, Current.AtRiskPercent, Current.HealthyCoveragePercent, string.Join('\n', Current.EarlyStages), Current.IdleDays,
                Current.StalledDays, Current.Version);
        DataAgeLimitHours = Current.DataAgeLimitHours;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var stages = (EarlyStages ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var result = await handlers.UpdateAsync(new MetricSettingsInput(OnTrackPercent, AtRiskPercent, HealthyCoveragePercent, stages, IdleDays, StalledDays ?? 0)
        {
            DataAgeLimitHours = DataAgeLimitHours,
        }, Version ?? "", ct);
        Current = result.Current;
        if (result.Outcome != SettingsOutcome.Saved)
        {
            Conflict = "Someone changed the thresholds after you opened this page, so your change was not saved. The current values are shown beside yours; save again to replace them.";
            Version = result.Current.Version;
            ModelState.Remove(nameof(Version));
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }

        Saved = "Saved: goal statuses now use these thresholds.";
        return RedirectToPage();
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        Current = await handlers.GetAsync(ct);
        return null;
    }
}
