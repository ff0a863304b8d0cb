using System.Globalization;
using Terrain.Domain.Planning;
using Terrain.Domain.Reviews;

namespace Terrain.Domain.Performance;

/// <summary>The five factors a revenue gap is split into (ADR 0028), in the order ties are broken.</summary>
public enum GapFactor
{
    /// <summary>Fewer (or more) opportunities due to close in the period than planned.</summary>
    Volume,

    /// <summary>A larger (or smaller) share of them pushed out of the period.</summary>
    Slippage,

    /// <summary>Win rate by value, per part.</summary>
    WinRate,

    /// <summary>Average size of a decided opportunity, per part.</summary>
    DealSize,

    /// <summary>The split of decided opportunities between new business and existing customers.</summary>
    Mix,
}

/// <summary>
/// The factors of revenue in a period: won = volume × (1 − slippage) × [mix × yield(new) + (1 − mix) × yield(existing)],
/// where volume is the number of opportunities due to close in the period, slippage the share of them not decided in it,
/// mix the share of decided ones that are new business, and yield = win rate by value × average decided deal size.
/// </summary>
public sealed record RevenueFactors(decimal Volume, decimal Slippage, decimal NewMix, PartRate NewBusiness, PartRate Existing)
{
    public decimal Revenue => Volume * (1 - Slippage) * ((NewMix * NewBusiness.Yield) + ((1 - NewMix) * Existing.Yield));

    /// <summary>
    /// The factors the plan counts on for a planned revenue: its rates, slippage and the decided mix that delivers its
    /// new-business share of value; the volume is what makes them add up to <paramref name="plannedRevenue"/>.
    /// </summary>
    public static RevenueFactors Planned(ConversionPlan plan, decimal plannedRevenue)
    {
        var newCount = plan.NewShare / plan.NewBusiness.Yield;
        var existingCount = (1 - plan.NewShare) / plan.Existing.Yield;
        var mix = newCount / (newCount + existingCount);
        var perOpportunity = (1 - plan.Slippage) * ((mix * plan.NewBusiness.Yield) + ((1 - mix) * plan.Existing.Yield));
        return new RevenueFactors(plannedRevenue / perOpportunity, plan.Slippage, mix, plan.NewBusiness, plan.Existing);
    }

    /// <summary>
    /// The factors measured from the opportunities due to close in the period. A factor with nothing to measure it
    /// (no opportunity, none decided, none decided in a part, nothing won) takes the planned value, so that it
    /// carries none of the gap: no evidence, no blame.
    /// </summary>
    public static RevenueFactors Measured(PartOutcomes newBusiness, PartOutcomes existing, RevenueFactors planned)
    {
        var volume = newBusiness.Due + existing.Due;
        var decided = newBusiness.Decided + existing.Decided;
        return new RevenueFactors(
            volume,
            volume == 0 ? planned.Slippage : 1 - ((decimal)decided / volume),
            decided == 0 ? planned.NewMix : (decimal)newBusiness.Decided / decided,
            newBusiness.Rate(planned.NewBusiness),
            existing.Rate(planned.Existing));
    }
}

/// <summary>One part's opportunities due to close in the period: how many, how many decided (won or lost) in it, their value and the value won.</summary>
public sealed record PartOutcomes(int Due, int Decided, decimal DecidedValue, decimal WonValue)
{
    public PartRate Rate(PartRate planned) => Decided == 0 || DecidedValue == 0
        ? planned
        : new PartRate(WonValue / DecidedValue, DecidedValue / Decided);
}

/// <summary>One factor's share of the gap, to the cent.</summary>
public sealed record GapPart(GapFactor Factor, decimal Amount);

/// <summary>
/// A revenue gap split into its factors: <see cref="Parts"/> add up to <see cref="Gap"/> (= actual − planned) to the
/// cent. <see cref="ProposedCategory"/> and <see cref="ProposedExplanation"/> are the variance reason suggested by the largest negative part.
/// </summary>
public sealed record GapBreakdown(
    decimal Planned,
    decimal Actual,
    decimal Gap,
    IReadOnlyList<GapPart> Parts,
    RevenueFactors PlannedFactors,
    RevenueFactors ActualFactors,
    VarianceCategory? ProposedCategory,
    string? ProposedExplanation);

/// <summary>
/// Splits actual − planned revenue exactly into volume, slippage, win rate, deal size and mix, by Shapley values over
/// the five factors (ADR 0028): each factor's part is its marginal effect on revenue, switched from planned to actual,
/// averaged over all 120 orders of switching. The parts add up to the gap with nothing left over, a factor that did
/// not change carries nothing, and one that alone changed carries all of it. Rounding to the cent leaves at most a few
/// cents, put on the largest part (the first in factor order on a tie).
/// </summary>
public static class GapDecomposition
{
    private const int Factors = 5;

    /// <summary>|S|!·(n−|S|−1)!·… for n = 5, times 5! = 120, by coalition size.</summary>
    private static readonly int[] Weights = [24, 6, 4, 6, 24];

