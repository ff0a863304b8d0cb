using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Terrain.BrowserTests.Infrastructure;
using Xunit;

namespace Terrain.BrowserTests.Features.Home;

public sealed class HomePageTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task Admin_home_page_shows_the_organisation_at_a_glance()
    {
        var accounts = await App.QueryAsync(db => db.Accounts.CountAsync());
        var page = await SignInAsync(DemoPeople.Admin);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Welcome, Ada Admin");
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        foreach (var link in new[] { "Home", "Accounts", "Team", "Users", "Imports" })
        {
            await Expect(nav.GetByRole(AriaRole.Link, new() { Name = link, Exact = true })).ToBeVisibleAsync();
        }

        var figures = page.GetByRole(AriaRole.Region, new() { Name = "Key figures" });
        var accountCount = figures.Locator(".stat").Filter(new() { Has = page.GetByText("accounts", new() { Exact = true }) });
        await Expect(accountCount.Locator(".stat-value")).ToHaveTextAsync(accounts.ToString("N0", CultureInfo.InvariantCulture));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Potential by segment" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Potential by rep" })).ToBeVisibleAsync();

        await Screenshots.SaveAsync(page, "admin-home");
    }
}
