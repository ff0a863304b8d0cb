using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Api;

/// <summary>A body the API cannot read says what is wrong: a value of the wrong type names its field (422), and nothing changes.</summary>
public sealed class UnreadableBodiesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory, BothDatabases]
    public async Task A_value_of_the_wrong_type_is_refused_naming_the_field_and_nothing_changes(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var strategy = $"/api/v1/strategies/{app.Org.Strategy.Id}";
        var cases = new (HttpClient Client, string Url, string Body, string Field)[]
        {
            (leader, $"{strategy}/workshops", "{\"startsAt\":\"tomorrow morning\",\"length\":\"HalfDay\"}", "startsAt"),
            (leader, $"{strategy}/workshops", "{\"startsAt\":\"2027-01-10T09:00:00Z\",\"invitees\":[\"not-a-guid\"]}", "invitees[0]"),
            (rep, $"{strategy}/check", "{\"answers\":{\"q1\":\"the second\",\"q2\":0}}", "answers.q1"),
            (rep, $"{strategy}/questions", "{\"body\":42}", "body"),
            (leader, "/api/v1/cycles", "{\"name\":\"FY2029\",\"periodStart\":\"2029-01-01\",\"periodEnd\":\"2029-12-31\",\"kickoff\":\"2028-12-01\",\"draftDue\":\"2028-12-10\",\"approvalWindowDays\":\"ten\"}", "approvalWindowDays"),
        };

        foreach (var (client, url, body, field) in cases)
        {
            var response = await client.PostAsync(url, Json(body), Ct);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{url} {body}: {response.StatusCode} {problem}");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected {field}: {problem}");
        }

        Assert.Equal(0, await app.WithDbAsync(d => d.Workshops.CountAsync(Ct)));
        Assert.Equal(0, await app.WithDbAsync(d => d.CheckAttempts.CountAsync(Ct)));
        Assert.Equal(0, await app.WithDbAsync(d => d.StrategyQuestions.CountAsync(Ct)));
        Assert.Equal(1, await app.WithDbAsync(d => d.Cycles.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_body_that_is_missing_or_not_json_keeps_its_400_or_415_with_the_reason(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var url = $"/api/v1/strategies/{app.Org.Strategy.Id}/questions";

        var broken = await rep.PostAsync(url, Json("{\"body\":"), Ct);
        var empty = await rep.PostAsync(url, Json(""), Ct);
        var text = await rep.PostAsync(url, new StringContent("body=hello", Encoding.UTF8, "text/plain"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        foreach (var response in new[] { broken, empty })
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.True(problem.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 }, $"{response.StatusCode}: {problem}");
        }

        Assert.Equal("Unsupported Media Type", (await text.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("title").GetString());
        Assert.Equal(0, await app.WithDbAsync(d => d.StrategyQuestions.CountAsync(Ct)));
    }
}
