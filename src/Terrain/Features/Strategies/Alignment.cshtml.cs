using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Strategies;

/// <summary>Does the plan add up: each objective's target against the goals linked to it, per cycle, for managers and leaders.</summary>
[May(Act.FollowTeam)]
public sealed class AlignmentModel(Alignment alignment) : PageModel, IReloadsOnRefusal
{
    /// <summary>The cycle chosen in the form; none means the open cycle executing the strategy.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? Cycle { get; set; }

    public AlignmentView View { get; private set; } = null!;

    /// <summary>Why the chosen cycle could not be shown (the default one is shown instead).</summary>
    public string? CycleError { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await alignment.GetAsync(id, Cycle, ct) is not { } view)
        {
            return NotFound();
        }

        View = view;
        return Page();
    }

    /// <summary>A cycle that cannot be shown is named as refused (422, as the API) and the default one is shown instead.</summary>
    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        CycleError = HttpContext.Refusal()!.Message;
        Cycle = null;
        if (await alignment.GetAsync(Guid.Parse((string)RouteData.Values["id"]!, CultureInfo.InvariantCulture), null, ct) is not { } view)
        {
            return NotFound();
        }

        View = view;
        return null;
    }
}
