using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Auth;

/// <summary>Sign-ins, failures, throttling, sign-outs, refreshes and password changes leave a trail that admins alone can read.</summary>
public sealed class SignInAuditTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, BothDatabases]
    public async Task Every_kind_of_sign_in_event_is_recorded_with_who_when_and_where(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var guesser = app.AnonymousFrom("203.0.113.9");
        for (var i = 0; i < 6; i++)
        {
            await SignInThrottlingTests.ApiLoginAsync(guesser, "rep1@test.terrain", "Wrong-password-1");
        }

        var rep = app.AnonymousFrom("198.51.100.20");
        var tokens = await (await SignInThrottlingTests.ApiLoginAsync(rep, "rep1@test.terrain", TestOrg.Password)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var refreshed = await (await rep.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() }, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct);
        rep.DefaultRequestHeaders.Authorization = new("Bearer", refreshed.GetProperty("accessToken").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await rep.PostAsync("/api/v1/auth/logout", null, Ct)).StatusCode);

        var admin = await app.ApiAsAsync("admin@test.terrain");
        var user = await admin.GetAsync($"/api/v1/users/{app.Org.Rep2.Id}", Ct);
        using (var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/users/{app.Org.Rep2.Id}") { Content = JsonContent.Create(new { password = "Brand-new-secret-42" }) })
        {
            patch.Headers.TryAddWithoutValidation("If-Match", user.Headers.ETag!.ToString());
            Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(patch, Ct)).StatusCode);
        }

        var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/sign-ins?pageSize=100", Ct);
        var events = page.GetProperty("items").EnumerateArray()
            .Select(e => (Kind: e.GetProperty("kind").GetString(), Email: e.GetProperty("email").GetString(), Client: e.GetProperty("client").GetString(),
                Channel: e.GetProperty("channel").GetString()))
            .Reverse().ToList();

        Assert.Equal(
        [
            ("Failed", "rep1@test.terrain", "203.0.113.9", "api"),
            ("Failed", "rep1@test.terrain", "203.0.113.9", "api"),
            ("Failed", "rep1@test.terrain", "203.0.113.9", "api"),
            ("Failed", "rep1@test.terrain", "203.0.113.9", "api"),
            ("Failed", "rep1@test.terrain", "203.0.113.9", "api"),
            ("Throttled", "rep1@test.terrain", "203.0.113.9", "api"),
            ("SignedIn", "rep1@test.terrain", "198.51.100.20", "api"),
            ("Refreshed", "rep1@test.terrain", "198.51.100.20", "api"),
            ("SignedOut", "rep1@test.terrain", "198.51.100.20", "api"),
            ("SignedIn", "admin@test.terrain", "unknown", "api"),
            ("PasswordChanged", "rep2@test.terrain", "unknown", "api"),
        ], events);
        Assert.Equal(11, page.GetProperty("total").GetInt32());
        Assert.All(page.GetProperty("items").EnumerateArray(), e => Assert.True(e.GetProperty("at").GetDateTimeOffset() == TestApp.Start));
    }

    [Theory, BothDatabases]
    public async Task Only_admins_read_the_trail_and_it_comes_in_pages(Db db)
    {
        var app = await TestApp.StartAsync(db);
        for (var i = 0; i < 7; i++)
        {
            await SignInThrottlingTests.ApiLoginAsync(app.AnonymousFrom($"203.0.113.{i + 1}"), "ghost@test.terrain", "Wrong-password-1");
        }

        var admin = await app.ApiAsAsync("admin@test.terrain");
        var second = await admin.GetFromJsonAsync<JsonElement>("/api/v1/sign-ins?page=2&pageSize=3&email=GHOST@test.terrain", Ct);
        Assert.Equal(7, second.GetProperty("total").GetInt32());
        Assert.Equal(["203.0.113.4", "203.0.113.3", "203.0.113.2"],
            second.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("client").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/sign-ins?pageSize=0", Ct)).StatusCode);

        var leader = await app.ApiAsAsync("leader@test.terrain");
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.GetAsync("/api/v1/sign-ins", Ct)).StatusCode);

        var browser = await app.BrowserAsAsync("admin@test.terrain");
        var html = await browser.GetStringAsync("/Admin/SignIns?email=ghost@test.terrain", Ct);
        var rows = new HtmlParser().ParseDocument(html).QuerySelectorAll("table.data tbody tr");
        Assert.Equal(7, rows.Length);
        Assert.Contains("203.0.113.7", rows[0].TextContent, StringComparison.Ordinal);
        var repPage = await (await app.BrowserAsAsync("rep1@test.terrain")).GetAsync("/Admin/SignIns", Ct);
        Assert.Equal(HttpStatusCode.Redirect, repPage.StatusCode);
        Assert.StartsWith("/Auth/Denied", repPage.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }
}
