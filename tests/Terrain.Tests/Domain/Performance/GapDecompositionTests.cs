using CsCheck;
using Terrain.Domain.Performance;
using Terrain.Domain.Planning;
using Terrain.Domain.Reviews;
using Xunit;

namespace Terrain.Tests.Domain.Performance;

/// <summary>The gap split of ADR 0028: exact, and all of it on the one factor that changed.</summary>
public sealed class GapDecompositionTests
{
    private static readonly RevenueFactors Plan = new(40m, 0.10m, 0.5m, new PartRate(0.25m, 50_000m), new PartRate(0.40m, 20_000m));

    private static readonly Gen<decimal> Ratio = Gen.Int[1, 100].Select(i => i / 100m);

    private static readonly Gen<RevenueFactors> Factors =
        Gen.Select(Gen.Int[0, 400], Gen.Int[0, 99], Gen.Int[0, 100], Ratio, Gen.Long[100, 100_000_000], Ratio, Gen.Long[100, 100_000_000])
            .Select((volume, slip, mix, w1, d1, w2, d2) => new RevenueFactors(volume, slip / 100m, mix / 100m, new PartRate(w1, d1 / 100m), new PartRate(w2, d2 / 100m)));

    [Fact]
    public void The_parts_always_add_up_to_the_gap_to_the_cent()
    {
        Gen.Select(Factors, Factors).Sample((planned, actual) =>
        {
            var split = GapDecomposition.Split(planned, actual);

            Assert.Equal(split.Gap, split.Parts.Sum(p => p.Amount));
            Assert.Equal(split.Actual - split.Planned, split.Gap);
            Assert.All(split.Parts, p => Assert.Equal(decimal.Round(p.Amount, 2), p.Amount));
            Assert.Equal(Enum.GetValues<GapFactor>(), split.Parts.Select(p => p.Factor));
        }, iter: 500);
    }

    public static TheoryData<GapFactor> EveryFactor => new(Enum.GetValues<GapFactor>());

    [Theory]
    [MemberData(nameof(EveryFactor))]
    public void Changing_only_one_factor_puts_all_of_the_gap_on_it(GapFactor factor)
    {
        Gen.Select(Factors, Factors).Sample((planned, other) =>
        {
            var actual = OnlyChanged(planned, other, factor);

            var split = GapDecomposition.Split(planned, actual);

            Assert.Equal(split.Gap, split.Parts.Single(p => p.Factor == factor).Amount);
            Assert.All(split.Parts.Where(p => p.Factor != factor), p => Assert.Equal(0m, p.Amount));
        }, iter: 200);
    }

    [Fact]
    public void Fewer_opportunities_alone_are_a_pipeline_shortfall_explained_with_the_numbers()
    {
        var actual = Plan with { Volume = 30m };

        var split = GapDecomposition.Split(Plan, actual);

        // 40 due × 90% decided × (50% × 12,500 + 50% × 8,000) = 369,000 planned; 30 due gives 276,750.
        Assert.Equal((369_000m, 276_750m, -92_250m), (split.Planned, split.Actual, split.Gap));
        Assert.Equal(-92_250m, split.Parts[(int)GapFactor.Volume].Amount);
        Assert.Equal(VarianceCategory.PipelineShortfall, split.ProposedCategory);
        Assert.Contains("30 opportunities were due to close against 40 planned", split.ProposedExplanation);
        Assert.StartsWith("Won 276,750 against 369,000 planned to date (-92,250).", split.ProposedExplanation);
    }

    [Fact]
    public void The_largest_negative_part_proposes_the_category()
    {
        // Slipping from 10% to 50% costs more than the win rate of new business dropping from 25% to 20%.
        var actual = Plan with { Slippage = 0.5m, NewBusiness = new PartRate(0.20m, 50_000m) };

        var split = GapDecomposition.Split(Plan, actual);

        Assert.Equal(VarianceCategory.DealsSlipped, split.ProposedCategory);
        Assert.True(split.Parts[(int)GapFactor.WinRate].Amount < 0);
        Assert.Equal(0m, split.Parts[(int)GapFactor.Volume].Amount);
    }

