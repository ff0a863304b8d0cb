using Terrain.BrowserTests.Infrastructure;
using Xunit;

namespace Terrain.BrowserTests.Features.Territory;

/// <summary>
/// The map follows its container: a window narrowed from 1280 to 390 px has Leaflet measure the map again and fit the
/// accounts into it, so no account or cluster is drawn outside the map's box.
/// </summary>
public sealed class MapResizeTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    /// <summary>Markers (accounts and clusters) whose centre lies outside the map's box, and those inside.</summary>
    private const string MarkersOutside = """
        () => {
            const box = document.getElementById("territory-map").getBoundingClientRect();
            let outside = 0, inside = 0;
            document.querySelectorAll("#territory-map path.pt, #territory-map .leaflet-marker-icon").forEach((m) => {
                const r = m.getBoundingClientRect();
                const x = r.left + r.width / 2, y = r.top + r.height / 2;
                if (x < box.left - 1 || x > box.right + 1 || y < box.top - 1 || y > box.bottom + 1) { outside++; } else { inside++; }
            });
            return [outside, inside];
        }
        """;

    /// <summary>Leaflet's idea of the map's size agrees with the container's.</summary>
    private const string Measured = """
        () => {
            const host = document.getElementById("territory-map");
            return host.dataset.mapSize === `${host.clientWidth}x${host.clientHeight}`;
        }
        """;

    [Fact]
    public async Task A_window_narrowed_to_a_phone_refits_the_map_to_the_accounts()
    {
        var page = await SignInAsync(DemoPeople.Leader);
        await page.SetViewportSizeAsync(1280, 900);
        await page.GotoAsync("/Territory/Map");
        var map = page.Locator("#territory-map");
        await Expect(map.Locator("path.pt, .map-cluster").First).ToBeVisibleAsync();
        await page.WaitForFunctionAsync(Measured);
        await Screenshots.SaveAsync(page, "territory-map-before-resize-1280", fullPage: false);

        await page.SetViewportSizeAsync(390, 844);
        await page.WaitForFunctionAsync(Measured);

        var counts = await page.EvaluateAsync<int[]>(MarkersOutside);
        await map.ScrollIntoViewIfNeededAsync();
        await Screenshots.SaveAsync(page, "territory-map-after-resize-390", fullPage: false);
        Assert.True(counts[0] == 0, $"{counts[0]} markers lie outside the map after the resize ({counts[1]} inside).");
        Assert.True(counts[1] > 0, "No marker is drawn inside the map after the resize.");
    }
}