    public static GapBreakdown Split(RevenueFactors planned, RevenueFactors actual)
    {
        var plannedRevenue = decimal.Round(planned.Revenue, 2);
        var actualRevenue = decimal.Round(actual.Revenue, 2);
        var gap = actualRevenue - plannedRevenue;
        var shapley = new decimal[Factors];
        for (var i = 0; i < Factors; i++)
        {
            for (var others = 0; others < 1 << Factors; others++)
            {
                if ((others & (1 << i)) != 0)
                {
                    continue;
                }

                var with = Mixed(planned, actual, others | (1 << i)).Revenue;
                var without = Mixed(planned, actual, others).Revenue;
                if (with != without)
                {
                    shapley[i] += Weights[BitCount(others)] * (with - without);
                }
            }
        }

        var parts = shapley.Select(s => decimal.Round(s / 120m, 2)).ToArray();
        var rest = gap - parts.Sum();
        if (rest != 0)
        {
            var largest = Enumerable.Range(0, Factors).MaxBy(i => (Math.Abs(shapley[i]), -i));
            parts[largest] += rest;
        }

        var list = parts.Select((p, i) => new GapPart((GapFactor)i, p)).ToList();
        var worst = list.Where(p => p.Amount < 0).OrderBy(p => p.Amount).ThenBy(p => p.Factor).FirstOrDefault();
        return new GapBreakdown(plannedRevenue, actualRevenue, gap, list, planned, actual,
            worst is null ? null : CategoryOf(worst.Factor), worst is null ? null : Explain(worst.Factor, plannedRevenue, actualRevenue, gap, list, planned, actual));
    }

    /// <summary>The variance category a factor suggests (ADR 0028).</summary>
    public static VarianceCategory CategoryOf(GapFactor factor) => factor switch
    {
        GapFactor.Volume => VarianceCategory.PipelineShortfall,
        GapFactor.Slippage => VarianceCategory.DealsSlipped,
        GapFactor.WinRate => VarianceCategory.LostToCompetitor,
        GapFactor.DealSize => VarianceCategory.Market,
        GapFactor.Mix => VarianceCategory.PlanWasWrong,
        _ => throw new ArgumentOutOfRangeException(nameof(factor), factor, null),
    };

    public static string Label(GapFactor factor) => factor switch
    {
        GapFactor.Volume => "Volume",
        GapFactor.Slippage => "Slippage",
        GapFactor.WinRate => "Win rate",
        GapFactor.DealSize => "Deal size",
        GapFactor.Mix => "New/existing mix",
        _ => throw new ArgumentOutOfRangeException(nameof(factor), factor, null),
    };

    private static RevenueFactors Mixed(RevenueFactors planned, RevenueFactors actual, int fromActual)
    {
        bool Actual(GapFactor f) => (fromActual & (1 << (int)f)) != 0;
        return new RevenueFactors(
            Actual(GapFactor.Volume) ? actual.Volume : planned.Volume,
            Actual(GapFactor.Slippage) ? actual.Slippage : planned.Slippage,
            Actual(GapFactor.Mix) ? actual.NewMix : planned.NewMix,
            new PartRate(Actual(GapFactor.WinRate) ? actual.NewBusiness.WinRate : planned.NewBusiness.WinRate,
                Actual(GapFactor.DealSize) ? actual.NewBusiness.DealSize : planned.NewBusiness.DealSize),
            new PartRate(Actual(GapFactor.WinRate) ? actual.Existing.WinRate : planned.Existing.WinRate,
                Actual(GapFactor.DealSize) ? actual.Existing.DealSize : planned.Existing.DealSize));
    }

    private static int BitCount(int mask) => System.Numerics.BitOperations.PopCount((uint)mask);

    private static string Explain(GapFactor worst, decimal planned, decimal actual, decimal gap, IReadOnlyList<GapPart> parts, RevenueFactors p, RevenueFactors a)
    {
        static string M(decimal v) => v.ToString("#,0", CultureInfo.InvariantCulture);
        static string Pct(decimal v) => (v * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
        static string N(decimal v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        var why = worst switch
        {
            GapFactor.Volume => $"{N(a.Volume)} opportunities were due to close against {N(p.Volume)} planned",
            GapFactor.Slippage => $"{Pct(a.Slippage)} of them were pushed out against {Pct(p.Slippage)} planned",
            GapFactor.WinRate => $"win rate by value {Pct(a.NewBusiness.WinRate)} new / {Pct(a.Existing.WinRate)} existing against {Pct(p.NewBusiness.WinRate)} / {Pct(p.Existing.WinRate)} planned",
            GapFactor.DealSize => $"average deal {M(a.NewBusiness.DealSize)} new / {M(a.Existing.DealSize)} existing against {M(p.NewBusiness.DealSize)} / {M(p.Existing.DealSize)} planned",
            _ => $"{Pct(a.NewMix)} of decided deals were new business against {Pct(p.NewMix)} planned",
        };
        var split = string.Join(", ", parts.Select(x => $"{Label(x.Factor).ToLowerInvariant()} {M(x.Amount)}"));
        return $"Won {M(actual)} against {M(planned)} planned to date ({M(gap)}). Largest: {Label(worst).ToLowerInvariant()}, {M(parts[(int)worst].Amount)}: {why}. Split: {split}.";
    }
}