    [Fact]
    public void Ahead_of_plan_proposes_no_reason()
    {
        var split = GapDecomposition.Split(Plan, Plan with { Volume = 50m });

        Assert.True(split.Gap > 0);
        Assert.Null(split.ProposedCategory);
        Assert.Null(split.ProposedExplanation);
    }

    [Fact]
    public void No_opportunities_at_all_is_all_volume_and_nothing_else_is_measured()
    {
        var empty = new PartOutcomes(0, 0, 0, 0);

        var actual = RevenueFactors.Measured(empty, empty, Plan);
        var split = GapDecomposition.Split(Plan, actual);

        Assert.Equal((0m, Plan.Slippage, Plan.NewMix, Plan.NewBusiness, Plan.Existing), (actual.Volume, actual.Slippage, actual.NewMix, actual.NewBusiness, actual.Existing));
        Assert.Equal((0m, -369_000m), (split.Actual, split.Gap));
        Assert.Equal(-369_000m, split.Parts[(int)GapFactor.Volume].Amount);
    }

    [Fact]
    public void A_win_rate_of_zero_measures_the_deal_size_and_puts_the_loss_on_the_win_rate()
    {
        // 20 due, 18 decided and all lost, 9 of each part, at the planned sizes.
        var actual = RevenueFactors.Measured(new PartOutcomes(10, 9, 450_000m, 0m), new PartOutcomes(10, 9, 180_000m, 0m), Plan with { Volume = 20m });
        var planned = Plan with { Volume = 20m };

        var split = GapDecomposition.Split(planned, actual);

        Assert.Equal((0m, 0m), (actual.NewBusiness.WinRate, actual.Existing.WinRate));
        Assert.Equal((50_000m, 20_000m), (actual.NewBusiness.DealSize, actual.Existing.DealSize));
        Assert.Equal(0m, split.Actual);
        Assert.Equal(split.Gap, split.Parts[(int)GapFactor.WinRate].Amount);
        Assert.Equal(VarianceCategory.LostToCompetitor, split.ProposedCategory);
    }

    [Fact]
    public void Measured_factors_give_back_the_won_value_exactly()
    {
        var actual = RevenueFactors.Measured(new PartOutcomes(7, 5, 260_000m, 90_000m), new PartOutcomes(13, 11, 210_000m, 123_456.78m), Plan);

        Assert.Equal(213_456.78m, decimal.Round(actual.Revenue, 2));
        Assert.Equal(0.2m, actual.Slippage); // 4 of 20 not decided
    }

    [Fact]
    public void Planned_factors_deliver_the_planned_revenue_and_the_new_business_share_of_it()
    {
        var plan = new ConversionPlan(0.6m, new PartRate(0.25m, 40_000m), new PartRate(0.5m, 10_000m), 0.2m, 90);

        var factors = RevenueFactors.Planned(plan, 300_000m);
        var newValue = factors.Volume * (1 - factors.Slippage) * factors.NewMix * factors.NewBusiness.Yield;

        Assert.Equal(300_000m, decimal.Round(factors.Revenue, 2));
        Assert.Equal(180_000m, decimal.Round(newValue, 2));
    }

    private static RevenueFactors OnlyChanged(RevenueFactors planned, RevenueFactors other, GapFactor factor) => factor switch
    {
        GapFactor.Volume => planned with { Volume = other.Volume },
        GapFactor.Slippage => planned with { Slippage = other.Slippage },
        GapFactor.Mix => planned with { NewMix = other.NewMix },
        GapFactor.WinRate => planned with
        {
            NewBusiness = planned.NewBusiness with { WinRate = other.NewBusiness.WinRate },
            Existing = planned.Existing with { WinRate = other.Existing.WinRate },
        },
        _ => planned with
        {
            NewBusiness = planned.NewBusiness with { DealSize = other.NewBusiness.DealSize },
            Existing = planned.Existing with { DealSize = other.Existing.DealSize },
        },
    };
}
