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

    [Fact]
    public async Task Admin_copies_an_invitation_link_and_the_new_user_sets_a_password_and_is_signed_in()
    {
        // In this class, whose tests run one after another: the user it adds never surprises the list of everyone above.
        var email = $"invited.{Guid.NewGuid():N}"[..16] + "@example.com";
        var admin = await SignInAsync(DemoPeople.Admin);
        await admin.GotoAsync("/Admin/Users/Create");
        await admin.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await admin.GetByLabel("Display name").FillAsync("Invited Leader");
        await admin.GetByLabel("Role").SelectOptionAsync("Leader");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        await admin.WaitForURLAsync(url => PathOf(url) == "/Admin/Users");

        var row = admin.Locator("main table.data tbody tr").Filter(new() { HasText = email });
        await Expect(row).ToContainTextAsync("Invited (expires");
        await row.GetByRole(AriaRole.Button, new() { Name = "Copy invitation link for Invited Leader" }).ClickAsync();
        var field = admin.GetByRole(AriaRole.Textbox, new() { Name = "Invitation link", Exact = true });
        await Expect(field).ToBeVisibleAsync();
        var link = await field.InputValueAsync();
        await Screenshots.SaveAsync(admin, "admin-invitation-link");

        var invitee = await NewPageAsync();
        await invitee.GotoAsync(link);
        await Expect(invitee.GetByRole(AriaRole.Heading, new() { Name = "Set your password", Level = 1 })).ToBeVisibleAsync();
        await Screenshots.SaveAsync(invitee, "invitation-set-password");
        await invitee.GetByLabel("New password", new() { Exact = true }).FillAsync("Quarterly-route-2027");
        await invitee.GetByLabel("New password, again").FillAsync("Quarterly-route-2027");
        await invitee.GetByRole(AriaRole.Button, new() { Name = "Set password and sign in" }).ClickAsync();
        await invitee.WaitForURLAsync(url => PathOf(url) == "/");
        await Expect(invitee.Locator(".who-name")).ToContainTextAsync("Invited Leader");

        await invitee.GotoAsync(link);
        await Expect(invitee.GetByRole(AriaRole.Alert)).ToContainTextAsync("already been used");
        await admin.ReloadAsync();
        await Expect(admin.Locator("main table.data tbody tr").Filter(new() { HasText = email })).ToContainTextAsync("Active");
    }

    [GeneratedRegex("^Not allowed")]
    private static partial Regex NotAllowedTitle();
}
