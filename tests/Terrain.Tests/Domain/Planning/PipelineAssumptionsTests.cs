using System.Text.Json;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Xunit;

namespace Terrain.Tests.Domain.Planning;

/// <summary>The "pipeline needed" worksheet on a revenue goal (ADR 0028): what it checks, what it derives, and old plans.</summary>
public sealed class PipelineAssumptionsTests
{
    private static readonly PlanFacts Facts = new(
        new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31), Quarter.Split(new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31)),
        new Dictionary<Guid, string>(), new Dictionary<string, string>());

    private static GoalsContent Save(string pipeline, string metric = "Revenue")
    {
        var json = $$"""{"goals":[{"id":"g1","metric":"{{metric}}","name":"Revenue","targets":[100000,100000,100000,100000],"pipeline":{{pipeline}}}]}""";
        var content = (GoalsContent)SectionContents.Parse(SectionKind.Goals, JsonDocument.Parse(json).RootElement);
        content.Normalize(Facts);
        return content;
    }

    [Theory]
    [InlineData("""{"newBusiness":{"winRate":0}}""", "goals[0].pipeline.newBusiness.winRate")]
    [InlineData("""{"newBusiness":{"winRate":100.5}}""", "goals[0].pipeline.newBusiness.winRate")]
    [InlineData("""{"existing":{"winRate":-3}}""", "goals[0].pipeline.existing.winRate")]
    [InlineData("""{"existing":{"dealSize":0}}""", "goals[0].pipeline.existing.dealSize")]
    [InlineData("""{"newBusiness":{"dealSize":-10}}""", "goals[0].pipeline.newBusiness.dealSize")]
    [InlineData("""{"newShare":101}""", "goals[0].pipeline.newShare")]
    [InlineData("""{"slippage":100}""", "goals[0].pipeline.slippage")]
    [InlineData("""{"cycleDays":0}""", "goals[0].pipeline.cycleDays")]
    [InlineData("""{"cycleDays":731}""", "goals[0].pipeline.cycleDays")]
    public void A_value_out_of_range_is_refused_naming_the_field(string pipeline, string field)
    {
        var e = Assert.Throws<DomainException>(() => Save(pipeline));

        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void An_unknown_field_is_refused_by_its_path()
    {
        var e = Assert.Throws<DomainException>(() => Save("""{"winrate":20}"""));

        Assert.Contains("winrate", e.Field);
    }

    [Fact]
    public void A_half_filled_worksheet_saves_and_derives_nothing_yet()
    {
        var goal = Save("""{"newShare":40,"newBusiness":{"winRate":20,"dealSize":50000}}""").Goals[0];

        Assert.NotNull(goal.Pipeline);
        Assert.Null(goal.Pipeline!.Plan()); // 60% from existing customers, whose conversion is not stated yet
    }

    [Fact]
    public void A_blank_worksheet_is_dropped_and_a_non_revenue_goal_has_none()
    {
        Assert.Null(Save("""{"newBusiness":{},"existing":{}}""").Goals[0].Pipeline);
        Assert.Null(Save("""{"cycleDays":60}""", "Activity").Goals[0].Pipeline);
    }

    [Fact]
    public void The_pipeline_needed_is_the_target_over_the_win_rate_with_the_slippage_on_top()
    {
        var goal = Save("""{"newShare":40,"newBusiness":{"winRate":20,"dealSize":50000},"existing":{"winRate":50,"dealSize":20000},"cycleDays":60,"slippage":20}""").Goals[0];

        var needed = goal.Pipeline!.Plan()!.For(100_000m, new DateOnly(2027, 3, 31));

        // New: 40,000 ÷ 20% ÷ 80% = 250,000 (5 deals of 50,000); existing: 60,000 ÷ 50% ÷ 80% = 150,000 (7.5, so 8 of 20,000).
        Assert.Equal(400_000m, needed.Pipeline);
        Assert.Equal(13, needed.Opportunities);
        Assert.Equal(new DateOnly(2027, 1, 30), needed.CreateBy);
    }

    [Fact]
    public void One_part_alone_means_all_of_the_target_from_it()
    {
        var goal = Save("""{"existing":{"winRate":25,"dealSize":10000}}""").Goals[0];

        var plan = goal.Pipeline!.Plan()!;

        Assert.Equal(0m, plan.NewShare);
        Assert.Equal((40_000m, 4, (DateOnly?)null), (plan.For(10_000m, new DateOnly(2027, 3, 31)).Pipeline, plan.For(10_000m, new DateOnly(2027, 3, 31)).Opportunities, plan.For(10_000m, new DateOnly(2027, 3, 31)).CreateBy));
    }

    [Fact]
    public void Goals_stored_before_the_worksheet_read_as_before()
    {
        const string stored = """{"goals":[{"id":"g1","metric":"Revenue","name":"Revenue","targets":[1,2,3,4]}]}""";

        var content = (GoalsContent)SectionContents.Read(SectionKind.Goals, stored);

        Assert.Null(content.Goals[0].Pipeline);
        Assert.Equal(stored, SectionContents.Write(content));
    }
}
