using Terrain.Domain.Performance;
using Terrain.Domain.Planning;
using Xunit;

namespace Terrain.Tests.Domain.Performance;

public sealed class GoalMetricsTests
{
    private static readonly IReadOnlyList<Quarter> Fy2027 = Quarter.Split(new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31));

    [Fact]
    public void A_zero_target_has_no_attainment_never_infinity_and_nothing_left_to_cover_is_met()
    {
        Assert.Null(GoalMetrics.Attainment(5_000, 0));
        Assert.Equal(0.3333m, GoalMetrics.Attainment(1, 3));
        Assert.Equal((null, true), GoalMetrics.Coverage(10_000, 0, 0));
        Assert.Equal((null, true), GoalMetrics.Coverage(0, 100, 100));
        Assert.Equal((2m, false), GoalMetrics.Coverage(100, 100, 50));
        Assert.Equal(GoalStatus.NoTarget, GoalMetrics.StatusOf(10, 0, StatusThresholds.Default));
    }

    [Theory]
    [InlineData(100, GoalStatus.OnTrack)]
    [InlineData(99.99, GoalStatus.AtRisk)]
    [InlineData(85, GoalStatus.AtRisk)]
    [InlineData(84.99, GoalStatus.OffTrack)]
    public void The_status_comes_from_the_forecast_against_the_default_thresholds(decimal forecast, GoalStatus expected) =>
        Assert.Equal(expected, GoalMetrics.StatusOf(forecast, 100, StatusThresholds.Default));

    [Fact]
    public void Cycle_to_date_runs_to_the_end_of_the_running_quarter_is_empty_before_the_cycle_and_whole_after_it()
    {
        var during = PerformancePeriod.Of(Fy2027, new DateOnly(2027, 4, 1)).Single(p => p.Kind == PeriodKind.CycleToDate);
        var before = PerformancePeriod.Of(Fy2027, new DateOnly(2026, 12, 31)).Single(p => p.Kind == PeriodKind.CycleToDate);
        var after = PerformancePeriod.Of(Fy2027, new DateOnly(2028, 2, 1)).Single(p => p.Kind == PeriodKind.CycleToDate);

        Assert.Equal((new DateOnly(2027, 1, 1), new DateOnly(2027, 6, 30), "1,2"), (during.Start, during.End, string.Join(",", during.Quarters)));
        Assert.Empty(before.Quarters);
        Assert.Equal(0, GoalMetrics.TargetOf(before, new Dictionary<int, decimal> { [1] = 10 }));
        Assert.Equal("Whole cycle", after.Label);
        Assert.Equal(4, after.Quarters.Count);
    }

    [Fact]
    public void An_empty_period_has_zero_actual_and_its_whole_target_as_gap()
    {
        var q3 = PerformancePeriod.Of(Fy2027, new DateOnly(2027, 5, 15))[2];
        var figures = GoalMetrics.Figures(GoalMeasure.Revenue, q3, new DateOnly(2027, 5, 15), new Dictionary<int, decimal> { [3] = 150_000 }, GoalActuals.None, StatusThresholds.Default);

        Assert.Equal((150_000m, 0m, 0m, 150_000m, 0m, 0m, GoalStatus.OffTrack), (figures.Target, figures.Actual, figures.Attainment!.Value, figures.Gap, figures.Forecast!.Value, figures.Coverage!.Value, figures.Status));
    }
}
