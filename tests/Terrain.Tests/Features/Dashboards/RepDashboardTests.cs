using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MiniExcelLibs;
using Terrain.Tests.Features.Performance;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Dashboards;

/// <summary>
/// The rep dashboard's plan-execution figures (needed per week, overdue actions, plan adherence) against the
/// performance page's hand-computed fixture (docs/metrics.md), and deals-at-risk thresholds from the leader's settings.
/// </summary>
public sealed class RepDashboardTests
{
    private const string AsOf = "2027-05-15";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Raw(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? "null" : e.GetProperty(name).GetRawText();

    private static string Fields(JsonElement e, params string[] names) => string.Join(" ", names.Select(n => $"{n} {Raw(e, n)}"));

    [Theory, BothDatabases]
    public async Task The_rep_dashboard_shows_needed_per_week_overdue_actions_and_plan_adherence_as_the_performance_page_does(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await GoalPerformanceTests.FixtureAsync(app);
        var rep = await app.ApiAsAsync("rep1@test.terrain");

        var view = await rep.GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/rep?asOf={AsOf}", Ct);

        // The revenue goal: Q2 target 55,000, won 25,000, 7 weeks left: 30,000 ÷ 7 a week.
        var goals = view.GetProperty("goals").EnumerateArray().ToDictionary(g => g.GetProperty("goalKey").GetString()!);
        Assert.Equal("weeksLeft 7 neededPerWeek 4285.71 neededMet false", Fields(goals["rev"].GetProperty("quarterPace"), "weeksLeft", "neededPerWeek", "neededMet"));
        // New logos: 1 of 1 in Q2, nothing needed.
        Assert.Equal("neededPerWeek null neededMet true", Fields(goals["logos"].GetProperty("quarterPace"), "neededPerWeek", "neededMet"));
        // a3 done, a1 (due 30 April) and a2 (due 15 June) open: a1 is overdue.
        Assert.Equal("total 3 done 1 open 2 overdue 1", Fields(view.GetProperty("actions"), "total", "done", "open", "overdue"));
        Assert.Equal(["Call Alpha's COO"], view.GetProperty("overdueActions").EnumerateArray().Select(a => a.GetProperty("title").GetString()));
        var adherence = view.GetProperty("adherence");
        var q2 = adherence.GetProperty("periods").EnumerateArray().Single(p => p.GetProperty("period").GetString() == "Q2");
        Assert.Equal("onA 1 onB 0 onProspects 0 elsewhere 0 onPlanShare 1", Fields(q2.GetProperty("activities"), "onA", "onB", "onProspects", "elsewhere", "onPlanShare"));
        Assert.Equal(["Alpha Manufacturing"], adherence.GetProperty("untouchedA").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.Equal(["Nobody Corp"], adherence.GetProperty("lateProspects").EnumerateArray().Select(a => a.GetProperty("company").GetString()));

        // The same figures in the exports and on the page.
        var csv = await rep.GetAsync($"/api/v1/dashboards/rep?asOf={AsOf}&format=csv&table=overdue-actions", Ct);
        var lines = Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync(Ct)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["Action,Due,Status,Goal", "Call Alpha's COO,2027-04-30,NotStarted,"], lines);
        var goalsCsv = Encoding.UTF8.GetString(await (await rep.GetAsync($"/api/v1/dashboards/rep?asOf={AsOf}&format=csv&table=goals", Ct)).Content.ReadAsByteArrayAsync(Ct));
        Assert.Contains(",7,4285.71,", goalsCsv, StringComparison.Ordinal);
        var xlsx = await rep.GetAsync($"/api/v1/dashboards/rep?asOf={AsOf}&format=xlsx", Ct);
        using var book = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(["goals", "chart", "adherence", "plan-gaps", "stages", "won-deals", "overdue-actions", "deals-at-risk"], MiniExcel.GetSheetNames(book));
        book.Position = 0;
        var gaps = MiniExcel.Query(book, useHeaderRow: true, sheetName: "plan-gaps").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(["Alpha Manufacturing", "Nobody Corp"], gaps.Select(g => g["Name"]));

        var html = WebUtility.HtmlDecode(await (await app.BrowserAsAsync("rep1@test.terrain")).GetStringAsync($"/Dashboards/Rep?asOf={AsOf}", Ct));
        Assert.Contains("1 done, 2 open, ", html, StringComparison.Ordinal);
        Assert.Contains("1 overdue</span> of 3", html, StringComparison.Ordinal);
        Assert.Contains("Call Alpha's COO", html, StringComparison.Ordinal);
        Assert.Contains("4,285.71", html, StringComparison.Ordinal);
        Assert.Contains("Nobody Corp", html, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task Deals_at_risk_thresholds_come_from_the_leader_s_metric_settings(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await DashboardTests.FixtureAsync(app);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var url = $"/api/v1/dashboards/deals-at-risk?managerId={app.Org.Manager1.Id}&asOf={AsOf}";

        // The defaults: 14 days without activity, 30 in a stage (P1: 44 days without activity and in Propose).
        var before = await manager.GetFromJsonAsync<JsonElement>(url, Ct);
        var get = await leader.GetAsync("/api/v1/settings/metrics", Ct);
        var settings = await get.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var put = new HttpRequestMessage(HttpMethod.Put, "/api/v1/settings/metrics")
        {
            Content = JsonContent.Create(new { onTrackPercent = 100, atRiskPercent = 85, healthyCoveragePercent = 300, earlyStages = Array.Empty<string>(), idleDays = 60, stalledDays = 50 }),
        };
        put.Headers.TryAddWithoutValidation("If-Match", get.Headers.ETag!.ToString());
        var saved = await leader.SendAsync(put, Ct);
        var after = await manager.GetFromJsonAsync<JsonElement>(url, Ct);
        var overridden = await manager.GetFromJsonAsync<JsonElement>(url + "&noActivityDays=30", Ct);
        var team = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/team?asOf={AsOf}", Ct);
        var page = WebUtility.HtmlDecode(await (await app.BrowserAsAsync("manager1@test.terrain")).GetStringAsync($"/Dashboards/Team?asOf={AsOf}", Ct));

        Assert.Equal("idleDays 14 stalledDays 30", Fields(settings, "idleDays", "stalledDays"));
        Assert.Equal(["C2", "P1"], before.EnumerateArray().Select(d => d.GetProperty("externalId").GetString()));
        Assert.True(saved.StatusCode == HttpStatusCode.OK, await saved.Content.ReadAsStringAsync(Ct));
        // 60 days without activity and 50 in a stage: P1 (44 and 44) is no longer at risk; C2's close date has passed.
        Assert.Equal(["C2"], after.EnumerateArray().Select(d => d.GetProperty("externalId").GetString()));
        Assert.Equal(["CloseDatePassed", "NoRecentActivity", "StalledInStage"], after[0].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        // A request may still override one threshold: P1 is back for 44 days without activity, not for its 44 days in Propose.
        Assert.Equal(["NoRecentActivity"], overridden.EnumerateArray().Single(d => d.GetProperty("externalId").GetString() == "P1")
            .GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("noActivityDays 60 stalledDays 50", Fields(team.GetProperty("rules"), "noActivityDays", "stalledDays"));
        Assert.Contains("no activity held on their account in 60 days", page, StringComparison.Ordinal);
        Assert.Contains("no stage change in 50 days", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Stalled_days_out_of_range_are_refused_naming_the_field()
    {
        var settings = Terrain.Domain.Performance.MetricSettings.Default();

        var refusal = Assert.Throws<Terrain.Domain.DomainException>(() =>
            settings.Change(100, 85, 300, [], 14, Guid.NewGuid(), DateTimeOffset.UnixEpoch, stalledDays: 0));

        Assert.Equal("stalledDays", refusal.Field);
        Assert.Equal(30, settings.StalledDays);
    }
}
