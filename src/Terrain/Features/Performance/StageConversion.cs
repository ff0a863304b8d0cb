using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.Performance;
using Terrain.Domain.Planning;

namespace Terrain.Features.Performance;

/// <summary>One period's stage figures (docs/metrics.md, "Stage conversion and days in stage").</summary>
public sealed record StagePeriod(string Period, string Label, IReadOnlyList<StageFigures> Stages);

/// <summary>
/// Stage conversion and days in stage of a rep's deals, read from the imports' snapshots (<c>OpportunityChanges</c>,
/// ADR 0018) as known at the end of the business day; the arithmetic is <see cref="StageFlow"/>'s.
/// </summary>
public sealed class StageConversion(AppDbContext db)
{
    /// <summary>The figures of each given period that has started, for the stays the rep's deals began in it up to the day.</summary>
    public async Task<IReadOnlyList<StagePeriod>> ForRepAsync(Guid rep, PlanningCycle cycle, IEnumerable<PerformancePeriod> periods, DateOnly day,
        CancellationToken ct)
    {
        var started = periods.Where(p => p.Start <= day && p.Start <= p.End).ToList();
        if (started.Count == 0)
        {
            return [];
        }

        var tz = cycle.TimeZone;
        var endOfDay = Deadlines.EndOfDay(day, tz);
        var from = Deadlines.EndOfDay(started.Min(p => p.Start).AddDays(-1), tz);
        // Every version known by the end of the day of the deals the rep ever owned, alive at or after the first period's start.
        var deals = db.OpportunityChanges.Where(c => c.OwnerId == rep).Select(c => c.OpportunityId);
        var rows = await db.OpportunityChanges.AsNoTracking()
            .Where(c => deals.Contains(c.OpportunityId) && c.ValidFrom < endOfDay && (c.ValidTo == null || c.ValidTo >= from))
            .Select(c => new { c.OpportunityId, c.ValidFrom, c.OwnerId, c.Stage, c.Outcome, c.Deleted }).ToListAsync(ct);
        var visits = StageFlow.Visits(rows.Select(r => new DealVersion(r.OpportunityId, r.ValidFrom, Deadlines.LocalDate(r.ValidFrom, tz), r.OwnerId, r.Stage,
            r.Outcome, r.Deleted)));
        return started.Select(p => new StagePeriod(p.Key, p.Label, StageFlow.Figures(visits, p.Start, p.End < day ? p.End : day, rep))).ToList();
    }
}
