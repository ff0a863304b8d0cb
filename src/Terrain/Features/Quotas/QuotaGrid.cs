using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Quotas;

/// <summary>A team's quota rolled up from its reps' rows, beside the manager's own team quota where one is set.</summary>
public sealed record QuotaTeamTotal(Guid? ManagerId, string Manager, int Reps, IReadOnlyList<decimal> Quarters, decimal Total, decimal? TeamQuota);

/// <summary>
/// The quota of the scope shown against the revenue objectives of the strategy the cycle executes: the sum of the
/// targets of its objectives measured in revenue (ADR 0034), with the difference said in words.
/// </summary>
public sealed record QuotaVsObjectives(Guid StrategyId, string Strategy, int Objectives, decimal Target, decimal Quota, decimal Difference,
    bool WholeOrganisation, string Statement);

/// <summary>
/// The quota grid of a cycle: every rep the caller may see (optionally one team), with their version, whether the
/// caller may set it, totals per quarter, per team and for the scope, and the scope against the strategy's revenue
/// objectives. Team rows (a manager's own quota) follow the rep rows.
/// </summary>
public sealed record QuotaGridView(Guid CycleId, string Cycle, bool Open, string Currency, IReadOnlyList<string> Quarters, Guid? Team,
    IReadOnlyList<QuotaRow> Rows, IReadOnlyList<Guid> Settable, IReadOnlyList<decimal> QuarterTotals, decimal Total,
    IReadOnlyList<QuotaTeamTotal> Teams, QuotaVsObjectives? Objectives)
{
    /// <summary>The cycle's latest top-down allocation (ADR 0038), for a leader or an admin: its target and the quotas' difference to it.</summary>
    public GridAllocation? Allocation { get; init; }
}

/// <summary>The allocation behind the grid: its target, the sum of its reps' quotas now, the difference, whether it is published, and how many reps have not acknowledged.</summary>
public sealed record GridAllocation(decimal Target, decimal Total, decimal Difference, AllocationStatus Status, int Unacknowledged);

/// <summary>One quarter of a rep's quota changing, as the history shows it; <see cref="Source"/> names a <see cref="QuotaSource"/>.</summary>
public sealed record QuotaHistoryEntry(DateTimeOffset At, string By, string Source, int Version, int Quarter, decimal? Old, decimal New, string? Reason);

/// <summary>Reads the grid and a rep's quota history, within what the caller may see.</summary>
public sealed class QuotaGrid(QuotaHandlers quotas, AppDbContext db, AccessPolicy access, IOptions<TerrainOptions> options)
{
    public async Task<QuotaGridView?> GetAsync(Guid cycleId, Guid? team, CancellationToken ct)
    {
        var cycle = await db.Cycles.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cycleId, ct);
        if (cycle is null || await quotas.ListAsync(cycleId, null, ct) is not { } all)
        {
            return null;
        }

