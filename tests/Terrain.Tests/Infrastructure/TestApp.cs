using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Terrain.Data;

namespace Terrain.Tests.Infrastructure;

/// <summary>
/// The real application over real HTTP-shaped requests, on a real database of the given kind. One instance per
/// database for the whole run; <see cref="StartAsync"/> wipes and reseeds the data so no test sees another's.
/// </summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    private static readonly ConcurrentDictionary<Db, Lazy<TestApp>> Instances = new();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "terrain-tests", Guid.NewGuid().ToString("N"));
    private readonly string? _postgresName;
    private readonly string? _postgresConnection;

    private TestApp(Db db)
    {
        Db = db;
        if (db == Db.Postgres)
        {
            _postgresName = $"terrain_test_{Environment.ProcessId}_{Guid.NewGuid():N}"[..40];
            _postgresConnection = Databases.CreatePostgresDatabase(_postgresName);
        }
    }

    public Db Db { get; }

    public static readonly DateTimeOffset Start = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private readonly ResettableClock _clock = new();

    /// <summary>The app's clock; every test starts at <see cref="Start"/>. Fake time only moves forward.</summary>
    public FakeTimeProvider Clock => _clock.Current;

    public TestOrg Org { get; private set; } = null!;

    /// <summary>The app for this database, reset to the standard test organisation.</summary>
    public static async Task<TestApp> StartAsync(Db db)
    {
        var app = Instances.GetOrAdd(db, d => new Lazy<TestApp>(() => new TestApp(d))).Value;
        await app.ResetAsync();
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Terrain:DataDirectory", _directory);
        builder.UseSetting("Terrain:LoginAttemptsPerMinute", "100000");
        builder.UseSetting("Terrain:Reminders", "false");
        builder.UseSetting("Terrain:MaxImportBytes", (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (Db == Db.Postgres)
        {
            builder.UseSetting("Terrain:DatabaseProvider", "Postgres");
            builder.UseSetting("ConnectionStrings:Terrain", _postgresConnection);
        }
        else
        {
            builder.UseSetting("Terrain:DatabaseProvider", "Sqlite");
        }

        builder.ConfigureServices(services =>
        {
            services.AddSingleton<TimeProvider>(_clock);
            services.Configure<PasswordHasherOptions>(o => o.IterationCount = TestOrg.TestIterations);
        });
    }

    public async Task ResetAsync()
    {
        _ = Server;
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var tables = db.Model.GetEntityTypes()
            .Select(e => e.GetTableName())
            .Where(t => t is not null && t != "DataProtectionKeys")
            .Distinct()
            .ToList();
        // Table names come from the EF model, never from input.
#pragma warning disable EF1002
        if (Db == Db.Postgres)
        {
            await db.Database.ExecuteSqlRawAsync($"TRUNCATE {string.Join(", ", tables.Select(t => $"\"{t}\""))} RESTART IDENTITY CASCADE;");
        }
        else
        {
            // One open connection for all statements: the pragma holds per connection.
            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys=OFF;");
            foreach (var table in tables)
            {
                await db.Database.ExecuteSqlRawAsync($"DELETE FROM \"{table}\";");
            }

            await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys=ON;");
            await db.Database.CloseConnectionAsync();
        }
#pragma warning restore EF1002

        _clock.Current = new FakeTimeProvider(Start);
        Org = await TestOrg.SeedAsync(db, Clock.GetUtcNow());
    }

    public async Task<T> WithDbAsync<T>(Func<AppDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>An API client holding a bearer token obtained through the real login endpoint.</summary>
    public async Task<HttpClient> ApiAsAsync(string email)
    {
        var client = Anonymous();
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = TestOrg.Password });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A browser-like client: signs in through the login form and keeps the cookie.</summary>
    public async Task<HttpClient> BrowserAsAsync(string email)
    {
        var client = Anonymous();
        var token = await AntiforgeryTokenAsync(client, "/Auth/Login");
        var response = await client.PostAsync("/Auth/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = TestOrg.Password,
            ["__RequestVerificationToken"] = token,
        }));
        if (response.StatusCode != System.Net.HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in as {email} failed: {response.StatusCode}");
        }

        return client;
    }

    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(path);
        var document = new HtmlParser().ParseDocument(html);
        return document.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value")
            ?? throw new InvalidOperationException($"{path} has no antiforgery token.");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_postgresName is not null)
        {
            Databases.DropPostgresDatabase(_postgresName);
        }
    }

    private sealed record TokenResponse(string AccessToken);

    /// <summary>A fake clock that a reset can put back to the start, which FakeTimeProvider itself never does.</summary>
    private sealed class ResettableClock : TimeProvider
    {
        public FakeTimeProvider Current { get; set; } = new(Start);

        public override DateTimeOffset GetUtcNow() => Current.GetUtcNow();

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

        public override long GetTimestamp() => Current.GetTimestamp();

        public override long TimestampFrequency => Current.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            System.CreateTimer(callback, state, dueTime, period);
    }
}
