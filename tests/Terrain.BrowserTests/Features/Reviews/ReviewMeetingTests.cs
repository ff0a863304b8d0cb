using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Domain.Reviews;
using Terrain.Features.Demo;
using Xunit;

namespace Terrain.BrowserTests.Features.Reviews;

/// <summary>
/// The review loop in the browser (issue 11 §9): the manager opens the open review of Jonas Lind, who is behind, gives
/// a reason for each goal off track (the proposed one when the page proposes it), agrees a corrective action with a
/// claim, the rep confirms it, the review is completed, the action is on the rep's home page, and a later import of
/// activities marks the claim achieved.
/// </summary>
public sealed class ReviewMeetingTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    private const string What = "Book three discovery visits at the plan's A accounts";

    [Fact]
    public async Task A_manager_and_a_rep_agree_an_action_whose_claim_a_later_import_marks_achieved()
    {
        var jonas = DemoPeople.Rep(DemoReviews.BehindRep + 1);
        var (reviewId, repName) = await App.QueryAsync(async db =>
        {
            var rep = await db.Users.SingleAsync(u => u.Email == jonas);
            var reviews = await db.Reviews.AsNoTracking().Where(r => r.RepId == rep.Id && r.CompletedAt == null).ToListAsync();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            return (reviews.Single(r => r.StatusOn(today, null) == ReviewStatus.Open).Id, rep.DisplayName);
        });

        // The manager finds the open review in the list and opens it.
        var manager = await SignInAsync(DemoPeople.Manager1);
        await manager.GotoAsync("/Reviews");
        var row = manager.GetByRole(AriaRole.Row).Filter(new() { HasText = repName }).Filter(new() { HasText = "Open" });
        await row.GetByRole(AriaRole.Link, new() { Name = $"{repName}, review" }).ClickAsync();
        await manager.WaitForURLAsync(url => PathOf(url) == $"/Reviews/{reviewId}");
        await Expect(manager.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Review with {repName}");
        await Expect(manager.GetByRole(AriaRole.Heading, new() { Name = "Deal by deal since the last review" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(manager, "review-manager-prepared");

        // A reason for every goal off track: the proposed one if the page proposes it, else pipeline shortfall.
        var reasons = manager.Locator("select[id^=cat-]");
        var goals = await reasons.CountAsync();
        Assert.True(goals > 0, "Jonas is behind: the review has goals off track.");
        for (var i = 0; i < goals; i++)
        {
            var category = manager.Locator($"#cat-{i}");
            if (string.IsNullOrEmpty(await category.InputValueAsync()))
            {
                await category.SelectOptionAsync(nameof(VarianceCategory.PipelineShortfall));
            }

            var explanation = manager.Locator($"#exp-{i}");
            if (string.IsNullOrWhiteSpace(await explanation.InputValueAsync()))
            {
                await explanation.FillAsync("Too little qualified pipeline on the plan's accounts.");
            }
        }

        await manager.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(manager.Locator("p.flash")).ToHaveTextAsync("Saved.");

        // The corrective action, with its claim: three held activities within three weeks.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var by = today.AddDays(21).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await manager.GetByLabel("What will be done").FillAsync(What);
        await manager.GetByLabel("Owner").SelectOptionAsync(new SelectOptionValue { Label = repName });
        await manager.GetByLabel("Due", new() { Exact = true }).FillAsync(by);
        await manager.GetByLabel("Expected effect: metric").SelectOptionAsync(nameof(ClaimMetric.ActivitiesHeld));
        await manager.GetByLabel("Amount").FillAsync("3");
        await manager.GetByLabel("By", new() { Exact = true }).FillAsync(by);
        await manager.GetByRole(AriaRole.Button, new() { Name = "Propose" }).ClickAsync();
        var action = manager.Locator("#actions li").Filter(new() { HasText = What });
        await Expect(action).ToContainTextAsync("Awaiting confirmation.");

        // The rep confirms it from their side of the review.
        var rep = await SignInAsync(jonas);
        await rep.GotoAsync($"/Reviews/{reviewId}");
        var repAction = rep.Locator("#actions li").Filter(new() { HasText = What });
        await repAction.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Expect(rep.Locator("#actions li").Filter(new() { HasText = What })).ToContainTextAsync("Agreed by both.");

        // Both confirmed: the manager completes the review, and its figures are frozen.
        await manager.ReloadAsync();
        await Expect(action).ToContainTextAsync("Agreed by both.");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Complete the review" }).ClickAsync();
        await Expect(manager.Locator(".page-head .badge")).ToHaveTextAsync("Held");
        await Expect(manager.GetByRole(AriaRole.Heading, new() { Name = "The numbers as they stood at the review" })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(manager, "review-manager-completed");
        await manager.SetViewportSizeAsync(390, 844);
        await manager.ReloadAsync();
        Assert.True(await manager.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
            "The review page fits 390 px without scrolling sideways.");
        await Screenshots.SaveAsync(manager, "review-manager-completed-390");

        // The action is on the rep's home page.
        await rep.GotoAsync("/");
        await Expect(rep.GetByText(What)).ToBeVisibleAsync();

        // A later import brings three held visits: the claim is achieved.
        var admin = await SignInAsync(DemoPeople.Admin);
        await admin.GotoAsync("/Admin/Imports");
        var day = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var csv = "externalId,owner,type,date,held\n" + string.Concat(Enumerable.Range(1, 3).Select(n => $"BT-VISIT-{n},{jonas},Visit,{day},true\n"));
        await admin.GetByLabel("Activities", new() { Exact = true }).CheckAsync();
        await admin.GetByLabel("CSV file").SetInputFilesAsync(new FilePayload { Name = "visits.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(csv) });
        await admin.GetByRole(AriaRole.Button, new() { Name = "Import", Exact = true }).ClickAsync();
        var created = admin.Locator(".stat").Filter(new() { Has = admin.GetByText("created", new() { Exact = true }) }).Locator(".stat-value");
        await Expect(created).ToHaveTextAsync("3");

        // The claims are checked when the import job finishes, in the background: look again until it has.
        var claim = "";
        for (var attempt = 0; attempt < 30 && !claim.Contains("Achieved", StringComparison.Ordinal); attempt++)
        {
            await rep.GotoAsync($"/Reviews/{reviewId}");
            claim = await rep.Locator("#actions li").Filter(new() { HasText = What }).InnerTextAsync();
            if (!claim.Contains("Achieved", StringComparison.Ordinal))
            {
                await rep.WaitForTimeoutAsync(1_000);
            }
        }

        Assert.Contains("Achieved", claim, StringComparison.Ordinal);
        await Screenshots.SaveAsync(rep, "review-rep-claim-achieved");
    }
}
