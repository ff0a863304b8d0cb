using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Terrain.BrowserTests.Features.Accessibility;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Domain.Territories;
using Xunit;

namespace Terrain.BrowserTests.Features.TerritoryDesign;

/// <summary>
/// A leader balances one team's territories (ADR 0044): makes a scenario, lets the optimizer run in the background,
/// reads the comparison (tables and chart), and applies it from a day a month ahead, so the demo's current alignment,
/// which other tests read, does not change. The pending moves and the scenario are removed at the end.
/// </summary>
public sealed class TerritoryScenarioTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task A_leader_runs_a_balanced_scenario_for_a_team_compares_it_and_applies_it_on_a_date()
    {
        var name = $"Balance Marcus's team {Guid.NewGuid():N}"[..40];
        var before = DateTimeOffset.UtcNow;
        try
        {
            var page = await SignInAsync(DemoPeople.Leader, bypassCsp: true);
            await page.GotoAsync("/TerritoryDesign/Scenarios");
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
            await page.GetByLabel("One manager's team").CheckAsync();
            await page.GetByLabel("Manager (for one team)").SelectOptionAsync(new SelectOptionValue { Label = "Marcus Webb" });
            await AccessibilityTests.CheckAsync(page);
            await page.GetByRole(AriaRole.Button, new() { Name = "Make the scenario" }).ClickAsync();

            // The optimizer runs in the background; the page polls its progress and shows the result (or links it) when it ends.
            var ended = page.Locator("#compare-title").Or(page.GetByRole(AriaRole.Link, new() { Name = "Show the result" }));
            await Expect(ended.First).ToBeVisibleAsync(new() { Timeout = 90_000 });
            if (!await page.Locator("#compare-title").IsVisibleAsync())
            {
                await page.GetByRole(AriaRole.Link, new() { Name = "Show the result" }).ClickAsync();
            }

            await Expect(page.Locator("#outcome-title")).ToBeVisibleAsync();
            await Expect(page.Locator("#compare-title")).ToHaveTextAsync("Now and in the scenario");
            await Expect(page.Locator("figure svg, figure img").First).ToBeVisibleAsync();
            await AccessibilityTests.CheckAsync(page);
            await Screenshots.SaveAsync(page, "territory-scenario-compared");

            await page.SetViewportSizeAsync(390, 844);
            var sideways = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1");
            Assert.False(sideways, "The scenario page scrolls sideways at 390 px.");
            await Screenshots.SaveAsync(page, "territory-scenario-phone");
            await page.SetViewportSizeAsync(1280, 900);

            var from = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30);
            await page.GetByLabel("Effective from").FillAsync(from.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await page.GetByRole(AriaRole.Button, new() { Name = "Apply the scenario" }).ClickAsync();
            await Expect(page.Locator(".alert.success").First).ToBeVisibleAsync();
            await Screenshots.SaveAsync(page, "territory-scenario-applied");

            var pending = await App.QueryAsync(db => db.AccountAssignments
                .Where(a => a.Source == AssignmentSource.Scenario && a.CreatedAt >= before).Select(a => new { a.EffectiveFrom, a.Status }).ToListAsync());
            Assert.All(pending, p => Assert.Equal((from, AssignmentStatus.Pending), (p.EffectiveFrom, p.Status)));
        }
        finally
        {
            await App.QueryAsync(async db =>
            {
                var batches = await db.AccountAssignments.Where(a => a.Source == AssignmentSource.Scenario && a.CreatedAt >= before)
                    .Select(a => a.Batch).Distinct().ToListAsync();
                var keys = batches.Select(b => $"book:{b:N}").ToList();
                foreach (var key in keys)
                {
                    await db.Notifications.Where(n => n.Key.StartsWith(key)).ExecuteDeleteAsync();
                }

                await db.AccountAssignments.Where(a => a.Source == AssignmentSource.Scenario && a.CreatedAt >= before).ExecuteDeleteAsync();
                return await db.TerritoryScenarios.Where(s => s.Name == name).ExecuteDeleteAsync();
            });
        }
    }
}
