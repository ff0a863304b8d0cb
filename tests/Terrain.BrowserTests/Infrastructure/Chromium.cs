using Microsoft.Playwright;
using Xunit;

namespace Terrain.BrowserTests.Infrastructure;

/// <summary>
/// The Debian chromium these tests drive; Playwright's own browser downloads are never used. Without it a
/// developer's run reports the tests as skipped, while CI=true turns that into a failure so a missing browser
/// can never pass silently. TERRAIN_CHROMIUM points at another chromium binary.
/// </summary>
public static class Chromium
{
    public const string PathVariable = "TERRAIN_CHROMIUM";

    public static string ExecutablePath { get; } =
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } configured ? configured : "/usr/bin/chromium";

    public static bool IsInstalled => File.Exists(ExecutablePath);

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static BrowserTypeLaunchOptions LaunchOptions => new()
    {
        ExecutablePath = ExecutablePath,
        Headless = true,
        Args =
        [
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    };

    /// <summary>Skips the calling test, or fails it under CI, when chromium is missing.</summary>
    public static void Require()
    {
        if (IsInstalled)
        {
            return;
        }

        if (InCi)
        {
            Assert.Fail($"CI=true but {ExecutablePath} does not exist: .ci/run must install the Debian 'chromium' package.");
        }

        Assert.Skip($"Chromium is not installed at {ExecutablePath} (apt-get install chromium, or set {PathVariable}); browser tests are skipped.");
    }
}
