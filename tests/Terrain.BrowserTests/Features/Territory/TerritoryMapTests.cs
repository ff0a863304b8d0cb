using Microsoft.Playwright;
using Terrain.BrowserTests.Features.Accessibility;
using Terrain.BrowserTests.Infrastructure;
using Xunit;

namespace Terrain.BrowserTests.Features.Territory;

/// <summary>
/// The territory map in Chromium without a GPU and under the app's own content security policy: boundaries and
/// accounts drawn from the app alone, clusters that open, an area selected by dragging, and the same figures in a table.
/// </summary>
public sealed class TerritoryMapTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Theory]
    [InlineData(1280, 900, "wide")]
    [InlineData(390, 844, "phone")]
    public async Task A_leader_sees_the_accounts_by_territory_and_selects_an_area(int width, int height, string name)
    {
        var page = await SignInAsync("leader@" + Terrain.Features.Demo.DemoSeeder.Domain);
        await page.SetViewportSizeAsync(width, height);
        var refused = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                refused.Add(m.Text);
            }
        };
        var elsewhere = new List<string>();
        page.Request += (_, r) =>
        {
            if (!r.Url.StartsWith(App.BaseUrl, StringComparison.Ordinal) && !r.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                elsewhere.Add(r.Url);
            }
        };

        await page.GotoAsync("/Territory/Map");

        var map = page.Locator("#territory-map");
        await Expect(map.Locator("path.map-state").First).ToBeAttachedAsync();
        await Expect(map.Locator("path.pt, .map-cluster").First).ToBeVisibleAsync();
        await Expect(page.Locator("[data-map-status]")).ToContainTextAsync("accounts on the map");
        await Expect(page.Locator("table.territory-figures tbody tr")).Not.ToHaveCountAsync(0);
        await Screenshots.SaveAsync(page, $"territory-map-{name}", fullPage: false);

        // Select everything in the middle of the map by dragging over it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Select an area" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Select an area" })).ToHaveAttributeAsync("aria-pressed", "true");
        var box = (await map.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + 5, box.Y + 5);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2, new() { Steps = 5 });
        await page.Mouse.MoveAsync(box.X + box.Width - 5, box.Y + box.Height - 5, new() { Steps = 5 });
        await page.Mouse.UpAsync();

        await Expect(page.Locator("[data-map-status]")).ToContainTextAsync("selected");
        await Expect(page.Locator("[data-selection-rows] tr")).Not.ToHaveCountAsync(0);
        // A leader may move them: the move form holds the selection (the move itself is the list's, MovingAccountsTests).
        var move = page.Locator("form[data-move-form]");
        await Expect(move).ToBeVisibleAsync();
        Assert.Equal(await page.Locator("[data-selection-rows] tr").CountAsync(), await move.Locator("input[name=ids]").CountAsync());
        await Expect(move.GetByLabel("Territory")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, $"territory-map-selected-{name}", fullPage: false);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"The map page scrolls sideways at {width} px.");
        Assert.Empty(refused);
        Assert.Empty(elsewhere);

        var checkedPage = await SignInAsync("leader@" + Terrain.Features.Demo.DemoSeeder.Domain, bypassCsp: true);
        await checkedPage.SetViewportSizeAsync(width, height);
        await checkedPage.GotoAsync("/Territory/Map");
        await Expect(checkedPage.Locator("#territory-map path.pt, #territory-map .map-cluster").First).ToBeVisibleAsync();
        await AccessibilityTests.CheckAsync(checkedPage);
    }
}
