using Microsoft.Playwright;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Features.Demo;
using Xunit;

namespace Terrain.BrowserTests.Features.Auth;

public sealed class SignInTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task A_wrong_password_is_refused_with_a_visible_message()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/Auth/Login");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);

        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(DemoPeople.Rep(3));
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("Not-the-password-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        var alert = page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToBeVisibleAsync();
        await Expect(alert).ToContainTextAsync("The email or password is wrong");
        Assert.Equal("/Auth/Login", PathOf(page.Url));
        await Expect(page.GetByLabel("Email", new() { Exact = true })).ToHaveValueAsync(DemoPeople.Rep(3));
        await Expect(page.GetByLabel("Password", new() { Exact = true })).ToHaveValueAsync("");
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })).ToHaveCountAsync(0);

        await Screenshots.SaveAsync(page, "sign-in-wrong-password");
    }

    [Fact]
    public async Task Signing_in_works_with_the_keyboard_alone()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/Auth/Login");
        var email = page.GetByLabel("Email", new() { Exact = true });
        var password = page.GetByLabel("Password", new() { Exact = true });

        // The form takes focus on arrival, and Tab walks it in reading order.
        await Expect(email).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(DemoPeople.Rep(2));
        await page.Keyboard.PressAsync("Tab");
        await Expect(password).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(DemoSeeder.Password);
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByLabel("Keep me signed in on this device")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Shift+Tab");
        await page.Keyboard.PressAsync("Shift+Tab");
        await Expect(password).ToBeFocusedAsync();

        await page.Keyboard.PressAsync("Enter");

        await page.WaitForURLAsync(url => PathOf(url) == "/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Welcome, Tom Becker");
    }
}
