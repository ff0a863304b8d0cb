using Terrain.Domain;
using Terrain.Domain.Territories;
using Xunit;

namespace Terrain.Tests.Domain;

public sealed class AssignmentRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private static AssignmentRule Rule(int priority, string? postal = null, string? region = null, string? segment = null, string? industry = null) =>
        AssignmentRule.Create(new RuleConditions(postal, region, segment, industry), Guid.NewGuid(), priority, Now);

    [Fact]
    public void The_first_rule_in_priority_order_whose_every_condition_holds_wins()
    {
        var general = Rule(2, region: "West");
        var specific = Rule(1, postal: "941", segment: "smb");
        var other = Rule(3, industry: "Retail");
        var rules = new[] { other, general, specific };

        Assert.Same(specific, AssignmentRule.FirstMatch(rules, "94107", "West", "SMB", "Retail"));
        Assert.Same(general, AssignmentRule.FirstMatch(rules, "94107", "west", "Enterprise", "Retail"));
        Assert.Same(other, AssignmentRule.FirstMatch(rules, "10001", "East", "SMB", "retail"));
        Assert.Null(AssignmentRule.FirstMatch(rules, "10001", "East", "SMB", "Energy"));
    }

    [Fact]
    public void A_postal_condition_is_a_prefix_ignoring_spaces_and_case()
    {
        var rule = Rule(1, postal: "SW1");

        Assert.True(rule.Matches("sw1a 1aa", "", "", ""));
        Assert.False(rule.Matches("SE1 7PB", "", "", ""));
        Assert.Equal("postal code SW1…", rule.Describe());
    }

    [Fact]
    public void A_rule_without_a_condition_or_territory_is_refused_naming_the_field()
    {
        Assert.Equal("postalPrefix", Assert.Throws<DomainException>(() => Rule(1)).Field);
        Assert.Equal("territoryId", Assert.Throws<DomainException>(() =>
            AssignmentRule.Create(new RuleConditions(null, "West", null, null), Guid.Empty, 1, Now)).Field);
        Assert.Equal("priority", Assert.Throws<DomainException>(() => Rule(0, region: "West")).Field);
    }

    [Fact]
    public void Placing_an_account_makes_the_territorys_rep_its_owner_and_a_vacant_territory_leaves_it_unowned()
    {
        var leader = AppUser.Create("l@x.test", "Leader", Role.Leader, null, Now);
        var manager = AppUser.Create("m@x.test", "Manager", Role.Manager, leader, Now);
        var rep = AppUser.Create("rep@x.test", "Rep", Role.Rep, manager, Now);
        var account = Account.Create("A-1", new AccountDetails("Alpha", null, null, null, null, null, null, 10), null, Now);
        var covered = Territory.Create("West", rep, null, Now);
        var vacant = Territory.Create("East", null, new TerritoryBase("Boston", 42.36, -71.06), Now);

        Assert.True(account.PlaceIn(covered));
        Assert.Equal((rep.Id, (Guid?)covered.Id), (account.OwnerId!.Value, account.TerritoryId));
        Assert.False(account.PlaceIn(covered));
        Assert.True(account.PlaceIn(vacant));
        Assert.Equal((null, (Guid?)vacant.Id), (account.OwnerId, account.TerritoryId));
        Assert.Equal("repId", Assert.Throws<DomainException>(() => Territory.Create("North", manager, null, Now)).Field);
        Assert.Equal("baseLongitude", Assert.Throws<DomainException>(() => Territory.Create("North", null, new TerritoryBase(null, 10, null), Now)).Field);
    }
}
