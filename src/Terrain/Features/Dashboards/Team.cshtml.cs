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

        View = await team.GetAsync(ManagerId, AsOf, null, RiskRules.Default, ct);
        return View is null ? NotFound() : Page();
    }

    public string Export(string format, string table) =>
        $"/api/v1/dashboards/team?managerId={View!.Team.ManagerId}&asOf={DashboardText.Iso(View.AsOf)}&format={format}" + (format == "csv" ? $"&table={table}" : "");
}
