using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Planning;
using Terrain.Tests.Features.Dashboards;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Quotas;

/// <summary>
/// Prorated targets (ADR 0023) and team quotas, on the dashboards' fixture (<see cref="DashboardTests"/>) with FY2027
/// turned into a 4-4-5 fiscal year of 364 days (Q1 = 1 January to 1 April, Q2 = 2 April to 1 July: 91 days each).
/// </summary>
public sealed class SeatsAndTeamQuotasTests
{
    private const string AsOf = "2027-05-15";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task FiscalYearAsync(TestApp app) =>
        await app.WithDbAsync(db => db.Cycles.Where(c => c.Id == app.Org.Cycle.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Calendar, FiscalCalendar.Weeks445).SetProperty(c => c.PeriodEnd, new DateOnly(2027, 12, 30)), Ct));

    private static async Task<HttpResponseMessage> PutQuotaAsync(HttpClient client, Guid cycle, Guid who, decimal[] quarters, string? from = null, string? to = null) =>
        await client.PutAsJsonAsync("/api/v1/quotas", new { cycleId = cycle, repId = who, quarters, inSeatFrom = from, inSeatTo = to }, Ct);

    [Fact]
    public void A_target_is_prorated_by_the_days_of_each_fiscal_quarter_in_the_seat()
    {
        var quarters = FiscalCalendars.Quarters(new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 30), FiscalCalendar.Weeks445);
        var targets = new Dictionary<int, decimal> { [1] = 100_000m, [2] = 40_000m, [3] = 10_000m, [4] = 10_000m };

        // In the seat from 15 February (46 of Q1's 91 days) to 20 May (49 of Q2's 91 days); not at all in Q3 and Q4.
        var prorated = Proration.Targets(targets, quarters, new DateOnly(2027, 2, 15), new DateOnly(2027, 5, 20));

        Assert.Equal((new DateOnly(2027, 4, 1), new DateOnly(2027, 4, 2)), (quarters[0].End, quarters[1].Start));
        Assert.Equal([50_549.45m, 21_538.46m, 0m, 0m], prorated.OrderBy(p => p.Key).Select(p => p.Value));
        Assert.Same(targets, Proration.Targets(targets, quarters, null, null));
        // Leap year: in the seat from 29 February 2028 of a calendar Q1 of 91 days: 32 days.
        var leap = Quarter.Split(new DateOnly(2028, 1, 1), new DateOnly(2028, 12, 31));
        Assert.Equal(32_000m, Proration.Targets(new Dictionary<int, decimal> { [1] = 91_000m }, leap, new DateOnly(2028, 2, 29), null)[1]);
    }

    [Theory, BothDatabases]
    public async Task A_rep_who_joins_or_leaves_mid_quarter_is_measured_against_a_prorated_target(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await DashboardTests.FixtureAsync(app);
        await FiscalYearAsync(app);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var (cycle, rep1, rep2) = (app.Org.Cycle.Id, app.Org.Rep1.Id, app.Org.Rep2.Id);

        var joined = await PutQuotaAsync(leader, cycle, rep1, [100_000m, 100_000m, 100_000m, 100_000m], from: "2027-02-15");
        var left = await PutQuotaAsync(leader, cycle, rep2, [10_000m, 40_000m, 50_000m, 50_000m], to: "2027-05-20");
        var backwards = await PutQuotaAsync(leader, cycle, rep2, [10_000m, 40_000m, 50_000m, 50_000m], from: "2027-06-01", to: "2027-05-20");
        var team = await (await app.ApiAsAsync("manager1@test.terrain")).GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/team?asOf={AsOf}", Ct);
        var performance = await (await app.ApiAsAsync("rep1@test.terrain")).GetFromJsonAsync<JsonElement>(
            $"/api/v1/plans/{app.Org.PlanOf[rep1].Id}/performance?asOf={AsOf}", Ct);

        Assert.True(joined.IsSuccessStatusCode, await joined.Content.ReadAsStringAsync(Ct));
        Assert.Equal("2027-02-15", (await joined.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("inSeatFrom").GetString());
        Assert.True(left.IsSuccessStatusCode, await left.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, backwards.StatusCode);
        Assert.Contains("inSeatTo", await backwards.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var reps = team.GetProperty("reps").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        // rep1: Q2 whole (100,000); Q1 46 of 91 days: 50,549.45. rep2: Q2 49 of 91 days of 40,000: 21,538.46; Q1 whole.
        Assert.Equal(100_000m, reps["Rep One"].GetProperty("quarter").GetProperty("target").GetDecimal());
        Assert.Equal(150_549.45m, reps["Rep One"].GetProperty("cycle").GetProperty("target").GetDecimal());
        Assert.Equal(21_538.46m, reps["Rep Two"].GetProperty("quarter").GetProperty("target").GetDecimal());
        Assert.Equal(31_538.46m, reps["Rep Two"].GetProperty("cycle").GetProperty("target").GetDecimal());
        Assert.Equal(121_538.46m, team.GetProperty("totals").GetProperty("quarter").GetProperty("target").GetDecimal());
        var rev = performance.GetProperty("goals").EnumerateArray().Single();
        var q1 = rev.GetProperty("periods").EnumerateArray().Single(p => p.GetProperty("period").GetString() == "Q1");
        Assert.Equal(50_549.45m, q1.GetProperty("target").GetDecimal());
        Assert.Contains(rev.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("prorated", StringComparison.Ordinal));

        // Saving the quota without the dates puts the rep back in the seat for the whole cycle.
        await PutQuotaAsync(leader, cycle, rep2, [10_000m, 40_000m, 50_000m, 50_000m]);
        var whole = await (await app.ApiAsAsync("manager1@test.terrain")).GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/team?asOf={AsOf}", Ct);
        Assert.Equal(40_000m, whole.GetProperty("reps").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "Rep Two")
            .GetProperty("quarter").GetProperty("target").GetDecimal());
    }

    [Theory, BothDatabases]
    public async Task A_leader_sets_a_manager_s_team_quota_which_becomes_the_team_target(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await DashboardTests.FixtureAsync(app);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var (cycle, manager1) = (app.Org.Cycle.Id, app.Org.Manager1.Id);

        var own = await PutQuotaAsync(manager, cycle, manager1, [1m, 1m, 1m, 1m]);
        var seated = await PutQuotaAsync(leader, cycle, manager1, [100_000m, 120_000m, 100_000m, 100_000m], from: "2027-02-01");
        var set = await PutQuotaAsync(leader, cycle, manager1, [100_000m, 120_000m, 100_000m, 100_000m]);
        var rows = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/quotas?cycle={cycle}", Ct);
        var view = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/team?asOf={AsOf}", Ct);
        var page = new HtmlParser().ParseDocument(await (await app.BrowserAsAsync("leader@test.terrain")).GetStringAsync($"/Cycles/Quotas/{cycle}", Ct));

        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, seated.StatusCode);
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync(Ct));
        var teamRow = rows.EnumerateArray().Single(r => r.GetProperty("isTeam").GetBoolean());
        Assert.Equal("Manager One 420000", $"{teamRow.GetProperty("repName").GetString()} {teamRow.GetProperty("total").GetDecimal()}");
        Assert.Equal(["Rep One", "Rep Two"], rows.EnumerateArray().Where(r => !r.GetProperty("isTeam").GetBoolean()).Select(r => r.GetProperty("repName").GetString()));
        var totals = view.GetProperty("totals");
        Assert.Equal("ManagerQuota", totals.GetProperty("targetSource").GetString());
        Assert.Equal(120_000m, totals.GetProperty("quarter").GetProperty("target").GetDecimal());
        Assert.Equal(140_000m, totals.GetProperty("sumOfRepTargetsQuarter").GetDecimal());
        // The leader sees both teams' quotas, and may set each.
        Assert.Equal(["Manager One", "Manager Two"], page.QuerySelectorAll("table.team-quotas tbody th").Select(th => th.TextContent.Trim()));
        Assert.Equal(2, page.QuerySelectorAll("table.team-quotas tbody input[name$='.Q1']").Length);
        Assert.Equal(3, page.QuerySelectorAll("table.quotas tbody tr[data-quota-row] input[name$='.Q1']").Length);
    }
}
