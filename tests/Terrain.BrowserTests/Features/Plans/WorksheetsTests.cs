using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Terrain.BrowserTests.Features.Accessibility;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Domain.Planning;
using Xunit;

namespace Terrain.BrowserTests.Features.Plans;

/// <summary>The worksheets that save hours, wide and on a phone: sort, tier many accounts at once, add a row without a reload.</summary>
// It writes into the shared demo plan's sections (DemoPlanContent), as other classes of this collection do: run
// beside them, two tests saved the same section and one of them met a version conflict ("Not saved", a full post).
[Collection(DemoPlanStatuses.Name)]
public sealed partial class WorksheetsTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    private async Task<SegmentationContent> SegmentationAsync(Guid planId) => await App.QueryAsync(async db =>
        (SegmentationContent)SectionContents.Read(SectionKind.AccountSegmentation,
            await db.PlanSections.Where(s => s.PlanId == planId && s.Key == "account-segmentation").Select(s => s.Content).SingleAsync()));

    [Theory]
    [InlineData(1280, 900, "wide")]
    [InlineData(390, 844, "phone")]
    public async Task The_rep_sorts_the_worksheet_tiers_many_accounts_at_once_and_adds_a_row_without_a_reload(int width, int height, string name)
    {
        var (planId, rep) = await DemoPlanContent.PlanAsync(App);
        var page = await SignInAsync(rep, bypassCsp: true);
        await page.SetViewportSizeAsync(width, height);
        await page.GotoAsync($"/Plans/{planId}/Edit/account-segmentation");
        var rows = page.Locator("table.segmentation tbody tr");

        await page.GetByLabel("Sort by").SelectOptionAsync("potential");
        var potentials = await rows.EvaluateAllAsync<double[]>("rows => rows.map(r => parseFloat(r.dataset.potential || '-1'))");
        Assert.Equal(potentials.OrderByDescending(p => p), potentials);
        Assert.Equal("descending", await page.Locator("#col-potential").GetAttributeAsync("aria-sort"));

        // The two smallest accounts (the demo tiers them D) go to A at once.
        var last = await rows.Nth(potentials.Length - 1).GetAttributeAsync("data-name");
        var before = await rows.Nth(potentials.Length - 2).GetAttributeAsync("data-name");
        await page.GetByLabel($"Tick {last}", new() { Exact = true }).CheckAsync();
        await page.GetByLabel($"Tick {before}", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Tier for the ticked accounts").SelectOptionAsync("A");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set tier" }).ClickAsync();

        await Expect(page.Locator("[data-bulk-status]")).ToContainTextAsync("Tier A set for 2 of 2");
        await Expect(page.Locator("#save-status")).ToContainTextAsync("Saved at");
        await Screenshots.SaveAsync(page, $"worksheet-bulk-tier-{name}");
        var ids = await App.QueryAsync(db => db.Accounts.Where(a => a.Name == last || a.Name == before).Select(a => a.Id).ToListAsync());
        Assert.All((await SegmentationAsync(planId)).Rows.Where(r => ids.Contains(r.AccountId)), r => Assert.Equal("A", r.Tier));

        // Setting the tier they already have changes nothing, and says so.
        await page.GetByRole(AriaRole.Button, new() { Name = "Set tier" }).ClickAsync();
        await Expect(page.Locator("[data-bulk-status]")).ToContainTextAsync("already tier A");

        // Then the suggestion for the same two, from their potential.
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply suggested tiers" }).ClickAsync();
        await Expect(page.Locator("[data-bulk-status]")).ToContainTextAsync("Suggested tiers applied");
        var suggested = await rows.Nth(potentials.Length - 1).GetAttributeAsync("data-suggested");
        await Expect(rows.Nth(potentials.Length - 1).Locator("select.tier-select")).ToHaveValueAsync(suggested!);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"The worksheet scrolls sideways at {width} px.");
        await AccessibilityTests.CheckAsync(page);

        // A prospect is added where the rep is: same address, same page (the marker survives), cursor in the new row.
        await page.GotoAsync($"/Plans/{planId}/Edit/prospecting");
        var prospects = page.Locator("table.prospects tbody tr");
        var count = await prospects.CountAsync();
        var url = page.Url;
        await page.EvaluateAsync("() => { window.stillHere = true; }");
        var add = page.GetByRole(AriaRole.Button, new() { Name = "+ Add a prospect" });
        await add.ScrollIntoViewIfNeededAsync();

        await add.ClickAsync();

        await Expect(prospects).ToHaveCountAsync(count + 1);
        Assert.Equal(url, page.Url);
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillHere === true"), "Adding a row reloaded the page.");
        await Expect(page.GetByLabel($"Prospect {count + 1}: company")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("Harbour Mills");
        await Expect(page.Locator("#save-status")).ToContainTextAsync("Saved at");
        await Screenshots.SaveAsync(page, $"worksheet-row-added-{name}");
        await AccessibilityTests.CheckAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Remove prospect {count + 1}" }).ClickAsync();
        await Expect(prospects).ToHaveCountAsync(count);
        Assert.DoesNotMatch(HandlerInAddress(), page.Url);
    }

    [GeneratedRegex("handler=")]
    private static partial Regex HandlerInAddress();
}
