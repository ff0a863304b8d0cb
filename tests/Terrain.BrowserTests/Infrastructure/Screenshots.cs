using Microsoft.Playwright;

namespace Terrain.BrowserTests.Infrastructure;

/// <summary>Screenshots (full page unless asked for the viewport) in TERRAIN_ARTIFACTS, or artifacts/screenshots at the repository root.</summary>
public static class Screenshots
{
    public const string DirectoryVariable = "TERRAIN_ARTIFACTS";

    public static string Directory { get; } = Resolve();

    public static async Task<string> SaveAsync(IPage page, string name, bool fullPage = true)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, name + ".png");
        var options = new PageScreenshotOptions
        {
            Path = path,
            FullPage = fullPage,
            Animations = ScreenshotAnimations.Disabled,
            // A full-page capture does not scroll, so parts the browser skips while off screen (the plan's sections,
            // content-visibility: auto) would show as empty boxes; drawn for the capture only.
            Style = fullPage ? "* { content-visibility: visible !important; }" : null,
        };
        try
        {
            await page.ScreenshotAsync(options);
        }
        catch (TimeoutException)
        {
            // A full-page capture of a long page can outlast the timeout on a machine whose two cores are busy with a
            // build; once more, before the test is failed for an artifact.
            await page.ScreenshotAsync(options);
        }

        return path;
    }

    private static string Resolve()
    {
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Terrain.slnx")))
            {
                return Path.Combine(dir.FullName, "artifacts", "screenshots");
            }
        }

        return Path.Combine(AppContext.BaseDirectory, "artifacts", "screenshots");
    }
}
