using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Api;

/// <summary>Versioned static files are kept by browsers for a year and travel compressed; pages are never compressed.</summary>
public sealed partial class StaticFileTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, BothDatabases]
    public async Task Versioned_scripts_and_styles_are_cached_for_a_year_and_compressed(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var client = app.Anonymous();
        var login = await client.GetStringAsync("/Auth/Login", Ct);
        var css = VersionedCss().Match(login);
        Assert.True(css.Success, "the layout links site.css with its version");

        using var request = new HttpRequestMessage(HttpMethod.Get, WebUtility.HtmlDecode(css.Groups[1].Value));
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        Assert.Contains("gzip", response.Content.Headers.ContentEncoding);

        var unversioned = await client.GetAsync("/favicon.ico", Ct);
        Assert.True(unversioned.Headers.CacheControl?.NoCache, "a file without a version is revalidated");

        using var page = new HttpRequestMessage(HttpMethod.Get, "/Auth/Login");
        page.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        var html = await client.SendAsync(page, Ct);
        Assert.Empty(html.Content.Headers.ContentEncoding);
    }

    [GeneratedRegex("href=\"(/css/site\\.css\\?v=[^\"]+)\"")]
    private static partial Regex VersionedCss();
}
