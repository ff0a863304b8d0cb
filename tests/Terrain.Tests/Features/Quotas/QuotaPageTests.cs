using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Quotas;

/// <summary>The quota page of a cycle: one row per rep, one input per quarter, each row saved on its own.</summary>
public sealed class QuotaPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(IHtmlDocument Page, HttpResponseMessage Response)> GetAsync(HttpClient browser, string path)
    {
        var response = await browser.GetAsync(path, Ct);
        return (new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync(Ct)), response);
    }

    private static async Task<HttpResponseMessage> SaveRowAsync(HttpClient browser, string path, Guid rep, params string[] quarters)
    {
        var token = await TestApp.AntiforgeryTokenAsync(browser, path);
        var form = new List<KeyValuePair<string, string>> { new("rep", rep.ToString()), new("__RequestVerificationToken", token) };
        form.AddRange(quarters.Select(q => new KeyValuePair<string, string>("quarters", q)));
        return await browser.PostAsync(path, new FormUrlEncodedContent(form), Ct);
    }

    private static Task<List<decimal>> StoredAsync(TestApp app, Guid rep) => app.WithDbAsync(db =>
        db.Quotas.Where(q => q.CycleId == app.Org.Cycle.Id && q.RepId == rep).OrderBy(q => q.Quarter).Select(q => q.Amount).ToListAsync(Ct));

    [Theory, BothDatabases]
    public async Task A_manager_saves_one_reps_row_and_sees_the_totals_and_the_gap(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var manager = await app.BrowserAsAsync("manager1@test.terrain");
        var path = $"/Cycles/Quotas/{app.Org.Cycle.Id}";

        var saved = await SaveRowAsync(manager, path, app.Org.Rep1.Id, "60000", "60000", "40000", "40000");
        Assert.True(saved.StatusCode == HttpStatusCode.Redirect,
            new HtmlParser().ParseDocument(await saved.Content.ReadAsStringAsync(Ct)).QuerySelector("main")?.TextContent);
        var (page, _) = await GetAsync(manager, saved.Headers.Location!.OriginalString);

        Assert.Equal([60_000m, 60_000m, 40_000m, 40_000m], await StoredAsync(app, app.Org.Rep1.Id));
        Assert.Empty(await StoredAsync(app, app.Org.Rep2.Id));
        Assert.Contains("Saved Rep One's quotas: 200,000 in total.", page.QuerySelector(".alert.success")!.TextContent, StringComparison.Ordinal);
        var row = page.GetElementById($"rep-{app.Org.Rep1.Id}")!;
        Assert.Equal(["60000", "60000", "40000", "40000"], row.QuerySelectorAll("input[name=quarters]").Select(i => i.GetAttribute("value")));
        var cells = Cells(row);
        // The plan is a draft: it has no plan of record, so no goals to set against the quota yet.
        Assert.Equal("200,000", cells[4]);
        Assert.Equal("–", cells[5]);
        Assert.Equal("–", cells[6]);
        Assert.Equal("Q1 quota for Rep One", page.QuerySelector($"label[for=quota-{app.Org.Rep1.Id}-0]")!.TextContent);
        Assert.Equal($"quota-{app.Org.Rep1.Id}", row.QuerySelector("input[name=quarters]")!.GetAttribute("form"));

        // Submitted, its goals show marked as not yet approved; approved, they are the plan of record.
        var plan = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        Assert.True((await (await app.ApiAsAsync("rep1@test.terrain")).PostAsync($"/api/v1/plans/{plan}/submit", null, Ct)).IsSuccessStatusCode);
        var submitted = Cells((await GetAsync(manager, path)).Page.GetElementById($"rep-{app.Org.Rep1.Id}")!);
        Assert.True((await (await app.ApiAsAsync("manager1@test.terrain")).PostAsync($"/api/v1/plans/{plan}/approve", null, Ct)).IsSuccessStatusCode);
        var approved = Cells((await GetAsync(manager, path)).Page.GetElementById($"rep-{app.Org.Rep1.Id}")!);

        // Quota total 200,000 against the plan's revenue goals of 4 x 50,000: no gap.
        Assert.Equal("200,000 submitted, not yet approved", submitted[5]);
        Assert.Equal("200,000", approved[5]);
        Assert.StartsWith("+0", approved[6], StringComparison.Ordinal);
    }

    private static List<string> Cells(AngleSharp.Dom.IElement row) =>
        row.QuerySelectorAll("td.num").Select(c => string.Join(' ', c.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).ToList();

    [Theory, BothDatabases]
    public async Task A_negative_amount_is_refused_on_its_row_naming_the_quarter(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.BrowserAsAsync("leader@test.terrain");
        var path = $"/Cycles/Quotas/{app.Org.Cycle.Id}";

        var response = await SaveRowAsync(leader, path, app.Org.Rep3.Id, "10000", "-5", "10000", "10000");
        var page = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync(Ct));

        // The API's status for the same refusal (the page used to answer 200).
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Empty(await StoredAsync(app, app.Org.Rep3.Id));
        var row = page.GetElementById($"rep-{app.Org.Rep3.Id}")!;
        var error = page.GetElementById($"quota-error-{app.Org.Rep3.Id}")!;
        Assert.Equal("Q2: A quota cannot be negative (-5).", error.TextContent);
        var inputs = row.QuerySelectorAll("input[name=quarters]").ToList();
        Assert.Equal(["10000", "-5", "10000", "10000"], inputs.Select(i => i.GetAttribute("value")));
        Assert.Equal("true", inputs[1].GetAttribute("aria-invalid"));
        Assert.Null(inputs[0].GetAttribute("aria-invalid"));
        Assert.Equal(error.Id, inputs[1].GetAttribute("aria-describedby"));
        Assert.Single(page.QuerySelectorAll(".field-error"));
    }

    [Theory, BothDatabases]
    public async Task A_manager_sees_only_own_reps_and_cannot_set_another_teams_rep(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var manager = await app.BrowserAsAsync("manager1@test.terrain");
        var path = $"/Cycles/Quotas/{app.Org.Cycle.Id}";

        var (page, _) = await GetAsync(manager, path);
        var refused = await SaveRowAsync(manager, path, app.Org.Rep3.Id, "1", "1", "1", "1");

        Assert.Equal(["Rep One", "Rep Two"], page.QuerySelectorAll("table.quotas tbody th").Select(th => th.TextContent.Trim()));
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Empty(await StoredAsync(app, app.Org.Rep3.Id));
    }

    [Theory, BothDatabases]
    public async Task A_leader_sets_anyones_quota_an_admin_only_reads_and_a_rep_is_turned_away(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var path = $"/Cycles/Quotas/{app.Org.Cycle.Id}";
        var leader = await app.BrowserAsAsync("leader@test.terrain");
        var admin = await app.BrowserAsAsync("admin@test.terrain");
        var rep = await app.BrowserAsAsync("rep1@test.terrain");

        var (leaderPage, _) = await GetAsync(leader, path);
        var (adminPage, _) = await GetAsync(admin, path);
        var refused = await SaveRowAsync(admin, path, app.Org.Rep1.Id, "1", "1", "1", "1");
        var repResponse = await rep.GetAsync(path, Ct);

        Assert.Equal(3, leaderPage.QuerySelectorAll("table.quotas tbody tr form").Length);
        Assert.Equal(3, adminPage.QuerySelectorAll("table.quotas tbody tr").Length);
        Assert.Empty(adminPage.QuerySelectorAll("table.quotas input[name=quarters]"));
        Assert.Contains("Only a sales leader or the rep's own manager", new HtmlParser().ParseDocument(await refused.Content.ReadAsStringAsync(Ct))
            .GetElementById($"quota-error-{app.Org.Rep1.Id}")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(await StoredAsync(app, app.Org.Rep1.Id));
        Assert.Equal(HttpStatusCode.Redirect, repResponse.StatusCode);
        Assert.Contains("/Auth/Denied", repResponse.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task The_board_links_to_the_quotas(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var manager = await app.BrowserAsAsync("manager1@test.terrain");

        var (board, _) = await GetAsync(manager, $"/Cycles/Board/{app.Org.Cycle.Id}");

        Assert.NotNull(board.QuerySelector($"a[href='/Cycles/Quotas/{app.Org.Cycle.Id}']"));
    }
}
