using Terrain.Domain.Performance;

namespace Terrain.Features.Dashboards;

/// <summary>
/// Which revenue goals add into a rep's revenue and into team and organisation totals, so that a deal counts once
/// (docs/metrics.md, "Totals count a rep's revenue once"): a "Total revenue" goal and a "Product X revenue" goal of
/// the same rep measure the same deals.
/// </summary>
public static class RevenueTotals
{
    /// <summary>
    /// Per rep: the first revenue goal without a product or segment (it counts every deal); otherwise one goal per
    /// product (the product-only one, else the first of that product: a deal has one product, so products do not
    /// overlap); otherwise the first goal (segments may overlap). Goals come in plan order.
    /// </summary>
    public static IReadOnlyList<GoalFigures> CountedOnce(IEnumerable<GoalFigures> goals) =>
        goals.Where(g => g.Measure == GoalMeasure.Revenue).GroupBy(g => g.RepId).SelectMany(Of).ToList();

    private static IEnumerable<GoalFigures> Of(IEnumerable<GoalFigures> repGoals)
    {
        var goals = repGoals.ToList();
        if (goals.FirstOrDefault(g => g.ProductId is null && g.SegmentId is null) is { } all)
        {
            return [all];
        }

        var byProduct = goals.Where(g => g.ProductId is not null).GroupBy(g => g.ProductId)
            .Select(p => p.FirstOrDefault(g => g.SegmentId is null) ?? p.First()).ToList();
        return byProduct.Count > 0 ? byProduct : goals.Take(1);
    }
}
