using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.Actuals;
using Terrain.Domain.Planning;
using Terrain.Domain.Reviews;

namespace Terrain.Features.Reviews;

/// <summary>
/// Forecast calls against what was won (ADR 0029). For each completed quarter: the last completed review of each rep
/// whose figures were of that quarter (as of its completion day, or its due day when completed late) and carries a call;
/// its rep and manager commits against the rep's revenue won that quarter (closed-won deals by close date).
/// </summary>
public sealed class ForecastAccuracy(AppDbContext db)
{
    private sealed record Call(Guid RepId, Guid? ManagerId, string Quarter, decimal? Rep, decimal? Manager, decimal Actual);

    /// <summary>1 − |call − actual| ÷ actual, at least 0; undefined (null) without a call or when nothing was won.</summary>
    public static decimal? Of(decimal? call, decimal actual) =>
        call is not { } c || actual <= 0 ? null : Math.Round(Math.Max(0, 1 - (Math.Abs(c - actual) / actual)), 4);

    public async Task<IReadOnlyList<AccuracyRow>> MeasureAsync(IQueryable<Review> reviews, IReadOnlyList<Quarter> completed, bool byManager,
        Func<IReadOnlyCollection<Guid>, CancellationToken, Task<Dictionary<Guid, string>>> names, CancellationToken ct)
    {
        var calls = new List<Call>();
        foreach (var q in completed)
        {
            var (start, end) = (q.Start, q.End);
            var inQuarter = reviews.Where(r => r.CompletedOn != null && (r.RepCommit != null || r.ManagerCommit != null) &&
                ((r.CompletedOn <= (r.ScheduledOn > r.WindowEnd ? r.ScheduledOn : r.WindowEnd) && r.CompletedOn >= start && r.CompletedOn <= end) ||
                 (r.CompletedOn > (r.ScheduledOn > r.WindowEnd ? r.ScheduledOn : r.WindowEnd) &&
                  (r.ScheduledOn > r.WindowEnd ? r.ScheduledOn : r.WindowEnd) >= start && (r.ScheduledOn > r.WindowEnd ? r.ScheduledOn : r.WindowEnd) <= end)));
            var last = await inQuarter.Where(r => !inQuarter.Any(o => o.RepId == r.RepId && o.WindowStart > r.WindowStart))
                .Select(r => new { r.RepId, r.ManagerId, r.RepCommit, r.ManagerCommit }).ToListAsync(ct);
            if (last.Count == 0)
            {
                continue;
            }

            var reps = inQuarter.Select(r => r.RepId);
            var won = await db.Opportunities.AsNoTracking()
                .Where(o => !o.Deleted && o.Outcome == DealOutcome.Won && o.CloseDate >= start && o.CloseDate <= end && reps.Contains(o.OwnerId))
                .GroupBy(o => o.OwnerId).Select(g => new { g.Key, Sum = g.Sum(o => o.Amount) }).ToDictionaryAsync(g => g.Key, g => g.Sum, ct);
            calls.AddRange(last.Select(c => new Call(c.RepId, c.ManagerId, q.Label, c.RepCommit, c.ManagerCommit, won.GetValueOrDefault(c.RepId))));
        }

        var keyOf = byManager ? (Func<Call, Guid?>)(c => c.ManagerId) : c => c.RepId;
        var who = await names(calls.Select(keyOf).OfType<Guid>().Distinct().ToList(), ct);
        return calls.Where(c => keyOf(c) is not null).GroupBy(c => keyOf(c)!.Value)
            .Select(g => new AccuracyRow(g.Key, who.GetValueOrDefault(g.Key, "?"), g.Select(c => c.Quarter).Distinct().Count(),
                Mean(g.Select(c => Of(c.Rep, c.Actual))), Mean(g.Select(c => Of(c.Manager, c.Actual))),
                byManager ? [] : g.Select(c => new QuarterCall(c.Quarter, c.Rep, c.Manager, c.Actual, Of(c.Rep, c.Actual), Of(c.Manager, c.Actual))).ToList()))
            .OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static decimal? Mean(IEnumerable<decimal?> values)
    {
        var defined = values.OfType<decimal>().ToList();
        return defined.Count == 0 ? null : Math.Round(defined.Average(), 4);
    }
}
