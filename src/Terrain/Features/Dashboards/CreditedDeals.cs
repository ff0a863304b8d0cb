using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.Actuals;

namespace Terrain.Features.Dashboards;

/// <summary>
/// A won deal credited to a rep (ADR 0046): as its owner (the amount less the revenue splits given to others), by a
/// revenue split received, or as an overlay rep of its account. <see cref="Amount"/> is the deal's amount,
/// <see cref="Credited"/> the rep's share of it, <see cref="Percent"/> that share in percent.
/// </summary>
public sealed record CreditedDeal(
    Guid Id,
    string ExternalId,
    string Name,
    string Account,
    Guid OwnerId,
    string Owner,
    DateOnly CloseDate,
    decimal Amount,
    CreditKind Kind,
    decimal Percent,
    decimal Credited)
{
    /// <summary>How the rep is credited, in words: "owner", "owner, 66.67% after splits", "split 33.33%", "overlay 10%".</summary>
    public string How => Describe(Kind, Percent);

    public static string Describe(CreditKind kind, decimal percent)
    {
        var p = percent.ToString("0.##", CultureInfo.InvariantCulture) + "%";
        return kind switch
        {
            CreditKind.Owner => percent == 100m ? "owner" : $"owner, {p} after splits",
            CreditKind.Split => $"split {p}",
            _ => $"overlay {p}",
        };
    }
}

/// <summary>
/// The won deals that make a rep's revenue actual on the dashboard: every deal credited to the rep, closed in the
/// cycle up to the day, within the scope of the revenue goals counted once (<see cref="RevenueTotals"/>), so that the
/// credited amounts of the list add up to the revenue actual shown beside it.
/// </summary>
public sealed class CreditedDeals(AppDbContext db, DashboardFigures figures)
{
    public async Task<IReadOnlyList<CreditedDeal>> ListAsync(Guid rep, DashboardFrame frame, IReadOnlyList<GoalFigures> counted, CancellationToken ct)
    {
        var quarters = frame.Cycle.Quarters;
        if (quarters.Count == 0 || counted.Count == 0)
        {
            return [];
        }

        var start = quarters[0].Start;
        var last = frame.Day < quarters[^1].End ? frame.Day : quarters[^1].End;
        var segments = frame.Strategy?.Segments ?? [];
        var found = new Dictionary<(Guid, CreditKind), CreditedDeal>();
        // The counted goals do not overlap (one without scope, else one per product); a deal they share is listed once.
        foreach (var goal in counted.DistinctBy(g => (g.ProductId, g.SegmentId)))
        {
            var won = db.Opportunities.AsNoTracking().Where(o => !o.Deleted && o.Outcome == DealOutcome.Won && o.CloseDate >= start && o.CloseDate <= last);
            if (goal.ProductId is { } product)
            {
                won = won.Where(o => o.ProductId == product);
            }

            if (goal.SegmentId is { } segmentId)
            {
                var accounts = figures.SegmentAccounts(segments.FirstOrDefault(s => s.Id == segmentId));
                won = won.Where(o => o.AccountId != null && accounts.Contains(o.AccountId.Value));
            }

            var rows = await (from o in won
                              join c in db.DealCredits on o.Id equals c.OpportunityId
                              where c.RepId == rep
                              join u in db.Users on o.OwnerId equals u.Id
                              select new
                              {
                                  o.Id,
                                  o.ExternalId,
                                  o.Name,
                                  o.AccountName,
                                  o.OwnerId,
                                  Owner = u.DisplayName,
                                  o.CloseDate,
                                  o.Amount,
                                  c.Kind,
                                  c.Percent,
                                  Credited = c.Amount,
                              }).ToListAsync(ct);
            foreach (var r in rows)
            {
                found.TryAdd((r.Id, r.Kind),
                    new CreditedDeal(r.Id, r.ExternalId, r.Name, r.AccountName, r.OwnerId, r.Owner, r.CloseDate, r.Amount, r.Kind, r.Percent, r.Credited));
            }
        }

        return found.Values.OrderByDescending(d => d.CloseDate).ThenByDescending(d => d.Credited).ThenBy(d => d.ExternalId, StringComparer.Ordinal).ToList();
    }
}
