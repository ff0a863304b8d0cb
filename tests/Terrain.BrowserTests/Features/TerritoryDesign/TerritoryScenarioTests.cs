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
/// which other tests read, does not change; sees it on the map, compares it with a second scenario, lets the team's
/// manager read it, and deletes it (ADR 0045). The pending moves and the scenarios are removed at the end.
/// </summary>
public sealed class TerritoryScenarioTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task A_leader_runs_a_balanced_scenario_for_a_team_compares_it_and_applies_it_on_a_date()
    {
        var name = $"Balance Marcus's team {Guid.NewGuid():N}"[..40];
        var other = $"Marcus's team, as drawn {Guid.NewGuid():N}"[..40];
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
            var scenarioPath = new Uri(page.Url).AbsolutePath;

            // The scenario on the map, read-only (ADR 0045).
            await page.GetByRole(AriaRole.Link, new() { Name = "See it on the map" }).ClickAsync();
            await Expect(page.GetByText("accounts coloured by the territory it proposes, read-only")).ToBeVisibleAsync();
            await Expect(page.Locator("#territory-map .pt, #territory-map .map-cluster").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await AccessibilityTests.CheckAsync(page);
            await Screenshots.SaveAsync(page, "territory-scenario-map");
            await page.SetViewportSizeAsync(390, 844);
            await Screenshots.SaveAsync(page, "territory-scenario-map-phone");
            await page.SetViewportSizeAsync(1280, 900);

            // A second scenario of the same team, left as a draft, compared with the first.
            await page.GotoAsync("/TerritoryDesign/Scenarios");
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync(other);
            await page.GetByLabel("One manager's team").CheckAsync();
            await page.GetByLabel("Manager (for one team)").SelectOptionAsync(new SelectOptionValue { Label = "Marcus Webb" });
            await page.GetByLabel("Run the optimizer now").UncheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Make the scenario" }).ClickAsync();
            await Expect(page.GetByLabel("Compare with another scenario")).ToBeVisibleAsync();
            await page.GetByLabel("Compare with another scenario").SelectOptionAsync(new SelectOptionValue { Label = $"{name} (applied)" });
            await page.GetByRole(AriaRole.Button, new() { Name = "Compare", Exact = true }).ClickAsync();
            await Expect(page.Locator("#pair-territories-caption")).ToBeVisibleAsync();
            await AccessibilityTests.CheckAsync(page);
            await Screenshots.SaveAsync(page, "territory-scenarios-compared");
            await page.SetViewportSizeAsync(390, 844);
            sideways = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1");
            Assert.False(sideways, "The comparison of two scenarios scrolls sideways at 390 px.");
            await Screenshots.SaveAsync(page, "territory-scenarios-compared-phone");
            await page.SetViewportSizeAsync(1280, 900);

            // Marcus Webb reads his team's scenarios, and may change none of them.
            var manager = await SignInAsync(DemoPeople.Manager1, bypassCsp: true);
            await manager.GotoAsync(scenarioPath);
            await Expect(manager.Locator("#compare-title")).ToBeVisibleAsync();
            await Expect(manager.GetByRole(AriaRole.Button, new() { Name = "Apply the scenario" })).ToHaveCountAsync(0);
            await Expect(manager.GetByText("Delete this scenario")).ToHaveCountAsync(0);
            await AccessibilityTests.CheckAsync(manager);
            await Screenshots.SaveAsync(manager, "territory-scenario-manager");

            // Deleting asks for a confirmation, then the scenario is gone from the list.
            await page.GotoAsync(scenarioPath);
            await page.GetByText("Delete this scenario").ClickAsync();
            await page.GetByLabel($"Yes, delete {name}").CheckAsync();
            await Screenshots.SaveAsync(page, "territory-scenario-delete");
            await page.GetByRole(AriaRole.Button, new() { Name = "Delete the scenario" }).ClickAsync();
            await Expect(page.Locator(".alert.success")).ToContainTextAsync($"Deleted the scenario {name}.");
            await Expect(page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true })).ToHaveCountAsync(0);
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
                return await db.TerritoryScenarios.Where(s => s.Name == name || s.Name == other).ExecuteDeleteAsync();
            });
        }
    }
}
