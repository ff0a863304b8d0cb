using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Strategies;

/// <summary>Regression tests for the review of the strategy document and buy-in slices.</summary>
public sealed class ReviewFixesDocumentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, string json, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request, Ct);
    }

    /// <summary>The strategy's ETag as a client reads it before replacing the check (If-Match is required there).</summary>
    private static async Task<string> ETagAsync(HttpClient client, string url)
    {
        using var read = await client.GetAsync(url, Ct);
        return read.Headers.ETag!.Tag;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {body}");
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(field, out _), $"expected {field}: {body}");
    }

    private const string Period = "\"periodStart\":\"2028-01-01\",\"periodEnd\":\"2028-12-31\"";

    [Theory, BothDatabases]
    public async Task A_misspelt_or_mistyped_field_of_a_strategy_is_refused_naming_it_instead_of_being_dropped(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var before = await app.WithDbAsync(d => d.Strategies.CountAsync(Ct));
        var cases = new (string Json, string Field)[]
        {
            ("{\"name\":\"Y\"," + Period + ",\"content\":{\"objectives\":[{\"name\":\"Grow\",\"metrc\":\"Revenue\",\"target\":5}]}}", "objectives[0].metrc"),
            ("{\"name\":\"Y\"," + Period + ",\"contnet\":{}}", "contnet"),
            ("{\"name\":\"Y\"," + Period + ",\"content\":{\"objectives\":[{\"metric\":\"Revenue\",\"target\":\"lots\"}]}}", "objectives[0].target"),
            ("{\"name\":\"Y\",\"periodStart\":\"2028-02-30\",\"periodEnd\":\"2028-12-31\"}", "periodStart"),
            ("[]", "body"),
        };

        foreach (var (json, field) in cases)
        {
            await AssertProblemAsync(await SendAsync(leader, HttpMethod.Post, "/api/v1/strategies", json), HttpStatusCode.UnprocessableEntity, field);
        }

        Assert.Equal(before, await app.WithDbAsync(d => d.Strategies.CountAsync(Ct)));

        var created = await SendAsync(leader, HttpMethod.Post, "/api/v1/strategies", "{\"name\":\"Y\"," + Period + "}");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var etag = created.Headers.ETag!.ToString();

        await AssertProblemAsync(await SendAsync(leader, HttpMethod.Patch, $"/api/v1/strategies/{id}", "{\"nmae\":\"Z\"}", etag),
            HttpStatusCode.UnprocessableEntity, "nmae");
        await AssertProblemAsync(await SendAsync(leader, HttpMethod.Patch, $"/api/v1/strategies/{id}",
            "{\"content\":{\"offerings\":[{\"name\":\"Cloud\",\"positoning\":\"Fast\"}]}}", etag), HttpStatusCode.UnprocessableEntity, "offerings[0].positoning");

        Assert.Equal(etag, (await leader.GetAsync($"/api/v1/strategies/{id}", Ct)).Headers.ETag!.ToString());
        Assert.Equal(0, await app.WithDbAsync(d => d.AuditEntries.CountAsync(a => a.Action == "strategy.updated", Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_body_that_is_not_json_is_still_a_bad_request_and_the_openapi_document_keeps_the_request_shapes(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");

        var empty = await leader.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/strategies")
        {
            Content = new StringContent("", Encoding.UTF8, "application/json"),
        }, Ct);
        var text = await leader.PostAsync("/api/v1/strategies", new StringContent("name=Y", Encoding.UTF8, "text/plain"), Ct);
        var checkUrl = $"/api/v1/strategies/{app.Org.Strategy.Id}/check";
        var broken = await SendAsync(leader, HttpMethod.Put, checkUrl, "{\"questions\":", await ETagAsync(leader, checkUrl));

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);

        var document = JsonDocument.Parse(await leader.GetStringAsync("/openapi/v1.json", Ct)).RootElement.GetProperty("paths");
        string Schema(string path, string method) => document.GetProperty(path).GetProperty(method).GetProperty("requestBody")
            .GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()!;
        Assert.Equal("#/components/schemas/StrategyInput", Schema("/api/v1/strategies", "post"));
        Assert.Equal("#/components/schemas/StrategyPatch", Schema("/api/v1/strategies/{id}", "patch"));
        Assert.Equal("#/components/schemas/CheckInput", Schema("/api/v1/strategies/{id}/check", "put"));
    }

    [Theory, BothDatabases]
    public async Task A_misspelt_field_of_the_check_is_refused_naming_it_instead_of_resetting_the_pass_mark(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var url = $"/api/v1/strategies/{app.Org.Strategy.Id}/check";
        var before = await app.WithDbAsync(d => d.Strategies.Where(s => s.Id == app.Org.Strategy.Id).Select(s => s.Check).SingleAsync(Ct));

        await AssertProblemAsync(await SendAsync(leader, HttpMethod.Put, url,
            "{\"passPercnt\":60,\"questions\":[{\"text\":\"Who?\",\"options\":[\"A\",\"B\"],\"correct\":1}]}", await ETagAsync(leader, url)),
            HttpStatusCode.UnprocessableEntity, "passPercnt");
        await AssertProblemAsync(await SendAsync(leader, HttpMethod.Put, url,
            "{\"questions\":[{\"text\":\"Who?\",\"options\":[\"A\",\"B\"],\"correct\":\"B\"}]}", await ETagAsync(leader, url)),
            HttpStatusCode.UnprocessableEntity, "questions[0].correct");

        Assert.Equal(before, await app.WithDbAsync(d => d.Strategies.Where(s => s.Id == app.Org.Strategy.Id).Select(s => s.Check).SingleAsync(Ct)));
        Assert.Equal(0, await app.WithDbAsync(d => d.AuditEntries.CountAsync(a => a.Action == "strategy.check-set", Ct)));
    }

    [Theory, BothDatabases]
    public async Task Once_reps_have_acknowledged_a_published_revision_its_check_can_no_longer_be_added_or_changed(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var url = $"/api/v1/strategies/{app.Org.Strategy.Id}/check";
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(leader, HttpMethod.Put, url, "{\"questions\":[]}", await ETagAsync(leader, url))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsync($"/api/v1/strategies/{app.Org.Strategy.Id}/acknowledge", null, Ct)).StatusCode);
        var before = await app.WithDbAsync(d => d.Strategies.Where(s => s.Id == app.Org.Strategy.Id).Select(s => new { s.Check, s.Version }).SingleAsync(Ct));

        var added = await SendAsync(leader, HttpMethod.Put, url, "{\"questions\":[{\"text\":\"Who?\",\"options\":[\"A\",\"B\"],\"correct\":1}]}", await ETagAsync(leader, url));

        await AssertProblemAsync(added, HttpStatusCode.Conflict, "check");
        var after = await app.WithDbAsync(d => d.Strategies.Where(s => s.Id == app.Org.Strategy.Id).Select(s => new { s.Check, s.Version }).SingleAsync(Ct));
        Assert.Equal(before, after);
        Assert.Equal(1, await app.WithDbAsync(d => d.AuditEntries.CountAsync(a => a.Action == "strategy.check-set", Ct)));
        var view = await (await leader.GetAsync(url, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.False(view.GetProperty("canEdit").GetBoolean());
        Assert.Contains("acknowledged", view.GetProperty("editBlockedReason").GetString(), StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task A_name_used_twice_after_a_blank_row_names_the_row_as_it_was_sent(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");

        var offerings = await SendAsync(leader, HttpMethod.Post, "/api/v1/strategies",
            "{\"name\":\"Y\"," + Period + ",\"content\":{\"offerings\":[{},{\"name\":\"Cloud\"},{\"name\":\"cloud\"}]}}");
        var segments = await SendAsync(leader, HttpMethod.Post, "/api/v1/strategies",
            "{\"name\":\"Y\"," + Period + ",\"content\":{\"segments\":[{\"name\":\"Banks\"},{},{\"name\":\"Banks\"}]}}");

        await AssertProblemAsync(offerings, HttpStatusCode.UnprocessableEntity, "offerings[2].name");
        await AssertProblemAsync(segments, HttpStatusCode.UnprocessableEntity, "segments[2].name");
    }
}
