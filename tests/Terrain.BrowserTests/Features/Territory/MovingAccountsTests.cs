using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Terrain.BrowserTests.Infrastructure;
using Xunit;

namespace Terrain.BrowserTests.Features.Territory;

/// <summary>A leader moves two of the demo's ownerless accounts; the test puts them back in the queue, as seeded, for the other tests.</summary>
public sealed class MovingAccountsTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task A_leader_ticks_two_accounts_and_moves_them_to_a_territory()
    {
        // Two of the demo's accounts that belong to nobody, among ACC-00001 to ACC-00099 (one page of the list).
        var two = await App.QueryAsync(db => db.Accounts.Where(a => a.OwnerId == null && a.TerritoryId == null && a.ExternalId.StartsWith("ACC-000"))
            .OrderBy(a => a.ExternalId).Select(a => new { a.Id, a.Name }).Take(2).ToListAsync());
        Assert.Equal(2, two.Count);
        var ids = two.Select(a => a.Id).ToList();
        try
        {
            var page = await SignInAsync(DemoPeople.Leader);
            await page.GotoAsync("/Territory?q=ACC-000");

            foreach (var account in two)
            {
                await page.GetByRole(AriaRole.Checkbox, new() { Name = $"Select {account.Name}", Exact = true }).CheckAsync();
            }

            var form = page.Locator("#move-form");
            await form.GetByLabel("Territory", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "South 3 (vacant)" });
            await Screenshots.SaveAsync(page, "territory-move-two");
            await form.GetByRole(AriaRole.Button, new() { Name = "Move selected accounts" }).ClickAsync();

            await Expect(page.Locator(".alert.success")).ToContainTextAsync("Moved 2 account(s) to South 3");
            var placed = await App.QueryAsync(db => db.Accounts.Where(a => ids.Contains(a.Id)).Select(a => a.Territory!.Name).ToListAsync());
            Assert.Equal(["South 3", "South 3"], placed);
            foreach (var account in two)
            {
                var row = page.Locator("#accounts tbody tr").Filter(new() { HasText = account.Name });
                await Expect(row).ToContainTextAsync("South 3");
            }
        }
        finally
        {
            // Back in the queue as the demo seeded them: no territory, no owner, and no move of this test left behind.
            await App.QueryAsync(async db =>
            {
                var south3 = await db.Territories.Where(t => t.Name == "South 3").Select(t => t.Id).SingleAsync();
                await db.AccountAssignments.Where(m => ids.Contains(m.AccountId) && m.ToTerritoryId == south3).ExecuteDeleteAsync();
                return await db.Accounts.Where(a => ids.Contains(a.Id))
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.TerritoryId, (Guid?)null).SetProperty(a => a.OwnerId, (Guid?)null).SetProperty(a => a.Version, Guid.NewGuid()));
            });
        }

        var restored = await App.QueryAsync(db => db.Accounts.Where(a => ids.Contains(a.Id)).Select(a => new { a.TerritoryId, a.OwnerId }).ToListAsync());
        Assert.All(restored, a => Assert.Equal((null, null), (a.TerritoryId, a.OwnerId)));
    }
}
