using Microsoft.Playwright;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Features.Demo;
using Xunit;

namespace Terrain.BrowserTests.Features.Cycles;

/// <summary>The leader opens and changes cycles in the UI; the demo's cycles are left as they are (refused input changes nothing).</summary>
public sealed class LeaderRunsCyclesTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task The_leader_is_offered_the_next_cycle_and_told_beside_the_field_which_rule_a_date_breaks()
    {
        var page = await SignInAsync("leader@" + DemoSeeder.Domain);
        await page.SetViewportSizeAsync(390, 844);

        await page.GotoAsync("/Cycles");
        await page.GetByRole(AriaRole.Link, new() { Name = "Open a cycle" }).ClickAsync();
        await Expect(page.GetByLabel("Name")).Not.ToBeEmptyAsync();
        var name = await page.GetByLabel("Name").InputValueAsync();
        var kickoff = await page.GetByLabel("Kickoff").InputValueAsync();
        await page.GetByLabel("Drafts due").FillAsync(DateOnly.Parse(kickoff, System.Globalization.CultureInfo.InvariantCulture).AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Open the cycle" }).ClickAsync();

        await Expect(page.Locator("#Form_DraftDue-error")).ToContainTextAsync("at most 14 days after kickoff");
        await Expect(page.GetByLabel("Drafts due")).ToHaveAttributeAsync("aria-invalid", "true");
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"The form is {width} px wide at 390 px.");
        await Screenshots.SaveAsync(page, "leader-open-cycle-refused-phone");

        // Nothing was opened. Other tests may open cycles of their own in the shared demo database meanwhile, so the
        // check is by the refused cycle's name, not by counting rows.
        await page.GotoAsync("/Cycles");
        await Expect(page.Locator("main table.data tbody tr").First).ToBeVisibleAsync();
        await Expect(page.Locator("main table.data tbody tr", new() { HasText = name })).ToHaveCountAsync(0);
    }
}
