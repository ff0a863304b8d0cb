using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Terrain.Features.Dashboards;

/// <summary>A rep's dashboard (the signed-in rep's without an id): the same view as GET /api/v1/dashboards/rep.</summary>
public sealed class RepModel(RepDashboard dashboard) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public DateOnly? AsOf { get; set; }

    public RepDashboardView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid? repId, CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            AsOf = null;
            ModelState.Clear();
        }

        if (await dashboard.GetAsync(repId, AsOf, null, RiskRules.Default, ct) is not { } view)
        {
            return NotFound();
        }

        View = view;
        return Page();
    }

    public string Export(string format, string table) =>
        $"/api/v1/dashboards/rep?repId={View.RepId}&asOf={DashboardText.Iso(View.AsOf)}&format={format}" + (format == "csv" ? $"&table={table}" : "");
}
