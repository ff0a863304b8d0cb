using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Infrastructure;

namespace Terrain.Tests.Infrastructure;

/// <summary>
/// Terrain on real Kestrel (loopback, a free port) over its own SQLite file, with one admin: for what the in-memory
/// TestServer does not do as a real server would, such as enforcing request body limits.
/// </summary>
public sealed class KestrelApp : IAsyncDisposable
{
    public const string AdminEmail = "admin@kestrel.terrain";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "terrain-kestrel", Guid.NewGuid().ToString("N"));
    private WebApplication _app = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    public static async Task<KestrelApp> StartAsync(params string[] settings)
    {
        var kestrel = new KestrelApp();
        var builder = TerrainHost.CreateBuilder(
        [
            "--urls=http://127.0.0.1:0",
            "--applicationName=terrain",
            "--environment=Testing",
            "--Terrain:DatabaseProvider=Sqlite",
            $"--Terrain:DataDirectory={kestrel._directory}",
            "--Terrain:Reminders=false",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ]);
        builder.Services.Configure<PasswordHasherOptions>(o => o.IterationCount = TestOrg.TestIterations);
        kestrel._app = TerrainHost.Build(builder);
        await kestrel._app.StartAsync();
        await using (var scope = kestrel._app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.Users.Add(TestOrg.User(AdminEmail, "Kestrel Admin", Role.Admin, null, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }

        kestrel.BaseAddress = new Uri(kestrel._app.Urls.First());
        return kestrel;
    }

    public async Task<T> WithDbAsync<T>(Func<AppDbContext, Task<T>> query)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    /// <summary>Sends raw request bytes and returns the status line of the answer, or null when none came in time.</summary>
    public async Task<string?> RawStatusLineAsync(string head, TimeSpan wait)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(BaseAddress.Host, BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
        using var timeout = new CancellationTokenSource(wait);
        var buffer = new byte[256];
        try
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            var text = System.Text.Encoding.ASCII.GetString(buffer, 0, read);
            return text.Split("\r\n")[0];
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public HttpClient Client() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = BaseAddress };

    public async Task<HttpClient> AdminApiAsync()
    {
        var client = Client();
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = AdminEmail, password = TestOrg.Password });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<Token>())!.AccessToken;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<HttpClient> AdminBrowserAsync()
    {
        var client = Client();
        var token = await TestApp.AntiforgeryTokenAsync(client, "/Auth/Login");
        var response = await client.PostAsync("/Auth/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = AdminEmail,
            ["Input.Password"] = TestOrg.Password,
            ["__RequestVerificationToken"] = token,
        }));
        if (response.StatusCode != System.Net.HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in failed: {response.StatusCode}");
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private sealed record Token(string AccessToken);
}
