using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Cli;
using Xunit;

namespace Terrain.Tests.Cli;

/// <summary>
/// The data-protection keys that sign cookies and tokens are encrypted in the database: with the operator's
/// certificate, or in the demo with one it makes for itself on its first start.
/// </summary>
public sealed class KeysAtRestTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "terrain-keys", Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_fresh_demo_encrypts_its_keys_and_does_not_warn()
    {
        var output = new CapturedOutput();
        using var capture = ConsoleCapture.Into(output);
        using var stop = new CancellationTokenSource();
        // The app's name finds its pages (the test host is the entry assembly here).
        var demo = TerrainCli.RunAsync(["demo", "--urls", "http://127.0.0.1:0", "--Terrain:Reminders=false", "--applicationName=terrain",
            $"--Terrain:DataDirectory={_directory}"], stop.Token);
        for (var i = 0; i < 600 && !output.ToString().Contains("Press Ctrl+C", StringComparison.Ordinal) && !demo.IsCompleted; i++)
        {
            await Task.Delay(100, Ct);
        }

        // A key is made when something is first protected: the sign-in form's antiforgery token.
        var url = output.ToString().Split('\n').First(l => l.StartsWith("Terrain is listening on ", StringComparison.Ordinal))["Terrain is listening on ".Length..].Trim();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(url) };
        var login = await client.GetAsync("/Auth/Login", Ct);
        Assert.True(login.IsSuccessStatusCode, $"{login.StatusCode} {login.Headers.Location}: {output}");
        await stop.CancelAsync();
        Assert.Equal(0, await demo);

        Assert.DoesNotContain("unencrypted", output.ToString(), StringComparison.OrdinalIgnoreCase);
        // A fresh demo start is quiet: no warning of any kind (migrations, keys, queries).
        Assert.DoesNotContain("warn:", output.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_directory, "demo-key-encryption.pfx")));
        var keys = await KeysAsync(Path.Combine(_directory, "demo.db"));
        Assert.NotEmpty(keys);
        Assert.All(keys, xml => Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal));
    }

    [Fact]
    public void The_demo_certificate_is_kept_across_starts_and_readable_by_its_owner_only()
    {
        Directory.CreateDirectory(_directory);
        var first = KeyEncryption.EnsureDemoCertificate(_directory);
        var written = File.GetLastWriteTimeUtc(first);

        Assert.Equal(first, KeyEncryption.EnsureDemoCertificate(_directory));
        Assert.Equal(written, File.GetLastWriteTimeUtc(first));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first));
        }
    }

    private static async Task<List<string>> KeysAsync(string sqliteFile)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        DatabaseSettings.ForSqliteDirectory(Path.GetDirectoryName(sqliteFile)!, Path.GetFileName(sqliteFile)).Configure(options);
        await using var context = new AppDbContext(options.Options);
        return await context.DataProtectionKeys.Select(k => k.Xml ?? "").ToListAsync(Ct);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