        var rows = team is { } t ? all.Where(r => r.IsTeam ? r.RepId == t : r.ManagerId == t).ToList() : all.ToList();
        var count = cycle.Quarters.Count;
        var reps = rows.Where(r => !r.IsTeam).ToList();
        var quarterTotals = Enumerable.Range(0, count).Select(i => reps.Sum(r => r.Quarters[i] ?? 0)).ToList();
        var total = quarterTotals.Sum();
        var teams = reps.GroupBy(r => r.ManagerId)
            .Select(g => new QuotaTeamTotal(g.Key, g.First().ManagerName ?? "No manager", g.Count(),
                Enumerable.Range(0, count).Select(i => g.Sum(r => r.Quarters[i] ?? 0)).ToList(), g.Sum(r => r.Total ?? 0),
                rows.FirstOrDefault(r => r.IsTeam && r.RepId == g.Key)?.Total))
            .OrderBy(x => x.Manager, StringComparer.OrdinalIgnoreCase).ToList();
        var settable = rows.Where(r => access.May(Act.SetQuota, new About(r.RepId, r.ManagerId))).Select(r => r.RepId).ToList();
        // The whole organisation: a leader or an admin looking at every team.
        var whole = team is null && access.Actor.Role is Role.Leader or Role.Admin;
        var objectives = await ObjectivesAsync(cycle.StrategyId, total, whole, ct);
        return new QuotaGridView(cycle.Id, cycle.Name, cycle.Status == CycleStatus.Open, options.Value.Currency,
            cycle.Quarters.Select(q => q.Label).ToList(), team, rows, settable, quarterTotals, total, teams, objectives)
        {
            Allocation = whole ? await AllocationAsync(cycle, all, ct) : null,
        };
    }

    private async Task<GridAllocation?> AllocationAsync(PlanningCycle cycle, IReadOnlyList<QuotaRow> rows, CancellationToken ct)
    {
        var allocation = await db.QuotaAllocations.AsNoTracking().Where(a => a.CycleId == cycle.Id).OrderByDescending(a => a.CreatedAt).FirstOrDefaultAsync(ct);
        if (allocation is null)
        {
            return null;
        }

        var ids = allocation.ReadLines().Select(l => l.RepId).ToHashSet();
        var reps = rows.Where(r => !r.IsTeam && ids.Contains(r.RepId)).ToList();
        var total = reps.Sum(r => r.Total ?? 0);
        return new GridAllocation(allocation.Target, total, total - allocation.Target, allocation.Status, reps.Count(r => r.Published && !r.Acknowledged));
    }

    /// <summary>The strategy's revenue objectives: its name, how many, and the sum of their targets; null without any.</summary>
    public async Task<(Guid Id, string Name, int Count, decimal Target)?> RevenueObjectivesAsync(Guid? strategyId, CancellationToken ct)
    {
        if (strategyId is not { } id || await db.Strategies.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) is not { } strategy)
        {
            return null;
        }

        var revenue = strategy.ReadContent().Objectives.Where(o => o.Metric == "Revenue" && o.Target is > 0).ToList();
        return revenue.Count == 0 ? null : (strategy.Id, strategy.Name, revenue.Count, revenue.Sum(o => o.Target!.Value));
    }

    private async Task<QuotaVsObjectives?> ObjectivesAsync(Guid? strategyId, decimal quota, bool whole, CancellationToken ct)
    {
        if (await RevenueObjectivesAsync(strategyId, ct) is not { } strategy)
        {
            return null;
        }

        var target = strategy.Target;
        var difference = quota - target;
        var of = $"the {Compact(target)} revenue objectives of {strategy.Name}";
        var statement = !whole
            ? $"This quota of {Compact(quota)} is {(quota * 100 / target).ToString("0", CultureInfo.InvariantCulture)}% of {of}."
            : difference < 0
                ? $"Quota {Compact(quota)} is {Compact(-difference)} short of {of}."
                : difference > 0
                    ? $"Quota {Compact(quota)} is {Compact(difference)} above {of}."
                    : $"Quota {Compact(quota)} matches {of}.";
        return new QuotaVsObjectives(strategy.Id, strategy.Name, strategy.Count, target, quota, difference, whole, statement);
    }

    /// <summary>23,800,000 as 23.8M, 850,000 as 850K, smaller amounts in full.</summary>
    public static string Compact(decimal amount) => amount switch
    {
        >= 1_000_000m => (amount / 1_000_000m).ToString("0.0", CultureInfo.InvariantCulture) + "M",
        >= 10_000m => (amount / 1_000m).ToString("0", CultureInfo.InvariantCulture) + "K",
        _ => amount.ToString("#,0.##", CultureInfo.InvariantCulture),
    };

    /// <summary>Every change to one rep's (or team's) quota in the cycle, newest first; null when the caller may not see them.</summary>
    public async Task<IReadOnlyList<QuotaHistoryEntry>?> HistoryAsync(Guid cycleId, Guid repId, CancellationToken ct)
    {
        if (!await db.Cycles.AnyAsync(c => c.Id == cycleId, ct) || !await access.VisibleUsers().AnyAsync(u => u.Id == repId, ct))
        {
            return null;
        }

        var changes = await (from c in db.QuotaChanges.AsNoTracking()
                             where c.CycleId == cycleId && c.RepId == repId
                             join u in db.Users on c.ChangedById equals u.Id
                             select new { c.ChangedAt, u.DisplayName, c.Source, c.Version, c.Quarter, c.OldAmount, c.NewAmount, c.Reason })
            .ToListAsync(ct);
        return changes.OrderByDescending(c => c.Version).ThenBy(c => c.Quarter)
            .Select(c => new QuotaHistoryEntry(c.ChangedAt, c.DisplayName, c.Source.ToString(), c.Version, c.Quarter, c.OldAmount, c.NewAmount, c.Reason)).ToList();
    }
}
