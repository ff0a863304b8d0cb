using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Xunit;

namespace Terrain.Tests.Domain.Planning;

/// <summary>A goal counts toward an objective only when it is linked to it and matches its metric, product and segment.</summary>
public sealed class GoalAlignmentTests
{
    private static readonly Dictionary<string, string> Offerings = new() { ["cloud"] = "Terrain Cloud", ["services"] = "Onboarding Services" };
    private static readonly Dictionary<string, string> Segments = new() { ["mm"] = "Mid-market", ["banks"] = "Banks" };

    private static readonly Dictionary<string, ObjectiveFact> Objectives = new()
    {
        ["cloud-revenue"] = new("Cloud revenue", "Revenue", ProductId: "cloud"),
        ["mm-cloud-revenue"] = new("Mid-market cloud revenue", "Revenue", ProductId: "cloud", SegmentId: "mm"),
        ["logos"] = new("New logos", "NewLogos"),
        ["gone"] = new("Revenue from a product since dropped", "Revenue", ProductId: StrategyContent.MissingId),
    };

    private static string? Why(string? metric, string? objective, string? product = null, string? segment = null, string? typedProduct = null, string? typedSegment = null) =>
        GoalAlignment.WhyNotCounted(new AlignedGoal(metric, product, segment, typedProduct, typedSegment, objective), Objectives, Offerings, Segments);

    [Fact]
    public void A_goal_counts_when_linked_with_the_objectives_metric_product_and_segment()
    {
        Assert.Null(Why("Revenue", "cloud-revenue", product: "cloud"));
        Assert.Null(Why("Revenue", "cloud-revenue", product: "cloud", segment: "banks"));
        Assert.Null(Why("Revenue", "mm-cloud-revenue", product: "cloud", segment: "mm"));
        // An objective about no product or segment takes goals for any.
        Assert.Null(Why("NewLogos", "logos", product: "services", segment: "banks"));
        Assert.Null(Why("NewLogos", "logos", typedSegment: "Mid-Market"));
    }

    [Fact]
    public void Otherwise_the_reason_is_said_in_words()
    {
        Assert.Equal("Linked to no objective.", Why("Revenue", null, product: "cloud"));
        Assert.Equal("Linked to an objective that is no longer in the strategy.", Why("Revenue", "old", product: "cloud"));
        Assert.Equal("Has no metric.", Why(null, "cloud-revenue", product: "cloud"));
        Assert.Equal("Counts Revenue; the objective counts New logos.", Why("Revenue", "logos"));
        Assert.Equal("Is for any product; the objective counts Terrain Cloud only.", Why("Revenue", "cloud-revenue"));
        Assert.Equal("Is for Onboarding Services; the objective counts Terrain Cloud only.", Why("Revenue", "cloud-revenue", product: "services"));
        Assert.Equal("Its product 'Cloud' is not one of the strategy's offerings; the objective counts Terrain Cloud only.",
            Why("Revenue", "cloud-revenue", typedProduct: "Cloud"));
        Assert.Equal("Is for Banks; the objective counts Mid-market only.", Why("Revenue", "mm-cloud-revenue", product: "cloud", segment: "banks"));
        Assert.Equal("The objective names a product that is not one of the strategy's offerings.", Why("Revenue", "gone", product: "cloud"));
    }
}
