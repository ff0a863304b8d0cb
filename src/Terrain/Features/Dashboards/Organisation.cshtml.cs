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

    public string Export(string format, string table) =>
        $"/api/v1/dashboards/organisation?asOf={DashboardText.Iso(View!.AsOf)}&format={format}" + (format == "csv" ? $"&table={table}" : "");
}
