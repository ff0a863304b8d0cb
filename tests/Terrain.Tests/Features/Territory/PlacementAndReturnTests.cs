using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Domain.Territories;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Territory;

/// <summary>
/// ADR 0048: accounts stored without coordinates are placed by their ZIP code on demand, and a reactivated rep gets back
/// the territory their deactivation vacated when it is still vacant, on both databases.
/// </summary>
public sealed class PlacementAndReturnTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, BothDatabases]
    public async Task Accounts_stored_without_coordinates_are_placed_at_their_zip_centroid_once_and_audited(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await app.WithDbAsync(async d =>
        {
            // Stored as before the centroids shipped: no locator, so no coordinates.
            d.Accounts.AddRange(
                Account.Create("OLD-1", new AccountDetails("Old Cambridge", null, null, null, "02139", null, null, 1_000), null, TestApp.Start),
                Account.Create("OLD-2", new AccountDetails("Old Nowhere", null, null, null, "00000", null, null, 1_000), null, TestApp.Start),
                Account.Create("OLD-3", new AccountDetails("Old Given", null, null, null, "02139", 10, 20, 1_000), null, TestApp.Start));
            return await d.SaveChangesAsync(Ct);
        });
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var leader = await app.ApiAsAsync("leader@test.terrain");

        Assert.Equal(HttpStatusCode.Forbidden, (await rep.PostAsync("/api/v1/accounts/place-by-postal-code", null, Ct)).StatusCode);
        var first = await (await leader.PostAsync("/api/v1/accounts/place-by-postal-code", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var second = await (await leader.PostAsync("/api/v1/accounts/place-by-postal-code", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.True(first.GetProperty("placed").GetInt32() >= 1, first.ToString());
        Assert.Equal(0, second.GetProperty("placed").GetInt32());
        Assert.Equal(first.GetProperty("stillWithoutPlace").GetInt32(), second.GetProperty("stillWithoutPlace").GetInt32());
        var accounts = await app.WithDbAsync(d => d.Accounts.AsNoTracking().Where(a => a.ExternalId.StartsWith("OLD-")).ToDictionaryAsync(a => a.ExternalId, Ct));
        Assert.Equal(LocationSource.PostalCode, accounts["OLD-1"].LocationSource);
        Assert.NotNull(accounts["OLD-1"].Latitude);
        Assert.Null(accounts["OLD-2"].Latitude);
        Assert.Equal((10d, 20d, LocationSource.Given), (accounts["OLD-3"].Latitude!.Value, accounts["OLD-3"].Longitude!.Value, accounts["OLD-3"].LocationSource));
        var audit = await app.WithDbAsync(d => d.AuditEntries.AsNoTracking().Where(e => e.Action == "accounts.placed-by-postal-code").Select(e => e.Details).ToListAsync(Ct));
        Assert.Contains(accounts["OLD-1"].Id.ToString(), Assert.Single(audit), StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task The_map_places_them_from_its_not_on_the_map_list(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await app.WithDbAsync(async d =>
        {
            d.Accounts.Add(Account.Create("OLD-1", new AccountDetails("Old Cambridge", null, null, null, "02139-4307", null, null, 1_000), null, TestApp.Start));
            return await d.SaveChangesAsync(Ct);
        });
        var leader = await app.BrowserAsAsync("leader@test.terrain");
        var page = await leader.GetStringAsync("/Territory/Map", Ct);
        Assert.Contains("Place them by ZIP code", page, StringComparison.Ordinal);
        var token = await TestApp.AntiforgeryTokenAsync(leader, "/Territory/Map");

        using var response = await leader.PostAsync("/Territory/Map?handler=PlaceByPostalCode",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(LocationSource.PostalCode, await app.WithDbAsync(d => d.Accounts.Where(a => a.ExternalId == "OLD-1").Select(a => a.LocationSource).SingleAsync(Ct)));
        Assert.Contains("Placed 1 account", await leader.GetStringAsync(response.Headers.Location!.OriginalString, Ct), StringComparison.Ordinal);
    }

    private static async Task SetActiveAsync(TestApp app, HttpClient admin, Guid id, bool active)
    {
        var etag = (await admin.GetAsync($"/api/v1/users/{id}", Ct)).Headers.ETag!.ToString();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/users/{id}") { Content = JsonContent.Create(new { isActive = active }) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        using var response = await admin.SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory, BothDatabases]
    public async Task A_reactivated_rep_gets_back_the_territory_still_vacant_with_its_accounts_and_is_told(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var o = app.Org;
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var territoryId = o.TerritoryOf[o.Rep2.Id].Id;

        await SetActiveAsync(app, admin, o.Rep2.Id, false);
        await SetActiveAsync(app, admin, o.Rep2.Id, true);

        var (territory, owners, restored, told) = await app.WithDbAsync(async d => (
            await d.Territories.AsNoTracking().SingleAsync(t => t.Id == territoryId, Ct),
            await d.Accounts.AsNoTracking().Where(a => a.TerritoryId == territoryId).Select(a => a.OwnerId).ToListAsync(Ct),
            await d.AuditEntries.AsNoTracking().Where(e => e.Action == "territory.restored" && e.EntityId == territoryId.ToString()).Select(e => e.Details).ToListAsync(Ct),
            await d.Notifications.AsNoTracking().CountAsync(n => n.UserId == o.Rep2.Id && n.Key.StartsWith("territory-restored:"), Ct)));
        Assert.Equal(o.Rep2.Id, territory.RepId);
        Assert.Equal([o.Rep2.Id, o.Rep2.Id], owners);
        Assert.Contains("rep reactivated", Assert.Single(restored), StringComparison.Ordinal);
        Assert.Equal(1, told);
        Assert.Equal(2, await app.WithDbAsync(d => d.AccountAssignments.CountAsync(m => m.ToTerritoryId == territoryId && m.Source == AssignmentSource.RepChange
            && m.ToRepId == o.Rep2.Id, Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_reactivated_rep_whose_territory_was_given_to_another_is_left_without_one_and_the_leaders_are_told(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var o = app.Org;
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var territoryId = o.TerritoryOf[o.Rep2.Id].Id;
        await SetActiveAsync(app, admin, o.Rep2.Id, false);
        await app.WithDbAsync(async d =>
        {
            var manager = await d.Users.SingleAsync(u => u.Id == o.Manager1.Id, Ct);
            var rep4 = TestOrg.User("rep4@test.terrain", "Rep Four", Role.Rep, manager, TestApp.Start);
            d.Users.Add(rep4);
            var territory = await d.Territories.SingleAsync(t => t.Id == territoryId, Ct);
            territory.Change(territory.Name, rep4, new TerritoryBase(territory.BaseAddress, territory.BaseLatitude, territory.BaseLongitude));
            return await d.SaveChangesAsync(Ct);
        });

        await SetActiveAsync(app, admin, o.Rep2.Id, true);

        Assert.False(await app.WithDbAsync(d => d.Territories.AnyAsync(t => t.RepId == o.Rep2.Id, Ct)));
        Assert.Equal(0, await app.WithDbAsync(d => d.AuditEntries.CountAsync(e => e.Action == "territory.restored", Ct)));
        var told = await app.WithDbAsync(d => d.Notifications.AsNoTracking().Where(n => n.UserId == o.Leader.Id && n.Key.StartsWith("rep-without-territory:"))
            .Select(n => n.Body).ToListAsync(Ct));
        Assert.Contains("Rep Four", Assert.Single(told), StringComparison.Ordinal);
    }
}
