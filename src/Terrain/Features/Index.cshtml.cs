using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features;

public sealed class IndexModel(AccessPolicy access, CurrentUser me, Cycles.Board board, Reminders.MyNotifications notifications) : PageModel
{
    public sealed record Slice(string Label, int Accounts, decimal Potential);

    public int AccountCount { get; private set; }

    public decimal TotalPotential { get; private set; }

    public int Unassigned { get; private set; }

    public int People { get; private set; }

    public IReadOnlyList<Slice> BySegment { get; private set; } = [];

    public IReadOnlyList<Slice> ByOwner { get; private set; } = [];

    /// <summary>For a rep: their plan in each open cycle, with its deadlines.</summary>
    public IReadOnlyList<(string Cycle, Cycles.BoardRow Plan)> MyPlans { get; private set; } = [];

    public Reminders.NotificationList Notifications { get; private set; } = new(0, []);

    public async Task OnGetAsync(CancellationToken ct)
    {
        Notifications = await notifications.ListAsync(5, ct);
        if (me.Role == Role.Rep)
        {
            var cycleIds = await access.VisiblePlans().Where(p => p.OwnerId == me.Id).Select(p => p.CycleId).ToListAsync(ct);
            var plans = new List<(string, Cycles.BoardRow)>();
            foreach (var cycleId in cycleIds)
            {
                if (await board.GetAsync(cycleId, new Cycles.BoardFilter(), ct) is { CycleStatus: "Open" } view && view.Rows.Count == 1)
                {
                    plans.Add((view.CycleName, view.Rows[0]));
                }
            }

            MyPlans = plans;
        }

        var accounts = access.VisibleAccounts();
        var segments = await accounts.GroupBy(a => a.Segment)
            .Select(g => new { g.Key, Count = g.Count(), Potential = g.Sum(a => a.AnnualPotential) })
            .ToListAsync(ct);
        BySegment = segments.Select(s => new Slice(s.Key.Length == 0 ? "(none)" : s.Key, s.Count, s.Potential))
            .OrderByDescending(s => s.Potential).ToList();
        AccountCount = segments.Sum(s => s.Count);
        TotalPotential = segments.Sum(s => s.Potential);

        if (me.Role != Role.Rep)
        {
            var owners = await accounts.Where(a => a.OwnerId != null)
                .GroupBy(a => a.Owner!.DisplayName)
                .Select(g => new { g.Key, Count = g.Count(), Potential = g.Sum(a => a.AnnualPotential) })
                .ToListAsync(ct);
            ByOwner = owners.Select(o => new Slice(o.Key, o.Count, o.Potential)).OrderByDescending(o => o.Potential).ToList();
            Unassigned = await accounts.CountAsync(a => a.OwnerId == null, ct);
            People = await access.VisibleUsers().CountAsync(u => u.Id != me.Id, ct);
        }
    }
}
