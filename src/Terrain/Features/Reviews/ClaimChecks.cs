using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Domain.Planning;
using Terrain.Domain.Reviews;
using Terrain.Domain.Strategies;
using Terrain.Features.Performance;

namespace Terrain.Features.Reviews;

/// <summary>
/// Checks every pending claim of a corrective action against the actuals, after each import of actuals completes:
/// achieved once the amount is reached, and when its date passes partly achieved or missed. Only rows dated from the
/// day the action was agreed through the claim's date count (close date for revenue and logos, created date for
/// pipeline, activity date), so a deal closed after the date never makes a missed claim achieved. A decided claim
/// stays decided. Runs without a signed-in person: it reads all the rep's data.
/// </summary>
public sealed class ClaimChecks(AppDbContext db, TimeProvider clock, GoalPerformance performance)
{
    /// <summary>Returns how many claims changed.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        var pending = await db.CorrectiveActions.Where(a => a.ClaimOutcome == ClaimOutcome.Pending && a.Status != CorrectiveStatus.Dropped).ToListAsync(ct);
        if (pending.Count == 0)
        {
            return 0;
        }

        var cycleIds = pending.Select(a => a.CycleId).Distinct().ToList();
        var cycles = await db.Cycles.AsNoTracking().Where(c => cycleIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var strategyIds = cycles.Values.Where(c => c.StrategyId != null).Select(c => c.StrategyId!.Value).Distinct().ToList();
        var strategies = (await db.Strategies.AsNoTracking().Where(s => strategyIds.Contains(s.Id)).Select(s => new { s.Id, s.Content }).ToListAsync(ct))
            .ToDictionary(s => s.Id, s => StrategyContent.Read(s.Content));
        var now = clock.GetUtcNow();
        var changed = 0;
        foreach (var action in pending)
        {
            var cycle = cycles[action.CycleId];
            var segment = action.ClaimFilter == ClaimFilter.Segment && cycle.StrategyId is { } sid
                ? strategies.GetValueOrDefault(sid)?.Segments.FirstOrDefault(s => s.Id == action.ClaimFilterId)
                : null;
            var actual = await ActualAsync(action, segment, ct);
            if (action.Check(actual, Deadlines.LocalDate(now, cycle.TimeZone), now))
            {
                changed++;
                db.AuditEntries.Add(AuditEntry.Record(now, null, "corrective-action.claim-checked", "CorrectiveAction", action.Id.ToString(),
                    $$"""{"outcome":"{{action.ClaimOutcome}}","actual":{{actual.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}"""));
            }
        }

        await db.SaveChangesAsync(ct);
        return changed;
    }

    /// <summary>What counts toward the claim, from the day it was agreed through its date.</summary>
    public async Task<decimal> ActualAsync(CorrectiveAction action, TargetSegment? segment, CancellationToken ct)
    {
        var (from, by, rep) = (action.ClaimFrom, action.ClaimBy, action.RepId);
        // A segment filter whose segment left the strategy matches no account: nothing counts.
        var accounts = action.ClaimFilter == ClaimFilter.Segment ? performance.SegmentAccounts(segment) : null;
        var scoped = db.Opportunities.AsNoTracking().Where(o => !o.Deleted);
        if (action.ClaimFilter == ClaimFilter.Product)
        {
            scoped = scoped.Where(o => o.ProductId == action.ClaimFilterId);
        }

        if (accounts is not null)
        {
            scoped = scoped.Where(o => o.AccountId != null && accounts.Contains(o.AccountId.Value));
        }

        var deals = scoped.Where(o => o.OwnerId == rep);

        switch (action.ClaimMetric)
        {
            case ClaimMetric.RevenueWon:
                // Won revenue is credited (ADR 0046): the owner's share after splits, splits received, overlay credit.
                var won = scoped.Where(o => o.Outcome == DealOutcome.Won && o.CloseDate >= from && o.CloseDate <= by);
                return (await (from o in won
                               join c in db.DealCredits on o.Id equals c.OpportunityId
                               where c.RepId == rep
                               select c.Amount).ToListAsync(ct)).Sum();
            case ClaimMetric.PipelineCreated:
                return (await deals.Where(o => o.CreatedDate >= from && o.CreatedDate <= by).Select(o => o.Amount).ToListAsync(ct)).Sum();
            case ClaimMetric.NewLogos:
                {
                    var everWon = db.Opportunities.Where(p => !p.Deleted && p.Outcome == DealOutcome.Won);
                    return await deals.Where(o => o.Outcome == DealOutcome.Won && o.AccountId != null && o.CloseDate >= from && o.CloseDate <= by &&
                                                  !everWon.Any(p => p.AccountId == o.AccountId && p.CloseDate < o.CloseDate))
                        .Select(o => o.AccountId).Distinct().CountAsync(ct);
                }

            case ClaimMetric.ActivitiesHeld:
                {
                    var activities = db.Activities.AsNoTracking().Where(a => a.OwnerId == rep && a.Held && a.Date >= from && a.Date <= by);
                    if (accounts is not null)
                    {
                        activities = activities.Where(a => a.AccountId != null && accounts.Contains(a.AccountId.Value));
                    }

                    return await activities.CountAsync(ct);
                }

            default:
                throw new InvalidOperationException($"Unknown claim metric {action.ClaimMetric}.");
        }
    }
}
