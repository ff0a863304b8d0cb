using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Actuals;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Performance;

/// <summary>
/// Pace, deal figures, action completion, plan adherence and leader thresholds in GET /api/v1/plans/{id}/performance,
/// against the hand-computed fixture of docs/metrics.md (see <see cref="GoalPerformanceTests"/>), as of 15 May 2027.
/// </summary>
public sealed class PlanMetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> PerformanceAsync(TestApp app, Guid plan, string email = "rep1@test.terrain") =>
        await (await app.ApiAsAsync(email)).GetFromJsonAsync<JsonElement>($"/api/v1/plans/{plan}/performance?asOf=2027-05-15", Ct);

    private static JsonElement Period(JsonElement performance, string goal, string period) =>
        performance.GetProperty("goals").EnumerateArray().Single(g => g.GetProperty("goalKey").GetString() == goal)
            .GetProperty("periods").EnumerateArray().Single(p => p.GetProperty("period").GetString() == period);

    private static string Raw(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? "null" : e.GetProperty(name).GetRawText();

    private static string Fields(JsonElement e, params string[] names) => string.Join(" ", names.Select(n => $"{n} {Raw(e, n)}"));

    [Theory, BothDatabases]
    public async Task Pace_and_deal_figures_of_a_revenue_goal_match_the_hand_computed_fixture(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var plan = await GoalPerformanceTests.FixtureAsync(app);

        var response = await PerformanceAsync(app, plan);

        var q2 = Period(response, "rev", "Q2");
        // 45 of Q2's 91 days gone, 46 left (7 weeks); gap 30,000.
        Assert.Equal("weeksLeft 7 neededPerWeek 4285.71 neededMet false elapsedShare 0.4945 runRate 50555.56 expectedLinear 27197.80 expectedHistorical null",
            Fields(q2.GetProperty("pace"), "weeksLeft", "neededPerWeek", "neededMet", "elapsedShare", "runRate", "expectedLinear", "expectedHistorical"));
        // Only Q1 of the team's last four quarters won anything: too little history, so linear with a note.
        Assert.Equal("Linear", response.GetProperty("expected").GetProperty("kind").GetString());
        // Won W2 (created 1 Dec 2026, 121 days) and W3 (25 days), lost L1; created W3, W4, C1, P1 (47,000); weighted C1 80%, B1 50%,
        // P1 20% = 29,500; the cycle's win rate by value 69,000 ÷ 81,000 = 0.8519 sizes the pipeline needed: 30,000 ÷ 0.8519 ÷ 7.
        // At the start of Q2 the only import (November 2026) had C1, B1, P1 and F1 open closing in Q2: 58,000 ÷ 55,000.
        Assert.Equal("won 2 lost 1 winRateByCount 0.6667 winRateByValue 0.6757 averageWonDeal 12500 medianCycleDays 73 pipelineCreated 47000 " +
                     "pipelineCreatedPerWeek 7311.11 pipelineNeededPerWeek 5030.77 pipelineNeededMet false weightedPipeline 29500 weightedCoverage 0.98 " +
                     "coverageAtStart 1.05 coverageAtStartMet false",
            Fields(q2.GetProperty("deals"), "won", "lost", "winRateByCount", "winRateByValue", "averageWonDeal", "medianCycleDays", "pipelineCreated",
                "pipelineCreatedPerWeek", "pipelineNeededPerWeek", "pipelineNeededMet", "weightedPipeline", "weightedCoverage", "coverageAtStart", "coverageAtStartMet"));

        // Q3 has not started: nothing closed, nothing created, every week left, no coverage at its start yet (it is in the future).
        var q3 = Period(response, "rev", "Q3");
        Assert.Equal("weeksLeft 14 neededPerWeek 10714.29 runRate null expectedLinear 0", Fields(q3.GetProperty("pace"), "weeksLeft", "neededPerWeek", "runRate", "expectedLinear"));
        Assert.Equal("won 0 lost 0 winRateByCount null averageWonDeal null medianCycleDays null pipelineCreatedPerWeek null coverageAtStart null",
            Fields(q3.GetProperty("deals"), "won", "lost", "winRateByCount", "averageWonDeal", "medianCycleDays", "pipelineCreatedPerWeek", "coverageAtStart"));

        // Goals other than revenue have pace but no deal figures; a met goal needs nothing.
        var logos = Period(response, "logos", "Q2");
        Assert.Equal("neededMet true neededPerWeek null", Fields(logos.GetProperty("pace"), "neededMet", "neededPerWeek"));
        Assert.Equal(JsonValueKind.Null, logos.GetProperty("deals").ValueKind);
    }

    [Theory, BothDatabases]
    public async Task Coverage_at_the_start_reads_the_snapshot_then_and_leaves_out_the_early_stages_a_leader_lists(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var plan = await GoalPerformanceTests.FixtureAsync(app);
        var o = app.Org;
        var alpha = o.Accounts.Single(a => a.Name == "Alpha Manufacturing").Id;
        await app.WithDbAsync(async ctx =>
        {
            // S1 was open in Negotiation on 15 March and won on 15 April; S2 sat in Prospecting from 15 March.
            var march = new DateTimeOffset(2027, 3, 15, 12, 0, 0, TimeSpan.Zero);
            var april = new DateTimeOffset(2027, 4, 15, 12, 0, 0, TimeSpan.Zero);
            DealFacts Facts(string id, string stage, DealOutcome outcome, ForecastCategory forecast, decimal amount, DateOnly close) =>
                new(id, "", id, alpha, "", o.Rep1.Id, stage, outcome, forecast, amount, "USD", amount, 50, close, new DateOnly(2027, 3, 10),
                    DealType.NewBusiness, "off-cloud", "off-cloud", null);
            var (s1, first) = Opportunity.Create(Facts("S1", "Negotiation", DealOutcome.Open, ForecastCategory.Commit, 40_000, new DateOnly(2027, 6, 1)), Guid.NewGuid(), march);
            var won = s1.Apply(Facts("S1", "Closed Won", DealOutcome.Won, ForecastCategory.Closed, 40_000, new DateOnly(2027, 4, 15)), Guid.NewGuid(), april)!;
            first.End(april);
            var (s2, second) = Opportunity.Create(Facts("S2", "Prospecting", DealOutcome.Open, ForecastCategory.Pipeline, 30_000, new DateOnly(2027, 5, 1)), Guid.NewGuid(), march);
            ctx.Opportunities.AddRange(s1, s2);
            ctx.OpportunityChanges.AddRange(first, won, second);
            return await ctx.SaveChangesAsync(Ct);
        });

        var before = Period(await PerformanceAsync(app, plan), "rev", "Q2").GetProperty("deals");
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var get = await leader.GetAsync("/api/v1/settings/metrics", Ct);
        var put = new HttpRequestMessage(HttpMethod.Put, "/api/v1/settings/metrics")
        {
            Content = JsonContent.Create(new { onTrackPercent = 100, atRiskPercent = 85, healthyCoveragePercent = 300, earlyStages = new[] { "prospecting" }, idleDays = 14 }),
        };
        put.Headers.TryAddWithoutValidation("If-Match", get.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await leader.SendAsync(put, Ct)).StatusCode);
        var after = await PerformanceAsync(app, plan);

        // 1 April: the November import's C1, B1, P1, F1 (58,000), S1 still open (40,000) and S2 (30,000): 128,000 ÷ 55,000.
        Assert.Equal("2.33", Raw(before, "coverageAtStart"));
        // Prospecting left out: 98,000 ÷ 55,000; S2 is also out of the open pipeline now.
        Assert.Equal("1.78", Raw(Period(after, "rev", "Q2").GetProperty("deals"), "coverageAtStart"));
        Assert.Equal("50000", Raw(Period(after, "rev", "Q2"), "openPipeline"));
    }

    [Theory, BothDatabases]
    public async Task Thresholds_a_leader_sets_are_validated_naming_the_field_audited_and_change_the_status(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var plan = await GoalPerformanceTests.FixtureAsync(app);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var rep = await app.ApiAsAsync("rep1@test.terrain");

        var get = await leader.GetAsync("/api/v1/settings/metrics", Ct);
        var current = await get.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var etag = get.Headers.ETag!.ToString();
        HttpRequestMessage Put(object body, string? ifMatch)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/settings/metrics") { Content = JsonContent.Create(body) };
            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }

            return request;
        }

        var lower = new { onTrackPercent = 90, atRiskPercent = 70, healthyCoveragePercent = 250, earlyStages = Array.Empty<string>(), idleDays = 10 };
        var byRep = await rep.SendAsync(Put(lower, etag), Ct);
        var without = await leader.SendAsync(Put(lower, null), Ct);
        var invalid = await leader.SendAsync(Put(new { onTrackPercent = 90, atRiskPercent = 95, healthyCoveragePercent = 250, earlyStages = Array.Empty<string>(), idleDays = 10 }, etag), Ct);
        var missing = await leader.SendAsync(Put(new { onTrackPercent = 90, atRiskPercent = 70, earlyStages = Array.Empty<string>(), idleDays = 10 }, etag), Ct);
        var statusBefore = Period(await PerformanceAsync(app, plan), "rev", "Q2").GetProperty("status").GetString();
        var saved = await leader.SendAsync(Put(lower, etag), Ct);
        var stale = await leader.SendAsync(Put(lower, etag), Ct);
        var after = await PerformanceAsync(app, plan);

        Assert.Equal("100 85 300 14", $"{current.GetProperty("onTrackPercent")} {current.GetProperty("atRiskPercent")} {current.GetProperty("healthyCoveragePercent")} {current.GetProperty("idleDays")}");
        Assert.Equal(HttpStatusCode.Forbidden, byRep.StatusCode);
        Assert.Equal((HttpStatusCode)428, without.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.StatusCode);
        Assert.True((await invalid.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("atRiskPercent", out _));
        Assert.True((await missing.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("healthyCoveragePercent", out _));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.NotEqual(etag, saved.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        // Q2's forecast is 50,000 of 55,000 (90.9%): at risk against 100%, on track against 90%.
        Assert.Equal("AtRisk", statusBefore);
        Assert.Equal("OnTrack", Period(after, "rev", "Q2").GetProperty("status").GetString());
        Assert.Equal("0.9", after.GetProperty("thresholds").GetProperty("onTrack").GetRawText());
        var audit = await app.WithDbAsync(ctx => ctx.AuditEntries.AsNoTracking().Where(a => a.Action == "metrics.settings-changed").ToListAsync(Ct));
        var entry = Assert.Single(audit);
        Assert.Equal(app.Org.Leader.Id, entry.ActorId);
        Assert.Contains("\"onTrackPercent\":90", entry.Details, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task The_rep_and_their_manager_keep_action_statuses_with_if_match_audited_and_completion_follows(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var plan = await GoalPerformanceTests.FixtureAsync(app);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var otherRep = await app.ApiAsAsync("rep2@test.terrain");
        var leader = await app.ApiAsAsync("leader@test.terrain");

        var before = await PerformanceAsync(app, plan);
        var actions = before.GetProperty("actions").EnumerateArray().ToDictionary(a => a.GetProperty("actionKey").GetString()!);
        var a1 = actions["a1"];
        var url = $"/api/v1/plans/{plan}/actions/{a1.GetProperty("id").GetGuid()}";
        var etag = $"\"{a1.GetProperty("version").GetString()}\"";
        HttpRequestMessage Patch(string status, string? ifMatch)
        {
            var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(new { status }) };
            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }

            return request;
        }

        var byOtherRep = await otherRep.SendAsync(Patch("Done", etag), Ct);
        var byLeader = await leader.SendAsync(Patch("Done", etag), Ct);
        var without = await rep.SendAsync(Patch("Done", null), Ct);
        var unknown = await rep.SendAsync(Patch("Finished", etag), Ct);
        var saved = await rep.SendAsync(Patch("Done", etag), Ct);
        var stale = await manager.SendAsync(Patch("Blocked", etag), Ct);
        var byManager = await manager.SendAsync(Patch("InProgress", saved.Headers.ETag!.ToString()), Ct);
        var after = await PerformanceAsync(app, plan);

        // As of 15 May: a3 done; a1 (due 30 April) and a2 open, a1 overdue.
        Assert.Equal("total 3 done 1 open 2 overdue 1", Fields(before.GetProperty("actionCompletion"), "total", "done", "open", "overdue"));
        Assert.True(a1.GetProperty("overdue").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, byOtherRep.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byLeader.StatusCode);
        Assert.Equal((HttpStatusCode)428, without.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.True((await unknown.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("errors").TryGetProperty("status", out _));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("Done", (await stale.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("current").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, byManager.StatusCode);
        Assert.Equal("total 3 done 1 open 2 overdue 1", Fields(after.GetProperty("actionCompletion"), "total", "done", "open", "overdue"));
        Assert.Equal("InProgress", after.GetProperty("actions").EnumerateArray().Single(a => a.GetProperty("actionKey").GetString() == "a1").GetProperty("status").GetString());
        var audit = await app.WithDbAsync(ctx => ctx.AuditEntries.AsNoTracking().Where(a => a.Action == "plan.action-status").OrderBy(a => a.Id).ToListAsync(Ct));
        Assert.Equal([app.Org.Rep1.Id, app.Org.Manager1.Id], audit.Select(a => a.ActorId!.Value));
        Assert.Contains("\"from\":\"NotStarted\",\"to\":\"Done\"", audit[0].Details, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task Plan_adherence_splits_activities_and_new_pipeline_and_lists_untouched_a_accounts_and_late_prospects(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var plan = await GoalPerformanceTests.FixtureAsync(app);

        var adherence = (await PerformanceAsync(app, plan)).GetProperty("adherence");

        Assert.Equal("aAccounts 1 bAccounts 1 prospects 3", Fields(adherence, "aAccounts", "bAccounts", "prospects"));
        var periods = adherence.GetProperty("periods").EnumerateArray().ToDictionary(p => p.GetProperty("period").GetString()!);
        string Split(JsonElement s) => Fields(s, "onA", "onB", "onProspects", "elsewhere", "onPlanShare");
        // Q1: A1 on Alpha (A), A2 on Omega (a prospect). Created in Q1: Alpha W1 + OM, Beta W5, Omega B1 + L1, Eta W6 elsewhere; not the deleted D1.
        Assert.Equal("onA 1 onB 0 onProspects 1 elsewhere 0 onPlanShare 1", Split(periods["Q1"].GetProperty("activities")));
        Assert.Equal("onA 80000 onB 10000 onProspects 27000 elsewhere 4000 onPlanShare 0.9669", Split(periods["Q1"].GetProperty("newPipeline")));
        Assert.Equal("onA 1 onB 0 onProspects 0 elsewhere 0 onPlanShare 1", Split(periods["Q2"].GetProperty("activities")));
        Assert.False(periods.ContainsKey("Q3"));
        // Alpha's last held activity by 15 May was rep2's on 3 April: more than 30 days before.
        var untouched = Assert.Single(adherence.GetProperty("untouchedA").EnumerateArray());
        Assert.Equal("Alpha Manufacturing 2027-04-03", $"{untouched.GetProperty("name").GetString()} {untouched.GetProperty("lastActivity").GetString()}");
        // Omega was met on 31 March, after its contact date but met; Nobody Corp has no account and its date has passed; Later Inc's has not.
        var late = Assert.Single(adherence.GetProperty("lateProspects").EnumerateArray());
        Assert.Equal("Nobody Corp 2027-05-01 null", $"{late.GetProperty("company").GetString()} {late.GetProperty("contactBy").GetString()} {Raw(late, "accountId")}");
    }

    [Theory, BothDatabases]
    public async Task The_page_shows_pace_deals_actions_and_adherence_and_the_leader_s_settings_page_saves(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var plan = await GoalPerformanceTests.FixtureAsync(app);
        var browser = await app.BrowserAsAsync("rep1@test.terrain");
        var leader = await app.BrowserAsAsync("leader@test.terrain");

        var html = WebUtility.HtmlDecode(await browser.GetStringAsync($"/Plans/{plan}/Performance?asOf=2027-05-15", Ct));
        var token = await TestApp.AntiforgeryTokenAsync(leader, "/Settings/Metrics");
        var settingsPage = await leader.GetStringAsync("/Settings/Metrics", Ct);
        var version = System.Text.RegularExpressions.Regex.Match(settingsPage, "name=\"Version\" value=\"([0-9a-f]+)\"").Groups[1].Value;
        var post = await leader.PostAsync("/Settings/Metrics", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Version"] = version,
            ["OnTrackPercent"] = "90",
            ["AtRiskPercent"] = "95",
            ["HealthyCoveragePercent"] = "300",
            ["EarlyStages"] = "",
            ["IdleDays"] = "14",
        }), Ct);
        var refused = WebUtility.HtmlDecode(await post.Content.ReadAsStringAsync(Ct));

        Assert.Contains("<caption>Pace: what is needed, and where it would end at this pace</caption>", html, StringComparison.Ordinal);
        Assert.Contains(">$4,285.71<", html, StringComparison.Ordinal);
        Assert.Contains("67.6%", html, StringComparison.Ordinal);
        Assert.Contains("1 done, 2 open, of which 1 overdue", html, StringComparison.Ordinal);
        Assert.Contains("<select id=\"status-", html, StringComparison.Ordinal);
        Assert.Contains("Nobody Corp", html, StringComparison.Ordinal);
        Assert.Contains("Alpha Manufacturing, last activity", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, post.StatusCode);
        Assert.Contains("The at-risk threshold is a percentage from 1 up to the on-track threshold (90).", refused, StringComparison.Ordinal);
    }
}
