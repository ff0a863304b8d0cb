using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Terrain.Features.Reviews;

/// <summary>The reviews the reader may see: a rep their own, a manager those they hold, leaders all.</summary>
public sealed class IndexModel(ReviewQueries queries) : PageModel
{
    public IReadOnlyList<ReviewRow> Reviews { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Reviews = await queries.ListAsync(null, null, null, null, ct);
}
