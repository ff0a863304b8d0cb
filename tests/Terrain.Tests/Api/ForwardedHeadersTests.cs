using System.Net;
using System.Net.Http.Json;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Api;

/// <summary>
/// Behind a proxy, X-Forwarded-For names the client only when a trusted proxy sent it. On real Kestrel, where the
/// connection has a real remote address (127.0.0.1).
/// </summary>
public sealed class ForwardedHeadersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Wrong sign-ins, each claiming another client address; the statuses in order.</summary>
    private static async Task<List<HttpStatusCode>> SpoofedSignInsAsync(KestrelApp app, int count)
    {
        using var client = app.Client();
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login")
            {
                Content = JsonContent.Create(new { email = $"nobody{i}@kestrel.terrain", password = "Wrong-password-1" }),
            };
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i}");
            statuses.Add((await client.SendAsync(request, Ct)).StatusCode);
        }

        return statuses;
    }

    [Fact]
    public async Task A_client_that_is_not_a_known_proxy_cannot_escape_the_login_rate_limit_by_spoofing_its_address()
    {
        // The proxy is elsewhere; this test's connection from 127.0.0.1 is a client talking directly.
        await using var app = await KestrelApp.StartAsync("--Terrain:BehindProxy=true", "--Terrain:KnownProxies=10.9.8.7",
            "--Terrain:KnownNetworks=10.20.0.0/16", "--Terrain:LoginAttemptsPerMinute=3");

        var statuses = await SpoofedSignInsAsync(app, 4);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task A_known_proxy_still_names_the_client()
    {
        // Loopback is trusted when no proxy is configured: here the "proxy" forwards four different clients.
        await using var app = await KestrelApp.StartAsync("--Terrain:BehindProxy=true", "--Terrain:LoginAttemptsPerMinute=3");

        var statuses = await SpoofedSignInsAsync(app, 4);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
    }
}
