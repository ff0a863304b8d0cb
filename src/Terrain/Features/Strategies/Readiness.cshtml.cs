using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Strategies;

/// <summary>
/// The readiness board for managers and leaders: per rep invited, attended, acknowledged, check passed, open
/// questions and ready, with totals, a chart of the totals, and a filter by team.
/// </summary>
[May(Act.FollowTeam)]
public sealed class ReadinessModel(Readiness readiness) : PageModel, IReloadsOnRefusal
{
    /// <summary>Above this many reps, "all teams" shows the table by team and asks for a team before listing each rep.</summary>
    public const int MaxRowsWithoutTeam = 250;

    [BindProperty(SupportsGet = true)]
    public Guid? Team { get; set; }

    public ReadinessView View { get; private set; } = null!;

    /// <summary>Why the team filter was ignored.</summary>
    public string? TeamError { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await readiness.GetAsync(id, Team, ct) is not { } view)
        {
            return NotFound();
        }

        View = view;
        return Page();
    }

    /// <summary>A team filter that names no team is refused (422, as the API) and the whole board is shown instead.</summary>
    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        TeamError = HttpContext.Refusal()!.Message;
        Team = null;
        if (await readiness.GetAsync(Guid.Parse((string)RouteData.Values["id"]!, CultureInfo.InvariantCulture), null, ct) is not { } view)
        {
            return NotFound();
        }

        View = view;
        return null;
    }

    public string? TeamName => View.Team is { } team ? View.Teams.FirstOrDefault(t => t.Id == team)?.Name : null;
}
