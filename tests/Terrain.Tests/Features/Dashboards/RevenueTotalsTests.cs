using System.Net.Http.Json;
using System.Text.Json;
using Terrain.Domain.Actuals;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Dashboards;

/// <summary>
/// Overlapping revenue goals count a rep's revenue once in the rep's headline and in team and organisation totals
/// (docs/metrics.md), as of 15 May 2027 (Q2).
/// </summary>
public sealed class RevenueTotalsTests
{
    private const string AsOf = "2027-05-15";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Goal(string id, decimal quarter, string? productId = null, string? segmentId = null) =>
        new { id, metric = "Revenue", name = id, productId, segmentId, targets = new[] { quarter, quarter, quarter, quarter } };

    private static string Figures(JsonElement f) => $"{f.GetProperty("target").GetDecimal()} {f.GetProperty("actual").GetDecimal()}";

    /// <summary>
    /// rep1: "Total revenue" 100k a quarter and "Cloud revenue" 30k; won W1, 30k of Cloud. rep2: Cloud 10k, Services
    /// 20k and Cloud in mid-market 5k (inside Cloud); won W2 10k of Cloud and W3 20k of Services, both on Alpha (mid-market).
    /// </summary>
    private static async Task FixtureAsync(TestApp app)
    {
        var o = app.Org;
        await DashboardTests.ApproveAsync(app, "rep1@test.terrain", o.PlanOf[o.Rep1.Id].Id, Goal("total", 100_000m), Goal("cloud", 30_000m, "off-cloud"));
        await DashboardTests.ApproveAsync(app, "rep2@test.terrain", o.PlanOf[o.Rep2.Id].Id, Goal("cloud", 10_000m, "off-cloud"),
            Goal("services", 20_000m, "off-services"), Goal("cloud-mm", 5_000m, "off-cloud", "seg-mm"));
        await DashboardTests.ApproveAllAsync(app, ("manager1@test.terrain", o.PlanOf[o.Rep1.Id].Id), ("manager1@test.terrain", o.PlanOf[o.Rep2.Id].Id));
        var alpha = o.Accounts.Single(a => a.Name == "Alpha Manufacturing").Id;
        await app.WithDbAsync(async db =>
        {
            void Won(string id, Guid owner, decimal amount, int day, string product)
            {
                var facts = new DealFacts(id, "", id, alpha, "", owner, "Won", DealOutcome.Won, ForecastCategory.Closed, amount, "USD", amount, 100,
                    new DateOnly(2027, 4, day), new DateOnly(2027, 2, 1), DealType.NewBusiness, product, product, null);
                var (deal, change) = Opportunity.Create(facts, Guid.NewGuid(), new DateTimeOffset(2027, 4, day, 12, 0, 0, TimeSpan.Zero));
                db.Opportunities.Add(deal);
                db.OpportunityChanges.Add(change);
            }

            Won("W1", o.Rep1.Id, 30_000, 10, "off-cloud");
            Won("W2", o.Rep2.Id, 10_000, 20, "off-cloud");
            Won("W3", o.Rep2.Id, 20_000, 21, "off-services");
            return await db.SaveChangesAsync(Ct);
        });
    }

    [Theory, BothDatabases]
    public async Task A_rep_s_overlapping_revenue_goals_count_once_in_the_rep_team_and_organisation_totals(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await FixtureAsync(app);
        var manager = await app.ApiAsAsync("manager1@test.terrain");

        var team = await manager.GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/team?asOf={AsOf}", Ct);
        var rep = await (await app.ApiAsAsync("rep1@test.terrain")).GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/rep?asOf={AsOf}", Ct);
        var organisation = await (await app.ApiAsAsync("leader@test.terrain")).GetFromJsonAsync<JsonElement>($"/api/v1/dashboards/organisation?asOf={AsOf}", Ct);

        var reps = team.GetProperty("reps").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, r => Figures(r.GetProperty("quarter")));
        // rep1: the total goal alone (W1 once, not 30k twice against 130k). rep2: Cloud + Services (products do not
        // overlap); Cloud in mid-market is inside Cloud and is left out of the total.
        Assert.Equal("100000 30000", reps["Rep One"]);
        Assert.Equal("30000 30000", reps["Rep Two"]);
        Assert.Equal("130000 60000", Figures(team.GetProperty("totals").GetProperty("quarter")));
        Assert.Equal("100000 30000", Figures(rep.GetProperty("quarter")));
        var teamOne = organisation.GetProperty("teams").EnumerateArray().Single(t => t.GetProperty("manager").GetString() == "Manager One");
        Assert.Equal("130000 60000", Figures(teamOne.GetProperty("quarter")));
        // Each goal is still measured on its own.
        Assert.Equal(["100000 30000", "30000 30000"], rep.GetProperty("goals").EnumerateArray().Select(g => Figures(g.GetProperty("quarter"))));
    }
}
