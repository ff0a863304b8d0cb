using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Terrain.BrowserTests.Features.Accessibility;
using Terrain.BrowserTests.Features.Plans;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Domain.Strategies;
using Xunit;

namespace Terrain.BrowserTests.Features.Layout;

/// <summary>
/// Every page fits a phone (390 × 844): nothing makes the page itself scroll sideways (a wide table scrolls inside
/// its own box), and the top navigation collapses into a Menu button that works from the keyboard and without
/// JavaScript. Each role visits every page its navigation offers plus the main detail pages; a screenshot of each
/// lands in TERRAIN_ARTIFACTS as phone-*.png.
/// </summary>
public sealed class PhoneLayoutTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    private const int Width = 390;
    private const int Height = 844;

    /// <summary>The collapsed bar: the brand and the Menu button on one line.</summary>
    private const int CollapsedHeaderHeight = 64;

    public static TheoryData<string> Roles() => [DemoPeople.Rep(4), DemoPeople.Manager1, DemoPeople.Leader, DemoPeople.Admin];

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Every_page_fits_a_phone_and_the_navigation_stays_collapsed(string who)
    {
        var details = await DetailPagesAsync(who);
        var page = await SignInAsync(who);
        await page.SetViewportSizeAsync(Width, Height);
        await page.GotoAsync("/");
        var navigation = await page.Locator("header nav a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.NotEmpty(navigation);

        var problems = new List<string>();
        foreach (var path in navigation.Concat(details).Distinct())
        {
            var response = await page.GotoAsync(path);
            if (response is not { Ok: true })
            {
                problems.Add($"{path}: answered {response?.Status}");
                continue;
            }

            var (scrollWidth, header) = await MeasureAsync(page);
            if (scrollWidth > Width)
            {
                // Name what sticks out, so that the failure says where to look.
                var wide = await page.EvaluateAsync<string>("""
                    () => Array.from(document.querySelectorAll('main *')).filter((e) => !e.closest('.table-wrap, .table-scroll') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
                        .slice(-3).map((e) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim().replace(/\s+/g, '.') : '') + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')
                    """);
                problems.Add($"{path}: {scrollWidth} px wide ({wide})");
            }

            if (header > CollapsedHeaderHeight)
            {
                problems.Add($"{path}: the top bar takes {header} of {Height} px");
            }

            await Screenshots.SaveAsync(page, $"phone-{who.Split('@')[0]}{Sanitize(path)}", fullPage: false);
        }

        Assert.True(problems.Count == 0, $"At {Width} px, as {who}:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }

    [Fact]
    public async Task The_menu_opens_and_closes_from_the_keyboard_and_is_accessible()
    {
        var page = await SignInAsync(DemoPeople.Leader, bypassCsp: true);
        await page.SetViewportSizeAsync(Width, Height);
        await page.GotoAsync("/Cycles");
        var menu = page.Locator("header summary");
        var cycles = page.Locator("header nav").GetByRole(AriaRole.Link, new() { Name = "Cycles" });
        await Expect(menu).ToBeVisibleAsync();
        await Expect(cycles).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeHiddenAsync();

        await menu.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(cycles).ToBeVisibleAsync();
        await Expect(cycles).ToHaveAttributeAsync("aria-current", "page");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "phone-menu-open", fullPage: false);
        await AccessibilityTests.CheckAsync(page);
        Assert.True((await MeasureAsync(page)).ScrollWidth <= Width);

        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Escape");
        await Expect(cycles).ToBeHiddenAsync();
        await Expect(menu).ToBeFocusedAsync();

        // A wide screen shows the whole navigation and no Menu button.
        await page.SetViewportSizeAsync(1280, 800);
        await Expect(menu).ToBeHiddenAsync();
        await Expect(cycles).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_menu_works_without_javascript()
    {
        var page = await SignInAsync(DemoPeople.Rep1, javaScriptEnabled: false);
        await page.SetViewportSizeAsync(Width, Height);
        await page.GotoAsync("/");
        var myPlan = page.Locator("header nav").GetByRole(AriaRole.Link, new() { Name = "My plan" });
        await Expect(myPlan).ToBeHiddenAsync();

        await page.Locator("header summary").ClickAsync();
        await Expect(myPlan).ToBeVisibleAsync();
        await myPlan.ClickAsync();
        await page.WaitForURLAsync(url => PathOf(url).StartsWith("/Plans/", StringComparison.Ordinal));
        await Expect(myPlan).ToBeHiddenAsync();
    }

    /// <summary>The pages behind the navigation that each role opens most: a plan and its editors, versions, the board, quotas, reviews...</summary>
    private async Task<List<string>> DetailPagesAsync(string who)
    {
        var (planId, repEmail) = await DemoPlanContent.PlanAsync(App);
        var versioned = await DemoPlanVersions.PlanWithTwoVersionsAsync(App);
        return await App.QueryAsync(async db =>
        {
            var cycle = await db.Plans.Where(p => p.Id == planId).Select(p => p.CycleId).SingleAsync();
            var strategy = await db.Strategies.Where(s => s.Status == StrategyStatus.Published).OrderByDescending(s => s.PeriodStart).Select(s => s.Id).FirstAsync();
            var rep = await db.Users.Where(u => u.Email == repEmail).Select(u => u.Id).SingleAsync();
            var review = await db.Reviews.Where(r => r.RepId == rep).OrderBy(r => r.ScheduledOn).Select(r => (Guid?)r.Id).FirstOrDefaultAsync();
            var keys = await db.TemplateSections.Where(t => t.CycleId == cycle).OrderBy(t => t.Order).Select(t => t.Key).ToListAsync();
            List<string> pages = ["/Notifications", $"/Strategies/{strategy}", $"/Cycles/Template/{cycle}"];
            if (who.StartsWith("rep", StringComparison.Ordinal))
            {
                // The rep whose plan is being written, so that the editors are open to them.
                Assert.Equal(repEmail, who);
                pages.AddRange([$"/Plans/{planId}", $"/Plans/{planId}/Performance", $"/Plans/{planId}/Versions", $"/Plans/{planId}/Print", "/Reviews"]);
                pages.AddRange(keys.Select(k => $"/Plans/{planId}/Edit/{k}"));
            }
            else if (who == DemoPeople.Manager1)
            {
                pages.AddRange(
                [
                    $"/Plans/{planId}", $"/Plans/{versioned}/Versions", $"/Plans/{versioned}/Compare", $"/Cycles/Board/{cycle}",
                    $"/Cycles/Quotas/{cycle}", $"/Dashboards/Rep/{rep}", $"/Strategies/{strategy}/Readiness", "/Reviews", "/Reviews/Oversight",
                ]);
            }
            else if (who == DemoPeople.Leader)
            {
                pages.AddRange(
                [
                    $"/Cycles/Board/{cycle}", $"/Cycles/Quotas/{cycle}", $"/Cycles/{cycle}/Edit", "/Cycles/New", "/Strategies/New",
                    $"/Strategies/{strategy}/Readiness", $"/Strategies/{strategy}/Alignment", $"/Strategies/{strategy}/Workshops", "/Reviews/Oversight",
                ]);
            }
            else
            {
                pages.AddRange(["/Admin/Users/Create", $"/Admin/Users/Edit/{rep}", "/Admin/ImportMappings", $"/Cycles/Board/{cycle}"]);
            }

            if (review is { } id && who != DemoPeople.Admin)
            {
                pages.Add($"/Reviews/{id}");
            }

            return pages;
        });
    }

    private static async Task<(int ScrollWidth, int Header)> MeasureAsync(IPage page)
    {
        var measured = await page.EvaluateAsync<int[]>(
            "() => [document.documentElement.scrollWidth, Math.round(document.querySelector('header.topbar')?.getBoundingClientRect().height ?? 0)]");
        return (measured[0], measured[1]);
    }

    private static string Sanitize(string path) =>
        new([.. path.Select(c => char.IsLetterOrDigit(c) || c is '-' ? c : '_').Take(60)]);
}
