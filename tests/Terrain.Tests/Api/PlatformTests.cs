using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
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
    public async Task No_page_asks_another_origin_and_the_favicon_is_served(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var browser = await app.BrowserAsAsync("rep1@test.terrain");

        var reference = await browser.GetStringAsync("/api/reference/v1", Ct);
        Assert.DoesNotContain("fonts.scalar.com", reference, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("(?:src|href)=[\"']https?://", reference);
        var home = await browser.GetStringAsync("/", Ct);
        Assert.Contains("rel=\"icon\"", home, StringComparison.Ordinal);

        var favicon = await app.Anonymous().GetAsync("/favicon.ico", Ct);
        Assert.Equal(HttpStatusCode.OK, favicon.StatusCode);
        Assert.Equal("image/x-icon", favicon.Content.Headers.ContentType?.MediaType);
    }

    [Theory, BothDatabases]
    public async Task Every_form_carries_an_antiforgery_token(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var pagesWithForms = new SortedSet<string>(StringComparer.Ordinal);
        var forms = 0;

        // Every page of the authorization table, as every role that may open it.
        foreach (var email in new[] { "rep1@test.terrain", "manager1@test.terrain", "leader@test.terrain", "admin@test.terrain" })
        {
            var browser = await app.BrowserAsAsync(email);
            foreach (var path in AuthorizationTableTests.PagePaths(app.Org))
            {
                using var response = await browser.GetAsync(path, Ct);
                if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/html")
                {
                    continue;
                }

                var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync(Ct));
                foreach (var form in document.QuerySelectorAll("form[method=post]"))
                {
                    forms++;
                    pagesWithForms.Add(path.Split('?')[0]);
                    Assert.True(form.QuerySelector("input[name=__RequestVerificationToken]") is not null, $"a form on {path} as {email} has no antiforgery token");
                }
            }
        }

        // The pages known to post: if the walk stops finding them, it checks nothing.
        var plan = $"/Plans/{app.Org.PlanOf[app.Org.Rep3.Id].Id}";
        Assert.Superset(new SortedSet<string>(StringComparer.Ordinal)
        {
            "/Auth/Logout", "/Admin/Users/Create", "/Admin/Imports", "/Cycles", $"/Cycles/Quotas/{app.Org.Cycle.Id}", plan, $"{plan}/Edit/summary",
        }, pagesWithForms);
        Assert.True(forms >= 20, $"only {forms} forms found on {string.Join(", ", pagesWithForms)}");
    }

    [Theory, BothDatabases]
    public async Task The_openapi_document_lists_exactly_the_api_endpoints_the_app_serves(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var client = await app.ApiAsAsync("rep1@test.terrain");

        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", Ct)).RootElement;
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(o => o.Name is "get" or "put" or "post" or "patch" or "delete")
                .Select(o => $"{o.Name.ToUpperInvariant()} {p.Name.TrimEnd('/')}"))
            .ToHashSet(StringComparer.Ordinal);
        var served = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/v1/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => $"{m} /{OpenApiPath(e.RoutePattern.RawText!.TrimStart('/')).TrimEnd('/')}"))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal("Terrain API", document.GetProperty("info").GetProperty("title").GetString());
        Assert.True(served.Count > 50, $"only {served.Count} API endpoints found");
        Assert.Empty(served.Except(documented).Order(StringComparer.Ordinal));
        Assert.Empty(documented.Except(served).Order(StringComparer.Ordinal));
        Assert.True(document.GetProperty("paths").GetProperty("/api/v1/imports/{kind}")
            .GetProperty("post").GetProperty("requestBody").GetProperty("content").TryGetProperty("text/csv", out _));
    }

    /// <summary>A route template as OpenAPI writes it: <c>{id:guid}</c> becomes <c>{id}</c>.</summary>
    private static string OpenApiPath(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, @"\{(\w+)(:[^}]*)?\??\}", "{$1}");

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
