using System.Net;
using System.Text.Json;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Api;

public sealed class PlatformTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, BothDatabases]
    public async Task Health_reports_ready_with_the_database(Db db)
    {
        var app = await TestApp.StartAsync(db);

        var response = await app.Anonymous().GetAsync("/health", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory, BothDatabases]
    public async Task Pages_carry_security_headers_and_a_csp_without_inline_script(Db db)
    {
        var app = await TestApp.StartAsync(db);

        var response = await app.Anonymous().GetAsync("/Auth/Login", Ct);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();

        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)[^>]*>", html);
    }

    [Theory, BothDatabases]
    public async Task Every_form_carries_an_antiforgery_token(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.BrowserAsAsync("admin@test.terrain");

        foreach (var path in new[] { "/", "/Territory", "/Admin/Users/Create", "/Admin/Imports", "/Auth/Logout" })
        {
            var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await admin.GetStringAsync(path, Ct));
            foreach (var form in document.QuerySelectorAll("form[method=post]"))
            {
                Assert.True(form.QuerySelector("input[name=__RequestVerificationToken]") is not null, $"a form on {path} has no antiforgery token");
            }
        }
    }

    [Theory, BothDatabases]
    public async Task The_openapi_document_describes_every_api_endpoint(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var client = await app.ApiAsAsync("rep1@test.terrain");

        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", Ct)).RootElement;
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();

        Assert.Equal("Terrain API", document.GetProperty("info").GetProperty("title").GetString());
        foreach (var expected in new[] { "/api/v1/auth/login", "/api/v1/me", "/api/v1/users", "/api/v1/users/{id}", "/api/v1/accounts", "/api/v1/accounts/{id}", "/api/v1/imports/{kind}" })
        {
            Assert.True(paths.Any(p => p.TrimEnd('/') == expected), $"{expected} is missing from {string.Join(", ", paths)}");
        }

        Assert.True(document.GetProperty("paths").EnumerateObject().First(p => p.Name.StartsWith("/api/v1/imports", StringComparison.Ordinal))
            .Value.GetProperty("post").GetProperty("requestBody").GetProperty("content").TryGetProperty("text/csv", out _));
    }

    [Theory, BothDatabases]
    public async Task Api_errors_are_problem_details(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var client = await app.ApiAsAsync("rep1@test.terrain");

        var missing = await client.GetAsync($"/api/v1/accounts/{Guid.NewGuid()}", Ct);
        var forbidden = await client.PostAsync("/api/v1/imports/accounts", new StringContent("x", System.Text.Encoding.UTF8, "text/csv"), Ct);

        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
    }

    [Theory, BothDatabases]
    public async Task A_missing_page_shows_a_friendly_not_found_page(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var browser = await app.BrowserAsAsync("rep1@test.terrain");

        var response = await browser.GetAsync("/No/Such/Page", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Not found", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
