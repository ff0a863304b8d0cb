using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.Planning;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Plans;

/// <summary>"My plan" in the top bar: the signed-in person's plan in the open cycle that ends last.</summary>
public sealed class MineModel(AccessPolicy access, AppDbContext db, CurrentUser me) : PageModel
{
    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var id = await (from p in access.VisiblePlans().Where(p => p.OwnerId == me.Id)
                        join c in db.Cycles on p.CycleId equals c.Id
                        where c.Status == CycleStatus.Open
                        orderby c.PeriodEnd descending
                        select (Guid?)p.Id).FirstOrDefaultAsync(ct);
        if (id is not { } planId)
        {
            return Page();
        }

        // 303: "see that page", which is the plan; the address of this one stays "my plan" for every cycle.
        Response.Headers.Location = $"/Plans/{planId}";
        return StatusCode(StatusCodes.Status303SeeOther);
    }
}
