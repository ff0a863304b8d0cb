using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Planning;

/// <summary>
/// A leader or the rep's manager gives one plan more time, with a reason, 14 days at most per deadline; and every
/// deadline says how it turned out (ADR 0030). FY2027's draft is due 7 Dec 2026; the fake clock starts on 26 Nov.
/// </summary>
public sealed class DeadlineExtensionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> ETagAsync(HttpClient client, Guid planId) =>
        (await client.GetAsync($"/api/v1/plans/{planId}", Ct)).Headers.ETag!.ToString();

    private static Task<HttpResponseMessage> ExtendAsync(HttpClient client, Guid planId, object body, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/plans/{planId}/extensions") { Content = JsonContent.Create(body) };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return client.SendAsync(request, Ct);
    }

    private static async Task<string[]> FieldsAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").EnumerateObject().Select(e => e.Name).ToArray();

    [Theory, BothDatabases]
    public async Task The_reps_manager_extends_the_draft_with_a_reason_and_the_board_and_audit_show_it(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var plan = app.Org.PlanOf[app.Org.Rep2.Id].Id;

        var response = await ExtendAsync(manager, plan, new { deadline = "Draft", days = 3, reason = "On leave for a week" }, await ETagAsync(manager, plan));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var deadlines = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("2026-12-10", deadlines.GetProperty("draft").GetProperty("due").GetString());
        Assert.Equal(3, deadlines.GetProperty("draftExtensionDays").GetInt32());
        Assert.Equal("On leave for a week", deadlines.GetProperty("extensions")[0].GetProperty("reason").GetString());
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var board = await leader.GetFromJsonAsync<JsonElement>($"/api/v1/cycles/{app.Org.Cycle.Id}/board", Ct);
        var row = board.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("planId").GetGuid() == plan);
        Assert.Equal(3, row.GetProperty("draftExtensionDays").GetInt32());
        Assert.True(await app.WithDbAsync(d => d.AuditEntries.AnyAsync(e => e.Action == "plan.deadline-extended" && e.EntityId == plan.ToString(), Ct)));
    }

    [Theory, BothDatabases]
    public async Task An_extension_is_refused_beyond_fourteen_days_without_a_reason_on_a_stale_version_or_without_one(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var plan = app.Org.PlanOf[app.Org.Rep3.Id].Id;
        var etag = await ETagAsync(leader, plan);

        var tooLong = await ExtendAsync(leader, plan, new { deadline = "Approval", days = 15, reason = "Too long" }, etag);
        var noReason = await ExtendAsync(leader, plan, new { deadline = "Approval", days = 2, reason = " " }, etag);
        var badKind = await ExtendAsync(leader, plan, new { deadline = "Launch", days = 2, reason = "Why" }, etag);
        var noVersion = await ExtendAsync(leader, plan, new { deadline = "Approval", days = 2, reason = "Why" }, null);
        var first = await ExtendAsync(leader, plan, new { deadline = "Approval", days = 10, reason = "Manager away" }, etag);
        var stale = await ExtendAsync(leader, plan, new { deadline = "Approval", days = 1, reason = "Again" }, etag);
        var beyond = await ExtendAsync(leader, plan, new { deadline = "Approval", days = 5, reason = "Again" }, first.Headers.ETag!.ToString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.Equal(["days"], await FieldsAsync(tooLong));
        Assert.Equal(["reason"], await FieldsAsync(noReason));
        Assert.Equal(["deadline"], await FieldsAsync(badKind));
        Assert.Equal(HttpStatusCode.PreconditionRequired, noVersion.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, beyond.StatusCode);
        Assert.Equal(1, await app.WithDbAsync(d => d.PlanExtensions.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task Another_teams_manager_and_the_rep_cannot_extend(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var plan = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var otherManager = await app.ApiAsAsync("manager2@test.terrain");
        var body = new { deadline = "Draft", days = 2, reason = "Please" };

        Assert.Equal(HttpStatusCode.Forbidden, (await ExtendAsync(rep, plan, body, await ETagAsync(rep, plan))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ExtendAsync(otherManager, plan, body, "\"x\"")).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task A_draft_submitted_six_days_late_stays_late_on_the_board_and_the_plan(Db db)
    {
        var app = await TestApp.StartAsync(db);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 13, 10, 0, 0, TimeSpan.Zero));
        var rep = await app.ApiAsAsync("rep2@test.terrain");
        var plan = app.Org.PlanOf[app.Org.Rep2.Id].Id;
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsync($"/api/v1/plans/{plan}/submit", null, Ct)).StatusCode);

        var detail = await rep.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{plan}", Ct);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var board = await leader.GetFromJsonAsync<JsonElement>($"/api/v1/cycles/{app.Org.Cycle.Id}/board", Ct);
        var row = board.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("planId").GetGuid() == plan);
        var page = await (await app.BrowserAsAsync("manager1@test.terrain")).GetStringAsync($"/Plans/{plan}", Ct);

        Assert.Equal("met late by 6 days", detail.GetProperty("deadlines").GetProperty("draft").GetProperty("text").GetString());
        Assert.Equal("MetLate", row.GetProperty("draftOutcome").GetProperty("state").GetString());
        Assert.Equal(6, row.GetProperty("draftOutcome").GetProperty("days").GetInt32());
        Assert.Equal("due in 14 days", row.GetProperty("approvalOutcome").GetProperty("text").GetString());
        Assert.Contains("met late by 6 days", page, StringComparison.Ordinal);
        Assert.Contains("missed (6 days overdue)", board.GetProperty("rows").EnumerateArray()
            .Single(r => r.GetProperty("repEmail").GetString() == "rep1@test.terrain").GetProperty("draftOutcome").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task The_plan_page_extends_through_a_form_and_names_the_refused_field(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var browser = await app.BrowserAsAsync("leader@test.terrain");
        var plan = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        var html = await browser.GetStringAsync($"/Plans/{plan}", Ct);
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        var form = document.QuerySelector("form[action$='handler=Extend']")!;
        var token = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var version = form.QuerySelector("input[name=version]")!.GetAttribute("value")!;

        var refused = await browser.PostAsync($"/Plans/{plan}?handler=Extend", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["version"] = version,
            ["deadline"] = "Draft",
            ["days"] = "20",
            ["reason"] = "Too much",
        }), Ct);
        var done = await browser.PostAsync($"/Plans/{plan}?handler=Extend", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["version"] = version,
            ["deadline"] = "Draft",
            ["days"] = "2",
            ["reason"] = "Territory split",
        }), Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("id=\"extend-days-error\"", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var after = await browser.GetStringAsync($"/Plans/{plan}", Ct);
        Assert.Contains("Territory split", after, StringComparison.Ordinal);
        Assert.Contains("9 Dec 2026", after, StringComparison.Ordinal);
    }
}
