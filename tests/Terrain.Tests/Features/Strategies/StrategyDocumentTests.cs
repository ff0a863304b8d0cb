using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Strategies;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Strategies;

/// <summary>The strategy document through the API: drafting, changing, publishing, revising, and what each role may see and do.</summary>
public sealed class StrategyDocumentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object? body = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request, Ct);
    }

    private static async Task<string> ETagAsync(HttpClient client, Guid id) =>
        (await client.GetAsync($"/api/v1/strategies/{id}", Ct)).Headers.ETag!.ToString();

    private static async Task<Guid> CreateAsync(HttpClient leader, string name = "FY2028 sales strategy", object? content = null)
    {
        var response = await leader.PostAsJsonAsync("/api/v1/strategies", new { name, periodStart = "2028-01-01", periodEnd = "2028-12-31", content }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await JsonAsync(response)).GetProperty("id").GetGuid();
    }

    private static async Task<List<string>> AuditAsync(TestApp app, params Guid[] ids)
    {
        var keys = ids.Select(i => i.ToString()).ToList();
        return await app.WithDbAsync(d => d.AuditEntries.Where(a => a.EntityType == "Strategy" && keys.Contains(a.EntityId))
            .OrderBy(a => a.Id).Select(a => a.Action).ToListAsync(Ct));
    }

    [Theory, BothDatabases]
    public async Task A_leader_drafts_changes_and_publishes_a_new_strategy_and_every_rep_and_manager_is_told(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");

        var created = await leader.PostAsJsonAsync("/api/v1/strategies", new { name = "FY2028 sales strategy", periodStart = "2028-01-01", periodEnd = "2028-12-31" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var draft = await JsonAsync(created);
        var id = draft.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/strategies/{id}", created.Headers.Location!.OriginalString);
        Assert.Equal($"\"{draft.GetProperty("version").GetString()}\"", created.Headers.ETag!.ToString());
        Assert.Equal("Draft", draft.GetProperty("status").GetString());
        Assert.Equal(1, draft.GetProperty("revision").GetInt32());
        Assert.Equal(id, draft.GetProperty("lineageId").GetGuid());

        var patched = await SendAsync(leader, HttpMethod.Patch, $"/api/v1/strategies/{id}",
            new { name = "FY2028 growth strategy", content = StrategyBuilder.Content() }, created.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var body = await JsonAsync(patched);
        Assert.Equal("FY2028 growth strategy", body.GetProperty("name").GetString());
        Assert.Equal(2, body.GetProperty("content").GetProperty("objectives").GetArrayLength());
        Assert.Equal(StrategyBuilder.RevenueObjective, body.GetProperty("content").GetProperty("objectives")[0].GetProperty("id").GetString());

        var published = await SendAsync(leader, HttpMethod.Post, $"/api/v1/strategies/{id}/publish", ifMatch: patched.Headers.ETag!.ToString());

        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        var after = await JsonAsync(published);
        Assert.Equal("Published", after.GetProperty("status").GetString());
        Assert.Equal(TestApp.Start, after.GetProperty("publishedAt").GetDateTimeOffset());
        Assert.Equal(HttpStatusCode.Conflict, (await leader.PostAsync($"/api/v1/strategies/{id}/publish", null, Ct)).StatusCode);

        var notified = await app.WithDbAsync(d => d.Notifications.Where(n => n.Link == $"/Strategies/{id}").Select(n => new { n.UserId, n.Title, n.Key }).ToListAsync(Ct));
        Assert.Equal(
            new[] { app.Org.Manager1.Id, app.Org.Manager2.Id, app.Org.Rep1.Id, app.Org.Rep2.Id, app.Org.Rep3.Id }.Order(),
            notified.Select(n => n.UserId).Order());
        Assert.All(notified, n => Assert.Equal("The FY2028 growth strategy is published — read it and acknowledge it", n.Title));
        Assert.Equal(5, notified.Select(n => n.Key).Distinct().Count());
        Assert.Equal(["strategy.created", "strategy.updated", "strategy.published"], await AuditAsync(app, id));
        var updated = await app.WithDbAsync(d => d.AuditEntries.Where(a => a.Action == "strategy.updated").Select(a => a.Details).SingleAsync(Ct));
        var changed = JsonDocument.Parse(updated!).RootElement.GetProperty("changed").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("name", changed);
        Assert.Contains("content.objectives", changed);
        Assert.DoesNotContain("period", changed);
    }

    [Theory, BothDatabases]
    public async Task Publishing_a_revision_supersedes_the_one_in_force_and_moves_the_open_cycle_to_it(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var first = app.Org.Strategy.Id;

        var revised = await leader.PostAsync($"/api/v1/strategies/{first}/revisions", null, Ct);
        Assert.Equal(HttpStatusCode.Created, revised.StatusCode);
        var draft = await JsonAsync(revised);
        var second = draft.GetProperty("id").GetGuid();
        Assert.Equal(2, draft.GetProperty("revision").GetInt32());
        Assert.Equal(first, draft.GetProperty("lineageId").GetGuid());
        Assert.Equal([StrategyBuilder.RevenueObjective, StrategyBuilder.LogosObjective],
            draft.GetProperty("content").GetProperty("objectives").EnumerateArray().Select(o => o.GetProperty("id").GetString()));

        var twice = await leader.PostAsync($"/api/v1/strategies/{first}/revisions", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("Revision 2", (await JsonAsync(twice)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await leader.PostAsync($"/api/v1/strategies/{second}/revisions", null, Ct)).StatusCode);

        var noNote = await leader.PostAsync($"/api/v1/strategies/{second}/publish", null, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noNote.StatusCode);
        Assert.True((await JsonAsync(noNote)).GetProperty("errors").TryGetProperty("changeNote", out _));

        var content = StrategyBuilder.Content();
        content.Objectives[1].Target = 15;
        var patched = await SendAsync(leader, HttpMethod.Patch, $"/api/v1/strategies/{second}",
            new { changeNote = "Fifteen new logos instead of twelve.", content }, revised.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        var published = await leader.PostAsync($"/api/v1/strategies/{second}/publish", null, Ct);

        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        var body = await JsonAsync(published);
        Assert.Equal(
            ["1 Superseded", "2 Published"],
            body.GetProperty("revisions").EnumerateArray().Select(r => $"{r.GetProperty("revision").GetInt32()} {r.GetProperty("status").GetString()}"));
        Assert.Equal([app.Org.Cycle.Id], body.GetProperty("cycles").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
        Assert.Equal("Fifteen new logos instead of twelve.", body.GetProperty("changeNote").GetString());
        var (status, supersededAt, cycleStrategy) = await app.WithDbAsync(async d =>
        {
            var old = await d.Strategies.SingleAsync(s => s.Id == first, Ct);
            var cycle = await d.Cycles.SingleAsync(c => c.Id == app.Org.Cycle.Id, Ct);
            return (old.Status, old.SupersededAt, cycle.StrategyId);
        });
        Assert.Equal(StrategyStatus.Superseded, status);
        Assert.NotNull(supersededAt);
        Assert.Equal(second, cycleStrategy);
        Assert.Equal(HttpStatusCode.Conflict, (await leader.PostAsync($"/api/v1/strategies/{first}/revisions", null, Ct)).StatusCode);

        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var superseded = await rep.GetFromJsonAsync<JsonElement>($"/api/v1/strategies/{first}", Ct);
        Assert.Equal("Superseded", superseded.GetProperty("status").GetString());
        Assert.Empty(superseded.GetProperty("cycles").EnumerateArray());
        var list = await rep.GetFromJsonAsync<JsonElement>("/api/v1/strategies", Ct);
        Assert.Equal([2, 1], list.EnumerateArray().Select(r => r.GetProperty("revision").GetInt32()));
        Assert.Equal(["strategy.superseded"], await AuditAsync(app, first));
        Assert.Equal(["strategy.revised", "strategy.updated", "strategy.published"], await AuditAsync(app, second));
        Assert.Equal(5, await app.WithDbAsync(d => d.Notifications.CountAsync(n => n.Link == $"/Strategies/{second}", Ct)));
    }

    [Theory, BothDatabases]
    public async Task Reps_and_managers_never_see_a_draft_and_cannot_write_admins_can(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var id = await CreateAsync(leader);
        var etag = await ETagAsync(leader, id);

        foreach (var email in new[] { "rep1@test.terrain", "manager1@test.terrain" })
        {
            var client = await app.ApiAsAsync(email);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/strategies/{id}", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(client, HttpMethod.Patch, $"/api/v1/strategies/{id}", new { name = "Mine" }, etag)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"/api/v1/strategies/{id}/publish", null, Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/v1/strategies", new { name = "Mine", periodStart = "2028-01-01", periodEnd = "2028-12-31" }, Ct)).StatusCode);
            var visible = await client.GetFromJsonAsync<JsonElement>("/api/v1/strategies", Ct);
            Assert.Equal([app.Org.Strategy.Id], visible.EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
            Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/v1/strategies?status=draft", Ct)).EnumerateArray());
        }

        Assert.Equal("FY2028 sales strategy", await app.WithDbAsync(d => d.Strategies.Where(s => s.Id == id).Select(s => s.Name).SingleAsync(Ct)));
        Assert.Equal(2, await app.WithDbAsync(d => d.Strategies.CountAsync(Ct)));

        // Admins write the strategy as leaders do (ADR 0015).
        var admin = await app.ApiAsAsync("admin@test.terrain");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/strategies/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(admin, HttpMethod.Patch, $"/api/v1/strategies/{id}", new { name = "Admin's" }, etag)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/strategies", new { name = "Admin's", periodStart = "2028-01-01", periodEnd = "2028-12-31" }, Ct)).StatusCode);
        Assert.Equal("Admin's", await app.WithDbAsync(d => d.Strategies.Where(s => s.Id == id).Select(s => s.Name).SingleAsync(Ct)));
        Assert.Equal(3, await app.WithDbAsync(d => d.Strategies.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task The_list_filters_by_a_valid_status_only(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var id = await CreateAsync(leader);

        var drafts = await leader.GetFromJsonAsync<JsonElement>("/api/v1/strategies?status=Draft", Ct);
        var all = await leader.GetFromJsonAsync<JsonElement>("/api/v1/strategies", Ct);
        var bad = await leader.GetAsync("/api/v1/strategies?status=Final", Ct);
        var number = await leader.GetAsync("/api/v1/strategies?status=1", Ct);

        Assert.Equal([id], drafts.EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
        Assert.Equal([id, app.Org.Strategy.Id], all.EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
        var row = all[0];
        foreach (var field in new[] { "lineageId", "revision", "name", "periodStart", "periodEnd", "status", "publishedAt", "updatedAt", "version" })
        {
            Assert.True(row.TryGetProperty(field, out _), field);
        }

        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.True((await JsonAsync(bad)).GetProperty("errors").TryGetProperty("status", out _));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, number.StatusCode);
    }

    [Theory, BothDatabases]
    public async Task The_document_shows_the_checks_size_and_pass_mark_but_never_its_answers(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");

        var response = await rep.GetAsync($"/api/v1/strategies/{app.Org.Strategy.Id}", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var body = JsonDocument.Parse(text).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"\"{body.GetProperty("version").GetString()}\"", response.Headers.ETag!.ToString());
        Assert.Equal(2, body.GetProperty("check").GetProperty("questions").GetInt32());
        Assert.Equal(100, body.GetProperty("check").GetProperty("passPercent").GetInt32());
        Assert.DoesNotContain("\"correct\"", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Which segment do we target first", text, StringComparison.Ordinal);
        Assert.Equal("Mid-market manufacturers", body.GetProperty("content").GetProperty("segments")[0].GetProperty("name").GetString());
        Assert.Equal([app.Org.Cycle.Id], body.GetProperty("cycles").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
        Assert.Equal(HttpStatusCode.NotFound, (await rep.GetAsync($"/api/v1/strategies/{Guid.NewGuid()}", Ct)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task A_change_needs_the_current_version_and_a_stale_one_changes_nothing(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var id = await CreateAsync(leader);
        var etag = await ETagAsync(leader, id);

        var missing = await SendAsync(leader, HttpMethod.Patch, $"/api/v1/strategies/{id}", new { name = "No precondition" });
        var first = await SendAsync(leader, HttpMethod.Patch, $"/api/v1/strategies/{id}", new { name = "First" }, etag);
        var stale = await SendAsync(leader, HttpMethod.Patch, $"/api/v1/strategies/{id}", new { name = "Second" }, etag);
        var stalePublish = await SendAsync(leader, HttpMethod.Post, $"/api/v1/strategies/{id}/publish", ifMatch: etag);

        Assert.Equal(HttpStatusCode.PreconditionRequired, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.True((await JsonAsync(stale)).GetProperty("errors").TryGetProperty("version", out _));
        Assert.Equal(HttpStatusCode.Conflict, stalePublish.StatusCode);
        Assert.Equal("First", await app.WithDbAsync(d => d.Strategies.Where(s => s.Id == id).Select(s => s.Name).SingleAsync(Ct)));
        Assert.Equal(["strategy.created", "strategy.updated"], await AuditAsync(app, id));
    }

    [Theory, BothDatabases]
    public async Task Bad_values_are_refused_naming_the_field_and_nothing_is_saved(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var id = await CreateAsync(leader, content: StrategyBuilder.Content());
        var etag = await ETagAsync(leader, id);

        var noTarget = StrategyBuilder.Content();
        noTarget.Objectives[0].Target = null;
        var noMetric = StrategyBuilder.Content();
        noMetric.Objectives[1].Metric = null;
        var unknownProduct = StrategyBuilder.Content();
        unknownProduct.Objectives[1].Product = "Terrain Mobile";
        var cases = new (object Body, string Field)[]
        {
            (new { content = noTarget }, "objectives[0].target"),
            (new { content = noMetric }, "objectives[1].metric"),
            (new { content = unknownProduct }, "objectives[1].product"),
            (new { name = "" }, "name"),
            (new { periodEnd = "2027-06-30" }, "periodEnd"),
        };

        foreach (var (body, field) in cases)
        {
            var response = await SendAsync(leader, HttpMethod.Patch, $"/api/v1/strategies/{id}", body, etag);
            var problem = await JsonAsync(response);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected {field}: {problem}");
        }

        var created = await leader.PostAsJsonAsync("/api/v1/strategies", new { name = "No period" }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.StatusCode);
        Assert.Equal(etag, await ETagAsync(leader, id));
        Assert.Equal(["strategy.created"], await AuditAsync(app, id));
        Assert.Equal(2, await app.WithDbAsync(d => d.Strategies.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task Publishing_an_empty_strategy_is_refused_and_changes_nothing(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var id = await CreateAsync(leader);
        var etag = await ETagAsync(leader, id);

        var response = await leader.PostAsync($"/api/v1/strategies/{id}/publish", null, Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.True((await JsonAsync(response)).GetProperty("errors").TryGetProperty("content", out _));
        Assert.Equal(etag, await ETagAsync(leader, id));
        Assert.Equal(StrategyStatus.Draft, await app.WithDbAsync(d => d.Strategies.Where(s => s.Id == id).Select(s => s.Status).SingleAsync(Ct)));
        Assert.Equal(0, await app.WithDbAsync(d => d.Notifications.CountAsync(Ct)));
        Assert.Equal(["strategy.created"], await AuditAsync(app, id));
    }

    [Theory, BothDatabases]
    public async Task A_published_revision_is_read_only_except_through_a_new_revision(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var id = app.Org.Strategy.Id;

        var response = await SendAsync(leader, HttpMethod.Patch, $"/api/v1/strategies/{id}", new { name = "Renamed" }, await ETagAsync(leader, id));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("draft a new revision", (await JsonAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("FY2027 sales strategy", await app.WithDbAsync(d => d.Strategies.Where(s => s.Id == id).Select(s => s.Name).SingleAsync(Ct)));
    }
}
