using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Domain.Strategies;

/// <summary>The strategy document's rules: what a draft may hold, what publishing needs, revisions, and segment matching.</summary>
public sealed class StrategyRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private static readonly Actor Leader = new(Guid.NewGuid(), Role.Leader);

    private static Strategy Draft(StrategyContent? content = null) =>
        Strategy.Draft(Leader, "FY2027 sales strategy", new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31), content ?? StrategyBuilder.Content(), Now);

    private static DomainException Refused(StrategyContent content) =>
        Assert.ThrowsAny<DomainException>(() => Draft(content));

    [Fact]
    public void A_published_revision_cannot_be_published_again_or_edited()
    {
        var strategy = Draft();
        strategy.Publish(Leader, Now);

        Assert.Equal(StrategyStatus.Published, strategy.Status);
        Assert.Equal(Now, strategy.PublishedAt);
        var again = Assert.Throws<InvalidStateException>(() => strategy.Publish(Leader, Now));
        Assert.Contains("draft a new revision", again.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidStateException>(() => strategy.Edit(Leader, "Renamed", null, null, null, null, Now));
    }

    [Fact]
    public void An_empty_strategy_cannot_be_published()
    {
        var strategy = Draft(new StrategyContent());

        var error = Assert.Throws<DomainException>(() => strategy.Publish(Leader, Now));

        Assert.Equal("content", error.Field);
        Assert.Equal(StrategyStatus.Draft, strategy.Status);
    }

    [Theory]
    [InlineData("offerings")]
    [InlineData("segments")]
    [InlineData("valuePropositions")]
    [InlineData("objectives")]
    public void Publishing_names_the_part_that_is_still_missing(string part)
    {
        var content = StrategyBuilder.Content();
        switch (part)
        {
            case "offerings":
                content.Offerings.Clear();
                content.Objectives.ForEach(o => o.Product = null);
                break;
            case "segments":
                content.Segments.Clear();
                content.Objectives.ForEach(o => o.Segment = null);
                break;
            case "valuePropositions":
                content.ValuePropositions.Clear();
                break;
            default:
                content.Objectives.Clear();
                break;
        }

        var error = Assert.Throws<DomainException>(() => Draft(content).Publish(Leader, Now));

        Assert.Equal(part, error.Field);
    }

    [Fact]
    public void An_objective_without_a_metric_is_refused_naming_the_field()
    {
        var content = StrategyBuilder.Content();
        content.Objectives[1].Metric = null;

        var error = Refused(content);

        Assert.Equal("objectives[1].metric", error.Field);
        Assert.Contains("Objective 2 needs a metric", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    public void An_objective_without_a_target_is_refused_naming_the_field(int? target)
    {
        var content = StrategyBuilder.Content();
        content.Objectives[0].Target = target;

        var error = Refused(content);

        Assert.Equal("objectives[0].target", error.Field);
    }

    [Fact]
    public void An_objective_with_an_unknown_metric_or_a_fractional_count_is_refused()
    {
        var unknown = StrategyBuilder.Content();
        unknown.Objectives[0].Metric = "Happiness";
        Assert.Equal("objectives[0].metric", Refused(unknown).Field);

        var fraction = StrategyBuilder.Content();
        fraction.Objectives[1].Target = 2.5m;
        Assert.Equal("objectives[1].target", Refused(fraction).Field);
    }

    [Fact]
    public void An_objective_may_only_name_a_product_and_segment_of_the_strategy()
    {
        var product = StrategyBuilder.Content();
        product.Objectives[0].Product = "Terrain Mobile";
        Assert.Equal("objectives[0].product", Refused(product).Field);

        var segment = StrategyBuilder.Content();
        segment.Objectives[1].Segment = "Public sector";
        Assert.Equal("objectives[1].segment", Refused(segment).Field);

        var matching = StrategyBuilder.Content();
        matching.Objectives[1].Product = "terrain cloud";
        Assert.Equal("Terrain Cloud", Draft(matching).ReadContent().Objectives[1].Product);
    }

    [Fact]
    public void A_segment_without_criteria_blocks_publishing_but_not_drafting()
    {
        var content = StrategyBuilder.Content();
        content.Segments.Add(new TargetSegment { Name = "Anyone", Profile = "Whoever buys." });
        var strategy = Draft(content);

        var error = Assert.Throws<DomainException>(() => strategy.Publish(Leader, Now));

        Assert.Equal("segments[2].industries", error.Field);
        Assert.Contains("Anyone", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Revision_2_needs_a_change_note_before_it_is_published()
    {
        var first = Draft();
        first.Publish(Leader, Now);
        var second = first.Revise(Leader, Now.AddDays(1));

        var error = Assert.Throws<DomainException>(() => second.Publish(Leader, Now.AddDays(2)));
        Assert.Equal("changeNote", error.Field);

        second.Edit(Leader, null, null, null, null, "Raised the logo target.", Now.AddDays(2));
        second.Publish(Leader, Now.AddDays(2));
        first.Supersede(Now.AddDays(2));

        Assert.Equal(StrategyStatus.Published, second.Status);
        Assert.Equal(StrategyStatus.Superseded, first.Status);
        Assert.Throws<InvalidStateException>(() => first.Supersede(Now.AddDays(3)));
    }

    [Fact]
    public void Revise_copies_the_published_revision_and_keeps_the_objective_ids()
    {
        var first = Draft();
        first.Publish(Leader, Now);

        var second = first.Revise(Leader, Now.AddDays(1));

        Assert.Equal(first.LineageId, second.LineageId);
        Assert.Equal(first.Id, first.LineageId);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(2, second.Revision);
        Assert.Equal(StrategyStatus.Draft, second.Status);
        Assert.Null(second.ChangeNote);
        Assert.Equal([StrategyBuilder.RevenueObjective, StrategyBuilder.LogosObjective], second.ReadContent().Objectives.Select(o => o.Id));
        Assert.Throws<InvalidStateException>(() => second.Revise(Leader, Now.AddDays(1)));
    }

    [Fact]
    public void Editing_a_draft_keeps_given_ids_and_gives_new_rows_one()
    {
        var strategy = Draft();
        var content = strategy.ReadContent();
        content.Objectives.Add(new Objective { Name = "Pipeline", Metric = "Pipeline", Target = 3_000_000 });
        content.Offerings.Add(new Offering());

        strategy.Edit(Leader, null, null, null, content, null, Now);

        var saved = strategy.ReadContent();
        Assert.Equal(3, saved.Objectives.Count);
        Assert.Equal(StrategyBuilder.RevenueObjective, saved.Objectives[0].Id);
        Assert.False(string.IsNullOrEmpty(saved.Objectives[2].Id));
        Assert.Equal(2, saved.Offerings.Count);
    }

    [Fact]
    public void A_strategy_needs_a_name_and_a_period_that_ends_after_it_starts()
    {
        Assert.Equal("name", Assert.Throws<DomainException>(() =>
            Strategy.Draft(Leader, "  ", new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31), new StrategyContent(), Now)).Field);
        Assert.Equal("periodEnd", Assert.Throws<DomainException>(() =>
            Strategy.Draft(Leader, "FY2027", new DateOnly(2027, 1, 1), new DateOnly(2026, 12, 31), new StrategyContent(), Now)).Field);
    }

    [Theory]
    [InlineData("manufacturing", "mid-market", "South", 20_000, true)]
    [InlineData("Manufacturing", "Mid-Market", "North", 19_999, false)]
    [InlineData("Logistics", "Mid-Market", "North", 50_000, false)]
    [InlineData("Manufacturing", "Enterprise", "North", 50_000, false)]
    [InlineData(" Manufacturing ", "Mid-Market", null, 1_000_000, true)]
    [InlineData(null, "Mid-Market", "North", 50_000, false)]
    public void A_segment_matches_an_account_when_every_criterion_that_is_set_matches(string? industry, string? segment, string? region, int potential, bool matches)
    {
        var target = StrategyBuilder.Content().Segments[0];

        Assert.Equal(matches, target.Matches(industry, segment, region, potential));
    }

    [Fact]
    public void A_potential_range_bounds_both_ends_and_lists_match_any_value()
    {
        var target = new TargetSegment { Name = "Mid-size", Industries = ["Retail", "Logistics"], MinPotential = 10_000, MaxPotential = 50_000 };

        Assert.True(target.Matches("logistics", null, null, 10_000));
        Assert.True(target.Matches("Retail", "Enterprise", "West", 50_000));
        Assert.False(target.Matches("Retail", null, null, 50_001));
        Assert.False(target.Matches("Retail", null, null, 9_999));
        Assert.Equal("industry Retail or Logistics; potential at least 10,000; potential at most 50,000", target.DescribeCriteria());
    }

    [Fact]
    public void A_segment_without_criteria_matches_no_account()
    {
        var vague = new TargetSegment { Name = "Anyone", Profile = "Whoever buys." };

        Assert.False(vague.Matches("Manufacturing", "Mid-Market", "North", 100_000));
        Assert.Equal("no criteria yet", vague.DescribeCriteria());
    }

    [Fact]
    public void A_segment_whose_maximum_is_below_its_minimum_is_refused()
    {
        var content = StrategyBuilder.Content();
        content.Segments[0].MaxPotential = 1_000;

        Assert.Equal("segments[0].maxPotential", Refused(content).Field);
    }
}
