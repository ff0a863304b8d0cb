using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Features.Users;

namespace Terrain.Features.Admin.Users;

public sealed class IndexModel(UserQueries users) : PageModel
{
    public IReadOnlyList<UserRow> Users { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Users = await users.ListAsync(null, null, ct);
}
