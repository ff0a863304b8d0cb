using System.Text.Json;
using Microsoft.Playwright;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Features.Demo;
using Xunit;

namespace Terrain.BrowserTests.Features.Accessibility;

/// <summary>
/// axe-core (Vendor/axe-core, 4.11.0, MPL-2.0) checks each page against WCAG 2.1 A and AA, contrast included.
/// The context bypasses the app's CSP only so that the checker itself can be injected.
/// </summary>
public sealed class AccessibilityTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    private static readonly Lazy<string> Axe = new(() =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vendor", "axe-core", "axe.min.js")));

    public static TheoryData<string, string> Pages() => new()
    {
        { "anonymous", "/Auth/Login" },
        { DemoPeople.Rep1, "/" },
        { DemoPeople.Rep1, "/Territory" },
        { DemoPeople.Rep1, "/Cycles" },
        { DemoPeople.Manager1, "/" },
        { DemoPeople.Manager1, "/Team" },
        { DemoPeople.Manager1, "/Territory" },
        { "leader@" + DemoSeeder.Domain, "/Cycles" },
        { DemoPeople.Admin, "/Admin/Users" },
        { DemoPeople.Admin, "/Admin/Users/Create" },
        { DemoPeople.Admin, "/Admin/Imports" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Pages_have_no_serious_accessibility_violations(string who, string path)
    {
        var page = who == "anonymous" ? await NewPageAsync(bypassCsp: true) : await SignInAsync(who, bypassCsp: true);
        await page.GotoAsync(path);

        await CheckAsync(page);
    }

    [Fact]
    public async Task The_leaders_board_and_the_template_have_no_serious_accessibility_violations()
    {
        var page = await SignInAsync("leader@" + DemoSeeder.Domain, bypassCsp: true);
        await page.GotoAsync("/Cycles");
        var cycleLinks = page.Locator("main table.data tbody a");

        await cycleLinks.First.ClickAsync();
        await Expect(page.Locator("main table.data")).ToBeVisibleAsync();
        await CheckAsync(page);
        await page.GoBackAsync();
        await cycleLinks.Last.ClickAsync();
        await Expect(page.Locator("ol.template")).ToBeVisibleAsync();
        await CheckAsync(page);
    }

    private static async Task CheckAsync(IPage page)
    {
        await page.AddScriptTagAsync(new() { Content = Axe.Value });
        var result = await page.EvaluateAsync<JsonElement>("""
            async () => {
                const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
                return {
                    passed: r.passes.map(p => p.id),
                    violations: r.violations
                        .filter(v => v.impact === 'serious' || v.impact === 'critical')
                        .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')),
                };
            }
            """);
        var passed = result.GetProperty("passed").EnumerateArray().Select(p => p.GetString()).ToList();
        var violations = result.GetProperty("violations").EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.Contains("color-contrast", passed);
        Assert.True(violations.Count == 0, $"{page.Url}:{Environment.NewLine}{string.Join(Environment.NewLine, violations)}");
    }
}
