using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Terrain.BrowserTests.Features.Accessibility;
using Terrain.BrowserTests.Infrastructure;
using Xunit;

namespace Terrain.BrowserTests.Features.Plans;

/// <summary>
/// The manager refines a submitted plan (ADR 0033): edits a section directly and proposes an edit; the rep sees the
/// change attributed to the manager, accepts the proposal, and finds both in the version compare. Rep 3 of the demo
/// has a submitted plan in Marcus Webb's team; the plan's status does not change.
/// </summary>
[Collection(DemoPlanStatuses.Name)]
public sealed class RefiningAPlanTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Theory]
    [InlineData(1280, 900, "desktop")]
    [InlineData(390, 844, "phone")]
    public async Task A_manager_refines_a_section_and_the_rep_sees_it_attributed(int width, int height, string name)
    {
        var rep3 = DemoPeople.Rep(3);
        var found = await App.QueryAsync(async db =>
            await (from p in db.Plans
                   join u in db.Users on p.OwnerId equals u.Id
                   join m in db.Users on u.ManagerId equals m.Id
                   where u.Email == rep3 && p.CycleId == db.Cycles.OrderByDescending(c => c.PeriodStart).Select(c => c.Id).First()
                   select new { p.Id, RepName = u.DisplayName, ManagerName = m.DisplayName, ManagerEmail = m.Email! }).SingleAsync());
        var manager = await SignInAsync(found.ManagerEmail, bypassCsp: true);
        await manager.SetViewportSizeAsync(width, height);

        // 1. The manager edits the summary directly: no autosave, an explicit "Save the change".
        await manager.GotoAsync($"/Plans/{found.Id}");
        await manager.GetByRole(AriaRole.Link, new() { Name = "Edit Summary" }).ClickAsync();
        await Expect(manager.Locator(".refining")).ToBeVisibleAsync();
        await AccessibilityTests.CheckAsync(manager);
        await Screenshots.SaveAsync(manager, $"refine-1-manager-editor-{name}");
        var text = manager.GetByLabel("Your text");
        await text.FillAsync(await text.InputValueAsync() + $"\nManager's addition ({name}): name the two competitors in the north.");
        await manager.GetByRole(AriaRole.Button, new() { Name = "Save the change" }).First.ClickAsync();
        await Expect(manager.Locator("#section-summary .edited-by")).ToContainTextAsync($"edited by {found.ManagerName}");

        // 2. And proposes a further edit, with a note, for the rep to decide on.
        await manager.GotoAsync($"/Plans/{found.Id}/Edit/summary");
        text = manager.GetByLabel("Your text");
        await text.FillAsync(await text.InputValueAsync() + $"\nProposed ({name}): open with the two largest accounts.");
        await manager.GetByLabel($"Note for {found.RepName}").FillAsync("Lead with what matters most.");
        await manager.GetByRole(AriaRole.Button, new() { Name = $"Propose to {found.RepName}" }).First.ClickAsync();
        await Expect(manager.Locator("#section-summary .proposal")).ToContainTextAsync("Waiting for");
        await Screenshots.SaveAsync(manager, $"refine-2-manager-proposed-{name}");

        // 3. The rep sees the manager's edit attributed, and the proposal with what it changes; accepts it.
        var rep = await SignInAsync(rep3, bypassCsp: true);
        await rep.SetViewportSizeAsync(width, height);
        await rep.GotoAsync($"/Plans/{found.Id}#section-summary");
        var proposal = rep.Locator("#section-summary .proposal").Last;
        await Expect(proposal).ToContainTextAsync($"{found.ManagerName} proposes an edit");
        await Expect(proposal.Locator(".proposal-changes ins").Last).ToContainTextAsync($"Proposed ({name})");
        await Expect(rep.Locator("#section-summary .edited-by")).ToContainTextAsync($"edited by {found.ManagerName}");
        await AccessibilityTests.CheckAsync(rep);
        await Screenshots.SaveAsync(rep, $"refine-3-rep-sees-proposal-{name}");
        await proposal.GetByRole(AriaRole.Button, new() { Name = "Accept the edit" }).ClickAsync();
        await Expect(rep.Locator(".alert.success")).ToContainTextAsync("accepted");
        await Expect(rep.Locator("#section-summary")).ToContainTextAsync($"Proposed ({name}): open with the two largest accounts.");

        // 4. The version compare says who changed the summary since the submission.
        var last = await App.QueryAsync(db => db.PlanSnapshots.Where(s => s.PlanId == found.Id).MaxAsync(s => s.Number));
        await rep.GotoAsync($"/Plans/{found.Id}/Compare?a={last}&b=current");
        await Expect(rep.Locator("#section-summary").Locator("xpath=..").Locator(".changed-by")).ToContainTextAsync(found.ManagerName);
        await AccessibilityTests.CheckAsync(rep);
        await Screenshots.SaveAsync(rep, $"refine-4-rep-compare-{name}");
    }

    [Fact]
    public async Task The_managers_review_queue_and_the_leaders_cycle_progress_are_on_their_home_pages()
    {
        var manager = await SignInAsync(DemoPeople.Manager1, bypassCsp: true);
        await manager.GotoAsync("/");
        await Expect(manager.Locator(".review-queue tbody tr").First).ToBeVisibleAsync();
        await AccessibilityTests.CheckAsync(manager);
        await manager.SetViewportSizeAsync(390, 844);
        await Screenshots.SaveAsync(manager, "home-review-queue-phone");

        var leader = await SignInAsync(DemoPeople.Leader, bypassCsp: true);
        await leader.GotoAsync("/");
        await Expect(leader.Locator(".cycle-progress").First).ToContainTextAsync("submitted");
        await AccessibilityTests.CheckAsync(leader);
        await Screenshots.SaveAsync(leader, "home-cycle-progress");
    }
}
