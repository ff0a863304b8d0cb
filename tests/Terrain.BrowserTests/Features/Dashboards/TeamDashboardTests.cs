using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Features.Demo;
using Xunit;

namespace Terrain.BrowserTests.Features.Dashboards;

public sealed class TeamDashboardTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    private static string Money(JsonElement value) =>
        value.ValueKind == JsonValueKind.Null ? "–" : Currency(value.GetDecimal());

    // As pages write money (ADR 0032): the demo's en-US culture and USD, cents only when there are some.
    private static string Currency(decimal value) =>
        value.ToString(decimal.Truncate(value) == value ? "C0" : "C2", CultureInfo.GetCultureInfo("en-US"));

    private static string Percent(JsonElement ratio) =>
        ratio.ValueKind == JsonValueKind.Null ? "no target" : (ratio.GetDecimal() * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    [Fact]
    public async Task The_manager_dashboard_shows_the_apis_figures_ranked_and_fits_a_phone()
    {
        // Deals for the manager's reps in the cycle, so that the ranking has something to rank.
        var asOf = await App.QueryAsync(async db =>
        {
            var cycle = await db.Cycles.OrderByDescending(c => c.PeriodStart).FirstAsync();
            var reps = await db.Users.Where(u => u.Role == Role.Rep && u.Manager!.Email == DemoPeople.Manager1).OrderBy(u => u.Email).ToListAsync();
            var day = cycle.PeriodStart.AddDays(45);
            if (!await db.Opportunities.AnyAsync(o => o.ExternalId.StartsWith("DASH-")))
            {
                var import = Guid.NewGuid();
                var at = DateTimeOffset.UtcNow;
                for (var i = 0; i < reps.Count; i++)
                {
                    foreach (var (kind, outcome, forecast, amount, close) in new[]
                             {
                                 ("W", DealOutcome.Won, ForecastCategory.Closed, 20_000m * (i + 1), cycle.PeriodStart.AddDays(10 + i)),
                                 ("C", DealOutcome.Open, ForecastCategory.Commit, 15_000m * (reps.Count - i), cycle.PeriodStart.AddDays(60)),
                             })
                    {
                        var facts = new DealFacts($"DASH-{kind}{i}", "", $"Dashboard deal {kind}{i}", null, "Some account", reps[i].Id, outcome.ToString(), outcome, forecast,
                            amount, "USD", amount, null, close, cycle.PeriodStart, DealType.NewBusiness, null, null, null);
                        var (deal, change) = Opportunity.Create(facts, import, at);
                        db.Opportunities.Add(deal);
                        db.OpportunityChanges.Add(change);
                    }
                }

                await db.SaveChangesAsync();
            }

            return day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        });
        var page = await SignInAsync(DemoPeople.Manager1);
        await page.SetViewportSizeAsync(1280, 900);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Team dashboard" }).ClickAsync();
        await page.GetByLabel("As of").FillAsync(asOf);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Team dashboard", Level = 1 })).ToBeVisibleAsync();

        // The API takes bearer tokens only.
        var login = await page.Context.APIRequest.PostAsync("/api/v1/auth/login",
            new() { DataObject = new { email = DemoPeople.Manager1, password = DemoSeeder.Password } });
        var token = JsonDocument.Parse(await login.TextAsync()).RootElement.GetProperty("accessToken").GetString();
        var api = await page.Context.APIRequest.GetAsync($"/api/v1/dashboards/team?asOf={asOf}",
            new() { Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token } });
        Assert.True(api.Ok, await api.TextAsync());
        var view = JsonDocument.Parse(await api.TextAsync()).RootElement;
        var reps = view.GetProperty("reps").EnumerateArray().ToList();
        Assert.NotEmpty(reps);
        var rows = page.Locator("#ranking tbody tr");
        await Expect(rows).ToHaveCountAsync(reps.Count);
        for (var i = 0; i < reps.Count; i++)
        {
            var row = rows.Nth(i);
            var quarter = reps[i].GetProperty("quarter");
            await Expect(row.GetByRole(AriaRole.Rowheader)).ToContainTextAsync(reps[i].GetProperty("name").GetString()!);
            await Expect(row.Locator("[data-field=target]")).ToHaveTextAsync(Money(quarter.GetProperty("target")));
            await Expect(row.Locator("[data-field=actual]")).ToHaveTextAsync(Money(quarter.GetProperty("actual")));
            await Expect(row.Locator("[data-field=forecast]")).ToHaveTextAsync(Money(quarter.GetProperty("forecast")));
            await Expect(row.Locator("[data-field=forecastAttainment]")).ToHaveTextAsync(Percent(quarter.GetProperty("forecastAttainment")));
            await Expect(row.Locator("[data-field=gap]")).ToHaveTextAsync(Money(quarter.GetProperty("gap")));
        }

        var total = view.GetProperty("totals").GetProperty("quarter");
        var totalRow = page.Locator("#team-totals tbody tr").First;
        await Expect(totalRow.Locator("[data-field=target]")).ToHaveTextAsync(Money(total.GetProperty("target")));
        await Expect(totalRow.Locator("[data-field=actual]")).ToHaveTextAsync(Money(total.GetProperty("actual")));
        await Expect(totalRow.Locator("[data-field=forecast]")).ToHaveTextAsync(Money(total.GetProperty("forecast")));
        // The chart is drawn beside its table.
        await Expect(page.Locator("#ranking-chart")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "dashboard-team-desktop");

        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"The page is {width} px wide at 390 px.");
        await Screenshots.SaveAsync(page, "dashboard-team-phone");

        // Drill down to the first rep's dashboard.
        await rows.First.GetByRole(AriaRole.Rowheader).GetByRole(AriaRole.Link, new() { Name = reps[0].GetProperty("name").GetString()! }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(reps[0].GetProperty("name").GetString()!);
        await Screenshots.SaveAsync(page, "dashboard-rep-phone");
    }
}
