using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Api;

/// <summary>One contract for every endpoint: enums by name, plain-word binding errors, no caching, a Retry-After on 429.</summary>
public sealed class ApiContractTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, BothDatabases]
    public async Task Enums_are_names_everywhere(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");

        var users = await admin.GetFromJsonAsync<JsonElement>("/api/v1/users", Ct);
        var me = await admin.GetFromJsonAsync<JsonElement>("/api/v1/me", Ct);

        Assert.All(users.EnumerateArray(), u => Assert.Equal(JsonValueKind.String, u.GetProperty("role").ValueKind));
        Assert.Contains(users.EnumerateArray(), u => u.GetProperty("role").GetString() == "Leader");
        Assert.Equal("Admin", me.GetProperty("role").GetString());
        var document = await admin.GetStringAsync("/openapi/v1.json", Ct);
        Assert.DoesNotContain("\"Role\": {\n        \"type\": \"integer\"", document, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/accounts?pageSize=abc", "pageSize", "'abc' is not a valid pageSize: it must be a whole number.")]
    [InlineData("/api/v1/accounts?page=1.5", "page", "'1.5' is not a valid page: it must be a whole number.")]
    [InlineData("/api/v1/cycles/not-an-id", null, null)]
    public async Task A_value_the_api_cannot_take_is_named_in_plain_words(string path, string? parameter, string? reason)
    {
        var app = await TestApp.StartAsync(Db.Sqlite);
        var rep = await app.ApiAsAsync("rep1@test.terrain");

        var response = await rep.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.DoesNotContain("Nullable", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Int32", body, StringComparison.Ordinal);
        if (parameter is null)
        {
            // A route constraint that does not match is no route at all.
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            return;
        }

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(reason, problem.GetProperty("errors").GetProperty(parameter)[0].GetString());
    }

    [Fact]
    public async Task The_query_parameters_are_documented_in_camel_case()
    {
        var app = await TestApp.StartAsync(Db.Sqlite);
        var rep = await app.ApiAsAsync("rep1@test.terrain");

        var document = JsonDocument.Parse(await rep.GetStringAsync("/openapi/v1.json", Ct)).RootElement;
        var names = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject())
            .Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Value.TryGetProperty("parameters", out _))
            .SelectMany(o => o.Value.GetProperty("parameters").EnumerateArray())
            .Where(p => p.GetProperty("in").GetString() != "header")
            .Select(p => p.GetProperty("name").GetString()!)
            .Distinct()
            .ToList();

        Assert.Contains("pageSize", names);
        Assert.All(names, n => Assert.True(char.IsLower(n[0]), $"{n} is not camelCase"));
    }

    [Theory, BothDatabases]
    public async Task Api_answers_are_never_cached(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");

        foreach (var path in new[] { "/api/v1/me", "/api/v1/accounts?owner=me", $"/api/v1/accounts/{Guid.NewGuid()}" })
        {
            using var response = await rep.GetAsync(path, Ct);
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"{path} ({(int)response.StatusCode}) may be cached");
        }
    }

    [Fact]
    public async Task Too_many_sign_ins_are_told_when_to_come_back()
    {
        var app = await TestApp.StartAsync(Db.Sqlite);
        await using var limited = app.WithWebHostBuilder(b => b.UseSetting("Terrain:LoginAttemptsPerMinute", "2"));
        var client = limited.CreateClient();

        HttpResponseMessage? last = null;
        for (var i = 0; i < 3; i++)
        {
            last = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "rep1@test.terrain", password = "Wrong-password-1" }, Ct);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last!.StatusCode);
        var seconds = int.Parse(last.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 1, 60);
    }

    [Fact]
    public async Task A_flood_of_sign_in_forms_is_told_to_wait_not_that_something_went_wrong()
    {
        var app = await TestApp.StartAsync(Db.Sqlite);
        await using var limited = app.WithWebHostBuilder(b => b.UseSetting("Terrain:LoginAttemptsPerMinute", "1"));
        var client = limited.CreateClient();

        await client.PostAsync("/Auth/Login", new FormUrlEncodedContent([]), Ct);
        var refused = await client.PostAsync("/Auth/Login", new FormUrlEncodedContent([]), Ct);
        var html = await refused.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        Assert.Equal("Too many attempts", page.QuerySelector("h1")?.TextContent);
        Assert.Matches(@"Wait \d+ seconds? and try again", page.QuerySelector("main")?.TextContent ?? html);
    }
}
