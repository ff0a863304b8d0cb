using Terrain.Domain;
using Terrain.Domain.Planning;
using Xunit;

namespace Terrain.Tests.Domain.Planning;

/// <summary>
/// The tier a worksheet suggests from potential (the cycle's rule, ADR 0035), and the warnings about tiers against
/// the strategy's target segments.
/// </summary>
public sealed class TierSuggestionRulesTests
{
    private static readonly Guid[] Ids = [.. Enumerable.Range(0, 8).Select(_ => Guid.NewGuid())];

    private static IReadOnlyList<string?> Suggest(TierRule rule, params decimal?[] potentials)
    {
        var suggested = rule.Suggest(potentials.Select((p, i) => (Ids[i], p)));
        return [.. potentials.Select((_, i) => suggested.GetValueOrDefault(Ids[i]))];
    }

    [Fact]
    public void The_accounts_making_up_the_top_half_of_potential_are_A_then_B_C_and_D_by_the_default_shares()
    {
        // 1000 in all, ranked: 400 (0% above it) and 300 (40%) are A, 100 (70%) is B, 60 (80%) and the two 50s (86%) are C,
        // 40 (96%) is D.
        Assert.Equal(["A", "A", "B", "C", "C", "D", "C"], Suggest(TierRule.Default, 400, 300, 100, 50, 50, 40, 60));
    }

    [Fact]
    public void The_account_that_crosses_a_threshold_belongs_to_the_tier_above_it()
    {
        // 60 of 100 crosses 50%: it is part of what makes up the top half.
        Assert.Equal(["A", "B"], Suggest(TierRule.Default, 60, 40));
        // Exactly 50% above it: the top half is already made up.
        Assert.Equal(["A", "B", "C"], Suggest(TierRule.Default, 50, 30, 20));
    }

    [Fact]
    public void Accounts_of_equal_potential_always_get_the_same_tier_whatever_their_order()
    {
        Assert.Equal(["A", "A", "C"], Suggest(TierRule.Default, 40, 40, 20));
        Assert.Equal(["C", "A", "A"], Suggest(TierRule.Default, 20, 40, 40));
    }

    [Fact]
    public void No_stated_potential_gets_no_suggestion_and_none_at_all_is_D()
    {
        Assert.Equal(["A", null, "D"], Suggest(TierRule.Default, 100, null, 0));
        Assert.Equal(["D", "D"], Suggest(TierRule.Default, 0, 0));
        Assert.Empty(TierRule.Default.Suggest([]));
    }

    [Fact]
    public void A_leaders_rule_moves_the_thresholds()
    {
        var strict = new TierRule(20, 50, 80);

        Assert.Equal(["A", "B", "C", "D"], Suggest(strict, 40, 30, 20, 10));
        Assert.Equal(["A", "A", "B", "C"], Suggest(TierRule.Default, 40, 30, 20, 10));
    }

    [Theory]
    [InlineData(0, 80, 95, "tierRule.aShare")]
    [InlineData(101, 101, 101, "tierRule.aShare")]
    [InlineData(50, 40, 95, "tierRule.bShare")]
    [InlineData(50, 80, 70, "tierRule.cShare")]
    [InlineData(50, 80, 101, "tierRule.cShare")]
    public void Shares_out_of_order_or_outside_1_to_100_are_refused_naming_the_share(int a, int b, int c, string field)
    {
        var error = Assert.Throws<DomainException>(() => new TierRule(a, b, c).Validate());

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void A_closed_cycle_keeps_its_rule()
    {
        var now = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
        var cycle = PlanningCycle.Open(new CycleSchedule("FY2027", new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31), new DateOnly(2026, 11, 26),
            new DateOnly(2026, 12, 10), 14, "UTC", FiscalCalendar.Months), Guid.NewGuid(), now);
        Assert.Equal(TierRule.Default, cycle.TierRule);

        cycle.SetTierRule(new TierRule(40, 70, 90));
        Assert.Equal(new TierRule(40, 70, 90), cycle.TierRule);
        cycle.Close(now);

        Assert.Throws<InvalidStateException>(() => cycle.SetTierRule(TierRule.Default));
        Assert.Equal(new TierRule(40, 70, 90), cycle.TierRule);
    }

    private static readonly Guid Alpha = Ids[0];
    private static readonly Guid Beta = Ids[1];
    private static readonly Guid Gamma = Ids[2];

    private static PlanFacts Facts(IReadOnlySet<Guid>? targets) => new(
        new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31), Quarter.Split(new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31)),
        new Dictionary<Guid, string> { [Alpha] = "Alpha", [Beta] = "Beta", [Gamma] = "Gamma" }, new Dictionary<string, string>(),
        Segments: targets is null ? null : new Dictionary<string, string> { ["seg-1"] = "Mid-market manufacturers" }, TargetAccounts: targets);

    private static IReadOnlyList<PlanProblem> Warnings(PlanFacts facts, params SegmentRow[] rows) =>
        PlanChecks.Evaluate([new FilledSection("account-segmentation", "Accounts", SectionKind.AccountSegmentation, true, new SegmentationContent { Rows = [.. rows] })],
            facts, null).Warnings;

    [Fact]
    public void An_A_account_outside_the_target_segments_and_an_untiered_target_account_are_warnings_on_the_worksheet()
    {
        var warnings = Warnings(Facts(new HashSet<Guid> { Alpha, Beta }),
            new SegmentRow { AccountId = Alpha, Tier = "B" }, new SegmentRow { AccountId = Gamma, Tier = "A" });

        var offTarget = Assert.Single(warnings, w => w.Code == "a-account-off-target");
        Assert.Equal("account-segmentation", offTarget.SectionKey);
        Assert.Equal("1 A-tier account outside the strategy's target segments: Gamma.", offTarget.Message);
        var untiered = Assert.Single(warnings, w => w.Code == "target-account-untiered");
        Assert.Equal("1 target-segment account with no tier: Beta.", untiered.Message);
    }

    [Fact]
    public void Without_target_segments_there_is_nothing_to_warn_about()
    {
        var warnings = Warnings(Facts(null), new SegmentRow { AccountId = Gamma, Tier = "A" });

        Assert.DoesNotContain(warnings, w => w.Code is "a-account-off-target" or "target-account-untiered");
    }
}
