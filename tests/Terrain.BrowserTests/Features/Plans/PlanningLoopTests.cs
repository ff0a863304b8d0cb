using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Domain.Planning;
using Xunit;

namespace Terrain.BrowserTests.Features.Plans;

/// <summary>
/// The whole review loop in real Chromium, as the people would do it: the rep fills the worksheets and submits;
/// the manager sends the plan back with a comment; the rep revises and resubmits; the manager approves; the
/// leader's board shows it approved. On the way, the notifications stay true: the manager's "submitted a plan" and
/// the rep's "changes requested" leave their home pages by themselves once decided or resubmitted. Rep 6 of the demo is amending an approved plan (a draft with content), and
/// ends approved again, so the other tests see the same board.
/// </summary>
[Collection(DemoPlanStatuses.Name)]
public sealed class PlanningLoopTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task A_plan_goes_from_draft_through_changes_to_approved_and_the_leader_sees_it()
    {
        var rep6 = DemoPeople.Rep(6);
        var found = await App.QueryAsync(async db =>
            await (from p in db.Plans
                   join u in db.Users on p.OwnerId equals u.Id
                   join m in db.Users on u.ManagerId equals m.Id
                   // The demo's current cycle (last year's, executed, is older).
                   where u.Email == rep6 && p.CycleId == db.Cycles.OrderByDescending(c => c.PeriodStart).Select(c => c.Id).First()
                   select new { p.Id, u.DisplayName, ManagerEmail = m.Email! }).SingleAsync());
        var (planId, repName, managerEmail) = (found.Id, found.DisplayName, found.ManagerEmail);
        var rep = await SignInAsync(rep6);

        // 1. The rep fills the worksheets: a goal for the second half and a new dated action, then submits.
        await rep.GotoAsync($"/Plans/{planId}");
        await Expect(rep.Locator(".plan-title .badge").First).ToHaveTextAsync("Draft");
        await rep.GetByRole(AriaRole.Link, new() { Name = "Edit Targets and goals" }).ClickAsync();
        var q4 = rep.GetByLabel("Goal 2: Q4 target");
        var raised = decimal.Parse(await q4.InputValueAsync(), System.Globalization.CultureInfo.InvariantCulture) + 20_000;
        await q4.FillAsync(raised.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(rep.Locator("#save-status")).ToContainTextAsync("Saved at");
        await Screenshots.SaveAsync(rep, "loop-1-rep-goals");

        await rep.GotoAsync($"/Plans/{planId}/Edit/action-plan");
        var before = await rep.Locator("textarea[aria-label$=': what']").CountAsync();
        await rep.GetByRole(AriaRole.Button, new() { Name = "+ Add an action" }).ClickAsync();
        var n = before + 1;
        await rep.GetByLabel($"Action {n}: what", new() { Exact = true }).FillAsync("Win-back call with the three lapsed customers");
        await rep.GetByLabel($"Action {n}: due date").FillAsync(await DateInPeriodAsync(planId));
        await rep.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).First.ClickAsync();
        await Expect(rep.Locator("#save-status")).ToContainTextAsync("Saved at");
        // "Saved at" may still be the added row's; the save of the new action (which waits for any autosave in flight)
        // must finish before the page is left, or the action is kept without its due date.
        await rep.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Screenshots.SaveAsync(rep, "loop-2-rep-actions");

        await rep.GotoAsync($"/Plans/{planId}");
        await rep.GetByRole(AriaRole.Button, new() { Name = "Submit for review" }).ClickAsync();
        await Expect(rep.Locator(".plan-title .badge").First).ToHaveTextAsync("Submitted");
        await Screenshots.SaveAsync(rep, "loop-3-rep-submitted");

        // 2. The manager reads it beside the checks and sends it back with a comment.
        var manager = await SignInAsync(managerEmail);
        var waiting = $"{repName} submitted a plan";
        await manager.GotoAsync("/");
        await Expect(Reminders(manager)).ToContainTextAsync(waiting);
        await Screenshots.SaveAsync(manager, "loop-4-manager-home-reminder", fullPage: false);
        await manager.GotoAsync($"/Plans/{planId}");
        await manager.GetByLabel("What needs to change").FillAsync("The win-back call needs a named account, and say how Q4 reaches the new goal.");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Request changes" }).ClickAsync();
        await Expect(manager.Locator(".plan-title .badge").First).ToHaveTextAsync("Changes requested");
        await Screenshots.SaveAsync(manager, "loop-4-manager-requests-changes");
        // Decided: the "submitted" notification has gone from the manager's home page by itself.
        await manager.GotoAsync("/");
        await Expect(Reminders(manager)).Not.ToContainTextAsync(waiting);

        // 3. The rep is told, sees the comment, revises the summary and resubmits.
        await rep.GotoAsync("/");
        await Expect(Reminders(rep)).ToContainTextAsync("Changes requested on your plan");
        await rep.GotoAsync($"/Plans/{planId}");
        await Expect(rep.Locator("main")).ToContainTextAsync("The win-back call needs a named account");
        await rep.GetByRole(AriaRole.Link, new() { Name = "Edit Summary" }).ClickAsync();
        var text = rep.GetByLabel("Your text");
        await text.FillAsync(await text.InputValueAsync() + "\nQ4: the win-back calls and the Cascade IT channel add the last 20,000.");
        await Expect(rep.Locator("#save-status")).ToContainTextAsync("Saved at");
        await rep.GotoAsync($"/Plans/{planId}");
        await rep.GetByRole(AriaRole.Button, new() { Name = "Submit for review" }).ClickAsync();
        await Expect(rep.Locator(".plan-title .badge").First).ToHaveTextAsync("Submitted");
        await Screenshots.SaveAsync(rep, "loop-5-rep-resubmitted");
        await rep.GotoAsync("/");
        await Expect(Reminders(rep)).Not.ToContainTextAsync("Changes requested on your plan");

        // 4. The manager compares the two submissions and approves.
        await manager.GotoAsync($"/Plans/{planId}/Versions");
        await Expect(manager.Locator("main table tbody tr")).Not.ToHaveCountAsync(0);
        await manager.GotoAsync($"/Plans/{planId}");
        await manager.GetByLabel("Closing comment (optional)").FillAsync("Good: clear goals and a dated plan to reach them.");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Approve…" }).ClickAsync();
        await manager.GetByRole(AriaRole.Button, new() { Name = "Yes, approve the plan" }).ClickAsync();
        await Expect(manager.Locator(".plan-title .badge").First).ToHaveTextAsync("Approved");
        await Screenshots.SaveAsync(manager, "loop-6-manager-approved");
        await manager.SetViewportSizeAsync(1280, 900);
        await Screenshots.SaveAsync(manager, "plan-approved-top", fullPage: false);
        await manager.GotoAsync($"/Plans/{planId}/Compare");
        await Screenshots.SaveAsync(manager, "plan-compare-top", fullPage: false);

        // 5. The leader's board shows the plan approved.
        var leader = await SignInAsync("leader@" + Terrain.Features.Demo.DemoSeeder.Domain);
        var cycleId = await App.QueryAsync(db => db.Plans.Where(p => p.Id == planId).Select(p => p.CycleId).SingleAsync());
        await leader.GotoAsync($"/Cycles/Board/{cycleId}");
        var row = leader.Locator("main table.data tbody tr").Filter(new() { HasText = repName });
        await Expect(row).ToContainTextAsync("Approved");
        await Screenshots.SaveAsync(leader, "loop-7-leader-board");

        var history = await App.QueryAsync(db => db.AuditEntries.Where(e => e.EntityType == "Plan" && e.EntityId == planId.ToString())
            .OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal(["plan.submitted", "plan.changes-requested", "plan.submitted", "plan.approved"],
            history.Where(a => a is not "plan.section-saved" and not "plan.commented").TakeLast(4));
        Assert.Equal(PlanStatus.Approved, await App.QueryAsync(db => db.Plans.Where(p => p.Id == planId).Select(p => p.Status).SingleAsync()));
        Assert.Matches(new Regex("^Approved"), await row.Locator("td .badge").First.InnerTextAsync());
    }

    /// <summary>The home page, where the reminders are listed (the whole of it, so that "gone" means gone from the page).</summary>
    private static ILocator Reminders(IPage page) => page.Locator("main");

    private async Task<string> DateInPeriodAsync(Guid planId)
    {
        var start = await App.QueryAsync(db => db.Cycles.Where(c => db.Plans.Any(p => p.Id == planId && p.CycleId == c.Id)).Select(c => c.PeriodStart).SingleAsync());
        return start.AddDays(45).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
    }
}
