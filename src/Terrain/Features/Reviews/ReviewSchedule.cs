using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Reviews;

namespace Terrain.Features.Reviews;

/// <summary>
/// Keeps the materialized review schedule of a cycle in step with what decides it (ADR 0025): a rep's plan is
/// approved (reviews start from the first approval), the cadence changes (reviews not yet open are rescheduled; open,
/// past and completed ones stay), the rep moves to another manager (reviews to come move with the rep). Closing the
/// cycle ends the reviews not held without touching the rows (<see cref="Review.StatusOn"/>). Idempotent: running it
/// twice changes nothing.
/// </summary>
public sealed class ReviewSchedule(AppDbContext db, TimeProvider clock)
{
    /// <summary>Brings the reviews of one rep (or every rep, when null) in the cycle up to date; returns how many rows changed.</summary>
    public async Task<int> SyncAsync(Guid cycleId, Guid? repId, Guid? actorId, CancellationToken ct)
    {
        var cycle = await db.Cycles.AsNoTracking().SingleAsync(c => c.Id == cycleId, ct);
        if (cycle.Status == CycleStatus.Closed)
        {
            return 0;
        }

        var now = clock.GetUtcNow();
        var today = Deadlines.LocalDate(now, cycle.TimeZone);
        // Approved versions are few per plan; the first approval is found in memory (DateTimeOffset does not aggregate in SQLite).
        var versions = await db.ApprovedPlanVersions.AsNoTracking()
            .Where(v => v.CycleId == cycleId && (repId == null || v.OwnerId == repId))
            .Select(v => new { v.PlanId, v.OwnerId, v.ApprovedAt }).ToListAsync(ct);
        var plans = versions.GroupBy(v => (v.PlanId, v.OwnerId)).Select(g => (g.Key.PlanId, RepId: g.Key.OwnerId, First: g.Min(v => v.ApprovedAt))).ToList();
        if (plans.Count == 0)
        {
            return 0;
        }

        var repIds = plans.Select(p => p.RepId).ToList();
        var managers = await db.Users.AsNoTracking().Where(u => repIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.ManagerId, ct);
        var choices = await db.ReviewCadences.AsNoTracking().Where(c => c.CycleId == cycleId).ToListAsync(ct);
        var byDefault = choices.FirstOrDefault(c => c.RepId == null)?.Cadence ?? ReviewWindows.DefaultCadence;
        var existing = (await db.Reviews.Where(r => r.CycleId == cycleId && repIds.Contains(r.RepId)).ToListAsync(ct)).ToLookup(r => r.RepId);
        var changed = 0;
        foreach (var (planId, rep, first) in plans)
        {
            var cadence = choices.FirstOrDefault(c => c.RepId == rep)?.Cadence ?? byDefault;
            var manager = managers.GetValueOrDefault(rep);
            var windows = ReviewWindows.From(ReviewWindows.Of(cycle.PeriodStart, cycle.PeriodEnd, cycle.Calendar, cadence), Deadlines.LocalDate(first, cycle.TimeZone));
            var kept = new List<Review>();
            foreach (var review in existing[rep].OrderBy(r => r.WindowStart))
            {
                if (!review.IsCompleted && review.WindowStart > today && review.Cadence != cadence)
                {
                    db.Reviews.Remove(review);
                    changed++;
                    continue;
                }

                changed += review.FollowManager(manager, today) ? 1 : 0;
                kept.Add(review);
            }

            var after = kept.Count == 0 ? DateOnly.MinValue : kept.Max(r => r.DueBy);
            foreach (var window in windows.Where(w => w.Start > after))
            {
                db.Reviews.Add(Review.Schedule(cycleId, planId, rep, manager, cadence, window, now));
                changed++;
            }
        }

        if (changed > 0)
        {
            db.AuditEntries.Add(AuditEntry.Record(now, actorId, "review.schedule", "Cycle", cycleId.ToString(),
                JsonSerializer.Serialize(new { rep = repId, changed })));
            await db.SaveChangesAsync(ct);
        }

        return changed;
    }

    /// <summary>A rep changed manager: the reviews to come of every open cycle follow.</summary>
    public async Task FollowRepAsync(Guid repId, Guid? actorId, CancellationToken ct)
    {
        var cycles = await db.Reviews.AsNoTracking().Where(r => r.RepId == repId).Select(r => r.CycleId).Distinct().ToListAsync(ct);
        foreach (var cycle in cycles)
        {
            await SyncAsync(cycle, repId, actorId, ct);
        }
    }
}
