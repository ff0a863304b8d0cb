using System.Text.Json;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Territory;

/// <summary>
/// The territory map: its points are the accounts one may see (a rep their own, a manager their team's, a leader
/// everyone's), each with its territory's colour, and the table beside it holds the same figures, summed in SQL.
/// </summary>
public sealed class TerritoryMapTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> PointsAsync(TestApp app, string email, string query = "")
    {
        var client = await app.BrowserAsAsync(email);
        var json = await client.GetStringAsync("/Territory/Map?handler=Points" + query, Ct);
        return JsonDocument.Parse(json).RootElement;
    }

    private static List<string> Names(JsonElement points) =>
        points.GetProperty("accounts").EnumerateArray().Select(a => a[1].GetString()!).Order().ToList();

    [Theory, BothDatabases]
    public async Task Each_person_maps_only_the_accounts_they_may_see(Db db)
    {
        var app = await TestApp.StartAsync(db);

        Assert.Equal(["Alpha Manufacturing", "Beta Health", "Gamma Retail"], Names(await PointsAsync(app, "rep1@test.terrain")));
        Assert.Equal(["Alpha Manufacturing", "Beta Health", "Delta Logistics", "Epsilon Energy", "Gamma Retail"],
            Names(await PointsAsync(app, "manager1@test.terrain")));
        Assert.Equal(8, Names(await PointsAsync(app, "leader@test.terrain")).Count);
    }

    [Theory, BothDatabases]
    public async Task Territories_carry_their_figures_and_a_colour_and_nobodys_accounts_come_last_in_grey(Db db)
    {
        var app = await TestApp.StartAsync(db);

        var points = await PointsAsync(app, "leader@test.terrain");

        var territories = points.GetProperty("territories").EnumerateArray()
            .Select(t => (Name: t.GetProperty("name").GetString(), Accounts: t.GetProperty("accounts").GetInt32(),
                Potential: t.GetProperty("potential").GetDecimal(), Colour: t.GetProperty("colour").GetInt32()))
            .ToList();
        Assert.Equal([("Rep One", 3, 175_000m, 0), ("Rep Three", 2, 210_000m, 1), ("Rep Two", 2, 135_000m, 2), ("Nobody (unassigned)", 1, 5_000m, -1)],
            territories);
        var zeta = points.GetProperty("accounts").EnumerateArray().Single(a => a[1].GetString() == "Zeta Bank");
        Assert.Equal(1, zeta[5].GetInt32());
        Assert.Equal(8, points.GetProperty("total").GetInt32());
    }

    [Theory, BothDatabases]
    public async Task The_page_holds_the_same_figures_as_a_table_and_filters_by_segment(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.BrowserAsAsync("leader@test.terrain");

        var html = await leader.GetStringAsync("/Territory/Map", Ct);
        var none = await PointsAsync(app, "leader@test.terrain", "&segment=Enterprise");

        Assert.Contains("Rep Three", html);
        Assert.Contains("$210,000", html);
        Assert.Contains("$525,000", html);
        Assert.Contains("id=\"territory-map\"", html);
        Assert.Empty(none.GetProperty("accounts").EnumerateArray());
    }
}
