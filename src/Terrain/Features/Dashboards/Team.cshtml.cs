using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Dashboards;

/// <summary>The manager dashboard: the same view as GET /api/v1/dashboards/team.</summary>
[May(Act.FollowTeam)]
public sealed class TeamModel(TeamDashboard team) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public DateOnly? AsOf { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? ManagerId { get; set; }

    /// <summary>Null when the reader was refused (the page then shows why).</summary>
    public TeamDashboardView? View { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            (AsOf, ManagerId) = (null, null);
            ModelState.Clear();
        }

        View = await team.GetAsync(ManagerId, AsOf, null, RiskOverrides.None, ct);
        return View is null ? NotFound() : Page();
    }

    /// <summary>A table of the dashboard as CSV, or every table as an Excel workbook (the page's export links).</summary>
    public async Task<IActionResult> OnGetExportAsync(string? format, string? table, CancellationToken ct)
    {
        // Links the page made; anything else gets the first table as CSV rather than a refusal in place of the page.
        var export = format == "xlsx" ? "xlsx" : "csv";
        if (await team.GetAsync(ManagerId, AsOf, null, RiskOverrides.None, ct) is not { } view)
        {
            return NotFound();
        }

        var tables = DashboardTables.Of(view);
        var file = TableExport.Render(export, $"team-{DashboardText.Iso(view.AsOf)}", tables, tables.Any(t => t.Name == table) ? table : null);
        return File(file.Content, file.ContentType, file.FileName);
    }

    public string Export(string format, string table) =>
        $"/Dashboards/Team?handler=Export&managerId={View!.Team.ManagerId}&asOf={DashboardText.Iso(View.AsOf)}&format={format}" + (format == "csv" ? $"&table={table}" : "");
}
