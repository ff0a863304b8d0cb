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

        if (await dashboard.GetAsync(repId, AsOf, null, RiskOverrides.None, ct) is not { } view)
        {
            return NotFound();
        }

        View = view;
        return Page();
    }

    /// <summary>A table of the dashboard as CSV, or every table as an Excel workbook (the page's export links).</summary>
    public async Task<IActionResult> OnGetExportAsync(Guid? repId, string? format, string? table, CancellationToken ct)
    {
        // Links the page made; anything else gets the first table as CSV rather than a refusal in place of the page.
        var export = format == "xlsx" ? "xlsx" : "csv";
        if (await dashboard.GetAsync(repId, AsOf, null, RiskOverrides.None, ct) is not { } view)
        {
            return NotFound();
        }

        var tables = DashboardTables.Of(view);
        var file = TableExport.Render(export, $"rep-{DashboardText.Iso(view.AsOf)}", tables, tables.Any(t => t.Name == table) ? table : null);
        return File(file.Content, file.ContentType, file.FileName);
    }

    public string Export(string format, string table) =>
        $"/Dashboards/Rep/{View.RepId}?handler=Export&asOf={DashboardText.Iso(View.AsOf)}&format={format}" + (format == "csv" ? $"&table={table}" : "");
}
