using Terrain.Domain;
using Terrain.Domain.Planning;
using Xunit;

namespace Terrain.Tests.Domain.Planning;

/// <summary>Top-down allocation (ADR 0038): shares by method, season, ramp, and parts that sum to the target to the cent.</summary>
public sealed class QuotaAllocatorTests
{
    private static readonly IReadOnlyList<Quarter> Year =
    [
        new(1, new(2027, 1, 1), new(2027, 3, 31)),
        new(2, new(2027, 4, 1), new(2027, 6, 30)),
        new(3, new(2027, 7, 1), new(2027, 9, 30)),
        new(4, new(2027, 10, 1), new(2027, 12, 31)),
    ];

    private static AllocationRep Rep(string name, decimal potential = 0, decimal bookings = 0, DateOnly? started = null) =>
        new(Guid.NewGuid(), name, null, potential, bookings, started);

    private static AllocationSettings Settings(decimal target, AllocationMethod method = AllocationMethod.Equal, BlendWeights? weights = null,
        Seasonality season = Seasonality.Even, IReadOnlyList<decimal>? percents = null, IReadOnlyList<int>? ramp = null) =>
        new(target, method, weights, season, percents, ramp ?? AllocationSettings.DefaultRamp);

    [Fact]
    public void A_million_and_a_cent_over_three_reps_sums_to_the_target_to_the_cent()
    {
        var result = QuotaAllocator.Allocate(Settings(1_000_000.01m), [Rep("A"), Rep("B"), Rep("C")], Year, null);

        var cells = result.Reps.SelectMany(r => r.Quarters).ToList();
        Assert.Equal(1_000_000.01m, cells.Sum());
        Assert.All(cells, c => Assert.Equal(c, decimal.Round(c, 2)));
        Assert.True(cells.Max() - cells.Min() <= 0.01m, $"{cells.Min()} .. {cells.Max()}");
        Assert.True(result.Reps.Max(r => r.Total) - result.Reps.Min(r => r.Total) <= 0.01m);
    }

    [Fact]
    public void Potential_share_follows_the_potential_each_rep_owns()
    {
        var result = QuotaAllocator.Allocate(Settings(1_000m, AllocationMethod.Potential), [Rep("A", 100), Rep("B", 200), Rep("C", 700)], Year, null);

        Assert.Equal([100m, 200m, 700m], result.Reps.Select(r => r.Total));
        Assert.Equal([0.1m, 0.2m, 0.7m], result.Reps.Select(r => r.Share));
        Assert.Equal(AllocationMethod.Potential, result.MethodUsed);
    }

    [Fact]
    public void Bookings_share_follows_last_years_closed_won_revenue()
    {
        var result = QuotaAllocator.Allocate(Settings(400m, AllocationMethod.Bookings), [Rep("A", 1, 300), Rep("B", 1, 100)], Year, null);

        Assert.Equal([300m, 100m], result.Reps.Select(r => r.Total));
        Assert.Empty(result.Notes);
    }

    [Fact]
    public void Without_bookings_last_year_the_bookings_method_falls_back_to_potential_and_says_so()
    {
        var result = QuotaAllocator.Allocate(Settings(400m, AllocationMethod.Bookings), [Rep("A", 300), Rep("B", 100)], Year, null, "in FY2026");

        Assert.Equal([300m, 100m], result.Reps.Select(r => r.Total));
        Assert.Equal(AllocationMethod.Potential, result.MethodUsed);
        Assert.Contains(result.Notes, n => n.Contains("No closed-won revenue in FY2026", StringComparison.Ordinal));
    }

    [Fact]
    public void A_blend_mixes_the_shares_by_its_weights()
    {
        // Potential says 25/75, bookings 75/25, equal 50/50: 50% potential + 50% bookings is 50/50.
        var blend = QuotaAllocator.Allocate(Settings(1_000m, AllocationMethod.Blend, new BlendWeights(50, 50, 0)), [Rep("A", 1, 3), Rep("B", 3, 1)], Year, null);
        var mostlyPotential = QuotaAllocator.Allocate(Settings(1_000m, AllocationMethod.Blend, new BlendWeights(80, 0, 20)), [Rep("A", 1, 3), Rep("B", 3, 1)], Year, null);

        Assert.Equal([500m, 500m], blend.Reps.Select(r => r.Total));
        Assert.Equal([300m, 700m], mostlyPotential.Reps.Select(r => r.Total));
    }

    [Fact]
    public void Last_years_shape_spreads_the_quarters_and_even_is_the_fallback()
    {
        var shaped = QuotaAllocator.Allocate(Settings(1_000m, season: Seasonality.LastYear), [Rep("A")], Year, [100m, 100m, 200m, 0m]);
        var none = QuotaAllocator.Allocate(Settings(1_000m, season: Seasonality.LastYear), [Rep("A")], Year, [0m, 0m, 0m, 0m]);
        var custom = QuotaAllocator.Allocate(Settings(1_000m, season: Seasonality.Custom, percents: [10m, 20m, 30m, 40m]), [Rep("A")], Year, null);

        Assert.Equal([250m, 250m, 500m, 0m], shaped.Reps[0].Quarters);
        Assert.Equal(Seasonality.LastYear, shaped.SeasonUsed);
        Assert.Equal([250m, 250m, 250m, 250m], none.Reps[0].Quarters);
        Assert.Equal(Seasonality.Even, none.SeasonUsed);
        Assert.Contains(none.Notes, n => n.Contains("the quarters are even", StringComparison.Ordinal));
        Assert.Equal([100m, 200m, 300m, 400m], custom.Reps[0].Quarters);
    }

