using Microsoft.Playwright;
using Terrain.BrowserTests.Features.Accessibility;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Features.Demo;
using Xunit;

namespace Terrain.BrowserTests.Features.Cycles;

/// <summary>
/// The demo cycle's drafts were due six days ago: Chloe Martin (rep5) submitted three days late, Hannah Cho (rep7) has
/// not submitted. The board says so after submission too, on a desktop and on a phone; Chloe's manager gives her
/// approval window two more days. Runs with the other tests that count the demo's statuses, never beside them.
/// </summary>
[Collection(DemoPlanStatuses.Name)]
public sealed class LateRepsTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task A_leader_opens_the_cycle_board_and_a_late_rep_is_shown_late_at_desktop_and_phone_width()
    {
        var page = await SignInAsync("leader@" + DemoSeeder.Domain, bypassCsp: true);
        await page.GotoAsync("/Cycles");
        await page.Locator("main table.data tbody th a").First.ClickAsync();

        var chloe = page.Locator("main table.data tbody tr", new() { HasText = "Chloe Martin" });
        var hannah = page.Locator("main table.data tbody tr", new() { HasText = "Hannah Cho" });
        await Expect(chloe.Locator("td").Nth(1)).ToContainTextAsync("met late by 3 days");
        await Expect(hannah.Locator("td").Nth(1)).ToContainTextAsync("missed (6 days overdue)");
        await Expect(page.Locator("main table.data tbody td").Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("overdue.*overdue") })).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(page, "board-late-reps-desktop");
        await AccessibilityTests.CheckAsync(page);

        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        await Expect(chloe.Locator("td").Nth(1)).ToContainTextAsync("met late by 3 days");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The board scrolls sideways at 390 px.");
        await Screenshots.SaveAsync(page, "board-late-reps-phone");
    }

    [Fact]
    public async Task The_reps_manager_extends_the_approval_window_with_a_reason_and_the_board_shows_it()
    {
        var page = await SignInAsync("manager2@" + DemoSeeder.Domain, bypassCsp: true);
        await page.GotoAsync("/Cycles");
        await page.Locator("main table.data tbody th a").First.ClickAsync();
        var board = page.Url;
        await page.Locator("main table.data tbody tr", new() { HasText = "Chloe Martin" }).Locator("th a").ClickAsync();

        await page.GetByLabel("Deadline", new() { Exact = true }).SelectOptionAsync("Approval");
        await page.GetByLabel("Extra days").FillAsync("2");
        await page.GetByLabel("Reason").FillAsync("Manager at the sales kickoff all week");
        await AccessibilityTests.CheckAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Extend the deadline" }).ClickAsync();

        await Expect(page.Locator("main")).ToContainTextAsync("Manager at the sales kickoff all week");
        await Expect(page.Locator("main dl.plan-facts")).ToContainTextAsync("extended by 2 days");
        await Screenshots.SaveAsync(page, "plan-extended-desktop", fullPage: false);
        await page.SetViewportSizeAsync(390, 844);
        await page.Locator("#extensions-title").ScrollIntoViewIfNeededAsync();
        await Screenshots.SaveAsync(page, "plan-extended-phone", fullPage: false);
        await page.GotoAsync(board);
        await Expect(page.Locator("main table.data tbody tr", new() { HasText = "Chloe Martin" })).ToContainTextAsync("extended by 2 days");
    }
}
