using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Domain.Planning;
using Xunit;

namespace Terrain.BrowserTests.Features.Plans;

/// <summary>The plan page and the section editors in real Chromium, with and without JavaScript, wide and narrow.</summary>
// It writes into the shared demo plan's sections (DemoPlanContent), as other classes of this collection do: run
// beside them, two tests saved the same section and one of them met a version conflict ("Not saved", a full post).
[Collection(DemoPlanStatuses.Name)]
public sealed partial class WritingAPlanTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    private async Task<SectionContent> StoredAsync(Guid planId, string key) => await App.QueryAsync(async db =>
    {
        var kind = await db.TemplateSections.Where(t => t.Key == key && db.Plans.Any(p => p.Id == planId && p.CycleId == t.CycleId)).Select(t => t.Kind).SingleAsync();
        var json = await db.PlanSections.Where(s => s.PlanId == planId && s.Key == key).Select(s => s.Content).SingleAsync();
        return SectionContents.Read(kind, json);
    });

    [Fact]
    public async Task The_rep_opens_my_plan_and_sees_the_checks_the_quota_chart_and_every_section()
    {
        var (planId, rep) = await DemoPlanContent.PlanAsync(App);
        var page = await SignInAsync(rep);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "My plan" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/Plans/{planId}$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("My FY");
        await Expect(page.Locator(".plan-title .badge").First).ToHaveTextAsync(new Regex("^(Draft|Changes requested)$"));
        await Expect(page.Locator(".checklist > li")).ToHaveCountAsync(10);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Submit for review" })).ToBeVisibleAsync();
        await Expect(page.Locator("section.plan-section[id^='section-']")).ToHaveCountAsync(11);
        // The chart is drawn when it comes near the screen.
        await page.Locator("#gap-chart").ScrollIntoViewIfNeededAsync();
        await page.WaitForFunctionAsync("() => !!window.Chart && !!Chart.getChart(document.getElementById('gap-chart'))");
        await page.Locator("#section-swot details.instructions summary").ClickAsync();
        await Expect(page.Locator("#section-swot details.instructions p")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(page, "plan-page");

        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        await Expect(page.Locator(".plan-side .checklist")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The plan page scrolls sideways at 390 px.");
        await Screenshots.SaveAsync(page, "plan-page-narrow");
    }

    [Fact]
    public async Task The_manager_sees_the_warnings_and_the_gap_beside_the_plan_and_comments_on_a_section()
    {
        var (planId, _) = await DemoPlanContent.PlanAsync(App);
        var page = await SignInAsync(DemoPeople.Manager1);

        await page.GotoAsync($"/Plans/{planId}");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Quality warnings" })).ToBeVisibleAsync();
        await Expect(page.Locator(".gap-table tfoot")).ToContainTextAsync("Total");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Edit SWOT" })).ToHaveCountAsync(0);
        var comments = page.Locator("#comments-risks");
        await comments.GetByText("Comment on this section").ClickAsync();
        await comments.GetByLabel("Your comment").FillAsync("What if the plant manager changes too?");
        await comments.GetByRole(AriaRole.Button, new() { Name = "Comment" }).ClickAsync();
        await Expect(page.Locator("#comments-risks .thread")).ToContainTextAsync("What if the plant manager changes too?");
        await Screenshots.SaveAsync(page, "plan-page-manager");
    }

    [Fact]
    public async Task The_segmentation_worksheet_autosaves_as_the_rep_types()
    {
        var (planId, rep) = await DemoPlanContent.PlanAsync(App);
        var page = await SignInAsync(rep);
        await page.GotoAsync($"/Plans/{planId}/Edit/account-segmentation");
        var rows = page.Locator("table.segmentation tbody tr");
        var firstVersion = await page.Locator("#version").InputValueAsync();

        await Expect(page.GetByLabel("Find an account")).ToBeVisibleAsync();
        await rows.Nth(1).Locator("textarea").Last.FillAsync("Site visit with the new plant manager");
        await Expect(page.Locator("#save-status")).ToContainTextAsync("Saved at");

        Assert.NotEqual(firstVersion, await page.Locator("#version").InputValueAsync());
        var saved = (SegmentationContent)await StoredAsync(planId, "account-segmentation");
        Assert.Contains(saved.Rows, r => r.NextMove == "Site visit with the new plant manager");

        await page.GetByLabel("Show", new() { Exact = true }).SelectOptionAsync("none");
        await Expect(page.Locator("[data-filter-count]")).ToContainTextAsync("accounts shown");
        await Screenshots.SaveAsync(page, "editor-segmentation-filtered");
        await page.GetByLabel("Show", new() { Exact = true }).SelectOptionAsync("");
        await Screenshots.SaveAsync(page, "editor-segmentation");

        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The worksheet scrolls sideways at 390 px.");
        await Screenshots.SaveAsync(page, "editor-segmentation-narrow");
    }

    [Fact]
    public async Task An_autosave_that_crosses_another_tab_shows_both_versions_and_pauses()
    {
        var (planId, rep) = await DemoPlanContent.PlanAsync(App);
        var tabA = await SignInAsync(rep);
        var tabB = await SignInAsync(rep);
        await tabA.GotoAsync($"/Plans/{planId}/Edit/risks");
        await tabB.GotoAsync($"/Plans/{planId}/Edit/risks");

        await tabB.GetByLabel("Risk 1: mitigation").FillAsync("Meet procurement and finance before March");
        await Expect(tabB.Locator("#save-status")).ToContainTextAsync("Saved at");
        await tabA.GetByLabel("Risk 1: mitigation").FillAsync("Typed in the other tab");

        await Expect(tabA.Locator("#conflict-panel")).ToContainTextAsync("This section was changed elsewhere");
        await Expect(tabA.Locator("#conflict-panel .section-view")).ToContainTextAsync("Meet procurement and finance before March");
        await Expect(tabA.GetByLabel("Risk 1: mitigation")).ToHaveValueAsync("Typed in the other tab");
        await Screenshots.SaveAsync(tabA, "editor-conflict");

        await tabA.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).First.ClickAsync();
        await Expect(tabA.Locator("#save-status")).ToContainTextAsync("Saved at");
        var saved = (RisksContent)await StoredAsync(planId, "risks");
        Assert.Equal("Typed in the other tab", saved.Items[0].Mitigation);
    }

    [Fact]
    public async Task A_refused_value_is_marked_at_its_field_while_typing()
    {
        var (planId, rep) = await DemoPlanContent.PlanAsync(App);
        var page = await SignInAsync(rep);
        await page.GotoAsync($"/Plans/{planId}/Edit/targets");

        var target = page.GetByLabel("Goal 1: Q2 target");
        await target.FillAsync("-10");

        await Expect(page.Locator("#save-status")).ToContainTextAsync("Not saved");
        await Expect(target).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator(".inline-error")).ToContainTextAsync("cannot be negative");
        await Screenshots.SaveAsync(page, "editor-goals-error");

        await target.FillAsync("140000");
        await Expect(page.Locator("#save-status")).ToContainTextAsync("Saved at");
        await Expect(page.Locator(".inline-error")).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(page, "editor-goals");
    }

    [Fact]
    public async Task Without_javascript_rows_are_added_and_saved_with_buttons()
    {
        var (planId, rep) = await DemoPlanContent.PlanAsync(App);
        var page = await SignInAsync(rep, javaScriptEnabled: false);
        await page.GotoAsync($"/Plans/{planId}/Edit/prospecting");
        var rows = page.Locator("table.prospects tbody tr");
        var before = await rows.CountAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "+ Add a prospect" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(before + 1);
        await page.GetByLabel($"Prospect {before + 1}: company").FillAsync("Harbour Mills");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).First.ClickAsync();

        await Expect(page.Locator("#save-status")).ToContainTextAsync("Saved at");
        await Expect(page.GetByLabel($"Prospect {before + 1}: company")).ToHaveValueAsync("Harbour Mills");
        await Screenshots.SaveAsync(page, "editor-prospecting-nojs");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Remove prospect {before + 1}" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(before);
    }
}
