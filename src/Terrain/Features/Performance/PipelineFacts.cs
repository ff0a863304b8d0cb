using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.Actuals;
using Terrain.Domain.Planning;

namespace Terrain.Features.Performance;

/// <summary>
/// What the rep's deals decided in the year before the cycle say about the "pipeline needed" assumptions (ADR 0028),
/// as suggestions; null figures where there is nothing to measure them by. Win rates are by value, in percent.
/// </summary>
public sealed record PipelineHistory(
    DateOnly From,
    DateOnly To,
    int Decided,
    decimal? NewShare,
    decimal? NewWinRate,
    decimal? NewDealSize,
    decimal? ExistingWinRate,
    decimal? ExistingDealSize,
    int? CycleDays);

/// <summary>The rep's history and pipeline held, for the "pipeline needed" worksheet of the plan editor.</summary>
public sealed class PipelineFacts(AppDbContext db)
{
    public async Task<PipelineHistory> HistoryAsync(Guid rep, DateOnly cycleStart, CancellationToken ct)
    {
        var from = cycleStart.AddYears(-1);
        var to = cycleStart.AddDays(-1);
        var decided = db.Opportunities.AsNoTracking()
            .Where(o => !o.Deleted && o.OwnerId == rep && o.Outcome != DealOutcome.Open && o.CloseDate >= from && o.CloseDate <= to);
        var sums = await decided.GroupBy(o => new { New = o.Type == DealType.NewBusiness, Won = o.Outcome == DealOutcome.Won })
            .Select(g => new { g.Key.New, g.Key.Won, Count = g.Count(), Sum = g.Sum(o => o.Amount) }).ToListAsync(ct);
        var spans = await decided.Where(o => o.Outcome == DealOutcome.Won).Select(o => new { o.CreatedDate, o.CloseDate }).ToListAsync(ct);
        (decimal? WinRate, decimal? DealSize) Part(bool isNew)
        {
            var part = sums.Where(s => s.New == isNew).ToList();
            var value = part.Sum(s => s.Sum);
            var count = part.Sum(s => s.Count);
            return value == 0 || count == 0
                ? (null, null)
                : (decimal.Round(part.Where(s => s.Won).Sum(s => s.Sum) * 100 / value, 1), decimal.Round(value / count, 0));
        }

        var won = sums.Where(s => s.Won).Sum(s => s.Sum);
        var (newRate, newSize) = Part(true);
        var (existingRate, existingSize) = Part(false);
        var days = spans.Select(s => s.CloseDate.DayNumber - s.CreatedDate.DayNumber).Order().ToList();
        return new PipelineHistory(from, to, sums.Sum(s => s.Count),
            won == 0 ? null : decimal.Round(sums.Where(s => s.Won && s.New).Sum(s => s.Sum) * 100 / won, 0),
            newRate, newSize, existingRate, existingSize,
            days.Count == 0 ? null : Math.Clamp(days[days.Count / 2], 1, PipelineAssumptions.MaxCycleDays));
    }

    /// <summary>The open pipeline of the rep due to close in each quarter (omitted and closed forecast categories left out), for a product or any.</summary>
    public async Task<IReadOnlyList<decimal>> HeldAsync(Guid rep, string? productId, IReadOnlyList<Quarter> quarters, CancellationToken ct)
    {
        if (quarters.Count == 0)
        {
            return [];
        }

        var (start, end) = (quarters[0].Start, quarters[^1].End);
        var open = db.Opportunities.AsNoTracking().Where(o => !o.Deleted && o.OwnerId == rep && o.Outcome == DealOutcome.Open &&
                                                              o.Forecast != ForecastCategory.Omitted && o.Forecast != ForecastCategory.Closed &&
                                                              o.CloseDate >= start && o.CloseDate <= end);
        if (productId is not null)
        {
            open = open.Where(o => o.ProductId == productId);
        }

        var byDay = await open.GroupBy(o => o.CloseDate).Select(g => new { Day = g.Key, Sum = g.Sum(o => o.Amount) }).ToListAsync(ct);
        return quarters.Select(q => byDay.Where(d => d.Day >= q.Start && d.Day <= q.End).Sum(d => d.Sum)).ToList();
    }
}
