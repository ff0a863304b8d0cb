using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Features.Plans;

namespace Terrain.Features.Cycles;

/// <summary>A plan's goals against its quota and its number of quality warnings, as its plan page shows them.</summary>
public sealed record BoardCheck(decimal Goals, decimal? Quota, int Warnings);

/// <summary>
/// The plan checks of every plan on a board, in a handful of queries rather than a plan page's worth per plan: the
/// same rules (<see cref="PlanChecks"/>) over the same working content, quota and strategy the plan page uses.
/// </summary>
public static class BoardChecks
{
    public static async Task<IReadOnlyDictionary<Guid, BoardCheck>> EvaluateAsync(AppDbContext db, PlanningCycle cycle,
        IReadOnlyCollection<(Guid PlanId, Guid OwnerId)> plans, CancellationToken ct)
    {
        if (plans.Count == 0)
        {
            return new Dictionary<Guid, BoardCheck>();
        }

        var planIds = plans.Select(p => p.PlanId).ToList();
        var ownerIds = plans.Select(p => p.OwnerId).Distinct().ToList();
        var template = await db.TemplateSections.AsNoTracking().Where(t => t.CycleId == cycle.Id).OrderBy(t => t.Order).ToListAsync(ct);
        var saved = (await db.PlanSections.AsNoTracking().Where(s => planIds.Contains(s.PlanId)).ToListAsync(ct))
            .ToLookup(s => s.PlanId);
        var accounts = (await db.Accounts.AsNoTracking().Where(a => a.OwnerId != null && ownerIds.Contains(a.OwnerId.Value))
                .Select(a => new { Owner = a.OwnerId!.Value, Ref = new AccountRef(a.Id, a.Name, a.Industry, a.Segment, a.Region, a.AnnualPotential) })
                .ToListAsync(ct))
            .ToLookup(a => a.Owner, a => a.Ref);
        var quotas = (await db.Quotas.AsNoTracking().Where(q => q.CycleId == cycle.Id && ownerIds.Contains(q.RepId)).ToListAsync(ct))
            .ToLookup(q => q.RepId);
        var strategy = cycle.StrategyId is { } strategyId
            ? await db.Strategies.AsNoTracking().Where(s => s.Id == strategyId).Select(s => s.Content).SingleOrDefaultAsync(ct)
            : null;
        var content = strategy is null ? null : StrategyContent.Read(strategy);
        var quarters = cycle.Quarters.Count;

        var result = new Dictionary<Guid, BoardCheck>();
        foreach (var (planId, ownerId) in plans)
        {
            var sections = PlanDocuments.SectionsOf(template, saved[planId].ToDictionary(s => s.Key));
            var quota = PlanDocuments.QuotaOf(quotas[ownerId].ToList(), quarters);
            var facts = PlanDocuments.FactsOf(cycle, accounts[ownerId].OrderBy(a => a.Name).ToList(), sections, content);
            var checks = PlanChecks.Evaluate(PlanDocuments.Filled(sections), facts, quota);
            result[planId] = new BoardCheck(checks.Gap.Goal, checks.Gap.Quota, checks.Warnings.Count);
        }

        return result;
    }
}
