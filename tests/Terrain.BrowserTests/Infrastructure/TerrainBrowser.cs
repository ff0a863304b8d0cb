using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Terrain.Data;
using Terrain.Features.Demo;
using Terrain.Infrastructure;
using Xunit;

[assembly: AssemblyFixture(typeof(Terrain.BrowserTests.Infrastructure.TerrainBrowser))]

namespace Terrain.BrowserTests.Infrastructure;

/// <summary>
/// One Terrain on real Kestrel (loopback, a free port) over a fresh SQLite file seeded with the demo organisation,
/// and one headless chromium, shared by the whole run. Tests only read the seeded data, so they can share it; each
/// test gets its own browser context and therefore its own cookies.
/// </summary>
public sealed class TerrainBrowser : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "terrain-browser", Guid.NewGuid().ToString("N"));
    private WebApplication? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public string BaseUrl { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        // Without chromium nothing starts; every test then skips (or fails under CI) with the reason.
        if (!Chromium.IsInstalled)
        {
            return;
        }

        var builder = TerrainHost.CreateBuilder(
        [
            "--urls=http://127.0.0.1:0",
            // The app's name locates its static web assets manifest (CSS, htmx) in this test's output folder.
            "--applicationName=terrain",
            "--environment=Testing",
            "--Terrain:DatabaseProvider=Sqlite",
            $"--Terrain:DataDirectory={_dataDirectory}",
            "--Terrain:SqliteFileName=browser.db",
            "--Logging:LogLevel:Default=Warning",
            // Every test signs in from 127.0.0.1, several at once: the per-address flood guard on the login form
            // (30 a minute) would answer some of them 429 and leave the test waiting for a home page.
            "--Terrain:LoginAttemptsPerMinute=10000",
        ]);
        System.IO.Directory.CreateDirectory(Screenshots.Directory);
        builder.Logging.AddProvider(new FileLoggerProvider(Path.Combine(Screenshots.Directory, "server.log")));
        _app = TerrainHost.Build(builder);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.MigrateAsync();
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync();
        }

        await _app.StartAsync();
        BaseUrl = _app.Urls.First();

        // Pages render server-side on a shared, sometimes busy machine: allow more than Playwright's 5 s default.
        Assertions.SetDefaultExpectTimeout(20_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(Chromium.LaunchOptions);
    }

    /// <summary>A fresh context (no cookies) at 1280x800; skips or fails the test when chromium is missing.</summary>
    public async Task<IBrowserContext> NewContextAsync(bool javaScriptEnabled = true, bool bypassCsp = false)
    {
        Chromium.Require();
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "en-US",
            TimezoneId = "UTC",
            JavaScriptEnabled = javaScriptEnabled,
            BypassCSP = bypassCsp,
        });
        context.SetDefaultTimeout(45_000);
        return context;
    }

    /// <summary>Reads the app's database directly, to state what a page should show.</summary>
    public async Task<T> QueryAsync<T>(Func<AppDbContext, Task<T>> query)
    {
        // Nothing runs without chromium, so a test that reads data first must skip here too.
        Chromium.Require();
        await using var scope = _app!.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
