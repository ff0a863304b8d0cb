using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Terrain.BrowserTests.Infrastructure;
using Xunit;

namespace Terrain.BrowserTests.Features.Territory;

public sealed class MovingAccountsTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task A_leader_ticks_two_accounts_and_moves_them_to_a_territory()
    {
        // Two of the demo's accounts that belong to nobody, among ACC-00001 to ACC-00099 (one page of the list).
        var two = await App.QueryAsync(db => db.Accounts.Where(a => a.OwnerId == null && a.TerritoryId == null && a.ExternalId.StartsWith("ACC-000"))
            .OrderBy(a => a.ExternalId).Select(a => new { a.Id, a.Name }).Take(2).ToListAsync());
        Assert.Equal(2, two.Count);
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
        var ids = two.Select(a => a.Id).ToList();
        var placed = await App.QueryAsync(db => db.Accounts.Where(a => ids.Contains(a.Id)).Select(a => a.Territory!.Name).ToListAsync());
        Assert.Equal(["South 3", "South 3"], placed);
        foreach (var account in two)
        {
            var row = page.Locator("#accounts tbody tr").Filter(new() { HasText = account.Name });
            await Expect(row).ToContainTextAsync("South 3");
        }
    }
}
