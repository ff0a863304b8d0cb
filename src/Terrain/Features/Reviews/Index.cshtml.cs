using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Reviews;

/// <summary>The reviews the reader may see: a rep their own, a manager those they hold, leaders all.</summary>
public sealed class IndexModel(ReviewQueries queries, AccessPolicy policy, CurrentUser me) : PageModel
{
    public IReadOnlyList<ReviewRow> Reviews { get; private set; } = [];

    /// <summary>Managers, leaders and admins oversee reviews; reps read their own history instead.</summary>
    public bool MayOversee { get; private set; }

    public Guid Me { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Reviews = await queries.ListAsync(null, null, null, null, ct);
        MayOversee = policy.May(Act.FollowTeam);
        Me = me.Id;
    }
}
