using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Domain;
using Xunit;

namespace Terrain.BrowserTests.Features.Team;

public sealed class ManagerTeamTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task Manager_sees_their_own_reps_and_no_one_elses()
    {
        var team = await App.QueryAsync(db => db.Users
            .Where(u => u.Role == Role.Rep && u.Manager!.Email == DemoPeople.Manager1)
            .Select(u => new { u.Email, u.DisplayName, Accounts = db.Accounts.Count(a => a.OwnerId == u.Id) })
            .ToListAsync());
        Assert.Equal([.. Enumerable.Range(1, 4).Select(DemoPeople.Rep)], team.Select(r => r.Email).Order(StringComparer.Ordinal));
        var page = await SignInAsync(DemoPeople.Manager1);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })
            .GetByRole(AriaRole.Link, new() { Name = "Team", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My team", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToContainTextAsync("Marcus Webb");
        var rows = page.Locator("main table.data tbody tr");
        await Expect(rows).ToHaveCountAsync(team.Count);
        foreach (var rep in team)
        {
            var row = rows.Filter(new() { HasText = rep.Email });
            await Expect(row.GetByRole(AriaRole.Rowheader)).ToContainTextAsync(rep.DisplayName);
            await Expect(row.Locator("td.num")).ToHaveTextAsync(rep.Accounts.ToString("N0", CultureInfo.InvariantCulture));
        }

        var main = page.Locator("main");
        foreach (var other in Enumerable.Range(5, 4).Select(DemoPeople.Rep))
        {
            await Expect(main).Not.ToContainTextAsync(other);
        }

        await Expect(main).Not.ToContainTextAsync("Priya Natarajan");
        await Expect(main).Not.ToContainTextAsync("Chloe Martin");

        await Screenshots.SaveAsync(page, "manager-team");
    }
}
