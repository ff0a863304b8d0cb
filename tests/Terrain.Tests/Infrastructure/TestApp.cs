using System.Net.Http.Headers;
using System.Net.Http.Json;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Terrain.Data;

namespace Terrain.Tests.Infrastructure;

/// <summary>
/// The real application over real HTTP-shaped requests, on a real database of the given kind. Each test rents an
/// app from <see cref="TestAppPool"/> and gets a database of its own, cloned from a migrated and seeded template,
/// so tests run in parallel and no test sees another's data. The app goes back to the pool when the test ends.
/// </summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    private readonly string _directory;
    private readonly string? _postgresConnection;
    private readonly ResettableClock _clock = new();

    internal TestApp(Db db, string name, string? postgresConnection)
    {
        Db = db;
        Name = name;
        _directory = Path.Combine(TestAppPool.Root, name);
        _postgresConnection = postgresConnection;
    }

    public Db Db { get; }

    /// <summary>The app's database: a PostgreSQL database name, or the SQLite file's stem in its own folder.</summary>
    internal string Name { get; }

    internal string SqliteFile => Path.Combine(_directory, "terrain.db");

    internal string? PostgresConnection => _postgresConnection;

    public static readonly DateTimeOffset Start = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The app's clock; every test starts at <see cref="Start"/>. Fake time only moves forward.</summary>
    public FakeTimeProvider Clock => _clock.Current;

    public TestOrg Org { get; private set; } = null!;

    /// <summary>An app of its own for the calling test, on a fresh copy of the standard test organisation.</summary>
    public static Task<TestApp> StartAsync(Db db) => TestAppPool.RentAsync(db);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Terrain:DataDirectory", _directory);
        builder.UseSetting("Terrain:LoginAttemptsPerMinute", "100000");
        builder.UseSetting("Terrain:Reminders", "false");
        builder.UseSetting("Terrain:MaxImportBytes", (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The import worker runs when a job is queued in this app, or when a test wakes it: never on a timer of its own.
        builder.UseSetting("Terrain:ImportPollInterval", "01:00:00");
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
            services.AddSingleton<IStartupFilter, ClientAddressFromHeader>();
            services.Configure<PasswordHasherOptions>(o => o.IterationCount = TestOrg.TestIterations);

            // Queries whose answer depends on the database's row order fail the test that runs them.
            services.ConfigureDbContext<AppDbContext>(o => o.ConfigureWarnings(w => w.Throw(
                CoreEventId.FirstWithoutOrderByAndFilterWarning, CoreEventId.RowLimitingOperationWithoutOrderByWarning)));
        });
    }

    /// <summary>Puts back the template's data, the clock and an empty cache, then reads the organisation afresh.</summary>
    internal async Task ResetAsync(TestOrg template)
    {
        await TestAppPool.RestoreAsync(this);
        _ = Server;
        (Services.GetRequiredService<IMemoryCache>() as MemoryCache)?.Clear();
        // The age of the CRM data is kept per instance; the database under it was just replaced.
        Services.GetRequiredService<Terrain.Features.Imports.DataAge>().Invalidate();
        _clock.Current = new FakeTimeProvider(Start);
        Org = await WithDbAsync(db => TestOrg.LoadAsync(db, template));
    }

    /// <summary>Releases pooled connections so that the database can be replaced underneath the app.</summary>
    internal void ReleaseConnections()
    {
        if (Db == Db.Postgres)
        {
            using var connection = new NpgsqlConnection(_postgresConnection);
            NpgsqlConnection.ClearPool(connection);
        }
        else
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = SqliteFile, Pooling = true, DefaultTimeout = 30 }.ToString());
            SqliteConnection.ClearPool(connection);
        }
    }

    public async Task<T> WithDbAsync<T>(Func<AppDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    /// <summary>
    /// Another instance of the app on this app's database, as a second server behind a load balancer would be: its own
    /// memory, caches and rate limiter. Not pooled: the caller disposes it.
    /// </summary>
    public TestApp SecondInstance()
    {
        var other = new TestApp(Db, Name, _postgresConnection) { Org = Org };
        _ = other.Server;
        return other;
    }

    /// <summary>An anonymous client that the app sees as connecting from <paramref name="address"/>.</summary>
    public HttpClient AnonymousFrom(string address)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Add(ClientAddressFromHeader.Header, address);
        return client;
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

    private sealed record TokenResponse(string AccessToken);

    /// <summary>The in-memory test server has no client address; a test names one with a header.</summary>
    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public const string Header = "X-Test-Client-Address";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers[Header] is [{ } value] && System.Net.IPAddress.TryParse(value, out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }

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
