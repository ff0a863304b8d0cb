using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Auth;

/// <summary>Signing out ends the session everywhere, and a refresh token works once (docs/decisions/0016).</summary>
public sealed class SessionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A client that keeps no cookies of its own: the test carries them, so it can replay an old one.</summary>
    private static HttpClient Bare(TestApp app) => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    private static string Cookies(HttpResponseMessage response, string? previous = null)
    {
        var jar = (previous ?? "").Split("; ", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Split('=', 2)).ToDictionary(c => c[0], c => c[1]);
        foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            var pair = header.Split(';')[0].Split('=', 2);
            jar[pair[0]] = pair[1];
        }

        return string.Join("; ", jar.Select(c => $"{c.Key}={c.Value}"));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string cookies, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("Cookie", cookies);
        return await client.SendAsync(request, Ct);
    }

    private static string Token(string html) =>
        new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

    [Theory, BothDatabases]
    public async Task After_signing_out_the_old_cookie_no_longer_works(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var client = Bare(app);
        var form = await client.GetAsync("/Auth/Login", Ct);
        var cookies = Cookies(form);
        var signedIn = await SendAsync(client, HttpMethod.Post, "/Auth/Login", cookies, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = "rep1@test.terrain",
            ["Input.Password"] = TestOrg.Password,
            ["__RequestVerificationToken"] = Token(await form.Content.ReadAsStringAsync(Ct)),
        }));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = Cookies(signedIn, cookies);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, "/", session)).StatusCode);

        var logoutPage = await SendAsync(client, HttpMethod.Get, "/Auth/Logout", session);
        var loggedOut = await SendAsync(client, HttpMethod.Post, "/Auth/Logout", session, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token(await logoutPage.Content.ReadAsStringAsync(Ct)),
        }));
        Assert.Equal(HttpStatusCode.Redirect, loggedOut.StatusCode);

        // The browser dropped the cookie; whoever kept a copy replays it, on this instance and on another.
        var replayed = await SendAsync(client, HttpMethod.Get, "/", session);
        await using var second = app.SecondInstance();
        var elsewhere = await SendAsync(Bare(second), HttpMethod.Get, "/Territory", session);

        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.StartsWith("/Auth/Login", replayed.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, elsewhere.StatusCode);
        Assert.StartsWith("/Auth/Login", elsewhere.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task Signing_out_on_one_device_leaves_the_others_signed_in(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var laptop = await app.BrowserAsAsync("rep1@test.terrain");
        var phone = await app.BrowserAsAsync("rep1@test.terrain");

        var token = await TestApp.AntiforgeryTokenAsync(laptop, "/Auth/Logout");
        await laptop.PostAsync("/Auth/Logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), Ct);

        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/", Ct)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task A_cookie_renewed_from_the_user_stays_in_its_session(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var browser = await app.BrowserAsAsync("rep1@test.terrain");

        // Past Identity's 30-minute revalidation, which issues a fresh cookie from the user's record.
        app.Clock.Advance(TimeSpan.FromMinutes(31));
        var renewed = await browser.GetAsync("/", Ct);
        var again = await browser.GetAsync("/Territory", Ct);

        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.True(renewed.Headers.Contains("Set-Cookie"), "the cookie was not renewed");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    private static async Task<JsonElement> TokensAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static Task<HttpResponseMessage> RefreshAsync(HttpClient client, JsonElement tokens) =>
        client.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.GetProperty("refreshToken").GetString() }, Ct);

    private static async Task<HttpStatusCode> MeAsync(HttpClient client, JsonElement tokens)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        return (await client.SendAsync(request, Ct)).StatusCode;
    }

    [Theory, BothDatabases]
    public async Task Api_sign_out_ends_the_access_token_and_the_refresh_token(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var client = app.Anonymous();
        var tokens = await TokensAsync(await SignInThrottlingTests.ApiLoginAsync(client, "rep1@test.terrain", TestOrg.Password));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(client, tokens));

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/logout");
        logout.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(logout, Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(client, tokens));
        Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(client, tokens)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task A_refresh_token_works_once_and_its_reuse_ends_the_whole_family(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var client = app.Anonymous();
        var first = await TokensAsync(await SignInThrottlingTests.ApiLoginAsync(client, "rep1@test.terrain", TestOrg.Password));
        var other = await TokensAsync(await SignInThrottlingTests.ApiLoginAsync(client, "rep1@test.terrain", TestOrg.Password));

        var second = await TokensAsync(await RefreshAsync(client, first));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(client, second));
        Assert.NotEqual(first.GetProperty("refreshToken").GetString(), second.GetProperty("refreshToken").GetString());

        // Someone replays the spent token: refused, and every token of that sign-in dies with it.
        Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(client, first)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(client, second)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(client, second));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(client, first));

        // Another sign-in of the same user is another family.
        Assert.Equal(HttpStatusCode.OK, await MeAsync(client, other));
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(client, other)).StatusCode);
        var kinds = await app.WithDbAsync(d => d.SignInEvents.OrderBy(e => e.Id).Select(e => e.Kind).ToListAsync(Ct));
        Assert.Contains(SignInEventKind.RefreshReused, kinds);
    }

    [Theory, BothDatabases]
    public async Task A_refresh_token_is_refused_once_the_user_is_deactivated(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var client = app.Anonymous();
        var tokens = await TokensAsync(await SignInThrottlingTests.ApiLoginAsync(client, "rep1@test.terrain", TestOrg.Password));

        await app.WithDbAsync(async d =>
        {
            var rep = await d.Users.SingleAsync(u => u.Id == app.Org.Rep1.Id, Ct);
            rep.Deactivate(0);
            return await d.SaveChangesAsync(Ct);
        });

        Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(client, tokens)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(client, tokens));
    }
}
