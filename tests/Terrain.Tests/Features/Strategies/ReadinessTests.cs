using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Tests.Features.Plans;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Strategies;

/// <summary>
/// The readiness board: per rep invited, attended, acknowledged, check passed, attempts and open questions, the team
/// filter and who sees which reps. Buy-in is put in place through the domain, as the buy-in endpoints would.
/// </summary>
public sealed class ReadinessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, int> Right = new() { ["q1"] = 1, ["q2"] = 0 };
    private static readonly Dictionary<string, int> Wrong = new() { ["q1"] = 0, ["q2"] = 0 };

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    private static string Url(TestApp app, Guid? strategy = null, string query = "") => $"/api/v1/strategies/{strategy ?? app.Org.Strategy.Id}/readiness{query}";

    /// <summary>
    /// Rep One attended the workshop, failed the check once, then passed and acknowledged: ready. Rep Two was invited
    /// but absent and failed the check. Rep Three was not invited and has an open question; Rep Two's question is answered.
    /// </summary>
    private static async Task ArrangeAsync(TestApp app)
    {
        var org = app.Org;
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var scheduled = await leader.PostAsJsonAsync($"/api/v1/strategies/{org.Strategy.Id}/workshops",
            new { startsAt = "2026-11-27T09:00:00Z", length = "HalfDay", invitees = new[] { org.Rep1.Id, org.Rep2.Id } }, Ct);
        var workshop = (await JsonAsync(scheduled)).GetProperty("id").GetGuid();
        app.Clock.Advance(TimeSpan.FromDays(1));
        leader = await app.ApiAsAsync("leader@test.terrain");
        var attendance = await leader.PutAsJsonAsync($"/api/v1/strategies/{org.Strategy.Id}/workshops/{workshop}/attendance", new { attended = new[] { org.Rep1.Id } }, Ct);
        Assert.Equal(HttpStatusCode.OK, attendance.StatusCode);

        var now = app.Clock.GetUtcNow();
        await app.WithDbAsync(async d =>
        {
            var strategy = await d.Strategies.SingleAsync(s => s.Id == org.Strategy.Id, Ct);
            var rep1 = new Actor(org.Rep1.Id, Role.Rep);
            var rep2 = new Actor(org.Rep2.Id, Role.Rep);
            var rep3 = new Actor(org.Rep3.Id, Role.Rep);
            d.CheckAttempts.Add(CheckAttempt.Take(strategy, rep1, null, false, Wrong, now).Attempt);
            d.CheckAttempts.Add(CheckAttempt.Take(strategy, rep1, null, false, Right, now.AddMinutes(5)).Attempt);
            d.Acknowledgements.Add(StrategyAcknowledgement.Give(strategy, rep1, null, false, hasCheck: true, passedCheck: true, now.AddMinutes(6)));
            d.CheckAttempts.Add(CheckAttempt.Take(strategy, rep2, null, false, Wrong, now).Attempt);
            d.StrategyQuestions.Add(StrategyQuestion.Ask(strategy, rep3, "whom", "Why not the banks first?", now));
            var answered = StrategyQuestion.Ask(strategy, rep2, null, "Is there a price list?", now);
            answered.Reply(new Actor(org.Leader.Id, Role.Leader), org.Manager1.Id, "Yes, on the intranet.", now);
            d.StrategyQuestions.Add(answered);
            return await d.SaveChangesAsync(Ct);
        });
    }

    private static JsonElement Row(JsonElement view, string name) =>
        view.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("name").GetString() == name);

    private static List<string> Names(JsonElement view) =>
        view.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("name").GetString()!).ToList();

    [Theory, BothDatabases]
    public async Task The_board_shows_for_every_rep_each_step_of_their_buy_in(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await ArrangeAsync(app);
        var leader = await app.ApiAsAsync("leader@test.terrain");

        var response = await leader.GetAsync(Url(app), Ct);
        var view = await JsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(view.GetProperty("hasCheck").GetBoolean());
        Assert.Equal(["Rep One", "Rep Three", "Rep Two"], Names(view));
        var one = Row(view, "Rep One");
        Assert.Equal("rep1@test.terrain", one.GetProperty("email").GetString());
        Assert.Equal("Manager One", one.GetProperty("managerName").GetString());
        Assert.True(one.GetProperty("invited").GetBoolean());
        Assert.True(one.GetProperty("attended").GetBoolean());
        Assert.True(one.GetProperty("acknowledged").GetBoolean());
        Assert.True(one.GetProperty("checkPassed").GetBoolean());
        Assert.Equal(2, one.GetProperty("checkAttempts").GetInt32());
        Assert.Equal(0, one.GetProperty("openQuestions").GetInt32());
        Assert.True(one.GetProperty("ready").GetBoolean());
        var two = Row(view, "Rep Two");
        Assert.True(two.GetProperty("invited").GetBoolean());
        Assert.False(two.GetProperty("attended").GetBoolean());
        Assert.False(two.GetProperty("acknowledged").GetBoolean());
        Assert.False(two.GetProperty("checkPassed").GetBoolean());
        Assert.Equal(1, two.GetProperty("checkAttempts").GetInt32());
        Assert.Equal(0, two.GetProperty("openQuestions").GetInt32());
        Assert.False(two.GetProperty("ready").GetBoolean());
        var three = Row(view, "Rep Three");
        Assert.False(three.GetProperty("invited").GetBoolean());
        Assert.Equal(0, three.GetProperty("checkAttempts").GetInt32());
        Assert.Equal(1, three.GetProperty("openQuestions").GetInt32());

        var totals = view.GetProperty("totals");
        Assert.Equal(3, totals.GetProperty("reps").GetInt32());
        Assert.Equal(2, totals.GetProperty("invited").GetInt32());
        Assert.Equal(1, totals.GetProperty("attended").GetInt32());
        Assert.Equal(1, totals.GetProperty("acknowledged").GetInt32());
        Assert.Equal(1, totals.GetProperty("checkPassed").GetInt32());
        Assert.Equal(1, totals.GetProperty("openQuestions").GetInt32());
        Assert.Equal(1, totals.GetProperty("ready").GetInt32());
        Assert.Equal(["Manager One:2", "Manager Two:1"],
            view.GetProperty("teams").EnumerateArray().Select(t => $"{t.GetProperty("name").GetString()}:{t.GetProperty("reps").GetInt32()}"));
    }

    [Theory, BothDatabases]
    public async Task Leaders_filter_by_team_and_a_team_that_is_no_team_is_refused(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await ArrangeAsync(app);
        var leader = await app.ApiAsAsync("leader@test.terrain");

        var team = await JsonAsync(await leader.GetAsync(Url(app, query: $"?team={app.Org.Manager2.Id}"), Ct));
        var wrong = await leader.GetAsync(Url(app, query: $"?team={app.Org.Rep1.Id}"), Ct);

        Assert.Equal(["Rep Three"], Names(team));
        Assert.Equal(1, team.GetProperty("totals").GetProperty("reps").GetInt32());
        Assert.Equal(0, team.GetProperty("totals").GetProperty("ready").GetInt32());
        Assert.Equal(app.Org.Manager2.Id, team.GetProperty("team").GetGuid());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.True((await JsonAsync(wrong)).GetProperty("errors").TryGetProperty("team", out _));
    }

    [Theory, BothDatabases]
    public async Task Managers_see_only_their_own_team_and_reps_are_refused(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await ArrangeAsync(app);
        var manager = await app.ApiAsAsync("manager1@test.terrain");

        var view = await JsonAsync(await manager.GetAsync(Url(app), Ct));
        var own = await manager.GetAsync(Url(app, query: $"?team={app.Org.Manager1.Id}"), Ct);
        var other = await manager.GetAsync(Url(app, query: $"?team={app.Org.Manager2.Id}"), Ct);

        Assert.Equal(["Rep One", "Rep Two"], Names(view));
        Assert.Equal(["Manager One"], view.GetProperty("teams").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ApiAsAsync("rep1@test.terrain")).GetAsync(Url(app), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync(Url(app, Guid.NewGuid()), Ct)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task A_new_revision_keeps_the_workshops_and_questions_but_needs_a_new_acknowledgement(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await ArrangeAsync(app);
        var org = app.Org;
        var revision2 = await app.WithDbAsync(async d =>
        {
            var leader = new Actor(org.Leader.Id, Role.Leader);
            var now = app.Clock.GetUtcNow();
            var first = await d.Strategies.SingleAsync(s => s.Id == org.Strategy.Id, Ct);
            var next = first.Revise(leader, now);
            next.Edit(leader, null, null, null, null, "Banks later.", now);
            next.Publish(leader, now);
            first.Supersede(now);
            d.Strategies.Add(next);
            await d.SaveChangesAsync(Ct);
            return next.Id;
        });

        var view = await JsonAsync(await (await app.ApiAsAsync("leader@test.terrain")).GetAsync(Url(app, revision2), Ct));

        var one = Row(view, "Rep One");
        Assert.Equal(2, view.GetProperty("revision").GetInt32());
        Assert.True(one.GetProperty("invited").GetBoolean());
        Assert.True(one.GetProperty("attended").GetBoolean());
        Assert.False(one.GetProperty("acknowledged").GetBoolean());
        Assert.False(one.GetProperty("checkPassed").GetBoolean());
        Assert.Equal(0, one.GetProperty("checkAttempts").GetInt32());
        Assert.False(one.GetProperty("ready").GetBoolean());
        Assert.Equal(1, Row(view, "Rep Three").GetProperty("openQuestions").GetInt32());
    }

    [Theory, BothDatabases]
    public async Task Without_a_check_an_acknowledgement_makes_a_rep_ready(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var org = app.Org;
        var id = await app.WithDbAsync(async d =>
        {
            var leader = new Actor(org.Leader.Id, Role.Leader);
            var now = app.Clock.GetUtcNow();
            var strategy = Strategy.Draft(leader, "Services push", new DateOnly(2027, 1, 1), new DateOnly(2027, 6, 30), StrategyBuilder.Content(), now);
            strategy.Publish(leader, now);
            d.Strategies.Add(strategy);
            d.Acknowledgements.Add(StrategyAcknowledgement.Give(strategy, new Actor(org.Rep1.Id, Role.Rep), null, false, hasCheck: false, passedCheck: false, now));
            await d.SaveChangesAsync(Ct);
            return strategy.Id;
        });

        var view = await JsonAsync(await (await app.ApiAsAsync("leader@test.terrain")).GetAsync(Url(app, id), Ct));

        Assert.False(view.GetProperty("hasCheck").GetBoolean());
        Assert.Equal(JsonValueKind.Null, Row(view, "Rep One").GetProperty("checkPassed").ValueKind);
        Assert.True(Row(view, "Rep One").GetProperty("ready").GetBoolean());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("totals").GetProperty("checkPassed").ValueKind);
        Assert.Equal(1, view.GetProperty("totals").GetProperty("ready").GetInt32());
    }

    // ---- The page ----

    private static string PageUrl(TestApp app, string query = "") => $"/Strategies/{app.Org.Strategy.Id}/Readiness{query}";

    [Theory, BothDatabases]
    public async Task The_readiness_page_lists_the_reps_with_marks_totals_and_the_chart_data(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await ArrangeAsync(app);
        var leader = new PlanPageClient(await app.BrowserAsAsync("leader@test.terrain"));

        var page = await leader.GetAsync(PageUrl(app));

        var rows = page.QuerySelectorAll("table.readiness tbody tr").ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal("Rep One rep1@test.terrain", PlanPageClient.Text(rows[0].QuerySelector("th")));
        Assert.Equal(["Manager One", "✓invited", "✓attended", "✓acknowledged", "✓passed 2 attempts", "0", "✓ready"],
            rows[0].QuerySelectorAll("td").Select(PlanPageClient.Text));
        Assert.Equal(["Manager One", "✓invited", "–not attended", "–not acknowledged", "–not passed 1 attempt", "0", "–not ready"],
            rows[2].QuerySelectorAll("td").Select(PlanPageClient.Text));
        Assert.Equal($"/Strategies/{app.Org.Strategy.Id}/Questions", rows[1].QuerySelector("a[href$='/Questions']")!.GetAttribute("href"));

        var counts = page.QuerySelectorAll("#readiness-counts tbody tr[data-count]")
            .ToDictionary(r => r.GetAttribute("data-step")!, r => r.GetAttribute("data-count"));
        Assert.Equal(new Dictionary<string, string?> { ["invited"] = "2", ["attended"] = "1", ["acknowledged"] = "1", ["check"] = "1", ["ready"] = "1" }, counts);
        Assert.NotNull(page.QuerySelector("canvas#readiness-chart"));
        Assert.NotNull(page.QuerySelector("script[src*='readiness.js']"));
        var options = page.QuerySelectorAll("select#team option").Select(PlanPageClient.Text).ToList();
        Assert.Equal(["All teams", "Manager One (2)", "Manager Two (1)"], options);

        var filtered = await leader.GetAsync(PageUrl(app, $"?team={app.Org.Manager2.Id}"));
        Assert.Equal(["Rep Three rep3@test.terrain"], filtered.QuerySelectorAll("table.readiness tbody tr th").Select(PlanPageClient.Text));
        Assert.True(filtered.QuerySelector($"select#team option[value='{app.Org.Manager2.Id}']")!.HasAttribute("selected"));
    }

    [Theory, BothDatabases]
    public async Task A_manager_sees_their_team_on_the_page_and_a_rep_is_sent_to_the_not_allowed_page(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await ArrangeAsync(app);
        var manager = new PlanPageClient(await app.BrowserAsAsync("manager2@test.terrain"));

        var page = await manager.GetAsync(PageUrl(app));
        var rep = await (await app.BrowserAsAsync("rep1@test.terrain")).GetAsync(PageUrl(app), Ct);

        Assert.Single(page.QuerySelectorAll("table.readiness tbody tr"));
        Assert.StartsWith("Rep Three", PlanPageClient.Text(page.QuerySelector("table.readiness tbody th")), StringComparison.Ordinal);
        await manager.GetAsync(PageUrl(app, $"?team={app.Org.Manager1.Id}"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Redirect, rep.StatusCode);
        Assert.Contains("/Auth/Denied", rep.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }
}
