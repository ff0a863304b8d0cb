using System.Globalization;
using Microsoft.Playwright;
using Terrain.BrowserTests.Features.Accessibility;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Features.Demo;
using Xunit;

namespace Terrain.BrowserTests.Features.Cycles;

/// <summary>
/// The quota grid (ADR 0034): a manager edits two reps' quotas and saves them in one go; the totals follow the typing,
/// leaving with unsaved edits asks first, and at 390 px the grid scrolls inside its own box. The demo's amounts are put
/// back at the end.
/// </summary>
[Collection(DemoPlanStatuses.Name)]
public sealed class QuotaGridTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task Quotas_edited_for_two_reps_in_one_go()
    {
        var page = await SignInAsync("manager1@" + DemoSeeder.Domain, bypassCsp: true);
        await page.GotoAsync("/Cycles");
        await page.Locator("main table.data tbody th a").First.ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Quotas" }).ClickAsync();

        var rows = page.Locator("table.quotas tbody tr[data-quota-row]");
        var first = rows.Nth(0).Locator("input[data-money]").Nth(0);
        var second = rows.Nth(1).Locator("input[data-money]").Nth(1);
        var was = (await Amount(rows.Nth(0).Locator("td[data-quarter]").Nth(0)), await Amount(rows.Nth(1).Locator("td[data-quarter]").Nth(1)));
        var rowTotal = await SumAsync(rows.Nth(0)) - was.Item1 + 1_000_000m;
        var total = Money(decimal.Parse(await page.Locator("table.quotas tfoot [data-sum-total]").InnerTextAsync(), NumberStyles.Currency, UsDollars)
                          - was.Item1 - was.Item2 + 3_000_000m);
        try
        {
            // Typed as people type: the totals follow before anything is saved.
            await first.ClickAsync();
            await first.FillAsync("");
            await first.PressSequentiallyAsync("1000000");
            await second.ClickAsync();
            await second.FillAsync("");
            await second.PressSequentiallyAsync("2,000,000");
            await Expect(rows.Nth(0).Locator("[data-row-total]")).ToHaveTextAsync(Money(rowTotal));
            await Expect(page.Locator("table.quotas tfoot [data-sum-total]")).ToHaveTextAsync(total);
            await Expect(page.Locator("[data-dirty-note]")).ToBeVisibleAsync();
            Assert.True(await LeavingAsksFirstAsync(page), "Leaving with unsaved quotas does not ask first.");
            await Expect(first).ToHaveValueAsync("$1,000,000");
            await AccessibilityTests.CheckAsync(page);
            await Screenshots.SaveAsync(page, "quota-grid-editing-desktop");

            await page.GetByRole(AriaRole.Button, new() { Name = "Save all quotas" }).ClickAsync();
            await Expect(page.Locator(".alert.success")).ToContainTextAsync("Saved the quotas of 2 reps");
            await Expect(first).ToHaveValueAsync("$1,000,000");
            await Expect(second).ToHaveValueAsync("$2,000,000");
            await Expect(page.Locator("table.quotas tfoot [data-sum-total]")).ToHaveTextAsync(total);
            Assert.False(await LeavingAsksFirstAsync(page), "Leaving after saving still asks.");
            await AccessibilityTests.CheckAsync(page);
            await Screenshots.SaveAsync(page, "quota-grid-saved-desktop");

            await page.SetViewportSizeAsync(390, 844);
            await page.ReloadAsync();
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The quota page scrolls sideways at 390 px.");
            Assert.True(await page.Locator(".quota-scroll").First.EvaluateAsync<bool>("e => e.scrollWidth > e.clientWidth"), "The grid does not scroll inside its own box.");
            await AccessibilityTests.CheckAsync(page);
            await Screenshots.SaveAsync(page, "quota-grid-phone", fullPage: false);
        }
        finally
        {
            await page.SetViewportSizeAsync(1280, 900);
            await page.ReloadAsync();
            await first.FillAsync(was.Item1.ToString(CultureInfo.InvariantCulture));
            await second.FillAsync(was.Item2.ToString(CultureInfo.InvariantCulture));
            await page.GetByRole(AriaRole.Button, new() { Name = "Save all quotas" }).ClickAsync();
            await Expect(page.Locator(".alert.success")).ToBeVisibleAsync();
        }
    }

    private static async Task<decimal> Amount(ILocator cell) =>
        decimal.Parse(await cell.GetAttributeAsync("data-amount") is { Length: > 0 } a ? a : "0", CultureInfo.InvariantCulture);

    private static async Task<decimal> SumAsync(ILocator row)
    {
        var cells = row.Locator("td[data-quarter]");
        var sum = 0m;
        for (var i = 0; i < await cells.CountAsync(); i++)
        {
            sum += await Amount(cells.Nth(i));
        }

        return sum;
    }

    // As pages write money (ADR 0032): the demo's en-US culture and USD, cents only when there are some.
    private static readonly CultureInfo UsDollars = CultureInfo.GetCultureInfo("en-US");

    private static string Money(decimal value) => value.ToString(decimal.Truncate(value) == value ? "C0" : "C2", UsDollars);

    /// <summary>Whether the page's beforeunload handler would stop the reader leaving.</summary>
    private static Task<bool> LeavingAsksFirstAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => { const e = new Event('beforeunload', { cancelable: true }); window.dispatchEvent(e); return e.defaultPrevented; }");
}
