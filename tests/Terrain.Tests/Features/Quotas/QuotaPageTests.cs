using System.Net;
using System.Net.Http.Json;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Planning;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Quotas;

/// <summary>The quota grid of a cycle: one form for every rep the reader may set, saved together (ADR 0034).</summary>
public sealed class QuotaPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(IHtmlDocument Page, HttpResponseMessage Response)> GetAsync(HttpClient browser, string path)
    {
        var response = await browser.GetAsync(path, Ct);
        return (new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync(Ct)), response);
    }

    /// <summary>The grid's form as a browser would post it, every field as rendered, with the given quarters of the given reps typed over.</summary>
    internal static List<KeyValuePair<string, string>> Form(IHtmlDocument page, params (Guid Rep, int Quarter, string Value)[] edits)
    {
        var form = page.GetElementById("quota-grid") ?? throw new InvalidOperationException("The page has no quota grid.");
        var typed = edits.ToDictionary(e => form.QuerySelector($"#rep-{e.Rep} input[name$='.Q{e.Quarter}']")?.GetAttribute("name")
                                            ?? throw new InvalidOperationException($"No Q{e.Quarter} input for {e.Rep}."), e => e.Value);
        return form.QuerySelectorAll("input[name]").Select(i => i.GetAttribute("name")!)
            .Select(name => new KeyValuePair<string, string>(name, typed.GetValueOrDefault(name)
                ?? form.QuerySelector($"input[name='{name}']")!.GetAttribute("value") ?? "")).ToList();
    }

    internal static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string path, List<KeyValuePair<string, string>> form) =>
        await browser.PostAsync(path, new FormUrlEncodedContent(form), Ct);

    private static Task<List<decimal>> StoredAsync(TestApp app, Guid rep) => app.WithDbAsync(db =>
        db.Quotas.Where(q => q.CycleId == app.Org.Cycle.Id && q.RepId == rep).OrderBy(q => q.Quarter).Select(q => q.Amount).ToListAsync(Ct));

    private static IHtmlDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    private static List<string> Cells(AngleSharp.Dom.IElement row) =>
        row.QuerySelectorAll("td.num").Select(c => string.Join(' ', c.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).ToList();

    private static async Task SetAllAsync(TestApp app, Guid rep, decimal amount)
    {
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var response = await leader.PutAsJsonAsync("/api/v1/quotas", new { cycleId = app.Org.Cycle.Id, repId = rep, quarters = new[] { amount, amount, amount, amount } }, Ct);
        response.EnsureSuccessStatusCode();
    }

    [Theory, BothDatabases]
    public async Task Quotas_edited_for_two_reps_are_saved_in_one_go_and_each_change_is_in_the_history(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await SetAllAsync(app, app.Org.Rep1.Id, 50_000m);
        await SetAllAsync(app, app.Org.Rep2.Id, 50_000m);
        var manager = await app.BrowserAsAsync("manager1@test.terrain");
        var path = $"/Cycles/Quotas/{app.Org.Cycle.Id}";
        var (page, _) = await GetAsync(manager, path);

        // The bug this grid fixes: Rep One's Q1 and Rep Two's Q2, typed one after the other, both survive one save.
        var form = Form(page, (app.Org.Rep1.Id, 1, "60000"), (app.Org.Rep2.Id, 2, "$45,500.50"));
        form.RemoveAll(f => f.Key == "Reason");
        form.Add(new("Reason", "Territory split"));
        var saved = await PostAsync(manager, path, form);
        Assert.True(saved.StatusCode == HttpStatusCode.Redirect, Parse(await saved.Content.ReadAsStringAsync(Ct)).QuerySelector("main")?.TextContent);
        var (after, _) = await GetAsync(manager, saved.Headers.Location!.OriginalString);

        Assert.Equal([60_000m, 50_000m, 50_000m, 50_000m], await StoredAsync(app, app.Org.Rep1.Id));
        Assert.Equal([50_000m, 45_500.50m, 50_000m, 50_000m], await StoredAsync(app, app.Org.Rep2.Id));
        Assert.Contains("Saved the quotas of 2 reps (Rep One, Rep Two).", after.QuerySelector(".alert.success")!.TextContent, StringComparison.Ordinal);
        var changes = await app.WithDbAsync(d => d.QuotaChanges.Where(c => c.Source == QuotaSource.Grid).OrderBy(c => c.Quarter).ToListAsync(Ct));
        Assert.Equal([(1, 50_000m, 60_000m), (2, 50_000m, 45_500.50m)], changes.Select(c => (c.Quarter, c.OldAmount!.Value, c.NewAmount)));
        Assert.Single(changes.Select(c => c.BatchId).Distinct());
        Assert.All(changes, c => Assert.Equal("Territory split", c.Reason));
        // Totals recomputed by the server: per rep, per quarter and in all.
        Assert.Equal("$210,000", Cells(after.GetElementById($"rep-{app.Org.Rep1.Id}")!)[4]);
        Assert.Equal(["$110,000", "$95,500.50", "$100,000", "$100,000", "$405,500.50"], Cells(after.QuerySelector("table.quotas tfoot tr")!).Take(5));
        // Each row now carries version 2 (set once through the API, then through the grid).
        Assert.Equal("2", after.QuerySelector($"#rep-{app.Org.Rep1.Id} input[name$='.Version']")!.GetAttribute("value"));

        var (history, _) = await GetAsync(manager, $"{path}?history={app.Org.Rep2.Id}");
        var rows = history.QuerySelectorAll("#quota-history tbody tr").Select(r => string.Join(" | ", r.QuerySelectorAll("td").Skip(1).Select(c => c.TextContent.Trim()))).ToList();
        Assert.Equal("Manager One | the quota grid | Q2 | $50,000 | $45,500.50 | Territory split", rows[0]);
        Assert.Equal(5, rows.Count);
        Assert.Contains("Test Leader | the API | Q1 | – | $50,000", rows[1], StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task A_row_changed_by_someone_else_saves_nothing_names_the_rep_and_keeps_what_was_typed(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await SetAllAsync(app, app.Org.Rep2.Id, 50_000m);
        var manager = await app.BrowserAsAsync("manager1@test.terrain");
        var path = $"/Cycles/Quotas/{app.Org.Cycle.Id}";
        var (page, _) = await GetAsync(manager, path);

        // The leader changes Rep Two while the manager is typing.
        await SetAllAsync(app, app.Org.Rep2.Id, 70_000m);
        var refused = await PostAsync(manager, path, Form(page, (app.Org.Rep1.Id, 1, "1000"), (app.Org.Rep1.Id, 2, "1000"), (app.Org.Rep1.Id, 3, "1000"),
            (app.Org.Rep1.Id, 4, "1000"), (app.Org.Rep2.Id, 1, "55000")));
        var shown = Parse(await refused.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Empty(await StoredAsync(app, app.Org.Rep1.Id));
        Assert.Equal([70_000m, 70_000m, 70_000m, 70_000m], await StoredAsync(app, app.Org.Rep2.Id));
        var conflicts = shown.GetElementById("quota-conflicts")!.TextContent;
        Assert.Contains("Rep Two's quota was changed by Test Leader", conflicts, StringComparison.Ordinal);
        Assert.DoesNotContain("Rep One", conflicts, StringComparison.Ordinal);
        Assert.Equal("1000", shown.QuerySelector($"#rep-{app.Org.Rep1.Id} input[name$='.Q1']")!.GetAttribute("value"));
        Assert.Equal("55000", shown.QuerySelector($"#rep-{app.Org.Rep2.Id} input[name$='.Q1']")!.GetAttribute("value"));
        Assert.Contains("now $70,000", shown.GetElementById($"rep-{app.Org.Rep2.Id}")!.TextContent, StringComparison.Ordinal);
        // Q2 was left as read: it now shows the leader's amount, so saving again does not undo it.
        Assert.Equal("70000", shown.QuerySelector($"#rep-{app.Org.Rep2.Id} input[name$='.Q2']")!.GetAttribute("value"));

        // Shown who changed it, the manager saves again knowingly: the page now carries the version held.
        var again = await PostAsync(manager, path, Form(shown));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal([1000m, 1000m, 1000m, 1000m], await StoredAsync(app, app.Org.Rep1.Id));
        Assert.Equal([55_000m, 70_000m, 70_000m, 70_000m], await StoredAsync(app, app.Org.Rep2.Id));
    }

    [Theory, BothDatabases]
    public async Task Invalid_amounts_are_named_by_rep_and_quarter_and_nothing_is_saved(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.BrowserAsAsync("leader@test.terrain");
        var path = $"/Cycles/Quotas/{app.Org.Cycle.Id}";
        var (page, _) = await GetAsync(leader, path);
        var (rep1, rep3) = (app.Org.Rep1.Id, app.Org.Rep3.Id);

        var response = await PostAsync(leader, path, Form(page, (rep1, 1, "10000"), (rep1, 2, "-5"), (rep1, 3, "10000"), (rep1, 4, "10000"),
            (rep3, 1, "1"), (rep3, 2, "1"), (rep3, 3, "abc"), (rep3, 4, "1")));
        var shown = Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Empty(await StoredAsync(app, rep1));
        Assert.Empty(await StoredAsync(app, rep3));
        Assert.Equal(["Rep Three, Q3: 'abc' is not an amount."], shown.QuerySelectorAll("#quota-errors li").Select(li => li.TextContent.Trim()));

        // With the text fixed, the domain's rule on the negative amount is named the same way.
        var fixedText = await PostAsync(leader, path, Form(page, (rep1, 1, "10000"), (rep1, 2, "-5"), (rep1, 3, "10000"), (rep1, 4, "10000"),
            (rep3, 1, "1"), (rep3, 2, "1"), (rep3, 3, "1"), (rep3, 4, "1")));
        var second = Parse(await fixedText.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, fixedText.StatusCode);
        Assert.Empty(await StoredAsync(app, rep3));
        Assert.Equal(["Rep One, Q2: A quota cannot be negative (-5)."], second.QuerySelectorAll("#quota-errors li").Select(li => li.TextContent.Trim()));
        var inputs = second.QuerySelectorAll($"#rep-{rep1} input[data-money]").ToList();
        Assert.Equal(["10000", "-5", "10000", "10000"], inputs.Select(i => i.GetAttribute("value")));
        Assert.Equal("true", inputs[1].GetAttribute("aria-invalid"));
        Assert.Null(inputs[0].GetAttribute("aria-invalid"));
        Assert.Equal($"#{inputs[1].Id}", second.QuerySelector("#quota-errors li a")!.GetAttribute("href"));
    }

    [Theory, BothDatabases]
    public async Task A_manager_sees_only_own_reps_and_cannot_set_another_teams_rep(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var manager = await app.BrowserAsAsync("manager1@test.terrain");
        var path = $"/Cycles/Quotas/{app.Org.Cycle.Id}";

        var (page, _) = await GetAsync(manager, path);
        var form = Form(page);
        form.AddRange([new("Grid[2].RepId", app.Org.Rep3.Id.ToString()), new("Grid[2].Version", "0"), new("Grid[2].Q1", "1"), new("Grid[2].Q2", "1"),
            new("Grid[2].Q3", "1"), new("Grid[2].Q4", "1")]);
        var refused = await PostAsync(manager, path, form);

        Assert.Equal(["Rep One", "Rep Two"], page.QuerySelectorAll("table.quotas tbody tr[data-quota-row] th").Select(th => th.ChildNodes[0].TextContent.Trim()));
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
        var token = await TestApp.AntiforgeryTokenAsync(admin, path);
        var refused = await PostAsync(admin, path, [new("__RequestVerificationToken", token), new("Grid[0].RepId", app.Org.Rep1.Id.ToString()),
            new("Grid[0].Q1", "1"), new("Grid[0].Q2", "1"), new("Grid[0].Q3", "1"), new("Grid[0].Q4", "1")]);
        var repResponse = await rep.GetAsync(path, Ct);

        Assert.Equal(3, leaderPage.QuerySelectorAll("table.quotas tbody tr[data-quota-row] input[name$='.Q1']").Length);
        Assert.Single(leaderPage.QuerySelectorAll("form#quota-grid button[type=submit]"));
        Assert.Equal(3, adminPage.QuerySelectorAll("table.quotas tbody tr[data-quota-row]").Length);
        Assert.Empty(adminPage.QuerySelectorAll("table.quotas input[data-money]"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Only a sales leader or the rep's own manager", Parse(await refused.Content.ReadAsStringAsync(Ct)).QuerySelector("main .alert.error[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(await StoredAsync(app, app.Org.Rep1.Id));
        Assert.Equal(HttpStatusCode.Redirect, repResponse.StatusCode);
        Assert.Contains("/Auth/Denied", repResponse.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task The_quota_is_set_against_the_strategys_revenue_objectives_in_words(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await SetAllAsync(app, app.Org.Rep1.Id, 100_000m);
        await SetAllAsync(app, app.Org.Rep3.Id, 50_000m);

        var (leaderPage, _) = await GetAsync(await app.BrowserAsAsync("leader@test.terrain"), $"/Cycles/Quotas/{app.Org.Cycle.Id}");
        var (managerPage, _) = await GetAsync(await app.BrowserAsAsync("manager1@test.terrain"), $"/Cycles/Quotas/{app.Org.Cycle.Id}");

        // 600K of quota against the test strategy's one revenue objective of 1.0M.
        Assert.StartsWith("Quota 600K is 400K short of the 1.0M revenue objectives of ", leaderPage.GetElementById("quota-objectives")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.StartsWith("This quota of 400K is 40% of the 1.0M revenue objectives", managerPage.GetElementById("quota-objectives")!.TextContent.Trim(), StringComparison.Ordinal);
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
