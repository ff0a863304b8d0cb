using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Terrain.Domain;
using Terrain.Features.Territory;
using Terrain.Infrastructure.Web;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Territory;

/// <summary>
/// The map's gaps closed (issue 13 §1, §2, bad input): large selections move in one form field, a tile server only when
/// configured (and then exactly its origin in the CSP), accounts placed by ZIP code when they have no coordinates, and a
/// deactivated rep's territory left vacant.
/// </summary>
public sealed class TerritoryMapGapsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, BothDatabases]
    public async Task A_map_selection_of_1500_accounts_moves_with_their_ids_in_one_form_field(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var o = app.Org;
        var ids = await app.WithDbAsync(async d =>
        {
            var accounts = Enumerable.Range(1, 1_500)
                .Select(i => Account.Create($"BULK-{i:D4}", new AccountDetails($"Bulk {i:D4}", null, null, null, null, 40 + i / 1000.0, -74, 1_000), null, TestApp.Start))
                .ToList();
            d.Accounts.AddRange(accounts);
            await d.SaveChangesAsync(Ct);
            return accounts.Select(a => a.Id).ToList();
        });
        var leader = await app.BrowserAsAsync("leader@test.terrain");
        var token = await TestApp.AntiforgeryTokenAsync(leader, "/Territory/Map");
        var target = o.TerritoryOf[o.Rep2.Id].Id;

        using var response = await leader.PostAsync("/Territory?handler=Move", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["idList"] = string.Join(",", ids),
            ["territoryId"] = target.ToString(),
            ["__RequestVerificationToken"] = token,
        }), Ct);

        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1_500, await app.WithDbAsync(d => d.Accounts.CountAsync(a => a.ExternalId.StartsWith("BULK-") && a.TerritoryId == target && a.OwnerId == o.Rep2.Id, Ct)));
    }

    [Theory, BothDatabases]
    public async Task The_no_script_table_still_posts_one_field_per_account(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var o = app.Org;
        var leader = await app.BrowserAsAsync("leader@test.terrain");
        var token = await TestApp.AntiforgeryTokenAsync(leader, "/Territory");
        var moving = o.Accounts.Where(a => a.OwnerId == o.Rep1.Id).Select(a => a.Id).ToList();

        using var response = await leader.PostAsync("/Territory?handler=Move", new FormUrlEncodedContent(
            moving.Select(id => new KeyValuePair<string, string>("ids", id.ToString()))
                .Append(new("territoryId", o.TerritoryOf[o.Rep3.Id].Id.ToString()))
                .Append(new("__RequestVerificationToken", token))), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(3, await app.WithDbAsync(d => d.Accounts.CountAsync(a => moving.Contains(a.Id) && a.OwnerId == o.Rep3.Id, Ct)));
    }

    [Fact]
    public void Ids_in_one_field_are_bounded_and_a_bad_one_is_named()
    {
        var one = Guid.NewGuid();
        Assert.Equal([one, one], AccountAssignments.ParseIds([one], $"\n{one},, "));

        var tooMany = string.Join(",", Enumerable.Range(0, AccountAssignments.MaxAccounts + 1).Select(_ => "x"));
        var bound = Assert.Throws<DomainException>(() => AccountAssignments.ParseIds(null, tooMany));
        var bad = Assert.Throws<DomainException>(() => AccountAssignments.ParseIds(null, $"{one},not-an-id"));

        Assert.Equal("accountIds", bound.Field);
        Assert.Contains("50,000", bound.Message);
        Assert.Equal("accountIds", bad.Field);
        Assert.Contains("'not-an-id' is not an account id", bad.Message);
    }

    [Theory, BothDatabases]
    public async Task By_default_the_content_security_policy_allows_images_from_the_app_only(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.BrowserAsAsync("leader@test.terrain");

        using var response = await leader.GetAsync("/Territory/Map", Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Contains("img-src 'self' data:;", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("data-tile-url=\"\"", html);
    }

    [Fact]
    public void A_configured_tile_server_is_the_one_other_origin_images_may_come_from()
    {
        static IConfiguration Config(string? url) => new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Terrain:Map:TileUrl"] = url, ["Terrain:Map:TileAttribution"] = "© Tiles Inc." }).Build();

        var policy = SecurityHeaders.PagePolicy(Config("https://tiles.example:8443/osm/{z}/{x}/{y}.png"));
        var tiles = MapTiles.From(Config("https://tiles.example:8443/osm/{z}/{x}/{y}.png"))!;

        Assert.Contains("img-src 'self' data: https://tiles.example:8443;", policy);
        Assert.Contains("connect-src 'self';", policy);
        Assert.Equal(("https://tiles.example:8443/osm/{z}/{x}/{y}.png", "© Tiles Inc."), (tiles.Url, tiles.Attribution));
        Assert.Contains("img-src 'self' data:;", SecurityHeaders.PagePolicy(Config(null)));
        Assert.Throws<InvalidOperationException>(() => MapTiles.From(Config("https://{s}.tiles.example/{z}/{x}/{y}.png")));
        Assert.Throws<InvalidOperationException>(() => MapTiles.From(Config("tiles.example/{z}/{x}/{y}.png")));
        Assert.Throws<InvalidOperationException>(() => MapTiles.From(Config("https://tiles.example/{z}/{x}.png")));
    }

    [Fact]
    public void Zip_centroids_ship_with_the_app()
    {
        Assert.True(ZipCentroids.Count > 40_000);
        var (lat, lon) = ZipCentroids.Locate("10001")!.Value;
        Assert.InRange(lat, 40.6, 40.9);
        Assert.InRange(lon, -74.1, -73.9);
        Assert.Equal(ZipCentroids.Locate("10001"), ZipCentroids.Locate(" 10001-2345 "));
        Assert.Null(ZipCentroids.Locate("10115x"));
        Assert.Null(ZipCentroids.Locate("SW1A 1AA"));
        Assert.Null(ZipCentroids.Locate("00000"));
    }

    [Theory, BothDatabases]
    public async Task An_imported_account_without_coordinates_is_placed_at_its_zip_code_approximately_and_the_rest_are_listed(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        var csv = """
            external_id,name,postal_code,latitude,longitude,potential,owner_email
            ZIP-1,Placed By Zip,10001,,,1000,rep1@test.terrain
            ZIP-2,Given Coordinates,10001,41.5,-72.5,2000,rep1@test.terrain
            ZIP-3,Nowhere Known,SW1A 1AA,,,3000,rep1@test.terrain
            """;

        using var response = await admin.PostAsync("/api/v1/imports/accounts", new StringContent(csv, Encoding.UTF8, "text/csv"), Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        using var again = await admin.PostAsync("/api/v1/imports/accounts",
            new StringContent("external_id,name,postal_code,potential\nZIP-1,Placed By Zip,10001,1000\n", Encoding.UTF8, "text/csv"), Ct);
        var report = JsonDocument.Parse(await again.Content.ReadAsStringAsync(Ct)).RootElement;

        var accounts = await app.WithDbAsync(d => d.Accounts.AsNoTracking().Where(a => a.ExternalId.StartsWith("ZIP-")).ToDictionaryAsync(a => a.ExternalId, Ct));
        Assert.Equal(LocationSource.PostalCode, accounts["ZIP-1"].LocationSource);
        Assert.InRange(accounts["ZIP-1"].Latitude!.Value, 40.6, 40.9);
        Assert.Equal((LocationSource.Given, 41.5, -72.5), (accounts["ZIP-2"].LocationSource, accounts["ZIP-2"].Latitude!.Value, accounts["ZIP-2"].Longitude!.Value));
        Assert.Equal((LocationSource.Given, (double?)null), (accounts["ZIP-3"].LocationSource, accounts["ZIP-3"].Latitude));
        Assert.Equal(1, report.GetProperty("unchanged").GetInt32());

        var leader = await app.BrowserAsAsync("leader@test.terrain");
        var accountPage = await leader.GetStringAsync($"/Territory/Account/{accounts["ZIP-1"].Id}", Ct);
        var map = await leader.GetStringAsync("/Territory/Map", Ct);
        var points = JsonDocument.Parse(await leader.GetStringAsync("/Territory/Map?handler=Points", Ct)).RootElement;

        Assert.Contains("Approximately, at the centre of its ZIP code", accountPage);
        Assert.Equal(1, points.GetProperty("accounts").EnumerateArray().Single(a => a[1].GetString() == "Placed By Zip")[6].GetInt32());
        Assert.Equal(0, points.GetProperty("accounts").EnumerateArray().Single(a => a[1].GetString() == "Given Coordinates")[6].GetInt32());
        Assert.Contains("Not on the map: 1", map);
        Assert.Contains($"href=\"/Territory/Account/{accounts["ZIP-3"].Id}\">Nowhere Known</a>", map);
        Assert.Contains("(1 approx.)", map);
    }

    [Theory, BothDatabases]
    public async Task Deactivating_a_rep_leaves_their_territory_vacant_with_its_accounts_recorded_and_audited(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var o = app.Org;
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var etag = (await admin.GetAsync($"/api/v1/users/{o.Rep2.Id}", Ct)).Headers.ETag!.ToString();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/users/{o.Rep2.Id}") { Content = JsonContent.Create(new { isActive = false }) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);

        using var response = await admin.SendAsync(request, Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var territoryId = o.TerritoryOf[o.Rep2.Id].Id;
        var (territory, accounts, moves, audit) = await app.WithDbAsync(async d => (
            await d.Territories.AsNoTracking().SingleAsync(t => t.Id == territoryId, Ct),
            await d.Accounts.AsNoTracking().Where(a => a.TerritoryId == territoryId).Select(a => a.OwnerId).ToListAsync(Ct),
            await d.AccountAssignments.AsNoTracking().Where(m => m.ToTerritoryId == territoryId && m.Source == Terrain.Domain.Territories.AssignmentSource.RepChange)
                .Select(m => m.EffectiveFrom).ToListAsync(Ct),
            await d.AuditEntries.AsNoTracking().Where(e => e.Action == "territory.vacated" && e.EntityId == territoryId.ToString()).Select(e => e.Details).ToListAsync(Ct)));
        Assert.Null(territory.RepId);
        Assert.Equal([null, null], accounts);
        Assert.Equal([DateOnly.FromDateTime(TestApp.Start.UtcDateTime), DateOnly.FromDateTime(TestApp.Start.UtcDateTime)], moves);
        Assert.Contains("rep deactivated", Assert.Single(audit));

        var points = JsonDocument.Parse(await (await app.BrowserAsAsync("leader@test.terrain")).GetStringAsync("/Territory/Map?handler=Points", Ct)).RootElement;
        var shown = points.GetProperty("territories").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "Rep Two's territory");
        Assert.True(shown.GetProperty("vacant").GetBoolean());
        Assert.Equal(2, shown.GetProperty("accounts").GetInt32());
    }
}
