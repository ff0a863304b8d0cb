using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure;

namespace Terrain.Features.Quotas;

/// <summary>The allocation's side of a quota letter: how the rep's quota was reached.</summary>
public sealed record LetterAssumptions(decimal Target, AllocationMethod Method, string Description, decimal Share, decimal ShareOfTarget,
    IReadOnlyList<int> Ramp, Seasonality Seasonality, IReadOnlyList<decimal> Season, IReadOnlyList<decimal> Allocated, IReadOnlyList<string> Notes)
{
    /// <summary>The rep's team in the allocation (its manager's name; "No manager" for the reps without one), when teams came first (ADR 0048).</summary>
    public string? Team { get; init; }

    /// <summary>The team's number by quarter as the allocation set it (ADR 0048), when teams came first.</summary>
    public IReadOnlyList<decimal>? TeamQuarters { get; init; }

    /// <summary>The team's number for the cycle, when teams came first.</summary>
    public decimal? TeamTotal { get; init; }
}

/// <summary>
/// A rep's quota letter (ADR 0038): the quota by quarter as it is now, the version to acknowledge, when it was
/// published and acknowledged, the assumptions behind it, and every change since it was published.
/// </summary>
public sealed record QuotaLetter(Guid CycleId, string Cycle, string Rep, IReadOnlyList<string> Quarters, IReadOnlyList<decimal?> Amounts, decimal Total,
    int Version, DateTimeOffset PublishedAt, bool Acknowledged, DateTimeOffset? AcknowledgedAt, LetterAssumptions? Assumptions,
    IReadOnlyList<QuotaHistoryEntry> ChangesSincePublished);

/// <summary>The rep acknowledges the letter at the version they read.</summary>
public sealed record AcknowledgeInput(Guid CycleId, int Version);

/// <summary>The rep's side of an allocation: their quota letter and its acknowledgement (ADR 0038).</summary>
public sealed partial class QuotaAllocations
{
    public static string LetterLink(Guid cycleId) => $"/Quotas/Letter?cycle={cycleId}";

    /// <summary>
    /// The signed-in rep's quota letter for the cycle (or, without one, the latest published to them); null when none
    /// is published.
    /// </summary>
    public async Task<QuotaLetter?> LetterAsync(Guid? cycleId, CancellationToken ct)
    {
        var me = access.Actor.Id;
        var header = await db.RepQuotas.AsNoTracking()
            .Where(q => q.RepId == me && q.PublishedVersion != null && (cycleId == null || q.CycleId == cycleId))
            .OrderByDescending(q => q.PublishedAt).FirstOrDefaultAsync(ct);
        if (header is null || await db.Cycles.AsNoTracking().FirstOrDefaultAsync(c => c.Id == header.CycleId, ct) is not { } cycle)
        {
            return null;
        }

        var count = cycle.Quarters.Count;
        var held = await db.Quotas.AsNoTracking().Where(q => q.CycleId == cycle.Id && q.RepId == me).Select(q => new { q.Quarter, q.Amount }).ToListAsync(ct);
        var amounts = Enumerable.Range(1, count).Select(n => held.FirstOrDefault(q => q.Quarter == n)?.Amount).ToList();
        var name = await db.Users.Where(u => u.Id == me).Select(u => u.DisplayName).SingleAsync(ct);
        LetterAssumptions? assumptions = null;
        if (header.AllocationId is { } allocationId && await db.QuotaAllocations.AsNoTracking().FirstOrDefaultAsync(a => a.Id == allocationId, ct) is { } allocation &&
            allocation.ReadLines().FirstOrDefault(l => l.RepId == me) is { } line)
        {
            // The rep's team's number, as the leader set it in the first step (ADR 0048).
            var teamLine = allocation.ReadTeams().FirstOrDefault(t => t.ManagerId == line.ManagerId);
            var teamName = teamLine is null ? null
                : teamLine.ManagerId is { } managerId
                    ? await db.Users.AsNoTracking().Where(u => u.Id == managerId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct) ?? "Your team"
                    : "No manager";
            assumptions = new LetterAssumptions(allocation.Target, allocation.Method, allocation.Describe(), line.Share,
                allocation.Target == 0 ? 0 : decimal.Round(amounts.Sum(a => a ?? 0) / allocation.Target, 6), line.Ramp, allocation.Seasonality,
                allocation.SeasonPercents(), line.Quarters, allocation.Notes.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Team = teamName,
                TeamQuarters = teamLine?.Draft,
                TeamTotal = teamLine?.Draft.Sum(),
            };
        }

        var history = await grid.HistoryAsync(cycle.Id, me, ct) ?? [];
        return new QuotaLetter(cycle.Id, cycle.Name, name, cycle.Quarters.Select(q => q.Label).ToList(), amounts, amounts.Sum(a => a ?? 0), header.Version,
            header.PublishedAt!.Value, !header.AwaitsAcknowledgement, header.AcknowledgedAt, assumptions,
            history.Where(h => h.Version > header.PublishedVersion).ToList());
    }

    /// <summary>The rep acknowledges their letter as it is at <see cref="AcknowledgeInput.Version"/>; a stale version is refused (409).</summary>
    public async Task<QuotaLetter?> AcknowledgeAsync(AcknowledgeInput input, CancellationToken ct)
    {
        var me = access.Actor.Id;
        access.Ensure(Act.AcknowledgeQuota, new About(me, null));
        var header = await db.RepQuotas.FirstOrDefaultAsync(q => q.CycleId == input.CycleId && q.RepId == me, ct);
        if (header is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        header.Acknowledge(me, input.Version, now);
        db.AuditEntries.Add(AuditEntry.Record(now, me, "quota.acknowledge", "Quota", me.ToString(),
            JsonSerializer.Serialize(new { cycle = input.CycleId, rep = me, version = header.Version })));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbConflicts.IsConflict(e))
        {
            db.ChangeTracker.Clear();
            throw new InvalidStateException("Your quota changed as you acknowledged it: read the letter again.", "version");
        }

        return await LetterAsync(input.CycleId, ct);
    }
}
