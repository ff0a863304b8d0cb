using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Terrain.BrowserTests.Infrastructure;
using Xunit;

namespace Terrain.BrowserTests.Features.Admin;

public sealed partial class AdminAccessTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task Rep_is_refused_the_admin_pages_and_offered_no_links_to_them()
    {
        var page = await SignInAsync(DemoPeople.Rep1);

        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "My territory", Exact = true })).ToBeVisibleAsync();
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToHaveCountAsync(0);
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Imports" })).ToHaveCountAsync(0);

        foreach (var path in new[] { "/Admin/Users", "/Admin/Imports" })
        {
            var response = await page.GotoAsync(path);

            Assert.Equal(403, response?.Status);
            await Expect(page).ToHaveTitleAsync(NotAllowedTitle());
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Not allowed");
            await Expect(page.Locator("main")).Not.ToContainTextAsync(DemoPeople.Admin);
        }

        await Screenshots.SaveAsync(page, "rep-admin-denied");
    }

    [Fact]
    public async Task Admin_users_page_lists_everyone()
    {
        var emails = await App.QueryAsync(db => db.Users.Select(u => u.Email!).ToListAsync());
        var page = await SignInAsync(DemoPeople.Admin);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })
            .GetByRole(AriaRole.Link, new() { Name = "Users", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Users", Level = 1 })).ToBeVisibleAsync();
        var rows = page.Locator("main table.data tbody tr");
        await Expect(rows).ToHaveCountAsync(emails.Count);
        Assert.Equal(emails.Order(StringComparer.Ordinal),
            (await rows.Locator("td:nth-of-type(1)").AllInnerTextsAsync()).Order(StringComparer.Ordinal));
        await Expect(rows.Filter(new() { HasText = DemoPeople.Rep1 })).ToContainTextAsync("Marcus Webb");

        await Screenshots.SaveAsync(page, "admin-users");
    }

    [GeneratedRegex("^Not allowed")]
    private static partial Regex NotAllowedTitle();
}
