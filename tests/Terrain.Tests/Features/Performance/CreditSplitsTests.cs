using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Actuals;
using Terrain.Domain.Territories;
using Terrain.Tests.Infrastructure;
using Xunit;
using static Terrain.Tests.Features.Imports.ImportingActivitiesTests;
using static Terrain.Tests.Features.Performance.GoalPerformanceTests;

namespace Terrain.Tests.Features.Performance;

/// <summary>
/// Won revenue is credited (ADR 0046): the owner keeps 100% less the revenue splits given away, a split rep gets their
/// share, an overlay rep of the deal's account gets theirs on top. FY2027, as of 15 May 2027.
/// </summary>
public sealed class CreditSplitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateOnly D(int month, int day) => new(2027, month, day);

    private const string Splits = """
        [
          { "opportunity": "W2", "rep": "rep1@test.terrain", "percent": 66.67 },
          { "opportunity": "W2", "rep": "Rep Two", "percent": "33.33" },
          { "opportunity": "W3", "rep": "rep1@test.terrain", "percent": 50 },
          { "opportunity": "W3", "rep": "rep2@test.terrain", "percent": "50%" }
        ]
        """;

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendSplitsAsync(HttpClient client, string json, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/actuals/splits")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", key);
        var response = await client.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
    }

    private static async Task<Guid> ApprovedPlanAsync(TestApp app, Guid rep, string email)
    {
        var plan = app.Org.PlanOf[rep].Id;
        await PutGoalsAsync(await app.ApiAsAsync(email), plan,
            new { id = "rev", metric = "Revenue", name = "Revenue", targets = new[] { 50_000m, 50_000m, 50_000m, 50_000m } });
        await ActAsync(app, email, plan, "submit");
        await ActAsync(app, "manager1@test.terrain", plan, "approve");
        return plan;
    }

    private static async Task<decimal> CycleActualAsync(TestApp app, string email, Guid plan)
    {
        var client = await app.ApiAsAsync(email);
        var response = await client.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{plan}/performance?asOf=2027-05-15", Ct);
        return response.GetProperty("goals")[0].GetProperty("periods").EnumerateArray()
            .Single(p => p.GetProperty("period").GetString() == "cycle").GetProperty("actual").GetDecimal();
    }

    [Fact]
    public void A_share_is_truncated_to_the_cent_so_that_the_owner_keeps_the_rest() =>
        Assert.Equal((333.29m, 1_500m, 0.01m), (DealCredit.Share(999.99m, 33.33m), DealCredit.Share(3_000m, 50m), DealCredit.Share(0.01m, 100m)));

    /// <summary>
    /// Rep1 owns W1 (10,000 on Alpha Manufacturing, whose overlay rep is rep2 at 10%) and W2 (999.99, 33.33% split to
    /// rep2); rep2 owns W3 (3,000, 50% split to rep1) and the lost L1. Both reps have an approved revenue plan.
    /// </summary>
    internal static async Task<(Guid Rep1, Guid Rep2, Guid Plan1, Guid Plan2)> SeedAsync(TestApp app)
    {
        var (rep1, rep2) = (app.Org.Rep1.Id, app.Org.Rep2.Id);
        var plan1 = await ApprovedPlanAsync(app, rep1, "rep1@test.terrain");
        var plan2 = await ApprovedPlanAsync(app, rep2, "rep2@test.terrain");
        var alpha = app.Org.Accounts.Single(a => a.ExternalId == "R1-1");
        var at = app.Clock.GetUtcNow();
        var import = Guid.NewGuid();
        await app.WithDbAsync(async d =>
        {
            (string Id, Guid Owner, Guid? Account, decimal Amount, DealOutcome Outcome)[] deals =
            [
                ("W1", rep1, alpha.Id, 10_000m, DealOutcome.Won),
                ("W2", rep1, null, 999.99m, DealOutcome.Won),
                ("W3", rep2, null, 3_000m, DealOutcome.Won),
                ("L1", rep2, alpha.Id, 7_777m, DealOutcome.Lost),
            ];
            foreach (var (id, owner, account, amount, outcome) in deals)
            {
                var facts = new DealFacts(id, "", id, account, "", owner, outcome == DealOutcome.Won ? "Closed Won" : "Closed Lost", outcome,
                    ForecastCategory.Closed, amount, "USD", amount, null, D(3, 10), D(1, 5), DealType.NewBusiness, null, null, null);
                var (deal, change) = Opportunity.Create(facts, import, at);
                d.Opportunities.Add(deal);
                d.OpportunityChanges.Add(change);
            }

            var alphaRow = await d.Accounts.SingleAsync(a => a.Id == alpha.Id, Ct);
            var overlayRep = await d.Users.SingleAsync(u => u.Id == rep2, Ct);
            d.AccountOverlays.Add(AccountOverlay.Create(alphaRow, overlayRep, 10m, "Solutions specialist", at, effectiveFrom: D(1, 1)));
            return await d.SaveChangesAsync(Ct);
        });
        return (rep1, rep2, plan1, plan2);
    }

    [Theory, BothDatabases]
    public async Task Won_revenue_counts_split_and_overlay_credit_on_the_performance_page_and_the_team_dashboard(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var (rep1, rep2, plan1, plan2) = await SeedAsync(app);
        var admin = await app.ApiAsAsync("admin@test.terrain");

        var (status, report) = await SendSplitsAsync(admin, Splits, "splits-1");
        var (again, replayed) = await SendSplitsAsync(admin, Splits, "splits-2");

        Assert.True(status == HttpStatusCode.OK, report.ToString());
        Assert.Equal((4, 0), (report.GetProperty("created").GetInt32(), report.GetProperty("unchanged").GetInt32()));
        Assert.Equal((HttpStatusCode.OK, 0, 4), (again, replayed.GetProperty("created").GetInt32(), replayed.GetProperty("unchanged").GetInt32()));
        // Rep1: W1 whole, W2 less rep2's 33.33% (999.99 − 333.29), W3's 50% from rep2. Not L1 (lost).
        Assert.Equal(10_000m + 666.70m + 1_500m, await CycleActualAsync(app, "rep1@test.terrain", plan1));
        // Rep2: 33.33% of W2, W3 less rep1's half, and 10% of W1 as the overlay of Alpha Manufacturing.
        Assert.Equal(333.29m + 1_500m + 1_000m, await CycleActualAsync(app, "rep2@test.terrain", plan2));

        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var team = await manager.GetFromJsonAsync<JsonElement>("/api/v1/dashboards/team?asOf=2027-05-15", Ct);
        var byRep = team.GetProperty("reps").EnumerateArray()
            .ToDictionary(r => r.GetProperty("repId").GetGuid(), r => r.GetProperty("cycle").GetProperty("actual").GetDecimal());
        Assert.Equal((12_166.70m, 2_833.29m), (byRep[rep1], byRep[rep2]));
    }

    [Theory, BothDatabases]
    public async Task A_reps_dashboard_lists_the_deals_credited_to_them_with_the_credited_amount_and_how_and_totals_equal_to_the_actual(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await SeedAsync(app);
        var (status, report) = await SendSplitsAsync(await app.ApiAsAsync("admin@test.terrain"), Splits, "splits-1");
        Assert.True(status == HttpStatusCode.OK, report.ToString());

        async Task<(decimal Quarter, decimal Cycle, List<(string Deal, string Kind, decimal Percent, decimal Amount, decimal Credited, string How)> Deals)> DashboardAsync(string email)
        {
            var view = await (await app.ApiAsAsync(email)).GetFromJsonAsync<JsonElement>("/api/v1/dashboards/rep?asOf=2027-05-15", Ct);
            var deals = view.GetProperty("wonDeals").EnumerateArray()
                .Select(d => (d.GetProperty("externalId").GetString()!, d.GetProperty("kind").GetString()!, d.GetProperty("percent").GetDecimal(),
                    d.GetProperty("amount").GetDecimal(), d.GetProperty("credited").GetDecimal(), d.GetProperty("how").GetString()!))
                .OrderBy(d => d.Item1, StringComparer.Ordinal).ToList();
            return (view.GetProperty("quarter").GetProperty("actual").GetDecimal(), view.GetProperty("cycleToDate").GetProperty("actual").GetDecimal(), deals);
        }

        var rep1 = await DashboardAsync("rep1@test.terrain");
        var rep2 = await DashboardAsync("rep2@test.terrain");

        Assert.Equal(
            [
                ("W1", "Owner", 100m, 10_000m, 10_000m, "owner"),
                ("W2", "Owner", 66.67m, 999.99m, 666.70m, "owner, 66.67% after splits"),
                ("W3", "Split", 50m, 3_000m, 1_500m, "split 50%"),
            ], rep1.Deals);
        Assert.Equal(
            [
                ("W1", "Overlay", 10m, 10_000m, 1_000m, "overlay 10%"),
                ("W2", "Split", 33.33m, 999.99m, 333.29m, "split 33.33%"),
                ("W3", "Owner", 50m, 3_000m, 1_500m, "owner, 50% after splits"),
            ], rep2.Deals);
        // The deals closed on 10 March, in the cycle's first quarter; on 15 May the quarter is Q2, where nothing was won.
        Assert.Equal((0m, 12_166.70m, 12_166.70m), (rep1.Quarter, rep1.Cycle, rep1.Deals.Sum(d => d.Credited)));
        Assert.Equal((0m, 2_833.29m, 2_833.29m), (rep2.Quarter, rep2.Cycle, rep2.Deals.Sum(d => d.Credited)));

        var html = System.Net.WebUtility.HtmlDecode(await (await app.BrowserAsAsync("rep2@test.terrain")).GetStringAsync("/Dashboards/Rep?asOf=2027-05-15", Ct));
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        var row = page.QuerySelector("#won-deals tr[data-deal=W1]")!;
        Assert.Equal(("$1,000", "overlay 10%"), (row.QuerySelector("td[data-label=Credited]")!.TextContent.Trim(), row.QuerySelectorAll("td")[^1].TextContent.Trim()));
        Assert.Equal("$2,833.29", page.QuerySelector("#won-deals-totals [data-total=cycle]")!.TextContent.Trim());
        var csv = await (await app.ApiAsAsync("rep2@test.terrain")).GetStringAsync("/api/v1/dashboards/rep?asOf=2027-05-15&format=csv&table=won-deals", Ct);
        Assert.Contains("overlay 10%", csv, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task An_overlay_credits_only_deals_closed_while_it_was_in_effect_and_its_dates_are_audited(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var (rep1, rep2) = (app.Org.Rep1.Id, app.Org.Rep2.Id);
        var alpha = app.Org.Accounts.Single(a => a.ExternalId == "R1-1").Id;
        var url = $"/api/v1/accounts/{alpha}/overlays/{rep2}";
        // Rep2 becomes Alpha's overlay on 1 April and is removed on 1 May (a token is signed in at each day).
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 4, 1, 9, 0, 0, TimeSpan.Zero));
        var admin = await app.ApiAsAsync("admin@test.terrain");
        using (var set = await admin.PutAsJsonAsync(url, new { creditPercent = 10, role = "Solutions specialist" }, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
            Assert.Equal("2027-04-01", (await set.Content.ReadFromJsonAsync<JsonElement>(Ct))[0].GetProperty("effectiveFrom").GetString());
        }

        app.Clock.SetUtcNow(new DateTimeOffset(2027, 5, 1, 9, 0, 0, TimeSpan.Zero));
        admin = await app.ApiAsAsync("admin@test.terrain");
        using (var removed = await admin.DeleteAsync(url, Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }

        await app.WithDbAsync(async d =>
        {
            var (at, import) = (app.Clock.GetUtcNow(), Guid.NewGuid());
            foreach (var (id, amount, close) in new[] { ("E1", 10_000m, D(3, 31)), ("E2", 5_000m, D(4, 1)), ("E3", 3_000m, D(4, 30)), ("E4", 2_000m, D(5, 1)) })
            {
                var facts = new DealFacts(id, "", id, alpha, "", rep1, "Closed Won", DealOutcome.Won, ForecastCategory.Closed, amount, "USD", amount, null,
                    close, D(1, 5), DealType.NewBusiness, null, null, null);
                var (deal, change) = Opportunity.Create(facts, import, at);
                d.Opportunities.Add(deal);
                d.OpportunityChanges.Add(change);
            }

            return await d.SaveChangesAsync(Ct);
        });

        // Closed on 1 and 30 April, while the overlay lasted: E2 and E3. Not E1 (before it) nor E4 (the day it was removed).
        var credited = await app.WithDbAsync(d => (from c in d.DealCredits
                                                   join o in d.Opportunities on c.OpportunityId equals o.Id
                                                   where c.RepId == rep2 && c.Kind == CreditKind.Overlay
                                                   select new { o.ExternalId, c.Amount }).ToListAsync(Ct));
        Assert.Equal([("E2", 500m), ("E3", 300m)], credited.Select(c => (c.ExternalId, c.Amount)).OrderBy(c => c.ExternalId, StringComparer.Ordinal).ToList());
        var audit = await app.WithDbAsync(d => d.AuditEntries.Where(e => e.EntityId == alpha.ToString() && e.Action == "account.overlay-removed").Select(e => e.Details!).SingleAsync(Ct));
        Assert.Contains("\"effectiveTo\":\"2027-04-30\"", audit, StringComparison.Ordinal);
        Assert.Contains("\"effectiveFrom\":\"2027-04-01\"", audit, StringComparison.Ordinal);

        // Added again later: a new overlay beside the ended one, which keeps its credit.
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 6, 1, 9, 0, 0, TimeSpan.Zero));
        admin = await app.ApiAsAsync("admin@test.terrain");
        using var again = await admin.PutAsJsonAsync(url, new { creditPercent = 20 }, Ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((2, 800m), await app.WithDbAsync(async d => (await d.AccountOverlays.CountAsync(o => o.AccountId == alpha, Ct),
            await d.DealCredits.Where(c => c.RepId == rep2 && c.Kind == CreditKind.Overlay).SumAsync(c => c.Amount, Ct))));
    }

    [Theory, BothDatabases]
    public async Task A_file_whose_splits_of_a_deal_do_not_total_100_percent_changes_nothing_and_names_the_deal_and_its_lines(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        const string file = "Opportunity ID,Split Owner,Split Percent,Split Type\n"
                            + "0061,rep1@test.terrain,60.00%,Revenue\n"
                            + "0062,rep1@test.terrain,100%,Revenue\n"
                            + "0061,Rep Two,30.00%,Revenue\n"
                            + "0063,rep2@test.terrain,10%,Overlay\n";

        var report = await PostAsync(admin, "splits", Body(file), expected: HttpStatusCode.UnprocessableEntity);

        var issues = report.GetProperty("rejected").EnumerateArray()
            .Select(i => (Line: i.GetProperty("line").GetInt32(), Reason: i.GetProperty("reason").GetString()!)).ToList();
        Assert.Contains(issues, i => i.Line == 2 && i.Reason.Contains("'0061' total 90.00%, not 100% (lines 2, 4)", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Line == 5 && i.Reason.Contains("'Overlay' is not a revenue split", StringComparison.Ordinal));
        Assert.Equal(0, await app.WithDbAsync(d => d.DealSplits.CountAsync(Ct)));

        var fixedFile = file.Replace("30.00%", "40.00%", StringComparison.Ordinal).Replace("0063,rep2@test.terrain,10%,Overlay\n", "", StringComparison.Ordinal);
        var applied = await PostAsync(admin, "splits", Body(fixedFile));

        Assert.Equal(("Salesforce", 3), (applied.GetProperty("layout").GetString(), applied.GetProperty("created").GetInt32()));
        Assert.Equal(3, await app.WithDbAsync(d => d.DealSplits.CountAsync(Ct)));
    }
}
