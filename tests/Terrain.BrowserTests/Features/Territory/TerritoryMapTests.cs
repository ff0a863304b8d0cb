using Microsoft.Playwright;
using Terrain.BrowserTests.Features.Accessibility;
using Terrain.BrowserTests.Infrastructure;
using Xunit;

namespace Terrain.BrowserTests.Features.Territory;

/// <summary>
/// The territory map in Chromium without a GPU and under the app's own content security policy: boundaries and
/// accounts drawn from the app alone, clusters that open, an area selected by dragging (a rectangle or a lasso), and the
/// same figures in a table; every territory page fits a phone.
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
        await page.GetByRole(AriaRole.Button, new() { Name = "Select a rectangle" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Select a rectangle" })).ToHaveAttributeAsync("aria-pressed", "true");
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
        var boxed = await page.Locator("[data-selection-rows] tr").CountAsync();
        Assert.Equal(boxed, (await move.Locator("input[name=idList]").InputValueAsync()).Split(',').Length);
        await Expect(move.GetByLabel("Territory")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, $"territory-map-selected-{name}", fullPage: false);

        // A lasso drawn freehand around the middle of the map selects the accounts inside it, and fewer than the box did.
        await page.GetByRole(AriaRole.Button, new() { Name = "Clear the selection" }).ClickAsync();
        await Expect(move).ToBeHiddenAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Lasso" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Lasso" })).ToHaveAttributeAsync("aria-pressed", "true");
        var (cx, cy, r) = (box.X + box.Width / 2, box.Y + box.Height / 2, Math.Min(box.Width, box.Height) * 0.4);
        await page.Mouse.MoveAsync((float)(cx + r), (float)cy);
        await page.Mouse.DownAsync();
        for (var step = 1; step <= 24; step++)
        {
            var angle = step * Math.PI * 2 / 24;
            await page.Mouse.MoveAsync((float)(cx + r * Math.Cos(angle)), (float)(cy + r * Math.Sin(angle)));
        }

        await page.Mouse.UpAsync();
        await Expect(page.Locator("[data-map-status]")).ToContainTextAsync("selected");
        var lassoed = await page.Locator("[data-selection-rows] tr").CountAsync();
        Assert.InRange(lassoed, 1, boxed);
        Assert.Equal(lassoed, (await move.Locator("input[name=idList]").InputValueAsync()).Split(',').Length);
        await Screenshots.SaveAsync(page, $"territory-map-lassoed-{name}", fullPage: false);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"The map page scrolls sideways at {width} px.");
        Assert.Empty(refused);
        Assert.Empty(elsewhere);

        var checkedPage = await SignInAsync("leader@" + Terrain.Features.Demo.DemoSeeder.Domain, bypassCsp: true);
        await checkedPage.SetViewportSizeAsync(width, height);
        await checkedPage.GotoAsync("/Territory/Map");
        await Expect(checkedPage.Locator("#territory-map path.pt, #territory-map .map-cluster").First).ToBeVisibleAsync();
        await AccessibilityTests.CheckAsync(checkedPage);
    }

    [Fact]
    public async Task Every_territory_page_fits_a_phone_with_its_tables_scrolling_in_their_own_labelled_regions()
    {
        var page = await SignInAsync("leader@" + Terrain.Features.Demo.DemoSeeder.Domain);
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync("/Territory");
        var account = await page.Locator("a[href^='/Territory/Account/']").First.GetAttributeAsync("href");
        await page.GotoAsync("/Territory/Territories");
        var territory = await page.Locator("a[href^='/Territory/Edit/']").First.GetAttributeAsync("href");
        string[] paths = ["/Territory", "/Territory/Map", "/Territory/Territories", "/Territory/Unassigned", "/Territory/Rules", "/Territory/Changes",
            account!, territory!];

        var problems = new List<string>();
        foreach (var path in paths)
        {
            await page.GotoAsync(path);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var slug = path.Trim('/').Replace('/', '-');
            await Screenshots.SaveAsync(page, $"territory-390-{(slug.Length > 40 ? slug[..40] : slug)}");
            if (!await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"))
            {
                problems.Add($"{path} scrolls sideways at 390 px");
            }

            // Every table sits in a focusable, labelled region that scrolls on its own.
            var loose = await page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll("main table")].filter(t => {
                    const wrap = t.closest(".table-wrap");
                    return !wrap || wrap.getAttribute("tabindex") !== "0" || wrap.getAttribute("role") !== "region"
                        || !(wrap.getAttribute("aria-label") || wrap.getAttribute("aria-labelledby"));
                }).map(t => (t.className || "table") + ": " + (t.querySelector("caption, th")?.textContent || "").trim().slice(0, 40))
                """);
            problems.AddRange(loose.Select(t => $"{path}: table not in a labelled scroll region ({t})"));
        }

        Assert.Empty(problems);
    }
}
