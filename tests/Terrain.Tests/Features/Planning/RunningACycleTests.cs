using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Planning;

public sealed class RunningACycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    [Theory, BothDatabases]
    public async Task Opening_a_cycle_starts_a_draft_for_every_active_rep(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");

        var response = await leader.PostAsJsonAsync("/api/v1/cycles", new
        {
            name = "FY2028",
            periodStart = "2028-01-01",
            periodEnd = "2028-12-31",
            kickoff = "2027-11-29",
            draftDue = "2027-12-13",
            approvalWindowDays = 10,
            timeZone = "Europe/Berlin",
        }, Ct);
        var cycle = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(4, cycle.GetProperty("quarters").GetArrayLength());
        Assert.Equal(3, cycle.GetProperty("plans").GetInt32());
        Assert.Equal("2027-12-13T23:00:00+00:00", cycle.GetProperty("draftDeadline").GetString());
        var id = cycle.GetProperty("id").GetGuid();
        Assert.Equal(3, await app.WithDbAsync(d => d.Plans.CountAsync(p => p.CycleId == id && p.Status == Terrain.Domain.Planning.PlanStatus.Draft, Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_cycle_that_breaks_the_process_rules_is_refused_naming_the_rule(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var cases = new (object Body, string Field)[]
        {
            (new { name = "Late", periodStart = "2028-01-01", periodEnd = "2028-12-31", kickoff = "2027-12-01", draftDue = "2027-12-16" }, "draftDue"),
            (new { name = "Long", periodStart = "2028-01-01", periodEnd = "2028-12-31", kickoff = "2027-12-01", draftDue = "2027-12-10", approvalWindowDays = 21 }, "approvalWindowDays"),
            (new { name = "Odd", periodStart = "2028-01-01", periodEnd = "2028-12-15", kickoff = "2027-12-01", draftDue = "2027-12-10" }, "periodEnd"),
            (new { name = "FY2027", periodStart = "2028-01-01", periodEnd = "2028-12-31", kickoff = "2027-12-01", draftDue = "2027-12-10" }, "name"),
        };

        foreach (var (body, field) in cases)
        {
            var response = await leader.PostAsJsonAsync("/api/v1/cycles", body, Ct);
            var problem = await JsonAsync(response);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected {field}: {problem}");
        }

        Assert.Equal(1, await app.WithDbAsync(d => d.Cycles.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_cycle_on_a_4_4_5_calendar_has_13_week_quarters_and_its_calendar_can_be_changed(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");

        var response = await leader.PostAsJsonAsync("/api/v1/cycles", new
        {
            name = "FY2028",
            periodStart = "2028-01-02",
            periodEnd = "2028-12-30",
            kickoff = "2027-11-29",
            draftDue = "2027-12-13",
            calendar = "Weeks445",
        }, Ct);
        var cycle = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("Weeks445", cycle.GetProperty("calendar").GetString());
        Assert.Equal(["2028-04-01", "2028-07-01", "2028-09-30", "2028-12-30"],
            cycle.GetProperty("quarters").EnumerateArray().Select(q => q.GetProperty("end").GetString()));
        Assert.Equal(12, cycle.GetProperty("months").GetArrayLength());
        Assert.Equal("2028-01-29", cycle.GetProperty("months")[0].GetProperty("end").GetString());

        var url = $"/api/v1/cycles/{cycle.GetProperty("id").GetGuid()}";
        var etag = (await leader.GetAsync(url, Ct)).Headers.ETag!.ToString();
        var wrong = new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(new { calendar = "4-4-4" }) };
        wrong.Headers.TryAddWithoutValidation("If-Match", etag);
        var refused = await leader.SendAsync(wrong, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.True((await JsonAsync(refused)).GetProperty("errors").TryGetProperty("calendar", out _));

        var back = new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(new { calendar = "Months", periodStart = "2028-01-01", periodEnd = "2028-12-31" }) };
        back.Headers.TryAddWithoutValidation("If-Match", etag);
        var changed = await JsonAsync(await leader.SendAsync(back, Ct));
        Assert.Equal("Months", changed.GetProperty("calendar").GetString());
        Assert.Equal("2028-03-31", changed.GetProperty("quarters")[0].GetProperty("end").GetString());
        Assert.Contains("Months", await app.WithDbAsync(d => d.AuditEntries.Where(a => a.Action == "cycle.updated").Select(a => a.Details!).SingleAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_plan_goes_through_review_to_approval_and_every_step_is_audited(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var otherManager = await app.ApiAsAsync("manager2@test.terrain");
        var plan = app.Org.PlanOf[app.Org.Rep1.Id].Id;

        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsync($"/api/v1/plans/{plan}/submit", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.PostAsync($"/api/v1/plans/{plan}/approve", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherManager.PostAsync($"/api/v1/plans/{plan}/approve", null, Ct)).StatusCode);
        var noComment = await manager.PostAsJsonAsync($"/api/v1/plans/{plan}/request-changes", new { comment = "" }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noComment.StatusCode);
        Assert.True((await JsonAsync(noComment)).GetProperty("errors").TryGetProperty("comment", out _));
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsJsonAsync($"/api/v1/plans/{plan}/request-changes", new { comment = "Q3 has no goal" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsync($"/api/v1/plans/{plan}/approve", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsync($"/api/v1/plans/{plan}/submit", null, Ct)).StatusCode);
        var approved = await JsonAsync(await manager.PostAsJsonAsync($"/api/v1/plans/{plan}/approve", new { comment = "Good plan" }, Ct));

        Assert.Equal("Approved", approved.GetProperty("status").GetString());
        Assert.Equal(1, approved.GetProperty("approvedVersion").GetInt32());
        var history = await rep.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{plan}/history", Ct);
        Assert.Equal(["plan.submitted", "plan.changes-requested", "plan.submitted", "plan.approved"],
            history.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        var details = JsonDocument.Parse(history[1].GetProperty("details").GetString()!).RootElement;
        Assert.Equal("Submitted", details.GetProperty("from").GetString());
        Assert.Equal("ChangesRequested", details.GetProperty("to").GetString());
        Assert.Equal("Q3 has no goal", details.GetProperty("comment").GetString());
        Assert.Equal(app.Org.Manager1.Id, history[1].GetProperty("byId").GetGuid());
    }

    [Theory, BothDatabases]
    public async Task Amending_an_approved_plan_keeps_the_approved_version_in_force(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep3@test.terrain");
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var plan = app.Org.PlanOf[app.Org.Rep3.Id].Id;
        await rep.PostAsync($"/api/v1/plans/{plan}/submit", null, Ct);
        await leader.PostAsync($"/api/v1/plans/{plan}/approve", null, Ct);

        var amended = await JsonAsync(await rep.PostAsync($"/api/v1/plans/{plan}/amend", null, Ct));

        Assert.Equal("Draft", amended.GetProperty("status").GetString());
        Assert.Equal(2, amended.GetProperty("workingVersion").GetInt32());
        Assert.Equal(1, amended.GetProperty("approvedVersion").GetInt32());
    }

    [Theory, BothDatabases]
    public async Task A_closed_cycle_makes_its_plans_read_only_and_stale_edits_are_refused(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var rep = await app.ApiAsAsync("rep2@test.terrain");
        var cycleUrl = $"/api/v1/cycles/{app.Org.Cycle.Id}";
        var etag = (await leader.GetAsync(cycleUrl, Ct)).Headers.ETag!.ToString();

        async Task<HttpResponseMessage> PatchAsync(object body, string tag)
        {
            var request = new HttpRequestMessage(HttpMethod.Patch, cycleUrl) { Content = JsonContent.Create(body) };
            request.Headers.TryAddWithoutValidation("If-Match", tag);
            return await leader.SendAsync(request, Ct);
        }

        var closed = await PatchAsync(new { status = "Closed" }, etag);
        var stale = await PatchAsync(new { name = "Too late" }, etag);
        var submit = await rep.PostAsync($"/api/v1/plans/{app.Org.PlanOf[app.Org.Rep2.Id].Id}/submit", null, Ct);

        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("Closed", (await JsonAsync(closed)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, submit.StatusCode);
        Assert.Equal("Draft", (await rep.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{app.Org.PlanOf[app.Org.Rep2.Id].Id}", Ct)).GetProperty("status").GetString());
    }

    [Theory, BothDatabases]
    public async Task Plans_are_listed_within_the_callers_scope(Db db)
    {
        var app = await TestApp.StartAsync(db);

        async Task<List<string>> OwnersAsync(string email) =>
            (await (await app.ApiAsAsync(email)).GetFromJsonAsync<JsonElement>($"/api/v1/plans?cycle={app.Org.Cycle.Id}", Ct))
                .EnumerateArray().Select(p => p.GetProperty("ownerEmail").GetString()!).Order().ToList();

        Assert.Equal(["rep1@test.terrain"], await OwnersAsync("rep1@test.terrain"));
        Assert.Equal(["rep1@test.terrain", "rep2@test.terrain"], await OwnersAsync("manager1@test.terrain"));
        Assert.Equal(["rep1@test.terrain", "rep2@test.terrain", "rep3@test.terrain"], await OwnersAsync("leader@test.terrain"));
    }
}
