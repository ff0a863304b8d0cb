using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Terrain.Tests.Features.Plans;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Strategies;

/// <summary>Does the plan add up: objectives against the goals that count toward them in the plans of record.</summary>
public sealed class AlignmentTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    private static object Goal(string id, string metric, string? objectiveId, decimal perQuarter, string? segmentId = null, string? segment = null) =>
        new { id, metric, name = id, objectiveId, segmentId, segment, targets = new[] { perQuarter, perQuarter, perQuarter, perQuarter } };

    private static async Task PutGoalsAsync(HttpClient client, Guid plan, params object[] goals)
    {
        var url = $"/api/v1/plans/{plan}/sections/targets";
        var etag = (await client.GetAsync(url, Ct)).Headers.ETag!.ToString();
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(new { goals }) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        var response = await client.SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    private static async Task ActAsync(HttpClient client, Guid plan, string action)
    {
        var response = await client.PostAsync($"/api/v1/plans/{plan}/{action}", null, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{action}: {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private const string Manufacturers = "seg-mm";

    /// <summary>
    /// Rep Two's plan is approved: revenue 200,000 for the objective's segment (counts), 80 meetings (linked to no
    /// objective), 40,000 for enterprise banks and 20,000 for "Mid-Market" typed as free text (both linked to the
    /// revenue objective, neither counts); then it is amended to 999,996 in a draft that does not count. Rep One
    /// submits revenue 400,000 and 4 logos (both would count) and 120,000 for any segment (would not), and is not
    /// approved yet. Rep Three's 300,000 stays a draft.
    /// </summary>
    private static async Task ArrangeAsync(TestApp app)
    {
        var (rep1, rep2, rep3) = (await app.ApiAsAsync("rep1@test.terrain"), await app.ApiAsAsync("rep2@test.terrain"), await app.ApiAsAsync("rep3@test.terrain"));
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var (plan1, plan2, plan3) = (app.Org.PlanOf[app.Org.Rep1.Id].Id, app.Org.PlanOf[app.Org.Rep2.Id].Id, app.Org.PlanOf[app.Org.Rep3.Id].Id);

        await PutGoalsAsync(rep2, plan2, Goal("revenue", "Revenue", StrategyBuilder.RevenueObjective, 50_000, Manufacturers), Goal("meetings", "Activity", null, 20),
            Goal("banks", "Revenue", StrategyBuilder.RevenueObjective, 10_000, "seg-banks"),
            Goal("typed", "Revenue", StrategyBuilder.RevenueObjective, 5_000, segment: "Mid-Market"));
        await ActAsync(rep2, plan2, "submit");
        await ActAsync(manager, plan2, "approve");
        await ActAsync(rep2, plan2, "amend");
        await PutGoalsAsync(rep2, plan2, Goal("revenue", "Revenue", StrategyBuilder.RevenueObjective, 249_999, Manufacturers), Goal("meetings", "Activity", null, 20));

        await PutGoalsAsync(rep1, plan1, Goal("revenue", "Revenue", StrategyBuilder.RevenueObjective, 100_000, Manufacturers),
            Goal("logos", "NewLogos", StrategyBuilder.LogosObjective, 1), Goal("anywhere", "Revenue", StrategyBuilder.RevenueObjective, 30_000));
        await ActAsync(rep1, plan1, "submit");

        await PutGoalsAsync(rep3, plan3, Goal("revenue", "Revenue", StrategyBuilder.RevenueObjective, 75_000, Manufacturers));
    }

    private static JsonElement Objective(JsonElement view, string id) =>
        view.GetProperty("objectives").EnumerateArray().Single(o => o.GetProperty("id").GetString() == id);

    private static List<(Guid, string?, Guid, decimal)> Contributors(JsonElement objective, string property) =>
        objective.GetProperty(property).EnumerateArray()
            .Select(c => (c.GetProperty("repId").GetGuid(), c.GetProperty("name").GetString(), c.GetProperty("planId").GetGuid(), c.GetProperty("planned").GetDecimal()))
            .ToList();

    [Theory, BothDatabases]
    public async Task Objectives_count_the_goals_of_approved_plans_that_match_metric_product_and_segment_and_show_submitted_ones_apart(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await ArrangeAsync(app);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var (rep1, rep2) = (app.Org.Rep1.Id, app.Org.Rep2.Id);

        var response = await leader.GetAsync($"/api/v1/strategies/{app.Org.Strategy.Id}/alignment", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = await JsonAsync(response);
        Assert.Equal(app.Org.Cycle.Id, view.GetProperty("cycle").GetProperty("id").GetGuid());
        Assert.Equal("organisation", view.GetProperty("scope").GetString());
        Assert.Equal(1, view.GetProperty("plansCounted").GetInt32());
        Assert.Equal(1, view.GetProperty("plansSubmitted").GetInt32());
        Assert.Equal(3, view.GetProperty("plansInScope").GetInt32());

        var revenue = Objective(view, StrategyBuilder.RevenueObjective);
        Assert.Equal("Revenue from manufacturers", revenue.GetProperty("name").GetString());
        Assert.Equal("Revenue", revenue.GetProperty("metric").GetString());
        Assert.Equal("Mid-market manufacturers", revenue.GetProperty("segment").GetString());
        Assert.Equal(1_000_000m, revenue.GetProperty("target").GetDecimal());
        Assert.Equal(200_000m, revenue.GetProperty("planned").GetDecimal());
        Assert.Equal(800_000m, revenue.GetProperty("gap").GetDecimal());
        Assert.Equal(20m, revenue.GetProperty("percent").GetDecimal());
        Assert.Equal([(rep2, "Rep Two", app.Org.PlanOf[rep2].Id, 200_000m)], Contributors(revenue, "contributors"));
        Assert.Equal(400_000m, revenue.GetProperty("submitted").GetDecimal());
        Assert.Equal([(rep1, "Rep One", app.Org.PlanOf[rep1].Id, 400_000m)], Contributors(revenue, "submittedContributors"));

        var logos = Objective(view, StrategyBuilder.LogosObjective);
        Assert.Equal(0m, logos.GetProperty("planned").GetDecimal());
        Assert.Equal(12m, logos.GetProperty("gap").GetDecimal());
        Assert.Equal(4m, logos.GetProperty("submitted").GetDecimal());

        var notCounted = view.GetProperty("notCounted").EnumerateArray()
            .Select(u => (u.GetProperty("name").GetString(), u.GetProperty("goal").GetString(), u.GetProperty("total").GetDecimal(),
                u.GetProperty("approved").GetBoolean(), u.GetProperty("reason").GetString()))
            .ToList();
        Assert.Equal(
            [
                ("Rep One", "anywhere", 120_000m, false, "Is for any segment; the objective counts Mid-market manufacturers only."),
                ("Rep Two", "banks", 40_000m, true, "Is for Enterprise banks; the objective counts Mid-market manufacturers only."),
                ("Rep Two", "meetings", 80m, true, "Linked to no objective."),
                ("Rep Two", "typed", 20_000m, true, "Its segment 'Mid-Market' is not one of the strategy's target segments; the objective counts Mid-market manufacturers only."),
            ],
            notCounted);
    }

    [Theory, BothDatabases]
    public async Task A_plan_counts_once_approved_and_an_amended_plan_counts_its_approved_version_until_the_amendment_is_approved(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await ArrangeAsync(app);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var rep2 = await app.ApiAsAsync("rep2@test.terrain");
        var url = $"/api/v1/strategies/{app.Org.Strategy.Id}/alignment?cycle={app.Org.Cycle.Id}";

        await ActAsync(manager, app.Org.PlanOf[app.Org.Rep1.Id].Id, "approve");
        var withRep1 = await leader.GetFromJsonAsync<JsonElement>(url, Ct);
        await ActAsync(rep2, app.Org.PlanOf[app.Org.Rep2.Id].Id, "submit");
        var amendmentSubmitted = await leader.GetFromJsonAsync<JsonElement>(url, Ct);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await ActAsync(manager, app.Org.PlanOf[app.Org.Rep2.Id].Id, "approve");
        var amendmentApproved = await leader.GetFromJsonAsync<JsonElement>(url, Ct);

        Assert.Equal(600_000m, Objective(withRep1, StrategyBuilder.RevenueObjective).GetProperty("planned").GetDecimal());
        Assert.Equal(2, withRep1.GetProperty("plansCounted").GetInt32());
        Assert.Equal(0, withRep1.GetProperty("plansSubmitted").GetInt32());
        // The amendment under review does not count, and is not "submitted, not yet approved": the approved version is in force.
        Assert.Equal(600_000m, Objective(amendmentSubmitted, StrategyBuilder.RevenueObjective).GetProperty("planned").GetDecimal());
        Assert.Equal(0, amendmentSubmitted.GetProperty("plansSubmitted").GetInt32());
        var revenue = Objective(amendmentApproved, StrategyBuilder.RevenueObjective);
        Assert.Equal(1_399_996m, revenue.GetProperty("planned").GetDecimal());
        Assert.Equal(-399_996m, revenue.GetProperty("gap").GetDecimal());
    }

    [Theory, BothDatabases]
    public async Task A_manager_sees_the_figures_of_their_own_team_and_is_told_so(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await ArrangeAsync(app);
        var manager1 = await app.ApiAsAsync("manager1@test.terrain");
        var manager2 = await app.ApiAsAsync("manager2@test.terrain");
        var url = $"/api/v1/strategies/{app.Org.Strategy.Id}/alignment";

        var team1 = await manager1.GetFromJsonAsync<JsonElement>(url, Ct);
        var team2 = await manager2.GetFromJsonAsync<JsonElement>(url, Ct);

        Assert.Equal("team", team1.GetProperty("scope").GetString());
        Assert.Contains("your team's", team1.GetProperty("scopeNote").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, team1.GetProperty("plansCounted").GetInt32());
        Assert.Equal(1, team1.GetProperty("plansSubmitted").GetInt32());
        Assert.Equal(2, team1.GetProperty("plansInScope").GetInt32());
        Assert.Equal(200_000m, Objective(team1, StrategyBuilder.RevenueObjective).GetProperty("planned").GetDecimal());
        Assert.Equal(0, team2.GetProperty("plansCounted").GetInt32());
        Assert.Equal(0, team2.GetProperty("plansSubmitted").GetInt32());
        Assert.Equal(1, team2.GetProperty("plansInScope").GetInt32());
        Assert.Equal(0m, Objective(team2, StrategyBuilder.RevenueObjective).GetProperty("planned").GetDecimal());
        Assert.Equal(1_000_000m, Objective(team2, StrategyBuilder.RevenueObjective).GetProperty("gap").GetDecimal());
        Assert.Empty(team2.GetProperty("notCounted").EnumerateArray());
    }

    [Theory, BothDatabases]
    public async Task Reps_may_not_see_it_and_a_cycle_that_does_not_execute_the_strategy_is_refused_naming_the_cycle(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var opened = await leader.PostAsJsonAsync("/api/v1/cycles",
            new { name = "FY2028", periodStart = "2028-01-01", periodEnd = "2028-12-31", kickoff = "2027-12-01", draftDue = "2027-12-10" }, Ct);
        var otherCycle = (await JsonAsync(opened)).GetProperty("id").GetGuid();
        var url = $"/api/v1/strategies/{app.Org.Strategy.Id}/alignment";

        var forRep = await rep.GetAsync(url, Ct);
        var notExecuting = await leader.GetAsync($"{url}?cycle={otherCycle}", Ct);
        var unknownCycle = await leader.GetAsync($"{url}?cycle={Guid.NewGuid()}", Ct);
        var unknownStrategy = await leader.GetAsync($"/api/v1/strategies/{Guid.NewGuid()}/alignment", Ct);

        Assert.Equal(HttpStatusCode.Forbidden, forRep.StatusCode);
        var problems = new List<JsonElement>();
        foreach (var refused in new[] { notExecuting, unknownCycle })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            problems.Add(await JsonAsync(refused));
            Assert.True(problems[^1].GetProperty("errors").TryGetProperty("cycle", out _));
        }

        Assert.Contains("does not execute the FY2027 sales strategy", problems[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("There is no cycle with that id.", problems[1].GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknownStrategy.StatusCode);
        var cycles = (await leader.GetFromJsonAsync<JsonElement>(url, Ct)).GetProperty("cycles").EnumerateArray().Select(c => c.GetProperty("id").GetGuid());
        Assert.Equal([app.Org.Cycle.Id], cycles);
    }

    [Theory, BothDatabases]
    public async Task The_alignment_page_shows_each_objective_with_its_gap_contributors_and_the_goals_that_do_not_count_with_why(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await ArrangeAsync(app);
        var leader = new PlanPageClient(await app.BrowserAsAsync("leader@test.terrain"));
        var rep = await app.BrowserAsAsync("rep1@test.terrain");
        var url = $"/Strategies/{app.Org.Strategy.Id}/Alignment";

        var page = await leader.GetAsync(url);

        var rows = page.QuerySelectorAll("#alignment-table tbody tr");
        Assert.Equal(2, rows.Length);
        var revenue = rows.Single(r => r.GetAttribute("data-objective") == StrategyBuilder.RevenueObjective);
        Assert.Equal("1000000", revenue.GetAttribute("data-target"));
        Assert.Equal("200000", revenue.GetAttribute("data-planned"));
        var cells = revenue.QuerySelectorAll(":scope > td").Select(PlanPageClient.Text).ToList();
        Assert.Equal("Revenue", cells[0]);
        Assert.Equal("$1,000,000", cells[1]);
        Assert.Equal("$200,000 (20%)", cells[2]);
        Assert.Equal("$800,000 short", cells[3]);
        Assert.Equal("$400,000 Rep One $400,000", cells[5]);
        Assert.NotNull(revenue.QuerySelector(".gap-short"));
        Assert.Equal(["Rep Two $200,000", "Rep One $400,000"], revenue.QuerySelectorAll(".contributors li").Select(PlanPageClient.Text));
        Assert.NotNull(revenue.QuerySelector($".contributors a[href='/Plans/{app.Org.PlanOf[app.Org.Rep2.Id].Id}']"));
        Assert.Equal(
            [
                "Rep One anywhere Revenue $120,000 Submitted, not yet approved Is for any segment; the objective counts Mid-market manufacturers only.",
                "Rep Two banks Revenue $40,000 Approved Is for Enterprise banks; the objective counts Mid-market manufacturers only.",
                "Rep Two meetings Activity 80 Approved Linked to no objective.",
                "Rep Two typed Revenue $20,000 Approved Its segment 'Mid-Market' is not one of the strategy's target segments; the objective counts Mid-market manufacturers only.",
            ],
            page.QuerySelectorAll("#uncounted-table tbody tr").Select(PlanPageClient.Text));
        Assert.Equal(["1 of 3 plans approved and counted", "1 submitted, not yet approved", "2 of 2 objectives the plans fall short of", "4 goals that count toward no objective"],
            page.QuerySelectorAll(".stats .stat").Select(e => $"{PlanPageClient.Text(e.QuerySelector(".stat-value"))} {PlanPageClient.Text(e.QuerySelector(".stat-label"))}"));
        var cycle = page.QuerySelector<IHtmlSelectElement>("form[method='get'] select[name='cycle']")!;
        Assert.Equal(app.Org.Cycle.Id.ToString(), cycle.Value);
        Assert.NotNull(page.QuerySelector("canvas#alignment-chart"));
        Assert.NotNull(page.QuerySelector("script[src^='/js/alignment.js']"));

        var chosen = await leader.GetAsync($"{url}?cycle={app.Org.Cycle.Id}");
        Assert.Equal(2, chosen.QuerySelectorAll("#alignment-table tbody tr").Length);
        var unknown = await leader.GetAsync($"{url}?cycle={Guid.NewGuid()}", HttpStatusCode.UnprocessableEntity);
        Assert.Contains("There is no cycle with that id.", PlanPageClient.Text(unknown.QuerySelector(".alert.error")), StringComparison.Ordinal);

        var denied = await rep.GetAsync(url, Ct);
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.Contains("/Auth/Denied", denied.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var manager = await new PlanPageClient(await app.BrowserAsAsync("manager2@test.terrain")).GetAsync(url);
        Assert.Contains("The figures are your team's", PlanPageClient.Text(manager.QuerySelector("#scope-note")), StringComparison.Ordinal);
    }
}
