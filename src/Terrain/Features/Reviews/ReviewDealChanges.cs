using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.Actuals;
using Terrain.Domain.Planning;
using Terrain.Domain.Reviews;

namespace Terrain.Features.Reviews;

/// <summary>
/// Reads what a review compares deal by deal (<see cref="DealChanges"/>): every snapshot of the rep's deals up to the
/// review's day, from the imports' history (<c>OpportunityChanges</c>, ADR 0018), and the rep's last held activity per
/// account. The comparison starts at the previous review's day: the day it was completed, else the day it was due.
/// </summary>
public sealed class ReviewDealChanges(AppDbContext db)
{
    /// <summary>How far back activities are looked for: beyond it an account is as quiet as one never touched.</summary>
    private const int ActivityLookbackDays = 120;

    public async Task<DealChanges> ForAsync(Review review, PlanningCycle cycle, DateOnly asOf, CancellationToken ct)
    {
        var previous = await db.Reviews.AsNoTracking()
            .Where(r => r.CycleId == review.CycleId && r.RepId == review.RepId && r.WindowStart < review.WindowStart)
            .OrderByDescending(r => r.WindowStart).Select(r => new { r.CompletedOn, r.WindowEnd, r.ScheduledOn }).FirstOrDefaultAsync(ct);
        var since = previous is null ? review.WindowStart.AddDays(-1)
            : previous.CompletedOn ?? (previous.ScheduledOn > previous.WindowEnd ? previous.ScheduledOn : previous.WindowEnd);
        if (since > asOf)
        {
            since = asOf;
        }

        var tz = cycle.TimeZone;
        var (start, end) = (Deadlines.EndOfDay(since, tz), Deadlines.EndOfDay(asOf, tz));
        var rep = review.RepId;
        // The deals the rep owned at some point between the two days, with every snapshot up to the later one.
        var deals = db.OpportunityChanges.Where(c => c.OwnerId == rep && c.ValidFrom < end && (c.ValidTo == null || c.ValidTo >= start))
            .Select(c => c.OpportunityId);
        var snapshots = (await db.OpportunityChanges.AsNoTracking().Where(c => deals.Contains(c.OpportunityId) && c.ValidFrom < end)
                .Select(c => new { c.OpportunityId, c.ValidFrom, c.OwnerId, c.Stage, c.Outcome, c.Amount, c.CloseDate, c.Deleted }).ToListAsync(ct))
            .ToLookup(c => c.OpportunityId, c => new DealSnapshot(c.ValidFrom, c.OwnerId, c.Stage, c.Outcome, c.Amount, c.CloseDate, c.Deleted));
        var facts = await db.Opportunities.AsNoTracking().Where(o => deals.Contains(o.Id))
            .Select(o => new { o.Id, o.ExternalId, o.Name, o.AccountName, o.AccountId, o.LossReason }).ToListAsync(ct);
        var from = asOf.AddDays(-ActivityLookbackDays);
        var activity = (await db.Activities.AsNoTracking().Where(a => a.OwnerId == rep && a.Held && a.AccountId != null && a.Date > from && a.Date <= asOf)
                .Select(a => new { Account = a.AccountId!.Value, a.Date }).ToListAsync(ct))
            .GroupBy(a => a.Account).ToDictionary(g => g.Key, g => g.Max(a => a.Date));
        var changes = DealChanges.Compare(
            facts.Select(f => new DealHistory(f.Id, f.ExternalId, f.Name, f.AccountName, f.AccountId, f.LossReason, snapshots[f.Id].ToList())),
            rep, start, end, since, asOf, at => Deadlines.LocalDate(at, tz), activity);
        // A deal the rep split with others shows the rep's credited share beside its amount (ADR 0046).
        var listed = changes.Deals.Select(d => d.Id).ToList();
        var credits = await db.DealCredits.AsNoTracking().Where(c => c.RepId == rep && c.Kind == CreditKind.Owner && c.Percent != 100m && listed.Contains(c.OpportunityId))
            .Select(c => new { c.OpportunityId, c.Percent, c.Amount }).ToDictionaryAsync(c => c.OpportunityId, ct);
        return credits.Count == 0 ? changes : changes with
        {
            Deals = [.. changes.Deals.Select(d => credits.TryGetValue(d.Id, out var c) ? d with { CreditPercent = c.Percent, Credited = c.Amount } : d)],
        };
    }

    /// <summary>
    /// The forecast calls of the rep's earlier reviews in the cycle beside what was won in the quarter they were made in
    /// (docs/metrics.md: forecast accuracy is the call ÷ the period's final actual); final once the quarter has ended.
    /// </summary>
    public async Task<IReadOnlyList<CallAccuracy>> CallsAsync(Review review, PlanningCycle cycle, DateOnly asOf, CancellationToken ct)
    {
        var earlier = await db.Reviews.AsNoTracking()
            .Where(r => r.CycleId == review.CycleId && r.RepId == review.RepId && r.WindowStart < review.WindowStart && r.CompletedOn != null
                        && (r.RepCommit != null || r.ManagerCommit != null))
            .OrderBy(r => r.WindowStart).Select(r => new { r.Number, r.CompletedOn, r.RepCommit, r.ManagerCommit }).ToListAsync(ct);
        var actuals = new Dictionary<int, decimal>();
        var calls = new List<CallAccuracy>();
        foreach (var call in earlier)
        {
            var held = call.CompletedOn!.Value;
            if (cycle.Quarters.FirstOrDefault(q => q.Start <= held && held <= q.End) is not { } quarter)
            {
                continue;
            }

            var last = quarter.End < asOf ? quarter.End : asOf;
            if (!actuals.TryGetValue(quarter.Number, out var actual))
            {
                var rep = review.RepId;
                // What the rep was credited (ADR 0046), as the performance page counts it.
                actual = actuals[quarter.Number] = await (
                    from o in db.Opportunities.AsNoTracking().Where(o => !o.Deleted && o.Outcome == DealOutcome.Won && o.CloseDate >= quarter.Start && o.CloseDate <= last)
                    join c in db.DealCredits on o.Id equals c.OpportunityId
                    where c.RepId == rep
                    select c.Amount).SumAsync(ct);
            }

            calls.Add(new CallAccuracy(call.Number, held, quarter.Label, call.RepCommit, call.ManagerCommit, actual, quarter.End < asOf,
                Ratio(call.RepCommit, actual), Ratio(call.ManagerCommit, actual)));
        }

        return calls;
    }

    private static decimal? Ratio(decimal? call, decimal actual) =>
        call is { } c && actual > 0 ? decimal.Round(c / actual, 4, MidpointRounding.ToEven) : null;
}
