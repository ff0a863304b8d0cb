using Terrain.Domain;
using Terrain.Domain.Performance;
using Terrain.Domain.Planning;
using Xunit;

namespace Terrain.Tests.Domain.Performance;

/// <summary>Pace, deal figures, action completion and leader thresholds against small hand-computed fixtures (docs/metrics.md).</summary>
public sealed class PaceMetricsTests
{
    private static readonly IReadOnlyList<Quarter> Fy2027 = Quarter.Split(new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31));

    private static DateOnly D(int month, int day, int year = 2027) => new(year, month, day);

    private static PerformancePeriod Q2AsOfMay15 => PerformancePeriod.Of(Fy2027, D(5, 15))[1];

    [Fact]
    public void Needed_per_week_run_rate_and_linear_expected_in_a_running_quarter()
    {
        // Q2 is 1 April – 30 June, 91 days; by 15 May 45 have gone (30 + 15), 46 are left: 7 weeks, the last a part week.
        var pace = PaceMetrics.Pace(Q2AsOfMay15, D(5, 15), Fy2027, new Dictionary<int, decimal> { [2] = 55_000 }, 25_000, null);

        Assert.Equal(7, pace.WeeksLeft);
        Assert.Equal(4_285.71m, pace.NeededPerWeek); // 30,000 ÷ 7
        Assert.False(pace.NeededMet);
        Assert.Equal(0.4945m, pace.ElapsedShare); // 45 ÷ 91
        Assert.Equal(50_555.56m, pace.RunRate); // 25,000 × 91 ÷ 45
        Assert.Equal(27_197.80m, pace.ExpectedLinear); // 55,000 × 45 ÷ 91
        Assert.Null(pace.ExpectedHistorical);
    }

    [Fact]
    public void A_met_gap_needs_nothing_and_a_zero_target_never_divides_by_zero()
    {
        var met = PaceMetrics.Pace(Q2AsOfMay15, D(5, 15), Fy2027, new Dictionary<int, decimal> { [2] = 20_000 }, 25_000, null);
        var none = PaceMetrics.Pace(Q2AsOfMay15, D(5, 15), Fy2027, new Dictionary<int, decimal>(), 0, null);
        var notStarted = PaceMetrics.Pace(PerformancePeriod.Of(Fy2027, D(5, 15))[2], D(5, 15), Fy2027, new Dictionary<int, decimal> { [3] = 70_000 }, 0, null);

        Assert.Equal((true, (decimal?)null), (met.NeededMet, met.NeededPerWeek));
        Assert.Equal((true, (decimal?)null, 0m, 0m), (none.NeededMet, none.NeededPerWeek, none.ExpectedLinear, none.RunRate!.Value));
        // Q3 has not started: no run-rate (nothing has elapsed), all 14 weeks left (92 days), nothing expected yet.
        Assert.Equal((14, (decimal?)5_000m, (decimal?)null, 0m, 0m), (notStarted.WeeksLeft, notStarted.NeededPerWeek, notStarted.RunRate, notStarted.ExpectedLinear, notStarted.ElapsedShare));
    }

    [Fact]
    public void After_the_period_no_week_is_left_and_a_missed_target_is_not_met()
    {
        var q1 = PerformancePeriod.Of(Fy2027, D(5, 15))[0];
        var pace = PaceMetrics.Pace(q1, D(5, 15), Fy2027, new Dictionary<int, decimal> { [1] = 100_000 }, 44_000, null);

        Assert.Equal((0, (decimal?)null, false, 1m, (decimal?)44_000m, 100_000m), (pace.WeeksLeft, pace.NeededPerWeek, pace.NeededMet, pace.ElapsedShare, pace.RunRate, pace.ExpectedLinear));
    }

    [Fact]
    public void On_a_leap_day_the_29th_of_February_counts_as_a_day_of_the_quarter()
    {
        var fy2028 = Quarter.Split(new DateOnly(2028, 1, 1), new DateOnly(2028, 12, 31));
        var q1 = PerformancePeriod.Of(fy2028, new DateOnly(2028, 2, 29))[0];

        var pace = PaceMetrics.Pace(q1, new DateOnly(2028, 2, 29), fy2028, new Dictionary<int, decimal> { [1] = 91_000 }, 30_000, null);

        // Q1 2028 is 91 days (31 + 29 + 31); 60 have gone by 29 February, 31 are left: 5 weeks.
        Assert.Equal(91, PaceMetrics.Length(q1));
        Assert.Equal((60, 5, 60_000m, 45_500m, 12_200m), (PaceMetrics.ElapsedDays(q1, new DateOnly(2028, 2, 29)), pace.WeeksLeft, pace.ExpectedLinear, pace.RunRate!.Value, pace.NeededPerWeek!.Value));
    }

    [Fact]
    public void The_historical_curve_averages_past_periods_that_won_and_interpolates_inside_a_week()
    {
        (DateOnly, DateOnly)[] past = [(D(1, 1), D(1, 14)), (D(2, 1), D(2, 14)), (D(3, 1), D(3, 14))];
        // January: a quarter of its wins in week 1; February: none in week 1; March won nothing and is left out.
        var won = new Dictionary<DateOnly, decimal> { [D(1, 3)] = 100, [D(1, 10)] = 300, [D(2, 14)] = 200 };

        var curve = ExpectedCurve.From(past, won)!;

        Assert.Equal([0.125m, 1m], curve.ShareByWeek);
        Assert.Equal(2, curve.PeriodsUsed);
        Assert.Equal(0m, curve.ShareAt(D(4, 1), D(4, 14), D(3, 31)));
        Assert.Equal(0.0714m, curve.ShareAt(D(4, 1), D(4, 14), D(4, 4))); // 0.125 × 4/7
        Assert.Equal(0.125m, curve.ShareAt(D(4, 1), D(4, 14), D(4, 7)));
        Assert.Equal(0.5m, curve.ShareAt(D(4, 1), D(4, 14), D(4, 10))); // 0.125 + 0.875 × 3/7
        Assert.Equal(1m, curve.ShareAt(D(4, 1), D(4, 14), D(4, 14)));
        Assert.Null(ExpectedCurve.From(past, new Dictionary<DateOnly, decimal> { [D(1, 3)] = 100 }));
    }

    [Fact]
    public void Historical_expected_to_date_is_the_target_times_the_curve_and_whole_quarters_before_it()
    {
        var quarters = new List<Quarter> { new(1, D(3, 1), D(3, 14)), new(2, D(3, 15), D(3, 28)) };
        var curve = new ExpectedCurve([0.125m, 1m], 2);
        var periods = PerformancePeriod.Of(quarters, D(3, 24));
        var targets = new Dictionary<int, decimal> { [1] = 400, [2] = 1_000 };

        var q2 = PaceMetrics.Pace(periods[1], D(3, 24), quarters, targets, 200, curve);
        var cycle = PaceMetrics.Pace(periods[2], D(3, 24), quarters, targets, 500, curve);

        // 24 March is day 10 of Q2: 1,000 × 0.5; linear 1,000 × 10/14; run-rate 200 × 14/10.
        Assert.Equal((500m, 714.29m, 280m, 1, 800m), (q2.ExpectedHistorical!.Value, q2.ExpectedLinear, q2.RunRate!.Value, q2.WeeksLeft, q2.NeededPerWeek!.Value));
        // The cycle to date: all of Q1's 400 plus Q2's 500.
        Assert.Equal(900m, cycle.ExpectedHistorical);
    }

    private static GoalDeals Fixture => new(
        new Dictionary<DateOnly, ClosedDay>
        {
            [D(4, 10)] = new(2, 30_000, 1, 10_000),
            [D(5, 1)] = new(0, 0, 1, 20_000),
            [D(5, 20)] = new(1, 99, 0, 0), // after the as-of date
            [D(3, 1)] = new(1, 5_000, 0, 0), // Q1
        },
        new Dictionary<DateOnly, decimal> { [D(4, 5)] = 20_000, [D(5, 10)] = 10_000, [D(5, 16)] = 7_000 },
        new Dictionary<DateOnly, decimal> { [D(6, 1)] = 12_000, [D(7, 5)] = 999 },
        [(D(3, 1), D(4, 10), 1), (D(4, 1), D(4, 10), 1), (D(5, 1), D(5, 20), 1)],
        new Dictionary<string, decimal?> { ["Q2"] = 110_000 });

    [Fact]
    public void Win_rates_deal_size_cycle_length_and_pipeline_needed_in_a_running_quarter()
    {
        var deals = PaceMetrics.Deals(Q2AsOfMay15, D(5, 15), 55_000, 25_000, Fixture, 0.4m);

        Assert.Equal((2, 2), (deals.Won, deals.Lost));
        Assert.Equal((0.5m, 0.5m, 15_000m), (deals.WinRateByCount!.Value, deals.WinRateByValue!.Value, deals.AverageWonDeal!.Value));
        Assert.Equal(24.5m, deals.MedianCycleDays); // 9 and 40 days; the deal won on 20 May is after the as-of date
        Assert.Equal((30_000m, 4_666.67m), (deals.PipelineCreated, deals.PipelineCreatedPerWeek!.Value)); // 30,000 × 7 ÷ 45
        Assert.Equal((10_714.29m, false), (deals.PipelineNeededPerWeek!.Value, deals.PipelineNeededMet)); // 30,000 ÷ 0.4 ÷ 7
        Assert.Equal((12_000m, 0.4m), (deals.WeightedPipeline, deals.WeightedCoverage!.Value));
        Assert.Equal((2m, false), (deals.CoverageAtStart!.Value, deals.CoverageAtStartMet!.Value)); // 110,000 ÷ 55,000
    }

    [Fact]
    public void An_empty_period_with_no_target_has_no_rates_and_needs_nothing()
    {
        var deals = PaceMetrics.Deals(Q2AsOfMay15, D(5, 15), 0, 0, GoalDeals.None, null);

        Assert.Equal((0, 0, null, null, null, null), (deals.Won, deals.Lost, deals.WinRateByCount, deals.WinRateByValue, deals.AverageWonDeal, deals.MedianCycleDays));
        Assert.Equal((0m, 0m, null, true), (deals.PipelineCreated, deals.PipelineCreatedPerWeek!.Value, deals.PipelineNeededPerWeek, deals.PipelineNeededMet));
        Assert.Null(deals.WeightedCoverage);
        Assert.Null(deals.CoverageAtStart);
        Assert.Null(deals.CoverageAtStartMet);
        Assert.Null(PaceMetrics.WinRateByValue(GoalDeals.None.Closed, D(1, 1), D(12, 31)));
    }

    [Fact]
    public void The_median_takes_the_middle_value_or_the_mean_of_the_two_middle_ones()
    {
        Assert.Equal(1m, PaceMetrics.Median([(5, 1), (1, 2)]));
        Assert.Equal(2.5m, PaceMetrics.Median([(3, 1), (2, 1)]));
        Assert.Null(PaceMetrics.Median([]));
    }

    [Fact]
    public void Action_completion_counts_done_open_and_open_items_due_before_the_as_of_date()
    {
        var completion = ActionCompletion.Of([("Done", D(4, 1)), ("InProgress", D(5, 1)), ("NotStarted", D(5, 15)), ("Blocked", null)], D(5, 15));

        Assert.Equal(new ActionCompletion(4, 1, 3, 1), completion);
        Assert.Equal(0.25m, completion.DoneShare);
        Assert.Null(ActionCompletion.Of([], D(5, 15)).DoneShare);
    }

    [Fact]
    public void Adherence_shares_are_of_the_total_and_none_when_nothing_happened()
    {
        Assert.Equal(0.75m, new AdherenceSplit(2, 1, 0, 1).OnPlanShare);
        Assert.Null(new AdherenceSplit(0, 0, 0, 0).OnPlanShare);
    }

    [Theory]
    [InlineData(50, 3.0, false, GoalStatus.AtRisk)]
    [InlineData(50, 2.99, false, GoalStatus.OffTrack)]
    [InlineData(50, 3.0, true, GoalStatus.OffTrack)]
    [InlineData(90, 0, false, GoalStatus.AtRisk)]
    public void A_short_forecast_with_healthy_coverage_is_at_risk_while_the_period_runs(decimal forecast, double coverage, bool over, GoalStatus expected) =>
        Assert.Equal(expected, GoalMetrics.RevenueStatus(forecast, 100, (decimal)coverage, over, StatusThresholds.Default));

    [Fact]
    public void Thresholds_a_leader_sets_change_the_status()
    {
        var settings = MetricSettings.Default();
        Assert.Equal(GoalStatus.AtRisk, GoalMetrics.RevenueStatus(95, 100, 0, false, settings.Thresholds));

        settings.Change(90, 50, 200, ["Prospecting", " prospecting ", "Qualification"], 10, Guid.NewGuid(), DateTimeOffset.UnixEpoch);

        Assert.Equal(GoalStatus.OnTrack, GoalMetrics.RevenueStatus(95, 100, 0, false, settings.Thresholds));
        Assert.Equal(GoalStatus.AtRisk, GoalMetrics.RevenueStatus(40, 100, 2, false, settings.Thresholds));
        Assert.Equal(["Prospecting", "Qualification"], settings.EarlyStageList);
    }

    [Theory]
    [InlineData(0, 85, 300, 14, "onTrackPercent")]
    [InlineData(100, 101, 300, 14, "atRiskPercent")]
    [InlineData(100, 85, 0, 14, "healthyCoveragePercent")]
    [InlineData(100, 85, 300, 0, "idleDays")]
    public void A_leader_s_bad_value_is_refused_naming_the_field_and_changes_nothing(int onTrack, int atRisk, int coverage, int idle, string field)
    {
        var settings = MetricSettings.Default();

        var refusal = Assert.Throws<DomainException>(() => settings.Change(onTrack, atRisk, coverage, [], idle, Guid.NewGuid(), DateTimeOffset.UnixEpoch));

        Assert.Equal(field, refusal.Field);
        Assert.Equal(StatusThresholds.Default, settings.Thresholds);
        Assert.Equal(Guid.Empty, settings.Version);
    }
}
