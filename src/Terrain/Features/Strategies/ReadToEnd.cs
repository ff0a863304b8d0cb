using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Strategies;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Strategies;

/// <summary>
/// Records that a rep reached the end of a strategy revision: the strategy page posts it when the end comes into view
/// (or the rep presses the button there without JavaScript). Reaching the end again keeps the first time.
/// </summary>
public sealed class ReadToEnd(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    /// <summary>When the rep first reached the end; null when the strategy is not theirs to see.</summary>
    public async Task<DateTimeOffset?> RecordAsync(Guid strategyId, CancellationToken ct)
    {
        var strategy = await access.VisibleStrategies().AsNoTracking().SingleOrDefaultAsync(s => s.Id == strategyId, ct);
        if (strategy is null)
        {
            return null;
        }

        var actor = access.Actor;
        var now = clock.GetUtcNow();
        var reading = StrategyReading.Record(strategy, actor, now);
        if (await ReadAtAsync(db, strategyId, actor.Id, ct) is { } earlier)
        {
            return earlier;
        }

        db.StrategyReadings.Add(reading);
        db.AuditEntries.Add(AuditEntry.Record(now, actor.Id, "strategy.read-to-end", "Strategy", strategyId.ToString(),
            JsonSerializer.Serialize(new { strategy.Revision })));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbConflicts.IsConflict(e))
        {
            // The same rep in two tabs: the first reading stands.
            db.ChangeTracker.Clear();
        }

        return await ReadAtAsync(db, strategyId, actor.Id, ct) ?? now;
    }

    public static Task<DateTimeOffset?> ReadAtAsync(AppDbContext db, Guid strategyId, Guid repId, CancellationToken ct) =>
        db.StrategyReadings.Where(r => r.StrategyId == strategyId && r.RepId == repId).Select(r => (DateTimeOffset?)r.At).SingleOrDefaultAsync(ct);
}
