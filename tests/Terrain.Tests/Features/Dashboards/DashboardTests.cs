using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using Terrain.Domain.Actuals;
using Terrain.Domain.Planning;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Dashboards;

/// <summary>
/// The team, organisation and rep dashboards against a small hand-computed fixture in FY2027 (quarters from January),
/// as of 15 May 2027 (Q2): manager1's team is rep1 and rep2, manager2's is rep3.
/// </summary>
public sealed class DashboardTests
{
    private const string AsOf = "2027-05-15";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateOnly D(int month, int day) => new(2027, month, day);

    private static DateTimeOffset At(int month, int day) => new(2027, month, day, 12, 0, 0, TimeSpan.Zero);

    internal static async Task ApproveAsync(TestApp app, string rep, Guid plan, params object[] goals)
    {
        var client = await app.ApiAsAsync(rep);
        var url = $"/api/v1/plans/{plan}/sections/targets";
        var etag = (await client.GetAsync(url, Ct)).Headers.ETag!.ToString();
        var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(new { goals }) };
        put.Headers.TryAddWithoutValidation("If-Match", etag);
        var response = await client.SendAsync(put, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        response = await client.PostAsync($"/api/v1/plans/{plan}/submit", null, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    internal static async Task ApproveAllAsync(TestApp app, params (string Manager, Guid Plan)[] plans)
    {
        app.Clock.Advance(TimeSpan.FromDays(1));
        foreach (var (manager, plan) in plans)
        {
            var response = await (await app.ApiAsAsync(manager)).PostAsync($"/api/v1/plans/{plan}/approve", null, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        }
    }

    private static object Revenue(decimal[] targets, string? productId = null, string? segmentId = null, string? objectiveId = null) =>
        new { id = "rev", metric = "Revenue", name = "Revenue", productId, segmentId, objectiveId, targets };

    /// <summary>
    /// rep1: 100k a quarter; won W2 50k (Q1) and W1 30k (Q2); open C1 40k commit and P1 20k pipeline in Q2.
    /// rep2: 10k, 40k, 50k, 50k; won W4 10k (Q1) and W3 40k (Q2); open C2 5k commit whose close date (10 May) has passed.
    /// rep3: 60k a quarter of Terrain Cloud in mid-market manufacturers, toward the revenue objective; won W5 70k on
    /// Alpha (in the segment) and W6 30k on Eta (not in it).
    /// </summary>
    internal static async Task FixtureAsync(TestApp app)
    {
        var o = app.Org;
        await ApproveAsync(app, "rep1@test.terrain", o.PlanOf[o.Rep1.Id].Id, Revenue([100_000m, 100_000m, 100_000m, 100_000m]));
        await ApproveAsync(app, "rep2@test.terrain", o.PlanOf[o.Rep2.Id].Id, Revenue([10_000m, 40_000m, 50_000m, 50_000m]));
        await ApproveAsync(app, "rep3@test.terrain", o.PlanOf[o.Rep3.Id].Id,
            Revenue([60_000m, 60_000m, 60_000m, 60_000m], "off-cloud", "seg-mm", StrategyBuilder.RevenueObjective));
        await ApproveAllAsync(app, ("manager1@test.terrain", o.PlanOf[o.Rep1.Id].Id), ("manager1@test.terrain", o.PlanOf[o.Rep2.Id].Id),
            ("manager2@test.terrain", o.PlanOf[o.Rep3.Id].Id));

        var alpha = o.Accounts.Single(a => a.Name == "Alpha Manufacturing").Id;
        var beta = o.Accounts.Single(a => a.Name == "Beta Health").Id;
        var eta = o.Accounts.Single(a => a.Name == "Eta Software").Id;
        var (rep1, rep2, rep3) = (o.Rep1.Id, o.Rep2.Id, o.Rep3.Id);
        await app.WithDbAsync(async db =>
        {
            var import = Guid.NewGuid();

            // A deal created at one instant, then moved through further stages at later instants.
            void Deal(string id, Guid owner, Guid account, DealOutcome outcome, ForecastCategory forecast, decimal amount, DateOnly close, DateOnly created,
                string? product, DateTimeOffset at, params (string Stage, DateTimeOffset At)[] later)
            {
                var facts = new DealFacts(id, "", "Deal " + id, account, "", owner, outcome == DealOutcome.Open ? "Qualify" : outcome.ToString(), outcome, forecast,
                    amount, "USD", amount, null, close, created, DealType.NewBusiness, product, product, null);
                var (deal, change) = Opportunity.Create(facts, import, at);
                db.Opportunities.Add(deal);
                db.OpportunityChanges.Add(change);
                foreach (var (stage, when) in later)
                {
                    if (deal.Apply(facts with { Stage = stage }, import, when) is { } next)
                    {
                        db.OpportunityChanges.Add(next);
                    }
                }
            }

            Deal("W2", rep1, alpha, DealOutcome.Won, ForecastCategory.Closed, 50_000, D(2, 1), D(1, 5), null, At(2, 1));
            Deal("W1", rep1, alpha, DealOutcome.Won, ForecastCategory.Closed, 30_000, D(4, 10), D(2, 5), null, At(4, 10));
            // In Commit since 30 April (an amount change on 5 May is not a stage change); Alpha had an activity on 10 May.
            Deal("C1", rep1, alpha, DealOutcome.Open, ForecastCategory.Commit, 40_000, D(6, 20), D(3, 1), null, At(3, 1), ("Commit", At(4, 30)));
            // In Propose since 1 April; Beta's last held activity was on 1 April. It moves on after the as-of date, which changes nothing then.
            Deal("P1", rep1, beta, DealOutcome.Open, ForecastCategory.Pipeline, 20_000, D(6, 25), D(3, 1), null, At(3, 1), ("Propose", At(4, 1)), ("Negotiate", At(5, 20)));
            Deal("W4", rep2, eta, DealOutcome.Won, ForecastCategory.Closed, 10_000, D(3, 1), D(1, 10), null, At(3, 1));
            Deal("W3", rep2, eta, DealOutcome.Won, ForecastCategory.Closed, 40_000, D(5, 1), D(2, 10), null, At(5, 1));
            // Close date passed, no activity on Eta ever, in Qualify since 1 March.
            Deal("C2", rep2, eta, DealOutcome.Open, ForecastCategory.Commit, 5_000, D(5, 10), D(3, 1), null, At(3, 1));
            Deal("W5", rep3, alpha, DealOutcome.Won, ForecastCategory.Closed, 70_000, D(4, 20), D(2, 1), "off-cloud", At(4, 20));
            Deal("W6", rep3, eta, DealOutcome.Won, ForecastCategory.Closed, 30_000, D(4, 21), D(2, 1), "off-cloud", At(4, 21));
            db.Activities.AddRange(
                SalesActivity.Create("A1", rep1, "Meeting", D(5, 10), alpha, held: true, import, At(5, 10)),
                SalesActivity.Create("A2", rep1, "Call", D(4, 1), beta, held: true, import, At(4, 1)),
                SalesActivity.Create("A3", rep1, "Meeting", D(5, 12), beta, held: false, import, At(5, 12)),
                SalesActivity.Create("A4", rep1, "Meeting", D(5, 16), beta, held: true, import, At(5, 16)));
            return await db.SaveChangesAsync(Ct);
        });
    }

    private static string Figures(JsonElement f)
    {
        string N(string name) => f.GetProperty(name).ValueKind == JsonValueKind.Null ? "null" : f.GetProperty(name).GetRawText();
        return $"target {N("target")} actual {N("actual")} forecast {N("forecast")} attainment {N("forecastAttainment")} gap {N("gap")} " +
               $"open {N("openPipeline")} coverage {N("coverage")} met {N("coverageMet")} {f.GetProperty("status").GetString()}";
    }

    private static async Task SetManagerQuotaAsync(TestApp app, Guid manager, params decimal[] quarters) =>
        await app.WithDbAsync(async db =>
        {
            for (var q = 0; q < quarters.Length; q++)
            {
                db.Quotas.Add(Quota.Set(app.Org.Cycle.Id, manager, q + 1, quarters[q], app.Org.Leader.Id, app.Clock.GetUtcNow()));
            }

            return await db.SaveChangesAsync(Ct);
        });

    [Theory, BothDatabases]
    public async Task The_team_is_ranked_by_forecast_attainment_against_the_sum_of_its_reps_targets(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await FixtureAsync(app);
        var manager = await app.ApiAsAsync("manager1@test.terrain");

        var view = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/team?asOf={AsOf}", Ct);

        Assert.Equal(AsOf, view.GetProperty("asOf").GetString());
        Assert.Equal("Q2", view.GetProperty("quarterLabel").GetString());
        Assert.Equal("Manager One", view.GetProperty("team").GetProperty("manager").GetString());
        var reps = view.GetProperty("reps").EnumerateArray().ToList();
        Assert.Equal(["Rep Two", "Rep One"], reps.Select(r => r.GetProperty("name").GetString()));
        // rep2, Q2: won W3 40k; C2 (commit, close date passed but still open in Q2) makes the forecast 45k of 40k; nothing remains to win.
        Assert.Equal("target 40000 actual 40000 forecast 45000 attainment 1.125 gap 0 open 5000 coverage null met true OnTrack", Figures(reps[0].GetProperty("quarter")));
        Assert.Equal("target 50000 actual 50000 forecast 55000 attainment 1.1 gap 0 open 5000 coverage null met true OnTrack", Figures(reps[0].GetProperty("cycle")));
        Assert.False(reps[0].GetProperty("behind").GetBoolean());
        // rep1, Q2: won W1 30k, commit C1 40k, open C1 + P1 60k over 70k remaining.
        Assert.Equal("target 100000 actual 30000 forecast 70000 attainment 0.7 gap 70000 open 60000 coverage 0.86 met false OffTrack", Figures(reps[1].GetProperty("quarter")));
        Assert.Equal("target 200000 actual 80000 forecast 120000 attainment 0.6 gap 120000 open 60000 coverage 0.5 met false OffTrack", Figures(reps[1].GetProperty("cycle")));
        Assert.True(reps[1].GetProperty("behind").GetBoolean());
        Assert.Equal([1, 2], reps.Select(r => r.GetProperty("rank").GetInt32()));
        Assert.Equal([1, 2], reps.Select(r => r.GetProperty("cycleRank").GetInt32()));
        Assert.Equal(app.Org.PlanOf[app.Org.Rep1.Id].Id, reps[1].GetProperty("planId").GetGuid());

        var totals = view.GetProperty("totals");
        Assert.Equal("SumOfReps", totals.GetProperty("targetSource").GetString());
        Assert.Equal("target 140000 actual 70000 forecast 115000 attainment 0.8214 gap 70000 open 65000 coverage 0.93 met false OffTrack", Figures(totals.GetProperty("quarter")));
        Assert.Equal("target 250000 actual 130000 forecast 175000 attainment 0.7 gap 120000 open 65000 coverage 0.54 met false OffTrack", Figures(totals.GetProperty("cycle")));
    }

    [Theory, BothDatabases]
    public async Task Statuses_follow_the_thresholds_the_leader_set(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await FixtureAsync(app);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var get = await leader.GetAsync("/api/v1/settings/metrics", Ct);
        var put = new HttpRequestMessage(HttpMethod.Put, "/api/v1/settings/metrics")
        {
            Content = JsonContent.Create(new { onTrackPercent = 100, atRiskPercent = 80, healthyCoveragePercent = 300, earlyStages = Array.Empty<string>(), idleDays = 14 }),
        };
        put.Headers.TryAddWithoutValidation("If-Match", get.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await leader.SendAsync(put, Ct)).StatusCode);

        var view = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/team?asOf={AsOf}", Ct);

        // 115k forecast of 140k is 82%: off track by the default 85%, at risk by the leader's 80%. Rep One's 70% stays off track.
        Assert.Equal("AtRisk", view.GetProperty("totals").GetProperty("quarter").GetProperty("status").GetString());
        var reps = view.GetProperty("reps").EnumerateArray().ToList();
        Assert.Equal("OffTrack", reps.Single(r => r.GetProperty("name").GetString() == "Rep One").GetProperty("quarter").GetProperty("status").GetString());
    }

    [Theory, BothDatabases]
    public async Task A_manager_quota_replaces_the_sum_of_the_reps_targets_as_the_team_target(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await FixtureAsync(app);
        await SetManagerQuotaAsync(app, app.Org.Manager1.Id, 100_000m, 120_000m, 100_000m, 100_000m);
        var leader = await app.ApiAsAsync("leader@test.terrain");

        var view = await leader.GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/team?asOf={AsOf}&managerId={app.Org.Manager1.Id}", Ct);

        var totals = view.GetProperty("totals");
        Assert.Equal("ManagerQuota", totals.GetProperty("targetSource").GetString());
        Assert.Equal(140_000m, totals.GetProperty("sumOfRepTargetsQuarter").GetDecimal());
        Assert.Equal(250_000m, totals.GetProperty("sumOfRepTargetsCycle").GetDecimal());
        // 115k forecast of a 120k quota is 95.83%: at risk, where the sum of the reps' targets said off track.
        Assert.Equal("target 120000 actual 70000 forecast 115000 attainment 0.9583 gap 50000 open 65000 coverage 1.3 met false AtRisk", Figures(totals.GetProperty("quarter")));
        Assert.Equal("target 220000 actual 130000 forecast 175000 attainment 0.7955 gap 90000 open 65000 coverage 0.72 met false OffTrack", Figures(totals.GetProperty("cycle")));
    }

    [Theory, BothDatabases]
    public async Task Deals_at_risk_follow_the_three_rules_as_of_the_day(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await FixtureAsync(app);
        var manager = await app.ApiAsAsync("manager1@test.terrain");

        var deals = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/deals-at-risk?managerId={app.Org.Manager1.Id}&asOf={AsOf}", Ct);
        var rows = deals.EnumerateArray().Select(d =>
            $"{d.GetProperty("externalId").GetString()} {d.GetProperty("owner").GetString()} {d.GetProperty("amount").GetDecimal()} {d.GetProperty("closeDate").GetString()} " +
            $"[{string.Join(",", d.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()))}] {d.GetProperty("why").GetString()}").ToList();

        // C1 is not at risk: Alpha had a meeting on 10 May and the deal entered Commit on 30 April. The not-held meeting on
        // Beta (12 May) does not count, nor the one after the as-of date; P1's move on 20 May is after the as-of date.
        Assert.Equal(
        [
            "C2 Rep Two 5000 2027-05-10 [CloseDatePassed,NoRecentActivity,StalledInStage] Close date passed 5 days ago; no activity on the account; in Qualify for 75 days.",
            "P1 Rep One 20000 2027-06-25 [NoRecentActivity,StalledInStage] No activity on the account for 44 days; in Propose for 44 days.",
        ], rows);

        // Looser rules: 60 days without activity, 50 in a stage; and a rep sees only their own.
        var loose = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/deals-at-risk?managerId={app.Org.Manager1.Id}&asOf={AsOf}&noActivityDays=60&stalledDays=50", Ct);
        Assert.Equal(["C2"], loose.EnumerateArray().Select(d => d.GetProperty("externalId").GetString()));
        var mine = await (await app.ApiAsAsync("rep1@test.terrain")).GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/deals-at-risk?asOf={AsOf}", Ct);
        Assert.Equal(["P1"], mine.EnumerateArray().Select(d => d.GetProperty("externalId").GetString()));
        var bad = await manager.GetAsync($"/api/v1/dashboards/deals-at-risk?asOf={AsOf}&stalledDays=0", Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("stalledDays", await bad.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task The_organisation_dashboard_adds_up_by_team_product_segment_and_objective(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await FixtureAsync(app);
        var leader = await app.ApiAsAsync("leader@test.terrain");

        var view = await leader.GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/organisation?asOf={AsOf}", Ct);

        Assert.Equal("organisation", view.GetProperty("scope").GetString());
        var teams = view.GetProperty("teams").EnumerateArray().ToList();
        Assert.Equal(["Manager Two", "Manager One"], teams.Select(t => t.GetProperty("manager").GetString()));
        // rep3: W5 on Alpha counts, W6 on Eta is outside the segment.
        Assert.Equal("target 60000 actual 70000 forecast 70000 attainment 1.1667 gap -10000 open 0 coverage null met true OnTrack", Figures(teams[0].GetProperty("quarter")));
        Assert.Equal("target 140000 actual 70000 forecast 115000 attainment 0.8214 gap 70000 open 65000 coverage 0.93 met false OffTrack", Figures(teams[1].GetProperty("quarter")));
        Assert.Equal(1, teams[1].GetProperty("repsBehind").GetInt32());
        Assert.Equal(2, teams[1].GetProperty("reps").GetInt32());

        var products = view.GetProperty("products").EnumerateArray().ToList();
        Assert.Equal(["Terrain Cloud", "Any product"], products.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal("target 120000 actual 70000 forecast 70000 attainment 0.5833 gap 50000 open 0 coverage 0 met false OffTrack", Figures(products[0].GetProperty("cycle")));
        Assert.Equal("target 250000 actual 130000 forecast 175000 attainment 0.7 gap 120000 open 65000 coverage 0.54 met false OffTrack", Figures(products[1].GetProperty("cycle")));
        var segments = view.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(["Mid-market manufacturers", "Any segment"], segments.Select(p => p.GetProperty("name").GetString()));

        var objective = view.GetProperty("objectives").EnumerateArray().Single(x => x.GetProperty("id").GetString() == StrategyBuilder.RevenueObjective);
        Assert.Equal(1_000_000m, objective.GetProperty("target").GetDecimal());
        Assert.Equal(240_000m, objective.GetProperty("planned").GetDecimal());
        Assert.Equal(1, objective.GetProperty("goals").GetInt32());
        Assert.Equal(0.07m, objective.GetProperty("shareOfTarget").GetDecimal());

        // A manager's organisation view is their own team.
        var team = await (await app.ApiAsAsync("manager2@test.terrain")).GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/organisation?asOf={AsOf}", Ct);
        Assert.Equal("team", team.GetProperty("scope").GetString());
        Assert.Equal(["Manager Two"], team.GetProperty("teams").EnumerateArray().Select(t => t.GetProperty("manager").GetString()));
    }

    [Theory, BothDatabases]
    public async Task The_rep_dashboard_charts_the_quarter_cumulatively(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await FixtureAsync(app);
        var rep = await app.ApiAsAsync("rep1@test.terrain");

        var view = await rep.GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/rep?asOf={AsOf}", Ct);

        Assert.Equal("Rep One", view.GetProperty("repName").GetString());
        Assert.Equal("target 100000 actual 30000 forecast 70000 attainment 0.7 gap 70000 open 60000 coverage 0.86 met false OffTrack", Figures(view.GetProperty("quarter")));
        var chart = view.GetProperty("chart").EnumerateArray().ToDictionary(p => p.GetProperty("day").GetString()!);
        string Point(string day) => $"{chart[day].GetProperty("expected").GetRawText()} {chart[day].GetProperty("won").GetRawText()} {chart[day].GetProperty("forecast").GetRawText()}";
        // 45 of Q2's 91 days have passed on 15 May: 100k × 45 / 91 expected.
        Assert.Equal("49450.55 30000 30000", Point(AsOf));
        Assert.Equal("7692.31 0 null", Point("2027-04-07"));
        Assert.Equal("100000 null 70000", Point("2027-06-30"));
        Assert.Equal(["P1"], view.GetProperty("dealsAtRisk").EnumerateArray().Select(d => d.GetProperty("externalId").GetString()));
        var goal = view.GetProperty("goals").EnumerateArray().Single();
        Assert.Equal("Revenue", goal.GetProperty("metric").GetString());

        // Another team's rep does not exist for a rep or a manager.
        Assert.Equal(HttpStatusCode.NotFound, (await rep.GetAsync($"/api/v1/dashboards/rep?repId={app.Org.Rep2.Id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await (await app.ApiAsAsync("manager2@test.terrain")).GetAsync($"/api/v1/dashboards/rep?repId={app.Org.Rep1.Id}", Ct)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task Tables_export_to_csv_and_xlsx_with_formulas_made_inert(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await FixtureAsync(app);
        // A deal name that a spreadsheet would run as a formula.
        await app.WithDbAsync(db => db.Opportunities.Where(o => o.ExternalId == "P1")
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Name, "=HYPERLINK(\"http://evil\")"), Ct));
        var manager = await app.ApiAsAsync("manager1@test.terrain");

        var csv = await manager.GetAsync($"/api/v1/dashboards/team?asOf={AsOf}&format=csv", Ct);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Equal("team-2027-05-15-reps.csv", csv.Content.Headers.ContentDisposition!.FileNameStar ?? csv.Content.Headers.ContentDisposition.FileName);
        var lines = Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync(Ct)).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Rank,Cycle rank,Rep,Plan in force,Behind,Deals at risk,Q2 target,Q2 actual,", lines[0], StringComparison.Ordinal);
        Assert.Equal("1,1,Rep Two,yes,no,1,40000,40000,1,0,45000,45000,1.125,5000,met,On track,50000,50000,1,0,55000,55000,1.1,5000,met,On track", lines[1]);
        Assert.Equal(3, lines.Length);

        var deals = await manager.GetAsync($"/api/v1/dashboards/team?asOf={AsOf}&format=csv&table=deals-at-risk", Ct);
        var dealText = Encoding.UTF8.GetString(await deals.Content.ReadAsByteArrayAsync(Ct));
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil\"\")\",P1,Beta Health,Rep One,Propose,Pipeline,20000,2027-06-25,2027-04-01,2027-04-01,", dealText, StringComparison.Ordinal);

        var xlsx = await manager.GetAsync($"/api/v1/dashboards/team?asOf={AsOf}&format=xlsx", Ct);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType!.MediaType);
        Assert.Equal("team-2027-05-15.xlsx", xlsx.Content.Headers.ContentDisposition!.FileNameStar ?? xlsx.Content.Headers.ContentDisposition.FileName);
        using var book = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(["reps", "team", "deals-at-risk"], MiniExcel.GetSheetNames(book));
        book.Position = 0;
        var reps = MiniExcel.Query(book, useHeaderRow: true, sheetName: "reps").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(["Rep Two", "Rep One"], reps.Select(r => r["Rep"]));
        Assert.Equal(0.7m, Convert.ToDecimal(reps[1]["Q2 forecast attainment"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Off track", reps[1]["Q2 status"]);
        book.Position = 0;
        var team = MiniExcel.Query(book, useHeaderRow: true, sheetName: "team").Cast<IDictionary<string, object?>>().Single();
        Assert.Equal(140_000m, Convert.ToDecimal(team["Q2 target"], System.Globalization.CultureInfo.InvariantCulture));
        book.Position = 0;
        var risky = MiniExcel.Query(book, useHeaderRow: true, sheetName: "deals-at-risk").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal("'=HYPERLINK(\"http://evil\")", risky.Single(r => (string?)r["External id"] == "P1")["Deal"]);

        var wrong = await manager.GetAsync($"/api/v1/dashboards/team?asOf={AsOf}&format=pdf", Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Contains("format", await wrong.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task Reps_are_refused_the_team_dashboard_and_a_manager_sees_only_their_own_team(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await FixtureAsync(app);

        var rep = await (await app.ApiAsAsync("rep1@test.terrain")).GetAsync($"/api/v1/dashboards/team?managerId={app.Org.Manager1.Id}", Ct);
        var other = await (await app.ApiAsAsync("manager2@test.terrain")).GetAsync($"/api/v1/dashboards/team?managerId={app.Org.Manager1.Id}", Ct);
        var own = await (await app.ApiAsAsync("manager2@test.terrain")).GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/team?asOf={AsOf}", Ct);
        var leader = await (await app.ApiAsAsync("leader@test.terrain")).GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/team?asOf={AsOf}", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, rep.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(["Rep Three"], own.GetProperty("reps").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.Equal(["Manager Two"], own.GetProperty("teams").EnumerateArray().Select(r => r.GetProperty("manager").GetString()));
        Assert.Equal(["Manager One", "Manager Two"], leader.GetProperty("teams").EnumerateArray().Select(r => r.GetProperty("manager").GetString()));
    }

    [Theory, BothDatabases]
    public async Task The_team_page_shows_the_api_figures_with_status_text_and_drill_downs(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await FixtureAsync(app);
        var browser = await app.BrowserAsAsync("manager1@test.terrain");

        var html = WebUtility.HtmlDecode(await browser.GetStringAsync($"/Dashboards/Team?asOf={AsOf}", Ct));
        var rep = WebUtility.HtmlDecode(await browser.GetStringAsync($"/Dashboards/Rep/{app.Org.Rep1.Id}?asOf={AsOf}", Ct));
        var org = await browser.GetAsync($"/Dashboards/Organisation?asOf={AsOf}", Ct);

        Assert.Contains("Off track", html, StringComparison.Ordinal);
        Assert.Contains("Behind", html, StringComparison.Ordinal);
        Assert.Contains($"/Plans/{app.Org.PlanOf[app.Org.Rep1.Id].Id}/Performance?asOf={AsOf}", html, StringComparison.Ordinal);
        Assert.Contains($"/Dashboards/Rep/{app.Org.Rep1.Id}?asOf={AsOf}#deals-at-risk", html, StringComparison.Ordinal);
        Assert.Contains($"/Dashboards/Team?handler=Export&managerId={app.Org.Manager1.Id}&asOf={AsOf}&format=csv&table=reps", html, StringComparison.Ordinal);
        Assert.Contains("82.1%", html, StringComparison.Ordinal);
        Assert.Contains("in Propose for 44 days.", rep, StringComparison.Ordinal);
        Assert.Contains("49,450.55", rep, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, org.StatusCode);

        // The page's export links answer the same tables (the API takes bearer tokens only).
        var csv = await browser.GetAsync($"/Dashboards/Team?handler=Export&managerId={app.Org.Manager1.Id}&asOf={AsOf}&format=csv&table=reps", Ct);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Contains("1,1,Rep Two,yes,no,1,40000,40000,", await csv.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var xlsx = await browser.GetAsync($"/Dashboards/Organisation?handler=Export&asOf={AsOf}&format=xlsx", Ct);
        Assert.Equal("organisation-2027-05-15.xlsx", xlsx.Content.Headers.ContentDisposition!.FileNameStar ?? xlsx.Content.Headers.ContentDisposition.FileName);
        using var book = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(["teams", "products", "segments", "objectives"], MiniExcel.GetSheetNames(book));
        var other = await browser.GetAsync($"/Dashboards/Team?handler=Export&managerId={app.Org.Manager2.Id}&asOf={AsOf}&format=csv", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }
}
