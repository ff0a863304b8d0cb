using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Auth;

public sealed class SigningInTests
{
    [Theory, BothDatabases]
    public async Task Api_login_returns_a_bearer_token_that_identifies_the_user(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var client = await app.ApiAsAsync("rep1@test.terrain");

        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me", TestContext.Current.CancellationToken);

        Assert.Equal(app.Org.Rep1.Id.ToString(), me.GetProperty("id").GetString());
        Assert.Equal("rep1@test.terrain", me.GetProperty("email").GetString());
        Assert.Equal("Rep One", me.GetProperty("displayName").GetString());
        Assert.Equal("Rep", me.GetProperty("role").GetString());
    }

    [Theory, BothDatabases]
    public async Task Wrong_credentials_get_401_with_a_problem(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var client = app.Anonymous();

        var wrongPassword = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "rep1@test.terrain", password = "nope-Nope-1234" }, TestContext.Current.CancellationToken);
        var unknownUser = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "ghost@test.terrain", password = TestOrg.Password }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal("application/problem+json", wrongPassword.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownUser.StatusCode);
    }

    [Theory, BothDatabases]
    public async Task Unauthenticated_api_calls_get_401_and_pages_redirect_to_login(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var client = app.Anonymous();

        var api = await client.GetAsync("/api/v1/me", TestContext.Current.CancellationToken);
        var page = await client.GetAsync("/Territory", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/Auth/Login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task Login_form_signs_in_with_a_cookie_and_rejects_a_post_without_antiforgery_token(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var browser = await app.BrowserAsAsync("manager1@test.terrain");
        var home = await browser.GetStringAsync("/", TestContext.Current.CancellationToken);
        Assert.Contains("Manager One", home, StringComparison.Ordinal);

        var forged = await app.Anonymous().PostAsync("/Auth/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = "manager1@test.terrain",
            ["Input.Password"] = TestOrg.Password,
        }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Theory, BothDatabases]
    public async Task A_refresh_token_gives_a_new_access_token_until_the_user_is_deactivated(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var client = app.Anonymous();
        var login = await (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "rep1@test.terrain", password = TestOrg.Password }, TestContext.Current.CancellationToken))
            .Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var refreshToken = login.GetProperty("refreshToken").GetString();

        var refreshed = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken }, TestContext.Current.CancellationToken);
        var token = (await refreshed.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("accessToken").GetString();
        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me") { Headers = { Authorization = new("Bearer", token) } };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(me, TestContext.Current.CancellationToken)).StatusCode);

        await app.WithDbAsync(async d =>
        {
            var rep = await d.Users.SingleAsync(u => u.Id == app.Org.Rep1.Id, TestContext.Current.CancellationToken);
            rep.Deactivate(0);
            return await d.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        var refused = await client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
