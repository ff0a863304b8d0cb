using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Features.Users;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Team;

public sealed class IndexModel(UserQueries users, CurrentUser me) : PageModel
{
    public sealed record TeamGroup(string Manager, Guid? ManagerId, IReadOnlyList<UserRow> Reps)
    {
        public int Accounts => Reps.Sum(r => r.Accounts);

        public decimal Potential => Reps.Sum(r => r.Potential);
    }

    public IReadOnlyList<TeamGroup> Teams { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var reps = await users.ListAsync(Role.Rep, me.Role == Role.Manager ? me.Id : null, ct);
        Teams = reps.GroupBy(r => (r.ManagerId, r.ManagerName))
            .Select(g => new TeamGroup(g.Key.ManagerName ?? "No manager", g.Key.ManagerId, g.OrderBy(r => r.DisplayName).ToList()))
            .OrderBy(t => t.Manager)
            .ToList();
    }
}
