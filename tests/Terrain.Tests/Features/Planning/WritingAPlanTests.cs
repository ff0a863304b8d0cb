using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Planning;

public sealed class WritingAPlanTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object body, string? etag)
    {
        var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return await client.SendAsync(request, Ct);
    }

    private static async Task<string> ETagAsync(HttpClient client, string url) => (await client.GetAsync(url, Ct)).Headers.ETag!.ToString();

    private static async Task<HttpResponseMessage> PutAsync(HttpClient client, string url, object body) =>
        await SendAsync(client, HttpMethod.Put, url, body, await ETagAsync(client, url));

    [Theory, BothDatabases]
    public async Task A_plan_shows_its_status_sections_checklist_and_gap(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");

        var plan = await rep.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{app.Org.PlanOf[app.Org.Rep1.Id].Id}", Ct);

        Assert.Equal("Draft", plan.GetProperty("status").GetString());
        Assert.True(plan.GetProperty("canEdit").GetBoolean());
        Assert.False(plan.GetProperty("canReview").GetBoolean());
        var sections = plan.GetProperty("sections").EnumerateArray().ToList();
        Assert.Equal(10, sections.Count);
        var segmentation = sections.Single(s => s.GetProperty("kind").GetString() == "AccountSegmentation");
        Assert.Equal(3, segmentation.GetProperty("content").GetProperty("rows").GetArrayLength());
        var checks = plan.GetProperty("checks");
        Assert.Empty(checks.GetProperty("blocking").EnumerateArray());
        Assert.True(checks.GetProperty("canSubmit").GetBoolean());
        Assert.Equal(200_000m, checks.GetProperty("gap").GetProperty("goal").GetDecimal());
        Assert.Equal(JsonValueKind.Null, checks.GetProperty("gap").GetProperty("quota").ValueKind);
    }

    [Theory, BothDatabases]
    public async Task Two_people_saving_one_section_cannot_overwrite_each_other(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var url = $"/api/v1/plans/{app.Org.PlanOf[app.Org.Rep1.Id].Id}/sections/summary";
        var started = await ETagAsync(rep, url);

        var first = await SendAsync(rep, HttpMethod.Put, url, new { text = "First tab's summary" }, started);
        var second = await SendAsync(rep, HttpMethod.Put, url, new { text = "Second tab's summary" }, started);
        var missing = await SendAsync(rep, HttpMethod.Put, url, new { text = "No precondition" }, null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(started, first.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var problem = await JsonAsync(second);
        Assert.Equal("First tab's summary", problem.GetProperty("current").GetProperty("content").GetProperty("text").GetString());
        Assert.Equal(first.Headers.ETag!.ToString().Trim('"'), problem.GetProperty("current").GetProperty("version").GetString());
        Assert.Equal(HttpStatusCode.PreconditionRequired, missing.StatusCode);
        var saved = await rep.GetFromJsonAsync<JsonElement>(url, Ct);
        Assert.Equal("First tab's summary", saved.GetProperty("content").GetProperty("text").GetString());
    }

    [Theory, BothDatabases]
    public async Task A_merge_patch_changes_only_what_it_names_and_every_save_is_audited(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var planId = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        var url = $"/api/v1/plans/{planId}/sections/swot";

        var response = await SendAsync(rep, HttpMethod.Patch, url,
            new { threats = new[] { new { point = "New entrant from Asia", soWhat = "Lock in renewals early" } } }, await ETagAsync(rep, url));
        var swot = (await JsonAsync(response)).GetProperty("content");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("New entrant from Asia", swot.GetProperty("threats")[0].GetProperty("point").GetString());
        Assert.Equal("Strong references in manufacturing", swot.GetProperty("strengths")[0].GetProperty("point").GetString());
        var history = await rep.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{planId}/history", Ct);
        var saved = history.EnumerateArray().Single(e => e.GetProperty("action").GetString() == "plan.section-saved");
        Assert.Equal(app.Org.Rep1.Id, saved.GetProperty("byId").GetGuid());
        Assert.Contains("\"section\":\"swot\"", saved.GetProperty("details").GetString());
    }

    [Theory, BothDatabases]
    public async Task Bad_worksheet_input_is_refused_naming_the_field_and_nothing_changes(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var plan = $"/api/v1/plans/{app.Org.PlanOf[app.Org.Rep1.Id].Id}/sections";
        var alpha = app.Org.Accounts.Single(a => a.Name == "Alpha Manufacturing").Id;
        var zeta = app.Org.Accounts.Single(a => a.Name == "Zeta Bank").Id;
        var cases = new (string Section, object Body, string Field)[]
        {
            ("account-segmentation", new { rows = new[] { new { accountId = alpha, tier = "E" } } }, "rows[0].tier"),
            ("account-segmentation", new { rows = new[] { new { accountId = zeta, tier = "A" } } }, "rows[0].accountId"),
            ("account-segmentation", new { rows = new[] { new { accountId = alpha, tier = "A", targetRevenue = -5 } } }, "rows[0].targetRevenue"),
            ("targets", new { goals = new[] { new { metric = "Revenue", targets = new decimal?[] { 1000, -1, null, null } } } }, "goals[0].targets[1]"),
            ("targets", new { goals = new[] { new { metric = "Meetings", targets = new decimal?[] { 1 } } } }, "goals[0].metric"),
            ("targets", new { goals = new[] { new { metric = "NewLogos", targets = new decimal?[] { 1.5m } } } }, "goals[0].targets[0]"),
            ("action-plan", new { actions = new[] { new { title = "Call Alpha", due = "2028-02-01" } } }, "actions[0].due"),
            ("action-plan", new { actions = new[] { new { title = "Call Alpha", due = "2027-02-01", status = "Maybe" } } }, "actions[0].status"),
            ("action-plan", new { actions = new[] { new { title = "Call Alpha", goalId = "nope" } } }, "actions[0].goalId"),
            ("prospecting", new { prospects = new[] { new { company = "Iota", contactBy = "2026-12-24" } } }, "prospects[0].contactBy"),
            ("summary", new { text = "x", colour = "red" }, "colour"),
            ("summary", new { text = 42 }, "text"),
        };

        foreach (var (section, body, field) in cases)
        {
            var url = $"{plan}/{section}";
            var before = await rep.GetFromJsonAsync<JsonElement>(url, Ct);
            var response = await PutAsync(rep, url, body);
            var problem = await JsonAsync(response);

            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{section} {field}: {response.StatusCode} {problem}");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"expected {field}: {problem}");
            Assert.False(string.IsNullOrWhiteSpace(messages[0].GetString()));
            var after = await rep.GetFromJsonAsync<JsonElement>(url, Ct);
            Assert.Equal(before.GetProperty("version").GetString(), after.GetProperty("version").GetString());
        }
    }

    [Theory, BothDatabases]
    public async Task An_incomplete_plan_cannot_be_submitted_and_the_checklist_says_what_is_missing(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var planId = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        var alpha = app.Org.Accounts.Single(a => a.Name == "Alpha Manufacturing").Id;
        await PutAsync(rep, $"/api/v1/plans/{planId}/sections/summary", new { text = "" });
        await PutAsync(rep, $"/api/v1/plans/{planId}/sections/account-segmentation", new { rows = new[] { new { accountId = alpha, tier = "B" } } });

        var plan = await rep.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{planId}", Ct);
        var submit = await rep.PostAsync($"/api/v1/plans/{planId}/submit", null, Ct);

        var codes = plan.GetProperty("checks").GetProperty("blocking").EnumerateArray().Select(b => b.GetProperty("code").GetString()).ToList();
        Assert.Contains("section-empty", codes);
        Assert.Contains("accounts-untiered", codes);
        Assert.Contains("next-move-missing", codes);
        var summary = plan.GetProperty("checks").GetProperty("checklist").EnumerateArray().Single(c => c.GetProperty("sectionKey").GetString() == "summary");
        Assert.False(summary.GetProperty("done").GetBoolean());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, submit.StatusCode);
        var detail = (await JsonAsync(submit)).GetProperty("detail").GetString()!;
        Assert.Contains("Summary: This required section is empty.", detail);
        Assert.Contains("Beta Health", detail);
        Assert.Contains("Alpha Manufacturing (B)", detail);
        Assert.Equal("Draft", (await rep.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{planId}", Ct)).GetProperty("status").GetString());
        Assert.Equal(0, await app.WithDbAsync(d => d.PlanSnapshots.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task Only_the_rep_edits_a_draft_and_nobody_edits_an_approved_plan(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var planId = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        var url = $"/api/v1/plans/{planId}/sections/summary";

        var byManager = await PutAsync(manager, url, new { text = "Manager's words" });
        await rep.PostAsync($"/api/v1/plans/{planId}/submit", null, Ct);
        var whileSubmitted = await PutAsync(rep, url, new { text = "Sneaky edit" });
        await manager.PostAsync($"/api/v1/plans/{planId}/approve", null, Ct);
        var whileApproved = await PutAsync(rep, url, new { text = "Edit after approval" });
        var unknown = await SendAsync(rep, HttpMethod.Put, $"/api/v1/plans/{planId}/sections/no-such-section", new { text = "?" }, "\"new\"");

        // The manager reviews the plan and refines it only once it is submitted (ADR 0033): a draft is the rep's.
        Assert.Equal(HttpStatusCode.Conflict, byManager.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, whileSubmitted.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, whileApproved.StatusCode);
        Assert.Contains("Amend it", (await JsonAsync(whileApproved)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var summary = await rep.GetFromJsonAsync<JsonElement>(url, Ct);
        Assert.StartsWith("Grow the installed base", summary.GetProperty("content").GetProperty("text").GetString());
    }

    [Theory, BothDatabases]
    public async Task Quality_warnings_flag_what_a_reviewer_should_look_at_without_blocking(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var planId = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        var quota = await manager.PutAsJsonAsync("/api/v1/quotas",
            new { cycleId = app.Org.Cycle.Id, repId = app.Org.Rep1.Id, quarters = new decimal[] { 60_000, 60_000, 60_000, 60_000 } }, Ct);
        Assert.Equal(HttpStatusCode.OK, quota.StatusCode);
        await PutAsync(rep, $"/api/v1/plans/{planId}/sections/targets",
            new { goals = new[] { new { id = "revenue", metric = "Revenue", name = "Revenue", targets = new decimal?[] { 70_000, 50_000, 0, 90_000 } } } });
        await PutAsync(rep, $"/api/v1/plans/{planId}/sections/action-plan",
            new { actions = new[] { new { title = "Quarterly business review", due = "2027-03-15", goalId = "revenue" } } });

        var plan = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{planId}", Ct);

        var checks = plan.GetProperty("checks");
        var warnings = checks.GetProperty("warnings").EnumerateArray().Select(w => (Code: w.GetProperty("code").GetString(), Message: w.GetProperty("message").GetString()!)).ToList();
        Assert.Contains(warnings, w => w.Code == "below-quota" && w.Message.StartsWith("Q2:", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Code == "quarter-without-goal" && w.Message == "Q3 has no goal.");
        Assert.Contains(warnings, w => w.Code == "a-account-without-action" && w.Message.Contains("Alpha Manufacturing", StringComparison.Ordinal));
        Assert.Empty(checks.GetProperty("blocking").EnumerateArray());
        var gap = checks.GetProperty("gap");
        Assert.Equal(240_000m, gap.GetProperty("quota").GetDecimal());
        Assert.Equal(210_000m, gap.GetProperty("goal").GetDecimal());
        Assert.Equal(-30_000m, gap.GetProperty("gap").GetDecimal());
        Assert.Equal(-60_000m, gap.GetProperty("quarters")[2].GetProperty("gap").GetDecimal());
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsync($"/api/v1/plans/{planId}/submit", null, Ct)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task Quotas_are_set_by_leaders_and_the_reps_own_manager_and_bad_amounts_are_refused(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var cycle = app.Org.Cycle.Id;
        object Body(Guid repId, params decimal?[] quarters) => new { cycleId = cycle, repId, quarters };

        var own = await manager.PutAsJsonAsync("/api/v1/quotas", Body(app.Org.Rep1.Id, 100, 200, 300, 400), Ct);
        var otherTeam = await manager.PutAsJsonAsync("/api/v1/quotas", Body(app.Org.Rep3.Id, 1, 1, 1, 1), Ct);
        var byRep = await rep.PutAsJsonAsync("/api/v1/quotas", Body(app.Org.Rep1.Id, 1, 1, 1, 1), Ct);
        var negative = await leader.PutAsJsonAsync("/api/v1/quotas", Body(app.Org.Rep3.Id, 100, -1, 100, 100), Ct);
        var tooFew = await leader.PutAsJsonAsync("/api/v1/quotas", Body(app.Org.Rep3.Id, 100, 100), Ct);
        var gap = await leader.PutAsJsonAsync("/api/v1/quotas", Body(app.Org.Rep3.Id, 100, null, 100, 100), Ct);
        // Quotas are for reps and for managers' teams: not for an admin.
        var notARep = await leader.PutAsJsonAsync("/api/v1/quotas", Body(app.Org.Admin.Id, 1, 1, 1, 1), Ct);
        var byLeader = await leader.PutAsJsonAsync("/api/v1/quotas", Body(app.Org.Rep3.Id, 50, 50, 50, 50), Ct);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(1000m, (await JsonAsync(own)).GetProperty("total").GetDecimal());
        Assert.Equal(HttpStatusCode.NotFound, otherTeam.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byRep.StatusCode);
        Assert.True((await JsonAsync(negative)).GetProperty("errors").TryGetProperty("quarters[1]", out _));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooFew.StatusCode);
        Assert.True((await JsonAsync(gap)).GetProperty("errors").TryGetProperty("quarters[1]", out _));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notARep.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byLeader.StatusCode);
        var mine = await rep.GetFromJsonAsync<JsonElement>($"/api/v1/quotas?cycle={cycle}", Ct);
        Assert.Equal(1, mine.GetArrayLength());
        Assert.Equal(400m, mine[0].GetProperty("quarters")[3].GetDecimal());
        var team = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/quotas?cycle={cycle}", Ct);
        // The team's two reps, then the manager's own team quota row (read-only for them).
        Assert.Equal([false, false, true], team.EnumerateArray().Select(r => r.GetProperty("isTeam").GetBoolean()));
        Assert.Equal(2, await app.WithDbAsync(d => d.AuditEntries.CountAsync(e => e.Action == "quota.set", Ct)));
    }

    [Theory, BothDatabases]
    public async Task Every_submission_stores_a_version_and_any_two_compare_with_changes_marked(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var planId = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        await rep.PostAsync($"/api/v1/plans/{planId}/submit", null, Ct);
        await manager.PostAsJsonAsync($"/api/v1/plans/{planId}/request-changes", new { comment = "Sharpen the summary" }, Ct);
        await PutAsync(rep, $"/api/v1/plans/{planId}/sections/summary", new { text = "Grow the installed base in the north; win three new logos in health care." });
        await rep.PostAsync($"/api/v1/plans/{planId}/submit", null, Ct);

        var versions = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{planId}/versions", Ct);
        var comparison = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{planId}/versions/1/compare/2", Ct);
        var second = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{planId}/versions/2", Ct);

        Assert.Equal([1, 2], versions.EnumerateArray().Select(v => v.GetProperty("number").GetInt32()));
        Assert.Equal(1, comparison.GetProperty("changedSections").GetInt32());
        var summary = comparison.GetProperty("sections").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "summary");
        Assert.True(summary.GetProperty("changed").GetBoolean());
        var line = summary.GetProperty("lines")[0];
        Assert.Equal("Changed", line.GetProperty("kind").GetString());
        var marked = line.GetProperty("rightSpans").EnumerateArray().Where(s => s.GetProperty("changed").GetBoolean()).Select(s => s.GetProperty("text").GetString()!.Trim());
        Assert.Equal(["three"], marked);
        Assert.Contains("three new logos", second.GetProperty("sections").EnumerateArray()
            .Single(s => s.GetProperty("key").GetString() == "summary").GetProperty("content").GetProperty("text").GetString());
        Assert.Equal(0, (await manager.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{planId}/versions/2/compare/current", Ct)).GetProperty("changedSections").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/v1/plans/{planId}/versions/1/compare/7", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ApiAsAsync("rep2@test.terrain")).GetAsync($"/api/v1/plans/{planId}/versions", Ct)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task Comments_thread_per_section_between_the_rep_and_the_reviewers(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var outsider = await app.ApiAsAsync("manager2@test.terrain");
        var planId = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        var url = $"/api/v1/plans/{planId}/comments";

        var opened = await manager.PostAsJsonAsync(url, new { sectionKey = "swot", body = "Which competitor discounts?" }, Ct);
        var thread = (await JsonAsync(opened)).GetProperty("threadId").GetGuid();
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var reply = await rep.PostAsJsonAsync(url, new { replyTo = thread, body = "Northwind, in the south." }, Ct);
        var empty = await rep.PostAsJsonAsync(url, new { sectionKey = "swot", body = "  " }, Ct);
        var unknown = await rep.PostAsJsonAsync(url, new { sectionKey = "nope", body = "Hello" }, Ct);
        var byAdmin = await admin.PostAsJsonAsync(url, new { sectionKey = "swot", body = "Admin here" }, Ct);
        var byOutsider = await outsider.PostAsJsonAsync(url, new { sectionKey = "swot", body = "Not my team" }, Ct);

        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.True((await JsonAsync(unknown)).GetProperty("errors").TryGetProperty("sectionKey", out _));
        Assert.Equal(HttpStatusCode.Forbidden, byAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byOutsider.StatusCode);
        var threads = await rep.GetFromJsonAsync<JsonElement>($"{url}?section=swot", Ct);
        Assert.Equal(1, threads.GetArrayLength());
        Assert.Equal(["Which competitor discounts?", "Northwind, in the south."],
            threads[0].GetProperty("comments").EnumerateArray().Select(c => c.GetProperty("body").GetString()));
        Assert.Equal("swot", threads[0].GetProperty("comments")[1].GetProperty("sectionKey").GetString());
        Assert.Equal(1, await app.WithDbAsync(d => d.Notifications.CountAsync(n => n.UserId == app.Org.Rep1.Id && n.Key.StartsWith("comment:"), Ct)));
        Assert.Equal(1, await app.WithDbAsync(d => d.Notifications.CountAsync(n => n.UserId == app.Org.Manager1.Id && n.Key.StartsWith("comment:"), Ct)));
        Assert.Equal(2, await app.WithDbAsync(d => d.AuditEntries.CountAsync(e => e.Action == "plan.commented", Ct)));
    }

    [Theory, BothDatabases]
    public async Task Requesting_changes_opens_a_thread_and_tells_the_rep(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep2@test.terrain");
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var planId = app.Org.PlanOf[app.Org.Rep2.Id].Id;
        await rep.PostAsync($"/api/v1/plans/{planId}/submit", null, Ct);

        await leader.PostAsJsonAsync($"/api/v1/plans/{planId}/request-changes", new { comment = "Add a risk about the Epsilon renewal" }, Ct);

        var threads = await rep.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{planId}/comments", Ct);
        Assert.Equal("Add a risk about the Epsilon renewal", threads[0].GetProperty("comments")[0].GetProperty("body").GetString());
        Assert.Equal(JsonValueKind.Null, threads[0].GetProperty("sectionKey").ValueKind);
        var notes = await rep.GetFromJsonAsync<JsonElement>("/api/v1/notifications", Ct);
        Assert.Contains(notes.GetProperty("items").EnumerateArray(), n => n.GetProperty("title").GetString() == "Changes requested on your plan");
        Assert.Equal(1, await app.WithDbAsync(d => d.Notifications.CountAsync(n => n.UserId == app.Org.Manager1.Id && n.Title.Contains("submitted"), Ct)));
    }
}
