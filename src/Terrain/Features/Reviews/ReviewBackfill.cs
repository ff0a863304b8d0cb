using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.Planning;

namespace Terrain.Features.Reviews;

/// <summary>
/// Schedules the reviews of plans approved before reviews existed (ADR 0025): every rep with an approved plan in an
/// open cycle and no review row there is synced. Runs after the schema is brought up to date, beside the plan-of-record
/// backfill; one query when nothing is missing, and idempotent.
/// </summary>
public static class ReviewBackfill
{
    /// <summary>Returns how many review rows were written.</summary>
    public static async Task<int> RunAsync(AppDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var missing = await (from v in db.ApprovedPlanVersions
                             join c in db.Cycles on v.CycleId equals c.Id
                             where c.Status != CycleStatus.Closed && !db.Reviews.Any(r => r.CycleId == v.CycleId && r.RepId == v.OwnerId)
                             select v.CycleId)
            .Distinct().ToListAsync(ct);
        var schedule = new ReviewSchedule(db, clock);
        var written = 0;
        // A whole cycle at a time: the sync is idempotent for the reps who have their rows, and one pass is much
        // cheaper than one per rep when a large organisation upgrades.
        foreach (var cycle in missing.Order())
        {
            try
            {
                written += await schedule.SyncAsync(cycle, null, null, ct);
            }
            catch (DbUpdateException)
            {
                // Another instance starting at the same time wrote these rows first (unique cycle, rep and window).
                db.ChangeTracker.Clear();
            }
        }

        return written;
    }
}
