using Microsoft.Playwright;
using Terrain.Features.Demo;
using Xunit;

namespace Terrain.BrowserTests.Infrastructure;

/// <summary>Base for browser tests: pages in their own contexts, sign-in through the real form, a screenshot on failure.</summary>
public abstract class BrowserTest(TerrainBrowser terrain) : IAsyncDisposable
{
    private readonly List<IBrowserContext> _contexts = [];

    protected TerrainBrowser App { get; } = terrain;

    protected static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    protected static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    protected static string PathOf(string url) => new Uri(url).AbsolutePath;

    protected async Task<IPage> NewPageAsync(bool javaScriptEnabled = true, bool bypassCsp = false)
    {
        var context = await App.NewContextAsync(javaScriptEnabled, bypassCsp);
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>A page signed in as one of the demo people (they all share the demo password), on the home page.</summary>
    protected async Task<IPage> SignInAsync(string email, bool javaScriptEnabled = true, bool bypassCsp = false)
    {
        var page = await NewPageAsync(javaScriptEnabled, bypassCsp);
        await page.GotoAsync("/Auth/Login");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(DemoSeeder.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => PathOf(url) == "/");
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        var failed = TestContext.Current.TestState?.Result == TestResult.Failed;
        var test = TestContext.Current.Test?.TestDisplayName ?? GetType().Name;
        var n = 0;
        foreach (var context in _contexts)
        {
            if (failed)
            {
                foreach (var page in context.Pages)
                {
                    await SaveFailureAsync(page, $"failed-{Sanitize(test)}-{++n}");
                }
            }

            await context.CloseAsync();
        }

        GC.SuppressFinalize(this);
    }

    private static async Task SaveFailureAsync(IPage page, string name)
    {
        try
        {
            await Screenshots.SaveAsync(page, name);
        }
        catch (PlaywrightException)
        {
            // The page may already be gone; the test's own failure is what matters.
        }
    }

    private static string Sanitize(string name) =>
        new([.. name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_').Take(120)]);
}
