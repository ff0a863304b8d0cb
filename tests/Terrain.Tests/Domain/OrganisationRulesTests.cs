using Terrain.Domain;
using Terrain.Features.Imports;
using Xunit;

namespace Terrain.Tests.Domain;

public sealed class OrganisationRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private static AppUser Leader() => AppUser.Create("leader@x.test", "Leader", Role.Leader, null, Now);

    private static AppUser Manager(AppUser? over = null) => AppUser.Create("manager@x.test", "Manager", Role.Manager, over ?? Leader(), Now);

    [Fact]
    public void A_rep_must_have_a_manager()
    {
        var error = Assert.Throws<DomainException>(() => AppUser.Create("rep@x.test", "Rep", Role.Rep, null, Now));
        Assert.Equal("managerEmail", error.Field);
    }

    [Fact]
    public void A_rep_reports_to_a_manager_not_to_a_leader_or_another_rep()
    {
        var manager = Manager();
        var rep = AppUser.Create("rep@x.test", "Rep", Role.Rep, manager, Now);

        Assert.Equal(manager.Id, rep.ManagerId);
        Assert.Throws<DomainException>(() => AppUser.Create("rep2@x.test", "Rep", Role.Rep, Leader(), Now));
        Assert.Throws<DomainException>(() => AppUser.Create("rep3@x.test", "Rep", Role.Rep, rep, Now));
    }

    [Fact]
    public void Nobody_manages_themselves_or_closes_a_reporting_loop()
    {
        var top = Manager();
        var middle = AppUser.Create("middle@x.test", "Middle", Role.Manager, top, Now);

        Assert.Throws<DomainException>(() => top.Update("Top", Role.Manager, top));
        Assert.Throws<DomainException>(() => top.Update("Top", Role.Manager, middle));
    }

    [Fact]
    public void A_deactivated_manager_takes_no_new_reports()
    {
        var manager = Manager();
        manager.Deactivate(0);

        Assert.Throws<DomainException>(() => AppUser.Create("rep@x.test", "Rep", Role.Rep, manager, Now));
    }

    [Theory]
    [InlineData("Rep@Example.COM ", "rep@example.com")]
    [InlineData("a.b+c@x.io", "a.b+c@x.io")]
    public void Emails_are_trimmed_and_lower_cased(string input, string expected) =>
        Assert.Equal(expected, OrgRules.NormalizeEmail(input));

    [Theory]
    [InlineData("")]
    [InlineData("not-an-email")]
    [InlineData("two@@x.io")]
    [InlineData("Name <a@x.io>")]
    public void Invalid_emails_are_refused(string input) =>
        Assert.Equal("email", Assert.Throws<DomainException>(() => OrgRules.NormalizeEmail(input)).Field);

    [Theory]
    [InlineData("rep", Role.Rep)]
    [InlineData("Sales Leader", Role.Leader)]
    [InlineData("ADMIN", Role.Admin)]
    [InlineData("manager", Role.Manager)]
    public void Roles_parse_leniently(string text, Role expected)
    {
        Assert.True(Roles.TryParse(text, out var role));
        Assert.Equal(expected, role);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("Wizard")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_roles_do_not_parse(string? text) => Assert.False(Roles.TryParse(text, out _));

    [Theory]
    [InlineData("external_id")]
    [InlineData("External ID")]
    [InlineData("ExternalId")]
    [InlineData("external-id")]
    [InlineData("\uFEFFexternal_id")]
    public void Csv_headers_normalize_to_one_name(string header) =>
        Assert.Equal("externalid", CsvColumn.Normalize(header));
}

public sealed class AccountRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private static AccountDetails Details(decimal potential = 1000, double? lat = null, double? lon = null, string name = "Acme") =>
        new(name, "Retail", "SMB", "North", "10115", lat, lon, potential);

    [Fact]
    public void A_negative_potential_is_refused_naming_the_field() =>
        Assert.Equal("potential", Assert.Throws<DomainException>(() => Account.Create("A-1", Details(potential: -1), null, Now)).Field);

    [Theory]
    [InlineData(91.0, 0.0, "latitude")]
    [InlineData(0.0, 181.0, "longitude")]
    [InlineData(10.0, null, "longitude")]
    [InlineData(null, 10.0, "latitude")]
    public void Coordinates_must_be_on_earth_and_come_in_pairs(double? lat, double? lon, string field) =>
        Assert.Equal(field, Assert.Throws<DomainException>(() => Account.Create("A-1", Details(lat: lat, lon: lon), null, Now)).Field);

    [Fact]
    public void Only_a_rep_owns_accounts()
    {
        var leader = AppUser.Create("leader@x.test", "Leader", Role.Leader, null, Now);
        Assert.Equal("ownerEmail", Assert.Throws<DomainException>(() => Account.Create("A-1", Details(), leader, Now)).Field);
    }

    [Fact]
    public void An_update_with_the_same_values_changes_nothing()
    {
        var account = Account.Create("A-1", Details(), null, Now);
        var version = account.Version;

        Assert.False(account.Update(Details(), null));
        Assert.Equal(version, account.Version);
        Assert.True(account.Update(Details(potential: 2000), null));
        Assert.NotEqual(version, account.Version);
    }

    [Fact]
    public void A_potential_beyond_what_the_databases_hold_is_refused() =>
        Assert.Equal("potential", Assert.Throws<DomainException>(() => Account.Create("A-1", Details(potential: 79228162514264337593543950335m), null, Now)).Field);

    [Theory]
    [InlineData("Multi\nLine")]
    [InlineData("Tab\there")]
    public void Names_with_line_breaks_or_control_characters_are_refused(string name) =>
        Assert.Equal("name", Assert.Throws<DomainException>(() => Account.Create("A-1", Details(name: name), null, Now)).Field);

    [Fact]
    public void Names_are_trimmed_and_required() =>
        Assert.Equal("name", Assert.Throws<DomainException>(() => Account.Create("A-1", Details(name: "  "), null, Now)).Field);
}
