using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Terrain.Domain.Actuals;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Performance;

/// <summary>
/// Every figure of GET /api/v1/plans/{id}/performance against the hand-computed fixture of docs/metrics.md: rep1's
/// approved plan in FY2027 (quarters from January), as of 15 May 2027.
/// </summary>
public sealed class GoalPerformanceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static async Task ActAsync(TestApp app, string email, Guid plan, string action)
    {
        var client = await app.ApiAsAsync(email);
        var response = await client.PostAsync($"/api/v1/plans/{plan}/{action}", null, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{action}: {await response.Content.ReadAsStringAsync(Ct)}");
    }

    internal static Task PutGoalsAsync(HttpClient client, Guid plan, params object[] goals) => PutSectionAsync(client, plan, "targets", new { goals });

    internal static async Task PutSectionAsync(HttpClient client, Guid plan, string key, object content)
    {
        var url = $"/api/v1/plans/{plan}/sections/{key}";
        var etag = (await client.GetAsync(url, Ct)).Headers.ETag!.ToString();
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(content) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        var response = await client.SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    private sealed record Deal(string Id, Guid Owner, Guid Account, DealOutcome Outcome, ForecastCategory Forecast, decimal Amount,
        DateOnly Close, DateOnly Created, string? Product, bool Deleted = false, int? Probability = null);

    private static DateOnly D(int month, int day, int year = 2027) => new(year, month, day);

    /// <summary>The fixture of docs/metrics.md, approved, with its deals and activities; returns rep1's plan id.</summary>
    internal static async Task<Guid> FixtureAsync(TestApp app)
    {
        var o = app.Org;
        var plan = o.PlanOf[o.Rep1.Id].Id;
        var writer = await app.ApiAsAsync("rep1@test.terrain");
        // Alpha is an A account, Beta a B account, Gamma a C account; Omega Retail (an account outside the territory) a named prospect.
        await PutSectionAsync(writer, plan, "account-segmentation", new
        {
            rows = new[]
            {
                new { accountId = o.Accounts.Single(a => a.Name == "Alpha Manufacturing").Id, tier = "A", rationale = "Largest plant", nextMove = "Meet the COO" },
                new { accountId = o.Accounts.Single(a => a.Name == "Beta Health").Id, tier = "B", rationale = "Growing", nextMove = "Demo" },
                new { accountId = o.Accounts.Single(a => a.Name == "Gamma Retail").Id, tier = "C", rationale = "Small", nextMove = "Newsletter" },
            },
        });
        await PutSectionAsync(writer, plan, "prospecting", new
        {
            prospects = new object[]
            {
                new { company = "Omega Retail", contactBy = "2027-03-01" },
                new { company = "Nobody Corp", contactBy = "2027-05-01" },
                new { company = "Later Inc", contactBy = "2027-06-01" },
            },
        });
        await PutSectionAsync(writer, plan, "action-plan", new
        {
            actions = new object[]
            {
                new { id = "a1", title = "Call Alpha's COO", due = "2027-04-30", status = "NotStarted" },
                new { id = "a2", title = "Demo for Beta", due = "2027-06-15", status = "InProgress" },
                new { id = "a3", title = "Send Omega a proposal", due = "2027-03-01", status = "Done" },
            },
        });
        await PutGoalsAsync(writer, plan,
            new { id = "rev", metric = "Revenue", name = "Revenue", targets = new[] { 100_000m, 55_000m, 150_000m, 150_000m } },
            new { id = "cloud", metric = "Revenue", name = "Cloud in mid-market", productId = "off-cloud", segmentId = "seg-mm", targets = new[] { 25_000m, 0m, 50_000m, 50_000m } },
            new { id = "logos", metric = "NewLogos", name = "New logos", targets = new[] { 2m, 1m, 1m, 1m } },
            new { id = "pipe", metric = "Pipeline", name = "Pipeline created", targets = new[] { 50_000m, 50_000m, 50_000m, 50_000m } },
            new { id = "meet", metric = "Activity", name = "Meetings", targets = new[] { 3m, 3m, 0m, 3m } });
        await ActAsync(app, "rep1@test.terrain", plan, "submit");
        app.Clock.Advance(TimeSpan.FromDays(1));
        await ActAsync(app, "manager1@test.terrain", plan, "approve");

        var alpha = o.Accounts.Single(a => a.Name == "Alpha Manufacturing").Id; // in seg-mm
        var beta = o.Accounts.Single(a => a.Name == "Beta Health").Id; // in seg-mm
        var eta = o.Accounts.Single(a => a.Name == "Eta Software").Id; // potential 10,000: below seg-mm's minimum
        var at = app.Clock.GetUtcNow();
        var omegaAccount = AccountBuilder.For(null, "R1-9", "Omega Retail", 30_000, at, industry: "Retail"); // not in seg-mm
        var omega = omegaAccount.Id;
        var (rep1, rep2) = (o.Rep1.Id, o.Rep2.Id);
        Deal[] deals =
        [
            new("W1", rep1, alpha, DealOutcome.Won, ForecastCategory.Closed, 30_000, D(3, 31), D(1, 10), "off-cloud"),
            new("W2", rep1, omega, DealOutcome.Won, ForecastCategory.Closed, 20_000, D(4, 1), D(12, 1, 2026), "off-services"),
            new("W3", rep1, alpha, DealOutcome.Won, ForecastCategory.Closed, 5_000, D(5, 15), D(4, 20), "off-cloud"),
            new("W4", rep1, alpha, DealOutcome.Won, ForecastCategory.Closed, 7_000, D(5, 16), D(4, 2), "off-cloud"),
            new("W5", rep1, beta, DealOutcome.Won, ForecastCategory.Closed, 10_000, D(1, 15), D(1, 5), "off-services"),
            new("W6", rep1, eta, DealOutcome.Won, ForecastCategory.Closed, 4_000, D(2, 1), D(1, 20), "off-cloud"),
            new("X1", rep2, alpha, DealOutcome.Won, ForecastCategory.Closed, 40_000, D(2, 10), D(1, 3), "off-cloud"),
            new("D1", rep1, omega, DealOutcome.Won, ForecastCategory.Closed, 9_000, D(2, 15), D(1, 12), "off-cloud", Deleted: true),
            new("C1", rep1, alpha, DealOutcome.Open, ForecastCategory.Commit, 25_000, D(6, 20), D(5, 1), "off-cloud", Probability: 80),
            new("B1", rep1, omega, DealOutcome.Open, ForecastCategory.BestCase, 15_000, D(6, 25), D(3, 5), "off-services", Probability: 50),
            new("P1", rep1, alpha, DealOutcome.Open, ForecastCategory.Pipeline, 10_000, D(6, 30), D(5, 10), "off-cloud", Probability: 20),
            new("OM", rep1, alpha, DealOutcome.Open, ForecastCategory.Omitted, 50_000, D(6, 10), D(2, 1), "off-cloud"),
            new("L1", rep1, omega, DealOutcome.Lost, ForecastCategory.Closed, 12_000, D(4, 10), D(2, 20), "off-services"),
            new("F1", rep1, alpha, DealOutcome.Open, ForecastCategory.Commit, 8_000, D(6, 28), D(5, 20), "off-cloud"),
        ];
        await app.WithDbAsync(async db =>
        {
            db.Accounts.Add(omegaAccount);
            var import = Guid.NewGuid();
            foreach (var d in deals)
            {
                var facts = new DealFacts(d.Id, "", d.Id, d.Account, "", d.Owner, d.Outcome.ToString(), d.Outcome, d.Forecast, d.Amount, "USD", d.Amount,
                    d.Probability, d.Close, d.Created, DealType.NewBusiness, d.Product, d.Product, null);
                var (deal, change) = Opportunity.Create(facts, import, at);
                db.Opportunities.Add(deal);
                db.OpportunityChanges.Add(change);
                if (d.Deleted && deal.MarkDeleted(import, at) is { } deleted)
                {
                    db.OpportunityChanges.Add(deleted);
                }
            }

            db.Activities.AddRange(
                SalesActivity.Create("A1", rep1, "Meeting", D(1, 5), alpha, held: true, import, at),
                SalesActivity.Create("A2", rep1, "Meeting", D(3, 31), omega, held: true, import, at),
                SalesActivity.Create("A3", rep1, "Meeting", D(4, 1), alpha, held: true, import, at),
                SalesActivity.Create("A4", rep1, "Meeting", D(4, 2), alpha, held: false, import, at),
                SalesActivity.Create("A5", rep2, "Meeting", D(4, 3), alpha, held: true, import, at),
                SalesActivity.Create("A6", rep1, "Call", D(5, 16), alpha, held: true, import, at));
            return await db.SaveChangesAsync(Ct);
        });
        return plan;
    }

    private static string Row(JsonElement goal, string period)
    {
        var p = goal.GetProperty("periods").EnumerateArray().Single(x => x.GetProperty("period").GetString() == period);
        string N(string name) => p.GetProperty(name).ValueKind == JsonValueKind.Null ? "null" : p.GetProperty(name).GetRawText();
        return $"target {N("target")} actual {N("actual")} attainment {N("attainment")} gap {N("gap")} forecast {N("forecast")} " +
               $"best {N("forecastBestCase")} open {N("openPipeline")} coverage {N("coverage")} met {N("coverageMet")} {p.GetProperty("status").GetString()}";
    }

    [Theory, BothDatabases]
    public async Task Every_figure_of_every_goal_and_period_matches_the_hand_computed_fixture(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var plan = await FixtureAsync(app);
        var rep = await app.ApiAsAsync("rep1@test.terrain");

        var response = await rep.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{plan}/performance?asOf=2027-05-15", Ct);

        Assert.Equal("2027-05-15", response.GetProperty("asOf").GetString());
        Assert.Equal(1, response.GetProperty("edition").GetInt32());
        var goals = response.GetProperty("goals").EnumerateArray().ToDictionary(g => g.GetProperty("goalKey").GetString()!);
        Assert.Equal(["rev", "cloud", "logos", "pipe", "meet"], goals.Keys);
        var rev = goals["rev"];
        // Q1: W1 on its last day, W5, W6; not rep2's X1, not the deleted D1. No open deal closes in Q1.
        Assert.Equal("target 100000 actual 44000 attainment 0.44 gap 56000 forecast 44000 best 44000 open 0 coverage 0 met false OffTrack", Row(rev, "Q1"));
        // Q2: W2 on its first day and W3 on the as-of day, not W4 the day after; commit C1; best case B1; open C1+B1+P1, not the
        // omitted OM nor F1 created after the as-of date.
        Assert.Equal("target 55000 actual 25000 attainment 0.4545 gap 30000 forecast 50000 best 65000 open 50000 coverage 1.67 met false AtRisk", Row(rev, "Q2"));
        Assert.Equal("target 150000 actual 0 attainment 0 gap 150000 forecast 0 best 0 open 0 coverage 0 met false OffTrack", Row(rev, "Q3"));
        Assert.Equal("target 155000 actual 69000 attainment 0.4452 gap 86000 forecast 94000 best 109000 open 50000 coverage 0.58 met false OffTrack", Row(rev, "cycle"));
        Assert.Equal("Cycle to date (through Q2)", rev.GetProperty("periods")[4].GetProperty("label").GetString());
        Assert.Equal("[Q1 100000 44000, Q2 155000 69000, Q3 305000 null, Q4 455000 null]",
            "[" + string.Join(", ", rev.GetProperty("cumulative").EnumerateArray().Select(c =>
                $"{c.GetProperty("quarter").GetString()} {c.GetProperty("target").GetRawText()} {c.GetProperty("actual").GetRawText()}")) + "]");

        // Terrain Cloud on mid-market manufacturers: W1 and W3 (Alpha); not W5 (another product), not W6 (Eta is below the
        // segment's minimum potential); C1 and P1 open.
        var cloud = goals["cloud"];
        Assert.Equal("Terrain Cloud", cloud.GetProperty("product").GetString());
        Assert.Equal("Mid-market manufacturers", cloud.GetProperty("segment").GetString());
        Assert.Equal("target 25000 actual 30000 attainment 1.2 gap -5000 forecast 30000 best 30000 open 0 coverage null met true OnTrack", Row(cloud, "Q1"));
        Assert.Equal("target 0 actual 5000 attainment null gap -5000 forecast 30000 best 30000 open 35000 coverage null met true NoTarget", Row(cloud, "Q2"));
        Assert.Equal("target 25000 actual 35000 attainment 1.4 gap -10000 forecast 60000 best 60000 open 35000 coverage null met true OnTrack", Row(cloud, "cycle"));

        // New logos: Beta (W5) and Eta (W6) in Q1, Omega (W2) in Q2: the deleted D1 was not its first; Alpha's first won deal was rep2's.
        var logos = goals["logos"];
        Assert.Equal("target 2 actual 2 attainment 1 gap 0 forecast null best null open null coverage null met null OnTrack", Row(logos, "Q1"));
        Assert.Equal("target 1 actual 1 attainment 1 gap 0 forecast null best null open null coverage null met null NotRated", Row(logos, "Q2"));
        Assert.Equal("target 3 actual 3 attainment 1 gap 0 forecast null best null open null coverage null met null NotRated", Row(logos, "cycle"));

        // Pipeline created, whatever became of it: Q1 W1+B1+OM+L1+W5+W6; Q2 W3+W4+C1+P1 (not W2, created before the cycle, nor F1).
        var pipe = goals["pipe"];
        Assert.Equal("target 50000 actual 121000 attainment 2.42 gap -71000 forecast null best null open null coverage null met null OnTrack", Row(pipe, "Q1"));
        Assert.Equal("target 50000 actual 47000 attainment 0.94 gap 3000 forecast null best null open null coverage null met null NotRated", Row(pipe, "Q2"));
        Assert.Equal("target 50000 actual 0 attainment 0 gap 50000 forecast null best null open null coverage null met null NotRated", Row(pipe, "Q4"));
        Assert.Equal("target 100000 actual 168000 attainment 1.68 gap -68000 forecast null best null open null coverage null met null NotRated", Row(pipe, "cycle"));

        // Activities held: A1 and A2 (Q1's last day), A3 (Q2's first); not A4 (not held), rep2's A5, A6 after the as-of date.
        var meet = goals["meet"];
        Assert.Equal("target 3 actual 2 attainment 0.6667 gap 1 forecast null best null open null coverage null met null OffTrack", Row(meet, "Q1"));
        Assert.Equal("target 3 actual 1 attainment 0.3333 gap 2 forecast null best null open null coverage null met null NotRated", Row(meet, "Q2"));
        Assert.Equal("target 0 actual 0 attainment null gap 0 forecast null best null open null coverage null met null NoTarget", Row(meet, "Q3"));
        Assert.Equal("target 6 actual 3 attainment 0.5 gap 3 forecast null best null open null coverage null met null NotRated", Row(meet, "cycle"));
    }

    [Theory, BothDatabases]
    public async Task Before_the_plan_was_approved_there_is_nothing_to_measure_and_other_reps_plans_do_not_exist(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var plan = await FixtureAsync(app);

        var early = await (await app.ApiAsAsync("rep1@test.terrain")).GetFromJsonAsync<JsonElement>($"/api/v1/plans/{plan}/performance?asOf=2026-01-01", Ct);
        var otherRep = await (await app.ApiAsAsync("rep2@test.terrain")).GetAsync($"/api/v1/plans/{plan}/performance?asOf=2027-05-15", Ct);
        var otherManager = await (await app.ApiAsAsync("manager2@test.terrain")).GetAsync($"/api/v1/plans/{plan}/performance", Ct);
        var manager = await (await app.ApiAsAsync("manager1@test.terrain")).GetAsync($"/api/v1/plans/{plan}/performance?asOf=2027-05-15", Ct);

        Assert.Equal(JsonValueKind.Null, early.GetProperty("edition").ValueKind);
        Assert.Empty(early.GetProperty("goals").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, otherRep.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherManager.StatusCode);
        Assert.Equal(HttpStatusCode.OK, manager.StatusCode);
    }

    [Theory, BothDatabases]
    public async Task The_page_shows_the_same_figures_with_a_status_per_goal_and_a_table_for_the_chart(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var plan = await FixtureAsync(app);
        var browser = await app.BrowserAsAsync("rep1@test.terrain");

        var html = WebUtility.HtmlDecode(await browser.GetStringAsync($"/Plans/{plan}/Performance?asOf=2027-05-15", Ct));
        var planPage = await browser.GetStringAsync($"/Plans/{plan}", Ct);

        Assert.Contains($"href=\"/Plans/{plan}/Performance\"", planPage, StringComparison.Ordinal);
        Assert.Contains("value=\"2027-05-15\"", html, StringComparison.Ordinal);
        Assert.Contains("<caption>Revenue by period</caption>", html, StringComparison.Ordinal);
        Assert.Contains("data-target=\"155000\" data-actual=\"69000\"", html, StringComparison.Ordinal);
        Assert.Contains("44.5%", html, StringComparison.Ordinal);
        Assert.Contains("1.67×", html, StringComparison.Ordinal);
        Assert.Contains("no target", html, StringComparison.Ordinal);
        Assert.Contains(">At risk<", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
    }
}
