using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Api;

/// <summary>
/// With an https public address, a plain-http request never gets a page (it is redirected to the public address) and
/// browsers are told to stay on https; cookies are Secure whatever the request. The demo over http is unchanged.
/// </summary>
public sealed class HttpsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpRequestMessage Get(string path, bool viaHttpsProxy)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (viaHttpsProxy)
        {
            // The balancer on loopback terminated TLS; the host is the public one (HSTS is never sent for localhost).
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Host = "terrain.example";
        }

        return request;
    }

    [Fact]
    public async Task An_https_public_url_redirects_plain_http_to_it_sends_hsts_and_secures_cookies()
    {
        await using var app = await KestrelApp.StartAsync("--Terrain:PublicUrl=https://terrain.example/", "--Terrain:BehindProxy=true");
        using var client = app.Client();

        var plain = await client.SendAsync(Get("/Auth/Login?returnUrl=%2F", viaHttpsProxy: false), Ct);
        var spoofedHost = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = "evil.example" } }, Ct);
        var health = await client.SendAsync(Get("/health", viaHttpsProxy: false), Ct);
        var secure = await client.SendAsync(Get("/Auth/Login", viaHttpsProxy: true), Ct);

        Assert.Equal(HttpStatusCode.PermanentRedirect, plain.StatusCode);
        Assert.Equal("https://terrain.example/Auth/Login?returnUrl=%2F", plain.Headers.Location?.ToString());
        Assert.Equal("https://terrain.example/", spoofedHost.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
        Assert.StartsWith("max-age=31536000", secure.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        var antiforgery = secure.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("terrain.af", StringComparison.Ordinal));
        Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(CookieSecurePolicy.Always, app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(IdentityConstants.ApplicationScheme).Cookie.SecurePolicy);
        Assert.Equal(CookieSecurePolicy.Always, app.Services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.SecurePolicy);
    }

    [Fact]
    public async Task Without_an_https_public_url_plain_http_works_as_before()
    {
        await using var app = await KestrelApp.StartAsync();
        using var client = app.Client();

        var page = await client.SendAsync(Get("/Auth/Login", viaHttpsProxy: false), Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.False(page.Headers.Contains("Strict-Transport-Security"));
        var antiforgery = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("terrain.af", StringComparison.Ordinal));
        Assert.DoesNotContain("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
    }
}
