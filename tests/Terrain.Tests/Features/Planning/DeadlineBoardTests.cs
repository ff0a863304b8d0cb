using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Planning;

/// <summary>The test cycle's draft is due on 7 Dec 2026 (UTC); the approval window is 14 days. The clock is fake.</summary>
public sealed class DeadlineBoardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<Dictionary<string, JsonElement>> RowsAsync(HttpClient client, TestApp app, string query = "")
    {
        // Access tokens live an hour; a test that moves the clock by days signs in again.
        client = await app.ApiAsAsync(client.DefaultRequestHeaders.From ?? "leader@test.terrain");
        var board = await client.GetFromJsonAsync<JsonElement>($"/api/v1/cycles/{app.Org.Cycle.Id}/board{query}", Ct);
        return board.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("repEmail").GetString()!, r => r);
    }

    [Theory, BothDatabases]
    public async Task Days_left_and_overdue_flags_follow_the_clock_across_the_deadlines(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var rep1 = await app.ApiAsAsync("rep1@test.terrain");
        await rep1.PostAsync($"/api/v1/plans/{app.Org.PlanOf[app.Org.Rep1.Id].Id}/submit", null, Ct);

        var today = await RowsAsync(leader, app);
        Assert.Equal(11, today["rep2@test.terrain"].GetProperty("draftDaysLeft").GetInt32());
        Assert.False(today["rep2@test.terrain"].GetProperty("draftOverdue").GetBoolean());
        Assert.Equal(JsonValueKind.Null, today["rep1@test.terrain"].GetProperty("draftDaysLeft").ValueKind);
        Assert.Equal(14, today["rep1@test.terrain"].GetProperty("approvalDaysLeft").GetInt32());

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 7, 23, 59, 59, TimeSpan.Zero));
        var lastMinute = await RowsAsync(leader, app);
        Assert.Equal(0, lastMinute["rep2@test.terrain"].GetProperty("draftDaysLeft").GetInt32());
        Assert.False(lastMinute["rep2@test.terrain"].GetProperty("draftOverdue").GetBoolean());

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero));
        var nextDay = await RowsAsync(leader, app);
        Assert.True(nextDay["rep2@test.terrain"].GetProperty("draftOverdue").GetBoolean());
        Assert.False(nextDay["rep1@test.terrain"].GetProperty("draftOverdue").GetBoolean());
        Assert.False(nextDay["rep1@test.terrain"].GetProperty("approvalOverdue").GetBoolean());

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 11, 0, 0, 0, TimeSpan.Zero));
        var late = await RowsAsync(leader, app, "?overdue=true&sort=rep");
        Assert.True(late["rep1@test.terrain"].GetProperty("approvalOverdue").GetBoolean());
        Assert.Equal(3, late.Count);
    }

    [Theory, BothDatabases]
    public async Task A_manager_sees_the_team_a_leader_everyone_and_filters_are_checked(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        manager.DefaultRequestHeaders.From = "manager1@test.terrain";
        var leader = await app.ApiAsAsync("leader@test.terrain");

        Assert.Equal(["rep1@test.terrain", "rep2@test.terrain"], (await RowsAsync(manager, app)).Keys.Order());
        Assert.Equal(3, (await RowsAsync(leader, app)).Count);
        Assert.Empty(await RowsAsync(leader, app, "?status=Approved"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await leader.GetAsync($"/api/v1/cycles/{app.Org.Cycle.Id}/board?status=Lost", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await leader.GetAsync($"/api/v1/cycles/{Guid.NewGuid()}/board", Ct)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task The_board_page_shows_each_reps_status_and_flags(Db db)
    {
        var app = await TestApp.StartAsync(db);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 9, 12, 0, 0, TimeSpan.Zero));
        var browser = await app.BrowserAsAsync("manager1@test.terrain");

        var html = await browser.GetStringAsync($"/Cycles/Board/{app.Org.Cycle.Id}?sort=-rep", Ct);
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        var rows = document.QuerySelectorAll("table.data tbody tr").Select(r => r.TextContent).ToList();

        Assert.Equal(2, rows.Count);
        Assert.Contains("Rep Two", rows[0], StringComparison.Ordinal);
        Assert.Contains("missed (2 days overdue)", rows[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Rep Three", html, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task A_reps_home_page_shows_their_own_deadlines(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var browser = await app.BrowserAsAsync("rep2@test.terrain");

        var before = await browser.GetStringAsync("/", Ct);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 8, 8, 0, 0, TimeSpan.Zero));
        var browserLater = await app.BrowserAsAsync("rep2@test.terrain");
        var after = await browserLater.GetStringAsync("/", Ct);

        Assert.Contains("Your FY2027 plan", before, StringComparison.Ordinal);
        Assert.Contains("Draft due <strong>7 Dec 2026</strong>: 11 days left", before, StringComparison.Ordinal);
        Assert.Contains("Your draft is overdue", after, StringComparison.Ordinal);
    }
}
