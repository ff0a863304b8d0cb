using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Domain.Reviews;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Reviews;

/// <summary>
/// Review oversight (issue 11 §4–§5): the same view as GET /api/v1/reviews/oversight. Leaders see the organisation and
/// any team; a manager sees their own team, which is also the page a leader opens in their review with that manager.
/// </summary>
[May(Act.FollowTeam)]
public sealed class OversightModel(ReviewOversight oversight) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? Cycle { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? Manager { get; set; }

    /// <summary>Null when the reader was refused (the page then shows why).</summary>
    public OversightView? View { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            (Cycle, Manager) = (null, null);
            ModelState.Clear();
        }

        View = await oversight.GetAsync(Cycle, Manager, ct);
        return View is null ? NotFound() : Page();
    }

    public string Timeline(Guid repId) => $"/Reviews/Timeline/{repId}" + (View?.Cycle is { } c ? $"?cycle={c.Id}" : "");

    public static string Category(VarianceCategory category) => category switch
    {
        VarianceCategory.PipelineShortfall => "Pipeline shortfall",
        VarianceCategory.DealsSlipped => "Deals slipped",
        VarianceCategory.LostToCompetitor => "Lost to a competitor",
        VarianceCategory.RampUp => "Ramping up",
        VarianceCategory.Market => "Market",
        VarianceCategory.TerritoryChange => "Territory change",
        VarianceCategory.ActivityShortfall => "Activity shortfall",
        VarianceCategory.PlanWasWrong => "The plan was wrong",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, null),
    };

    public static string Metric(ClaimMetric metric) => metric switch
    {
        ClaimMetric.RevenueWon => "Revenue won",
        ClaimMetric.PipelineCreated => "Pipeline created",
        ClaimMetric.ActivitiesHeld => "Activities held",
        ClaimMetric.NewLogos => "New logos",
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
    };
}