    [Fact]
    public void A_new_hire_ramps_up_and_the_others_carry_what_the_ramp_holds_back()
    {
        // Weights: the hire 0.25 + 0.5 + 0.75 + 1 = 2.5, the veteran 4; 6,500 is 1,000 per full quarter.
        var result = QuotaAllocator.Allocate(Settings(6_500m), [Rep("Hire", started: new(2027, 1, 1)), Rep("Veteran")], Year, null);

        Assert.Equal([250m, 500m, 750m, 1_000m], result.Reps[0].Quarters);
        Assert.Equal([25, 50, 75, 100], result.Reps[0].Ramp);
        Assert.Equal([1_000m, 1_000m, 1_000m, 1_000m], result.Reps[1].Quarters);
        Assert.Equal([100, 100, 100, 100], result.Reps[1].Ramp);
    }

    [Theory]
    [InlineData("2027-05-15", new[] { 0, 25, 50, 75 })]
    [InlineData("2026-11-15", new[] { 50, 75, 100, 100 })]
    [InlineData("2026-10-01", new[] { 50, 75, 100, 100 })]
    [InlineData("2026-09-30", new[] { 75, 100, 100, 100 })]
    [InlineData("2025-01-01", new[] { 100, 100, 100, 100 })]
    [InlineData("2028-01-01", new[] { 0, 0, 0, 0 })]
    public void The_ramp_counts_quarters_from_the_one_a_rep_starts_in(string started, int[] expected)
    {
        var start = DateOnly.Parse(started, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(expected, Year.Select(q => QuotaAllocator.RampOf(start, q, [25, 50, 75, 100])));
    }

    [Theory]
    [InlineData(-1.0, "target")]
    [InlineData(0.0, "target")]
    [InlineData(1e12, "target")]
    [InlineData(10.001, "target")]
    public void Negative_zero_absurd_or_fractional_cent_targets_are_refused_naming_the_target(double target, string field)
    {
        var e = Assert.Throws<DomainException>(() => QuotaAllocator.Allocate(Settings((decimal)target), [Rep("A")], Year, null));

        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void Blend_weights_must_sum_to_100_and_ramp_steps_and_season_percentages_stay_within_0_to_100()
    {
        var weights = Settings(100m, AllocationMethod.Blend, new BlendWeights(50, 30, 10)).Problems(4);
        var ramp = Settings(100m, ramp: [50, 120]).Problems(4);
        var season = Settings(100m, season: Seasonality.Custom, percents: [50m, 50m, 10m, -10m]).Problems(4);
        var seasonSum = Settings(100m, season: Seasonality.Custom, percents: [25m, 25m, 25m, 20m]).Problems(4);

        Assert.Contains("sum to 100 (they sum to 90)", weights["weights"], StringComparison.Ordinal);
        Assert.Contains("between 0 and 100", ramp["ramp"], StringComparison.Ordinal);
        Assert.Contains("between 0 and 100", season["seasonPercents"], StringComparison.Ordinal);
        Assert.Contains("sum to 100", seasonSum["seasonPercents"], StringComparison.Ordinal);
    }

    [Fact]
    public void Largest_remainder_always_sums_to_the_total_for_random_weights()
    {
        var random = new Random(20261203);
        for (var run = 0; run < 500; run++)
        {
            var weights = Enumerable.Range(0, random.Next(1, 40)).Select(_ => (decimal)random.NextDouble() * random.Next(0, 1_000)).ToList();
            if (weights.Sum() == 0)
            {
                continue;
            }

            var total = random.NextInt64(0, 100_000_000_000_000);
            var parts = QuotaAllocator.LargestRemainder(total, weights);

            Assert.Equal(total, parts.Sum());
            Assert.All(parts, p => Assert.True(p >= 0));
        }
    }

    [Fact]
    public void An_allocation_adjusted_away_from_its_target_cannot_be_published_until_it_sums_again()
    {
        var settings = Settings(1_000_000.01m);
        var result = QuotaAllocator.Allocate(settings, [Rep("A"), Rep("B"), Rep("C")], Year, null);
        var allocation = QuotaAllocation.Draft(Guid.NewGuid(), settings, result, Guid.NewGuid(), DateTimeOffset.UnixEpoch);
        var first = allocation.ReadLines()[0];
        var second = allocation.ReadLines()[1];

        allocation.Adjust([(first.RepId, [first.Quarters[0] - 0.01m, .. first.Quarters.Skip(1)])], allocation.Version);
        var e = Assert.Throws<InvalidStateException>(() => allocation.Publish(Guid.NewGuid(), DateTimeOffset.UnixEpoch));
        var stale = Assert.Throws<InvalidStateException>(() => allocation.Adjust([(second.RepId, second.Quarters)], allocation.Version - 1));
        allocation.Adjust([(second.RepId, [second.Quarters[0] + 0.01m, .. second.Quarters.Skip(1)])], allocation.Version);
        allocation.Publish(Guid.NewGuid(), DateTimeOffset.UnixEpoch);

        Assert.Equal(QuotaAllocation.NotSummingField, e.Field);
        Assert.Contains("0.01 short of the target", e.Message, StringComparison.Ordinal);
        Assert.Equal("version", stale.Field);
        Assert.Equal(AllocationStatus.Published, allocation.Status);
        Assert.Equal(first.Quarters, allocation.ReadLines()[0].Quarters);
        Assert.Equal(first.Quarters[0] - 0.01m, allocation.ReadLines()[0].Draft[0]);
        Assert.Throws<InvalidStateException>(() => allocation.Adjust([(first.RepId, first.Quarters)], allocation.Version));
    }
}
