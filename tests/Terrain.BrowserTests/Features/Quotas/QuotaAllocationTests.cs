using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Terrain.BrowserTests.Features.Accessibility;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Domain.Planning;
using Xunit;

namespace Terrain.BrowserTests.Features.Quotas;

/// <summary>
/// Quotas allocated top-down (ADR 0038): the leader previews, allocates and publishes a target in a cycle of its own
/// (so no other test's quotas move), and a rep reads the letter from the home page and acknowledges it. The cycle and
/// what hangs on it are removed at the end.
/// </summary>
[Collection(DemoPlanStatuses.Name)]
public sealed class QuotaAllocationTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task A_leader_allocates_and_publishes_and_a_rep_acknowledges_the_letter()
    {
        var now = DateTimeOffset.UtcNow;
        var cycleId = await App.QueryAsync(async db =>
        {
            var leader = await db.Users.SingleAsync(u => u.Email == DemoPeople.Leader);
            var reps = await db.Users.Where(u => u.Email == DemoPeople.Rep(3) || u.Email == DemoPeople.Rep(7)).ToListAsync();
            var cycle = PlanningCycle.Open(new CycleSchedule("FY2031 allocation test", new(2031, 1, 1), new(2031, 12, 31), new(2030, 11, 1), new(2030, 11, 10), 14, "UTC"),
                leader.Id, now);
            db.Cycles.Add(cycle);
            db.Plans.AddRange(reps.Select(r => Plan.StartDraft(cycle.Id, r.Id, now)));
            await db.SaveChangesAsync();
            return cycle.Id;
        });
        try
        {
            var page = await SignInAsync(DemoPeople.Leader, bypassCsp: true);
            await page.GotoAsync($"/Quotas/Allocate/{cycleId}");
            await page.GetByLabel("Target").FillAsync("1,000,000.01");
            await page.GetByLabel("Equally").CheckAsync();
            await page.GetByLabel("Evenly").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
            await Expect(page.Locator("#allocation-title")).ToHaveTextAsync("Preview (not saved)");
            await Expect(page.Locator("#allocation-difference")).ToContainTextAsync("sum to the target");
            await AccessibilityTests.CheckAsync(page);
            await Screenshots.SaveAsync(page, "quota-allocation-preview");

            await page.GetByRole(AriaRole.Button, new() { Name = "Allocate as a draft" }).ClickAsync();
            await Expect(page.Locator(".alert.success").First).ToContainTextAsync("as a draft");

            // Teams come first (ADR 0048): the leader sees each team's number; the team's manager shares out their own.
            await Expect(page.Locator("#teams-difference")).ToContainTextAsync("sum to the target");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save the teams' quotas" })).ToBeVisibleAsync();
            await Screenshots.SaveAsync(page, "quota-allocation-teams");
            await page.SetViewportSizeAsync(390, 844);
            await Screenshots.SaveAsync(page, "quota-allocation-teams-390");
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The allocation page scrolls sideways at 390 px.");
            await page.SetViewportSizeAsync(1280, 900);
            var manager = await SignInAsync(DemoPeople.Manager1, bypassCsp: true);
            await manager.GotoAsync($"/Quotas/Allocate/{cycleId}");
            await Expect(manager.Locator("h1")).ToContainTextAsync("Share out your team's");
            await Expect(manager.Locator("tr[data-quota-row]")).ToHaveCountAsync(1);
            // The manager's summary is their team's number and what is left to share, not the organisation's target.
            await Expect(manager.Locator("#allocation-summary")).ToContainTextAsync("Your team's quota is");
            await Expect(manager.Locator("#allocation-summary")).ToContainTextAsync("nothing left to share");
            await Expect(manager.Locator("#allocation-summary")).Not.ToContainTextAsync("1,000,000.01");
            await Expect(page.Locator("#allocation-summary")).ToContainTextAsync("$1,000,000.01 equally");
            await Expect(manager.Locator("input[name='Draft[0].Quarters[0]']")).ToBeEditableAsync();
            await Expect(manager.GetByRole(AriaRole.Button, new() { Name = "Publish the quota letters" })).ToHaveCountAsync(0);
            await AccessibilityTests.CheckAsync(manager);
            await Screenshots.SaveAsync(manager, "quota-allocation-manager");
            await manager.SetViewportSizeAsync(390, 844);
            await Screenshots.SaveAsync(manager, "quota-allocation-manager-390");
            Assert.True(await manager.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The manager's allocation page scrolls sideways at 390 px.");

            // The draft is adjusted on the page: a dollar more is over the target and cannot be published; taking it back can.
            var cell = page.Locator("input[name='Draft[0].Quarters[0]']");
            var original = await cell.InputValueAsync();
            var amount = decimal.Parse(new string([.. original.Where(c => char.IsDigit(c) || c == '.')]), System.Globalization.CultureInfo.InvariantCulture);
            await cell.FillAsync((amount + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            await page.GetByRole(AriaRole.Button, new() { Name = "Save the adjustments" }).ClickAsync();
            await Expect(page.Locator("#allocation-difference")).ToContainTextAsync("over the target");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Publish the quota letters" })).ToBeDisabledAsync();
            await Screenshots.SaveAsync(page, "quota-allocation-adjusted");
            await page.Locator("input[name='Draft[0].Quarters[0]']").FillAsync(amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await page.GetByRole(AriaRole.Button, new() { Name = "Save the adjustments" }).ClickAsync();
            await Expect(page.Locator("#allocation-difference")).ToContainTextAsync("sum to the target");
            Assert.Equal(0, await App.QueryAsync(db => db.Quotas.CountAsync(q => q.CycleId == cycleId)));
            await page.GetByRole(AriaRole.Button, new() { Name = "Publish the quota letters" }).ClickAsync();
            await Expect(page.Locator(".alert.success").First).ToContainTextAsync("Published");
            await Expect(page.Locator("#allocation-difference")).ToContainTextAsync("2 reps have not acknowledged");
            await AccessibilityTests.CheckAsync(page);
            await Screenshots.SaveAsync(page, "quota-allocation-published");

            var rep = await SignInAsync(DemoPeople.Rep(3), bypassCsp: true);
            await rep.GotoAsync("/");
            await rep.GetByRole(AriaRole.Link, new() { Name = "Read my quota letter" }).ClickAsync();
            await Expect(rep.Locator("#letter-title")).ToContainTextAsync("Dear");
            await AccessibilityTests.CheckAsync(rep);
            await Expect(rep.Locator("#letter-team")).ToContainTextAsync("Your team's number");
            await Screenshots.SaveAsync(rep, "quota-letter");
            await rep.SetViewportSizeAsync(390, 844);
            await Screenshots.SaveAsync(rep, "quota-letter-390");
            await rep.SetViewportSizeAsync(1280, 900);
            await rep.GetByRole(AriaRole.Button, new() { Name = "Acknowledge my quota" }).ClickAsync();
            await Expect(rep.Locator("#letter-state")).ToContainTextAsync("You acknowledged this quota");

            await page.GotoAsync($"/Cycles/Quotas/{cycleId}");
            await Expect(page.Locator("td.letter-state").Filter(new() { HasText = "not acknowledged" })).ToHaveCountAsync(1);
            await Screenshots.SaveAsync(page, "quota-grid-letters");
        }
        finally
        {
            await App.QueryAsync(async db =>
            {
                var link = $"cycle={cycleId}";
                await db.Notifications.Where(n => n.Link != null && (n.Link.Contains(link) || n.Link.Contains(cycleId.ToString()))).ExecuteDeleteAsync();
                await db.QuotaChanges.Where(c => c.CycleId == cycleId).ExecuteDeleteAsync();
                await db.Quotas.Where(q => q.CycleId == cycleId).ExecuteDeleteAsync();
                await db.RepQuotas.Where(q => q.CycleId == cycleId).ExecuteDeleteAsync();
                await db.QuotaAllocations.Where(a => a.CycleId == cycleId).ExecuteDeleteAsync();
                await db.Plans.Where(p => p.CycleId == cycleId).ExecuteDeleteAsync();
                return await db.Cycles.Where(c => c.Id == cycleId).ExecuteDeleteAsync();
            });
        }
    }
}
