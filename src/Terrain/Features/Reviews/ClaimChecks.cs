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
        var batched = await BatchedActualsAsync(ct);
        var changed = 0;
        foreach (var action in pending)
        {
            var cycle = cycles[action.CycleId];
            var segment = action.ClaimFilter == ClaimFilter.Segment && cycle.StrategyId is { } sid
                ? strategies.GetValueOrDefault(sid)?.Segments.FirstOrDefault(s => s.Id == action.ClaimFilterId)
                : null;
            var actual = action.ClaimFilter == ClaimFilter.Segment ? await ActualAsync(action, segment, ct) : batched.GetValueOrDefault(action.Id);
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

    /// <summary>
    /// What counts toward every pending claim that is not filtered by segment, in a query per metric for all of them,
    /// never one per claim (issue 11, "Scale"): the same rows <see cref="ActualAsync"/> counts, joined to the claims
    /// by rep and date. A claim nothing counts toward is absent (0).
    /// </summary>
    private async Task<Dictionary<Guid, decimal>> BatchedActualsAsync(CancellationToken ct)
    {
        var claims = db.CorrectiveActions.AsNoTracking()
            .Where(a => a.ClaimOutcome == ClaimOutcome.Pending && a.Status != CorrectiveStatus.Dropped && a.ClaimFilter != ClaimFilter.Segment);
        IQueryable<Claimed> Deals(ClaimMetric metric) =>
            from a in claims.Where(a => a.ClaimMetric == metric)
            join o in db.Opportunities on a.RepId equals o.OwnerId
            where !o.Deleted && (a.ClaimFilter != ClaimFilter.Product || o.ProductId == a.ClaimFilterId)
            select new Claimed { Id = a.Id, From = a.ClaimFrom, By = a.ClaimBy, Deal = o };

        // Won revenue is credited (ADR 0046), as in ActualAsync: the rep's credit on every deal, not the deals they own.
        var won = await (from a in claims.Where(a => a.ClaimMetric == ClaimMetric.RevenueWon)
                         join c in db.DealCredits on a.RepId equals c.RepId
                         join o in db.Opportunities on c.OpportunityId equals o.Id
                         where !o.Deleted && o.Outcome == DealOutcome.Won && o.CloseDate >= a.ClaimFrom && o.CloseDate <= a.ClaimBy &&
                               (a.ClaimFilter != ClaimFilter.Product || o.ProductId == a.ClaimFilterId)
                         select new { a.Id, c.Amount }).ToListAsync(ct);
        var pipeline = await Deals(ClaimMetric.PipelineCreated).Where(x => x.Deal.CreatedDate >= x.From && x.Deal.CreatedDate <= x.By)
            .Select(x => new { x.Id, x.Deal.Amount }).ToListAsync(ct);
        var everWon = db.Opportunities.Where(p => !p.Deleted && p.Outcome == DealOutcome.Won);
        var logos = await Deals(ClaimMetric.NewLogos)
            .Where(x => x.Deal.Outcome == DealOutcome.Won && x.Deal.AccountId != null && x.Deal.CloseDate >= x.From && x.Deal.CloseDate <= x.By &&
                        !everWon.Any(p => p.AccountId == x.Deal.AccountId && p.CloseDate < x.Deal.CloseDate))
            .Select(x => new { x.Id, x.Deal.AccountId }).Distinct().ToListAsync(ct);
        var activities = await (from a in claims.Where(a => a.ClaimMetric == ClaimMetric.ActivitiesHeld)
                                join v in db.Activities on a.RepId equals v.OwnerId
                                where v.Held && v.Date >= a.ClaimFrom && v.Date <= a.ClaimBy
                                group v by a.Id into g
                                select new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var actuals = won.Concat(pipeline).GroupBy(x => x.Id).ToDictionary(g => g.Key, g => g.Sum(x => x.Amount));
        foreach (var logo in logos.GroupBy(x => x.Id))
        {
            actuals[logo.Key] = logo.Count();
        }

        foreach (var held in activities)
        {
            actuals[held.Key] = held.Count;
        }

        return actuals;
    }

    private sealed class Claimed
    {
        public Guid Id { get; init; }

        public DateOnly From { get; init; }

        public DateOnly By { get; init; }

        public Opportunity Deal { get; init; } = null!;
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
