using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Imports;

public sealed class DataAgeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Text(AngleSharp.Dom.IElement element) => Regex.Replace(element.TextContent, @"\s+", " ").Trim();

    private static async Task<AngleSharp.Dom.IElement?> DataAgeLineAsync(HttpClient browser)
    {
        var page = await new HtmlParser().ParseDocumentAsync(await browser.GetStringAsync("/Cycles", Ct), Ct);
        return page.QuerySelector("aside.data-age > div");
    }

    private static async Task<HttpResponseMessage> PutSettingsAsync(HttpClient leader, int? dataAgeLimitHours)
    {
        var current = await leader.GetAsync("/api/v1/settings/metrics", Ct);
        var body = await current.Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/settings/metrics")
        {
            Content = JsonContent.Create(new
            {
                onTrackPercent = body.GetProperty("onTrackPercent").GetInt32(),
                atRiskPercent = body.GetProperty("atRiskPercent").GetInt32(),
                healthyCoveragePercent = body.GetProperty("healthyCoveragePercent").GetInt32(),
                earlyStages = Array.Empty<string>(),
                idleDays = body.GetProperty("idleDays").GetInt32(),
                dataAgeLimitHours,
            }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.ToString());
        return await leader.SendAsync(request, Ct);
    }

    [Theory, BothDatabases]
    public async Task The_moment_of_the_data_is_written_in_the_open_cycles_time_zone(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await app.WithDbAsync(d => d.Cycles.ExecuteUpdateAsync(s => s.SetProperty(c => c.TimeZone, "Europe/Berlin"), Ct));
        var rep = await app.BrowserAsAsync("rep1@test.terrain");
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();

        var imported = await admin.PostAsync("/api/v1/imports/activities",
            new StringContent("externalId,owner,type,date\nA-1,rep1@test.terrain,Call,2026-11-20\n", Encoding.UTF8, "text/csv"), Ct);

        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        // 09:00 UTC is 10:00 in Berlin in November; the machine-readable time stays UTC.
        var line = await DataAgeLineAsync(rep);
        Assert.Equal("CRM data as of 26 Nov 2026, 10:00 Europe/Berlin (just now).", Text(line!));
        Assert.Equal("2026-11-26T09:00:00Z", line!.QuerySelector("time")!.GetAttribute("datetime"));
    }

    [Theory, BothDatabases]
    public async Task Every_page_shows_how_old_the_crm_data_is_and_warns_past_the_leaders_limit(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.BrowserAsAsync("rep1@test.terrain");
        Assert.Equal("No CRM data imported yet.", Text((await DataAgeLineAsync(rep))!));

        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        var imported = await admin.PostAsync("/api/v1/imports/activities",
            new StringContent("externalId,owner,type,date\nA-1,rep1@test.terrain,Call,2026-11-20\n", Encoding.UTF8, "text/csv"), Ct);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);

        var line = await DataAgeLineAsync(rep);
        Assert.Equal("CRM data as of 26 Nov 2026, 09:00 UTC (just now).", Text(line!));
        Assert.Null(line!.GetAttribute("role"));

        app.Clock.Advance(TimeSpan.FromHours(3));
        Assert.Contains("(3 h ago)", Text((await DataAgeLineAsync(rep))!), StringComparison.Ordinal);
        Assert.Null((await DataAgeLineAsync(rep))!.GetAttribute("role"));

        // The default limit is 48 hours; a leader lowers it to 2, and the data, 3 hours old, is now too old.
        var leader = await app.ApiAsAsync("leader@test.terrain");
        Assert.Equal(HttpStatusCode.OK, (await PutSettingsAsync(leader, 2)).StatusCode);
        var stale = await DataAgeLineAsync(rep);
        Assert.Equal("status", stale!.GetAttribute("role"));
        Assert.Contains("stale", stale.ParentElement!.ClassList);
        Assert.Contains("(3 h ago). Older than the 2 h limit", Text(stale), StringComparison.Ordinal);
        var me = await (await app.ApiAsAsync("rep1@test.terrain")).GetFromJsonAsync<JsonElement>("/api/v1/me", Ct);
        Assert.True(me.GetProperty("dataAge").GetProperty("stale").GetBoolean(), me.ToString());
        Assert.Equal(2, me.GetProperty("dataAge").GetProperty("limitHours").GetInt32());

        foreach (var bad in new[] { -1, 745 })
        {
            var refused = await PutSettingsAsync(leader, bad);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.True(refused.StatusCode == HttpStatusCode.UnprocessableEntity, problem.ToString());
            Assert.True(problem.GetProperty("errors").TryGetProperty("dataAgeLimitHours", out _), problem.ToString());
        }

        // Left out, the limit stays as it is; 0 turns the warning off.
        var kept = await PutSettingsAsync(leader, null);
        Assert.Equal(2, (await kept.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("dataAgeLimitHours").GetInt32());
        Assert.Equal("status", (await DataAgeLineAsync(rep))!.GetAttribute("role"));
        Assert.Equal(HttpStatusCode.OK, (await PutSettingsAsync(leader, 0)).StatusCode);
        Assert.Null((await DataAgeLineAsync(rep))!.GetAttribute("role"));

        // Past the limit by the clock alone, with no change anywhere: 48 hours after the import with the default limit.
        Assert.Equal(HttpStatusCode.OK, (await PutSettingsAsync(leader, 48)).StatusCode);
        app.Clock.Advance(TimeSpan.FromHours(46));
        var browser = await app.BrowserAsAsync("rep1@test.terrain");
        Assert.Contains("(2 days ago). Older than the 48 h limit", Text((await DataAgeLineAsync(browser))!), StringComparison.Ordinal);
    }
}
