using Microsoft.Playwright;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Features.Demo;
using Xunit;

namespace Terrain.BrowserTests.Features.Plans;

[Collection(DemoPlanStatuses.Name)]
public sealed class PlanVersionsTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task A_manager_compares_two_submissions_side_by_side_and_keeps_only_the_changed_sections()
    {
        var planId = await DemoPlanVersions.PlanWithTwoVersionsAsync(App);
        var page = await SignInAsync(DemoPeople.Manager1);

        await page.GotoAsync($"/Plans/{planId}/Versions");
        await Expect(page.Locator("table.versions tbody tr")).Not.ToHaveCountAsync(0);
        await Expect(page.Locator("table.versions tbody tr")).Not.ToHaveCountAsync(1);
        await Screenshots.SaveAsync(page, "plan-versions");
        await page.GetByRole(AriaRole.Button, new() { Name = "Compare" }).ClickAsync();

        var changed = page.Locator("section.diff-section.changed");
        await Expect(changed.First).ToBeVisibleAsync();
        await Expect(changed.Locator("tr.changed del").First).ToBeVisibleAsync();
        await Expect(changed.Locator("tr.changed ins").First).ToBeVisibleAsync();
        await Expect(page.Locator(".compare-stats")).ToContainTextAsync("sections changed");
        var unchanged = page.Locator("section.diff-section.same");
        await Expect(unchanged.First).ToContainTextAsync("no changes");
        await Screenshots.SaveAsync(page, "plan-compare");

        // The filter applies at once with JavaScript; the Apply button is only there for pages without it.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Apply" })).ToBeHiddenAsync();
        await page.GetByLabel("Only changed sections").CheckAsync();
        await Expect(unchanged.First).ToBeHiddenAsync();
        await Expect(changed.First).ToBeVisibleAsync();
        Assert.Contains("changed=true", page.Url, StringComparison.Ordinal);

        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        await Expect(changed.First).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "plan-compare-narrow");
    }

    [Fact]
    public async Task The_compare_filter_works_without_javascript()
    {
        var planId = await DemoPlanVersions.PlanWithTwoVersionsAsync(App);
        var page = await SignInAsync(DemoPeople.Manager1, javaScriptEnabled: false);

        await page.GotoAsync($"/Plans/{planId}/Compare");
        await page.GetByLabel("Only changed sections").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();

        await Expect(page.Locator("section.diff-section.same").First).ToBeHiddenAsync();
        await Expect(page.Locator("section.diff-section.changed").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_print_page_shows_the_whole_plan_and_prints_to_a4_without_the_buttons()
    {
        var planId = await DemoPlanVersions.PlanWithTwoVersionsAsync(App);
        var page = await SignInAsync(DemoPeople.Manager1);

        await page.GotoAsync($"/Plans/{planId}/Print");
        var print = page.GetByRole(AriaRole.Button, new() { Name = "Print or save as PDF" });
        await Expect(print).ToBeVisibleAsync();
        await Expect(page.Locator("section.print-section > h2")).ToHaveCountAsync(10);
        await Expect(page.Locator(".doc-header")).ToContainTextAsync("Printed");
        await Screenshots.SaveAsync(page, "plan-print");

        await page.EmulateMediaAsync(new() { Media = Media.Print });
        await Expect(print).ToBeHiddenAsync();
        await Screenshots.SaveAsync(page, "plan-print-media");
        var pdf = await page.PdfAsync(new() { PreferCSSPageSize = true, Path = Path.Combine(Screenshots.Directory, "plan-print.pdf") });
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_leader_sees_every_reps_quota_and_a_negative_amount_is_refused_on_its_row()
    {
        var page = await SignInAsync("leader@" + DemoSeeder.Domain);
        await page.GotoAsync("/Cycles");
        await page.Locator("main table.data tbody th a").First.ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Quotas" }).ClickAsync();

        var rows = page.Locator("table.quotas tbody tr[data-quota-row]");
        await Expect(rows).ToHaveCountAsync(8);
        await Screenshots.SaveAsync(page, "cycle-quotas");

        var first = rows.First;
        var name = (await first.Locator("th").InnerTextAsync()).Split('\n')[0].Trim();
        foreach (var (quarter, amount) in new[] { ("Q1", "50000"), ("Q2", "-100"), ("Q3", "50000"), ("Q4", "50000") })
        {
            await page.GetByLabel($"{quarter} quota for {name}").FillAsync(amount);
        }

        await page.GetByRole(AriaRole.Button, new() { Name = "Save all quotas" }).ClickAsync();

        await Expect(page.Locator("table.quotas tr.row-error")).ToContainTextAsync("Q2: A quota cannot be negative (-100).");
        await Expect(page.GetByLabel($"Q2 quota for {name}")).ToHaveAttributeAsync("aria-invalid", "true");
        await Screenshots.SaveAsync(page, "cycle-quotas-error");
    }
}
