using Microsoft.Playwright;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Features.Demo;
using Xunit;

namespace Terrain.BrowserTests.Features.Cycles;

[Collection(DemoPlanStatuses.Name)]
public sealed class LeaderBoardTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task Leader_sees_every_plan_with_its_deadlines_and_filters_to_the_overdue_ones()
    {
        var page = await SignInAsync("leader@" + DemoSeeder.Domain);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })
            .GetByRole(AriaRole.Link, new() { Name = "Cycles", Exact = true }).ClickAsync();
        await page.Locator("main table.data tbody th a").First.ClickAsync();

        var rows = page.Locator("main table.data tbody tr");
        await Expect(rows).ToHaveCountAsync(8);
        await Expect(page.Locator("main table.data tbody td:nth-of-type(2)", new() { HasText = "missed" })).ToHaveCountAsync(1);
        await Expect(page.Locator("main table.data tbody td:nth-of-type(3)", new() { HasText = "missed" })).ToHaveCountAsync(1);
        await Expect(rows.Filter(new() { HasText = "Changes requested" })).ToHaveCountAsync(1);
        await Screenshots.SaveAsync(page, "leader-board");

        // The filter applies as soon as it changes: no Apply button to press with JavaScript on.
        await page.GetByLabel("Overdue only").CheckAsync();

        await Expect(rows).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task A_rep_sees_the_cycles_but_not_the_board()
    {
        var page = await SignInAsync(DemoPeople.Rep1);

        await page.GotoAsync("/Cycles");
        await Expect(page.Locator("main table.data tbody tr")).ToHaveCountAsync(2); // this year's, and last year's
        await Expect(page.Locator("main table.data tbody th a")).ToHaveCountAsync(0);

        await page.Locator("main table.data tbody td a[href^='/Cycles/Template/']").First.ClickAsync();
        await Expect(page.Locator("ol.template > li")).ToHaveCountAsync(10);
        await Screenshots.SaveAsync(page, "rep-template");
    }

    [Fact]
    public async Task A_rep_with_an_overdue_draft_sees_it_and_the_reminder_on_the_home_page()
    {
        var page = await SignInAsync(DemoPeople.Rep(7));

        await Expect(page.Locator("main .card.deadline.late")).ToContainTextAsync("Your draft is overdue");
        await Expect(page.Locator("main .notifications")).ToContainTextAsync("draft is overdue");
        await Screenshots.SaveAsync(page, "rep-overdue-home");
    }
}
