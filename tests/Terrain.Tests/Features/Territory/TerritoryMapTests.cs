using System.Net.Http.Json;
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

    private static List<(string? Name, bool Vacant, int Accounts, decimal Potential, int Colour)> Territories(JsonElement points) =>
        points.GetProperty("territories").EnumerateArray()
            .Select(t => (t.GetProperty("name").GetString(), t.GetProperty("vacant").GetBoolean(), t.GetProperty("accounts").GetInt32(),
                t.GetProperty("potential").GetDecimal(), t.GetProperty("colour").GetInt32()))
            .ToList();

    [Theory, BothDatabases]
    public async Task Territories_carry_their_figures_and_a_colour_and_the_unassigned_accounts_come_last_in_grey(Db db)
    {
        var app = await TestApp.StartAsync(db);

        var points = await PointsAsync(app, "leader@test.terrain");

        Assert.Equal([("Rep One's territory", false, 3, 175_000m, 0), ("Rep Three's territory", false, 2, 210_000m, 1), ("Rep Two's territory", false, 2, 135_000m, 2),
            ("Unassigned", false, 1, 5_000m, -1)], Territories(points));
        var zeta = points.GetProperty("accounts").EnumerateArray().Single(a => a[1].GetString() == "Zeta Bank");
        Assert.Equal(1, zeta[5].GetInt32());
        Assert.Equal(8, points.GetProperty("total").GetInt32());
    }

    [Theory, BothDatabases]
    public async Task The_map_colours_by_territory_so_a_vacant_territory_shows_under_its_own_name_with_its_accounts(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var api = await app.ApiAsAsync("leader@test.terrain");
        var spare = JsonDocument.Parse(await (await api.PostAsJsonAsync("/api/v1/territories", new { name = "Spare" }, Ct)).Content.ReadAsStringAsync(Ct))
            .RootElement.GetProperty("id").GetGuid();
        await api.PostAsJsonAsync("/api/v1/territories", new { name = "Empty" }, Ct);
        var theta = app.Org.Accounts.Single(a => a.Name == "Theta Unassigned").Id;
        var moved = await api.PostAsJsonAsync("/api/v1/accounts/assignments", new { accountIds = new[] { theta }, territoryId = spare }, Ct);
        Assert.True(moved.IsSuccessStatusCode, await moved.Content.ReadAsStringAsync(Ct));

        var points = await PointsAsync(app, "leader@test.terrain");
        var html = await (await app.BrowserAsAsync("leader@test.terrain")).GetStringAsync("/Territory/Map", Ct);

        Assert.Equal([("Empty", true, 0, 0m, 0), ("Rep One's territory", false, 3, 175_000m, 1), ("Rep Three's territory", false, 2, 210_000m, 2),
            ("Rep Two's territory", false, 2, 135_000m, 3), ("Spare", true, 1, 5_000m, 4)], Territories(points));
        Assert.Equal(4, points.GetProperty("accounts").EnumerateArray().Single(a => a[1].GetString() == "Theta Unassigned")[5].GetInt32());
        var rows = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html).QuerySelectorAll("table.territory-figures tbody tr")
            .Select(r => string.Join("|", r.Children.Take(2).Select(c => string.Join(" ", c.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))))
            .ToList();
        Assert.Equal(["Empty Vacant|0", "Rep One's territory Rep One|3", "Rep Three's territory Rep Three|2", "Rep Two's territory Rep Two|2", "Spare Vacant|1"], rows);
        Assert.DoesNotContain("Nobody", html);
    }

    [Theory, BothDatabases]
    public async Task A_rep_maps_their_own_territory_only(Db db)
    {
        var app = await TestApp.StartAsync(db);

        var points = await PointsAsync(app, "rep1@test.terrain");

        Assert.Equal([("Rep One's territory", false, 3, 175_000m, 0)], Territories(points));
    }

    [Theory, BothDatabases]
    public async Task The_page_holds_the_same_figures_as_a_table_and_filters_by_segment(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.BrowserAsAsync("leader@test.terrain");

        var html = await leader.GetStringAsync("/Territory/Map", Ct);
        var none = await PointsAsync(app, "leader@test.terrain", "&segment=Enterprise");

        Assert.Contains("Rep Three&#x27;s territory", html);
        Assert.Contains("$210,000", html);
        Assert.Contains("$525,000", html);
        Assert.Contains("id=\"territory-map\"", html);
        Assert.Empty(none.GetProperty("accounts").EnumerateArray());
    }
}
