using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Dashboards;

/// <summary>The leader dashboard, "is the plan happening": the same view as GET /api/v1/dashboards/organisation.</summary>
[May(Act.FollowTeam)]
public sealed class OrganisationModel(OrganisationDashboard organisation) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public DateOnly? AsOf { get; set; }

    public OrganisationView? View { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            AsOf = null;
            ModelState.Clear();
        }

        View = await organisation.GetAsync(AsOf, null, ct);
    }

    /// <summary>A table of the dashboard as CSV, or every table as an Excel workbook (the page's export links).</summary>
    public async Task<IActionResult> OnGetExportAsync(string? format, string? table, CancellationToken ct)
    {
        // Links the page made; anything else gets the first table as CSV rather than a refusal in place of the page.
        var export = format == "xlsx" ? "xlsx" : "csv";
        var view = await organisation.GetAsync(AsOf, null, ct);
        var tables = DashboardTables.Of(view);
        var file = TableExport.Render(export, $"organisation-{DashboardText.Iso(view.AsOf)}", tables, tables.Any(t => t.Name == table) ? table : null);
        return File(file.Content, file.ContentType, file.FileName);
    }

    public string Export(string format, string table) =>
        $"/Dashboards/Organisation?handler=Export&asOf={DashboardText.Iso(View!.AsOf)}&format={format}" + (format == "csv" ? $"&table={table}" : "");
}
