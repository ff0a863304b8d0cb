using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Strategies;

/// <summary>
/// The readiness board for managers and leaders: per rep invited, attended, acknowledged, check passed, open
/// questions and ready, with totals, a chart of the totals, and a filter by team.
/// </summary>
[May(Act.FollowTeam)]
public sealed class ReadinessModel(Readiness readiness) : PageModel
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
        ReadinessView? view;
        try
        {
            view = await readiness.GetAsync(id, Team, ct);
        }
        catch (NotAllowedException)
        {
            return Forbid();
        }
        catch (DomainException e) when (e.Field == "team")
        {
            TeamError = e.Message;
            Team = null;
            view = await readiness.GetAsync(id, null, ct);
        }

        if (view is null)
        {
            return NotFound();
        }

        View = view;
        return Page();
    }

    public string? TeamName => View.Team is { } team ? View.Teams.FirstOrDefault(t => t.Id == team)?.Name : null;
}
