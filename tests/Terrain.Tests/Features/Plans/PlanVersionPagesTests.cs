using System.Net;
using System.Net.Http.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Terrain.Domain.Planning;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Plans;

/// <summary>The versions list, the side-by-side comparison and the print view of a plan, driven through the API.</summary>
public sealed class PlanVersionPagesTests
{
    private const string SecondSummary = "Grow the installed base in the south; win two new logos in health care.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<IHtmlDocument> PageAsync(HttpClient browser, string path)
    {
        var response = await browser.GetAsync(path, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {response.StatusCode}");
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync(Ct));
    }

    private static async Task PostAsync(HttpClient client, string url, object? body = null)
    {
        var response = await client.PostAsync(url, body is null ? null : JsonContent.Create(body), Ct);
        Assert.True(response.IsSuccessStatusCode, $"POST {url}: {response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private static async Task SaveSummaryAsync(HttpClient rep, Guid planId, string text)
    {
        var url = $"/api/v1/plans/{planId}/sections/summary";
        var etag = (await rep.GetAsync(url, Ct)).Headers.ETag!.ToString();
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(new { text }) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        var response = await rep.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, $"PUT {url}: {response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    /// <summary>Rep One submits, Manager One sends the plan back, Rep One changes the summary and resubmits.</summary>
    private static async Task<Guid> TwoSubmissionsAsync(TestApp app)
    {
        var planId = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        await PostAsync(await app.ApiAsAsync("rep1@test.terrain"), $"/api/v1/plans/{planId}/submit");
        // Access tokens live an hour: each step after a move of the clock signs in again.
        app.Clock.Advance(TimeSpan.FromHours(2));
        await PostAsync(await app.ApiAsAsync("manager1@test.terrain"), $"/api/v1/plans/{planId}/request-changes", new { comment = "Which region?" });
        app.Clock.Advance(TimeSpan.FromDays(1));
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        await SaveSummaryAsync(rep, planId, SecondSummary);
        await PostAsync(rep, $"/api/v1/plans/{planId}/submit");
        return planId;
    }

    [Theory, BothDatabases]
    public async Task The_versions_page_lists_every_submission_and_offers_the_last_two_to_compare(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var planId = await TwoSubmissionsAsync(app);
        var manager = await app.BrowserAsAsync("manager1@test.terrain");

        var page = await PageAsync(manager, $"/Plans/{planId}/Versions");

        var rows = page.QuerySelectorAll("table.versions tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Contains("Rep One", r, StringComparison.Ordinal));
        Assert.Contains("26 Nov 2026 09:00", rows[0], StringComparison.Ordinal);
        Assert.Contains("27 Nov 2026 11:00", rows[1], StringComparison.Ordinal);
        Assert.Equal("1", page.QuerySelector("select#a option[selected]")?.GetAttribute("value"));
        Assert.Equal("2", page.QuerySelector("select#b option[selected]")?.GetAttribute("value"));
        Assert.Contains(page.QuerySelectorAll("select#b option"), o => o.TextContent == "Current draft");
        Assert.Equal($"/Plans/{planId}/Compare", page.QuerySelector("form.compare-pick")?.GetAttribute("action"));
    }

    [Theory, BothDatabases]
    public async Task While_the_rep_revises_the_default_comparison_is_the_last_submission_against_the_draft(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var planId = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        await PostAsync(rep, $"/api/v1/plans/{planId}/submit");
        await PostAsync(await app.ApiAsAsync("manager1@test.terrain"), $"/api/v1/plans/{planId}/request-changes", new { comment = "Which region?" });
        await SaveSummaryAsync(rep, planId, SecondSummary);
        var browser = await app.BrowserAsAsync("rep1@test.terrain");

        var versions = await PageAsync(browser, $"/Plans/{planId}/Versions");
        var compare = await PageAsync(browser, $"/Plans/{planId}/Compare");

        Assert.Single(versions.QuerySelectorAll("table.versions tbody tr"));
        Assert.Equal("1", versions.QuerySelector("select#a option[selected]")?.GetAttribute("value"));
        Assert.Equal("current", versions.QuerySelector("select#b option[selected]")?.GetAttribute("value"));
        var heads = compare.QuerySelectorAll("#section-summary ~ table.diff thead th").Select(h => h.TextContent).ToList();
        Assert.StartsWith("Submission 1", heads[0], StringComparison.Ordinal);
        Assert.Equal("Current draft", heads[1]);
    }

    [Theory, BothDatabases]
    public async Task The_compare_page_marks_the_changed_words_and_collapses_unchanged_sections(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var planId = await TwoSubmissionsAsync(app);
        var manager = await app.BrowserAsAsync("manager1@test.terrain");

        var page = await PageAsync(manager, $"/Plans/{planId}/Compare?a=1&b=2");
        // Picked the other way round, the older version still goes on the left.
        var swapped = await PageAsync(manager, $"/Plans/{planId}/Compare?a=2&b=1");
        var onlyChanged = await PageAsync(manager, $"/Plans/{planId}/Compare?a=1&b=2&changed=true");

        var changed = Assert.Single(page.QuerySelectorAll("section.diff-section.changed"));
        Assert.Equal("section-summary", changed.GetAttribute("aria-labelledby"));
        var row = Assert.Single(changed.QuerySelectorAll("table.diff tr.changed"));
        Assert.Equal(["north;"], row.QuerySelectorAll("td.old del").Select(d => d.ChildNodes.Where(n => n is not IHtmlSpanElement).Select(n => n.TextContent).Single()));
        Assert.Equal(["south;"], row.QuerySelectorAll("td.new ins").Select(d => d.ChildNodes.Where(n => n is not IHtmlSpanElement).Select(n => n.TextContent).Single()));
        Assert.Contains("[removed: ", row.QuerySelector("td.old del")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("[added: ", row.QuerySelector("td.new ins")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("1 of 10", page.QuerySelector(".compare-stats")!.TextContent, StringComparison.Ordinal);
        var unchanged = page.QuerySelectorAll("section.diff-section.same").ToList();
        Assert.Equal(9, unchanged.Count);
        Assert.All(unchanged, s => Assert.Contains("no changes", s.QuerySelector("details > summary")!.TextContent, StringComparison.Ordinal));
        Assert.All(unchanged, s => Assert.False(s.HasAttribute("hidden")));
        Assert.StartsWith("Submission 1", swapped.QuerySelector("table.diff thead th")!.TextContent, StringComparison.Ordinal);
        Assert.All(onlyChanged.QuerySelectorAll("section.diff-section.same"), s => Assert.True(s.HasAttribute("hidden")));
        Assert.Empty(onlyChanged.QuerySelectorAll("section.diff-section.changed[hidden]"));
    }

    [Theory, BothDatabases]
    public async Task Versions_that_do_not_exist_and_plans_out_of_sight_are_not_found(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var planId = await TwoSubmissionsAsync(app);
        var manager1 = await app.BrowserAsAsync("manager1@test.terrain");
        var manager2 = await app.BrowserAsAsync("manager2@test.terrain");

        Assert.Equal(HttpStatusCode.NotFound, (await manager1.GetAsync($"/Plans/{planId}/Compare?a=1&b=3", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager1.GetAsync($"/Plans/{planId}/Compare?a=one&b=2", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager2.GetAsync($"/Plans/{planId}/Versions", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager2.GetAsync($"/Plans/{planId}/Compare?a=1&b=2", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager2.GetAsync($"/Plans/{planId}/Print", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager1.GetAsync($"/Plans/{Guid.NewGuid()}/Versions", Ct)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task The_print_page_has_the_header_every_section_in_order_and_the_approval(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var planId = await TwoSubmissionsAsync(app);
        await PostAsync(await app.ApiAsAsync("manager1@test.terrain"), $"/api/v1/plans/{planId}/approve", new { comment = "Good plan." });
        var rep = await app.BrowserAsAsync("rep1@test.terrain");

        var page = await PageAsync(rep, $"/Plans/{planId}/Print");

        var header = page.QuerySelector(".doc-header")!.TextContent;
        Assert.Contains("Rep One", header, StringComparison.Ordinal);
        Assert.Contains("Manager One", header, StringComparison.Ordinal);
        Assert.Contains("FY2027", header, StringComparison.Ordinal);
        Assert.Contains("Approved", header, StringComparison.Ordinal);
        Assert.Contains("2 submissions", header, StringComparison.Ordinal);
        Assert.Contains("Printed", header, StringComparison.Ordinal);
        var titles = page.QuerySelectorAll("section.print-section > h2").Select(h => h.TextContent).ToList();
        Assert.Equal(DefaultTemplate.Sections.Count, titles.Count);
        Assert.All(DefaultTemplate.Sections.Zip(titles), p => Assert.Contains(p.First.Title, p.Second, StringComparison.Ordinal));
        Assert.Contains(SecondSummary, page.QuerySelector("section.print-section")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("approved on", page.QuerySelector(".approval")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Good plan.", page.QuerySelector("table.reviews")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(5, page.QuerySelectorAll("table.gap tr").Length - 1);
        Assert.Equal(10, page.QuerySelectorAll("table.print-checklist tbody tr").Length);
        Assert.Null(page.QuerySelector("nav"));
        Assert.Contains(page.QuerySelectorAll("link[rel=stylesheet]"), l => l.GetAttribute("href")!.StartsWith("/css/print.css", StringComparison.Ordinal));
        Assert.True(page.QuerySelector("button#print-button")!.HasAttribute("hidden"));
        Assert.Contains(page.QuerySelectorAll("script"), s => s.GetAttribute("src")!.StartsWith("/js/print.js", StringComparison.Ordinal));
    }
}
