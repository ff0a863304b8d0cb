using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Strategies;

/// <summary>Does the plan add up: each objective's target against the goals linked to it, per cycle, for managers and leaders.</summary>
[May(Act.FollowTeam)]
public sealed class AlignmentModel(Alignment alignment) : PageModel
{
    /// <summary>The cycle chosen in the form; none means the open cycle executing the strategy.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? Cycle { get; set; }

    public AlignmentView View { get; private set; } = null!;

    /// <summary>Why the chosen cycle could not be shown (the default one is shown instead).</summary>
    public string? CycleError { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        AlignmentView? view;
        try
        {
            view = await alignment.GetAsync(id, Cycle, ct);
        }
        catch (DomainException e)
        {
            CycleError = e.Message;
            Cycle = null;
            view = await alignment.GetAsync(id, null, ct);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        if (view is null)
        {
            return NotFound();
        }

        View = view;
        return Page();
    }
}
