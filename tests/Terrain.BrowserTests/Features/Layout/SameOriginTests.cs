using Microsoft.Playwright;
using Terrain.BrowserTests.Features.Plans;
using Terrain.BrowserTests.Infrastructure;
using Xunit;

namespace Terrain.BrowserTests.Features.Layout;

/// <summary>
/// No page asks another origin for anything (fonts, scripts, images): a server without internet shows the same pages,
/// and no third party learns who reads them. Every request the browser makes is recorded; the favicon is served.
/// </summary>
public sealed class SameOriginTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task The_api_reference_and_the_main_pages_ask_only_the_app()
    {
        var (planId, repEmail) = await DemoPlanContent.PlanAsync(App);
        var page = await SignInAsync(repEmail);
        var requests = new List<string>();
        var failures = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        page.RequestFailed += (_, request) => failures.Add($"{request.Url}: {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                failures.Add($"{response.Url}: {response.Status}");
            }
        };

        foreach (var path in new[] { "/api/reference", "/", $"/Plans/{planId}", $"/Plans/{planId}/Edit/account-segmentation", "/Dashboards/Rep" })
        {
            await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.NetworkIdle });
        }

        await Expect(page.Locator("link[rel=icon]")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^/"));
        var favicon = await page.APIRequest.GetAsync("/favicon.ico");
        Assert.Equal(200, favicon.Status);

        var origin = new Uri(App.BaseUrl).GetLeftPart(UriPartial.Authority);
        Assert.Contains(requests, r => r.Contains("/api/reference", StringComparison.Ordinal));
        var elsewhere = requests.Where(r => !r.StartsWith(origin + "/", StringComparison.Ordinal) && !r.StartsWith("data:", StringComparison.Ordinal)).Distinct().ToList();
        Assert.True(elsewhere.Count == 0, $"Requests to another origin:{Environment.NewLine}{string.Join(Environment.NewLine, elsewhere)}");
        Assert.True(failures.Count == 0, $"Failed requests:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
    }
}
