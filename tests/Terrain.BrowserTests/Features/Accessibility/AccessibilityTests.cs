using System.Text.Json;
using Microsoft.EntityFrameworkCore;
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
        { "leader@" + DemoSeeder.Domain, "/" },
        { DemoPeople.Manager1, "/Team" },
        { DemoPeople.Manager1, "/Territory" },
        { "leader@" + DemoSeeder.Domain, "/Cycles" },
        { "leader@" + DemoSeeder.Domain, "/Cycles/New" },
        { DemoPeople.Admin, "/Admin/Users" },
        { DemoPeople.Admin, "/Admin/Users/Create" },
        { DemoPeople.Admin, "/Admin/Imports" },
        { DemoPeople.Rep1, "/Dashboards/Rep" },
        { DemoPeople.Manager1, "/Dashboards/Team" },
        { "leader@" + DemoSeeder.Domain, "/Dashboards/Organisation" },
        { DemoPeople.Manager1, "/Reviews/Oversight" },
        { "leader@" + DemoSeeder.Domain, "/Reviews/Oversight" },
    };

    [Fact]
    public async Task A_reps_review_history_has_no_serious_accessibility_violations()
    {
        var page = await SignInAsync(DemoPeople.Rep1, bypassCsp: true);
        await page.GotoAsync("/Reviews");
        await page.Locator("#timeline-link").ClickAsync();
        await Expect(page.Locator("main.sheet h1")).ToBeVisibleAsync();

        await CheckAsync(page);
    }

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
        await page.Locator("main table.data tbody a[href^='/Cycles/Template/']").Last.ClickAsync();
        await Expect(page.Locator("ol.template")).ToBeVisibleAsync();
        await CheckAsync(page);
        await page.GoBackAsync();
        await page.Locator("main table.data tbody a[href$='/Edit']").First.ClickAsync();
        await Expect(page.Locator("form .cycle-fields")).ToBeVisibleAsync();
        await CheckAsync(page);
    }

    [Fact]
    public async Task The_plan_versions_compare_print_and_quota_pages_have_no_serious_accessibility_violations()
    {
        var planId = await Plans.DemoPlanVersions.PlanWithTwoVersionsAsync(App);
        var cycleId = await App.QueryAsync(db => db.Plans.Where(p => p.Id == planId).Select(p => p.CycleId).SingleAsync());
        var page = await SignInAsync(DemoPeople.Manager1, bypassCsp: true);

        foreach (var path in new[] { $"/Plans/{planId}/Versions", $"/Plans/{planId}/Compare", $"/Plans/{planId}/Print", $"/Cycles/Quotas/{cycleId}" })
        {
            await page.GotoAsync(path);
            await CheckAsync(page);
        }

        // The open unchanged sections and the stacked narrow layout must pass too.
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync($"/Plans/{planId}/Compare");
        await page.Locator("section.diff-section.same summary").First.ClickAsync();
        await CheckAsync(page);
    }

    [Fact]
    public async Task The_plan_page_and_every_section_editor_have_no_serious_accessibility_violations()
    {
        var (planId, repEmail) = await Plans.DemoPlanContent.PlanAsync(App);
        var keys = await App.QueryAsync(db => db.TemplateSections
            .Where(t => db.Plans.Any(p => p.Id == planId && p.CycleId == t.CycleId)).OrderBy(t => t.Order).Select(t => t.Key).ToListAsync());
        var rep = await SignInAsync(repEmail, bypassCsp: true);

        await rep.GotoAsync($"/Plans/{planId}");
        await rep.Locator("details.instructions summary").First.ClickAsync();
        await CheckAsync(rep);
        foreach (var key in keys)
        {
            await rep.GotoAsync($"/Plans/{planId}/Edit/{key}");
            await CheckAsync(rep);
        }

        // The reviewer's view of the plan and the read-only editor, and both layouts on a phone.
        var manager = await SignInAsync(DemoPeople.Manager1, bypassCsp: true);
        await manager.GotoAsync($"/Plans/{planId}");
        await CheckAsync(manager);
        await manager.GotoAsync($"/Plans/{planId}/Edit/summary");
        await CheckAsync(manager);
        await rep.SetViewportSizeAsync(390, 844);
        foreach (var path in new[] { $"/Plans/{planId}", $"/Plans/{planId}/Edit/account-segmentation", $"/Plans/{planId}/Edit/action-plan" })
        {
            await rep.GotoAsync(path);
            await CheckAsync(rep);
        }
    }

    [Fact]
    public async Task The_strategy_pages_have_no_serious_accessibility_violations()
    {
        var id = await App.QueryAsync(db => db.Strategies.Where(s => s.Status == Terrain.Domain.Strategies.StrategyStatus.Published).OrderByDescending(s => s.PeriodStart).Select(s => s.Id).FirstAsync());
        var rep = await SignInAsync(DemoPeople.Rep1, bypassCsp: true);
        foreach (var path in new[] { "/Strategies", $"/Strategies/{id}", $"/Strategies/{id}/Check", $"/Strategies/{id}/Questions", $"/Strategies/{id}/Workshops" })
        {
            await rep.GotoAsync(path);
            await CheckAsync(rep);
        }

        var leader = await SignInAsync(DemoPeople.Leader, bypassCsp: true);
        foreach (var path in new[]
                 {
                     $"/Strategies/{id}", $"/Strategies/{id}/Readiness", $"/Strategies/{id}/Alignment", $"/Strategies/{id}/Workshops",
                     $"/Strategies/{id}/Check", $"/Strategies/{id}/Questions", "/Strategies/New",
                 })
        {
            await leader.GotoAsync(path);
            await CheckAsync(leader);
        }

        // The editor of a new draft (a strategy of its own, so the demo's published one is untouched).
        await leader.GotoAsync("/Strategies/New");
        await leader.GetByLabel("Name", new() { Exact = true }).FillAsync($"Accessibility check {Guid.NewGuid():N}"[..30]);
        await leader.GetByLabel("Period starts").FillAsync("2031-01-01");
        await leader.GetByLabel("Period ends").FillAsync("2031-12-31");
        await leader.GetByRole(AriaRole.Button, new() { Name = "Create the draft" }).ClickAsync();
        await leader.WaitForURLAsync(url => url.EndsWith("/Edit", StringComparison.Ordinal));
        await CheckAsync(leader);

        await leader.SetViewportSizeAsync(390, 844);
        foreach (var path in new[] { $"/Strategies/{id}", $"/Strategies/{id}/Readiness", $"/Strategies/{id}/Alignment", leader.Url })
        {
            await leader.GotoAsync(path);
            await CheckAsync(leader);
        }
    }

    internal static async Task CheckAsync(IPage page)
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
