using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Quotas;

/// <summary>
/// Quotas allocated to teams first, then within each team to its reps (ADR 0048): the leader sets the teams' numbers,
/// the team's manager shares theirs out, and publishing needs both steps to sum, on both databases.
/// Manager One leads Rep One and Rep Two; Manager Two leads Rep Three.
/// </summary>
public sealed class TeamsFirstAllocationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Allocations(TestApp app) => $"/api/v1/cycles/{app.Org.Cycle.Id}/quota-allocations";

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    private static JsonElement Team(JsonElement view, Guid managerId) =>
        view.GetProperty("teams").EnumerateArray().Single(t => t.GetProperty("managerId").GetString() == managerId.ToString());

    private static List<decimal> Amounts(JsonElement element, string property) =>
        element.GetProperty(property).EnumerateArray().Select(x => x.GetDecimal()).ToList();

    private static JsonElement Rep(JsonElement view, Guid repId) =>
        view.GetProperty("reps").EnumerateArray().Single(r => r.GetProperty("repId").GetString() == repId.ToString());

    private static async Task<JsonElement> AllocateAsync(HttpClient leader, TestApp app)
    {
        var response = await leader.PostAsJsonAsync(Allocations(app), new { target = 1_000_000m, method = "Equal", seasonality = "Even" }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await JsonAsync(response);
    }

    private static Task<decimal> QuotaOfAsync(TestApp app, Guid id) => app.WithDbAsync(async d =>
        (await d.Quotas.Where(q => q.CycleId == app.Org.Cycle.Id && q.RepId == id).Select(q => q.Amount).ToListAsync(Ct)).Sum());

    [Theory, BothDatabases]
    public async Task Teams_get_their_number_first_and_the_reps_of_a_team_changed_are_shared_out_within_it(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var view = await AllocateAsync(leader, app);

        // Equal between three reps: the team of two gets two thirds, on the same basis as its reps.
        Assert.Equal(1_000_000m, view.GetProperty("teamsTotal").GetDecimal());
        Assert.Equal(666_666.67m, Team(view, app.Org.Manager1.Id).GetProperty("quotaTotal").GetDecimal());
        Assert.Equal(0m, Team(view, app.Org.Manager1.Id).GetProperty("difference").GetDecimal());
        Assert.Equal(1, await app.WithDbAsync(d => d.Notifications.CountAsync(n => n.UserId == app.Org.Manager1.Id && n.Key.StartsWith("quota-team:"), Ct)));

        var set = await leader.PutAsJsonAsync($"{Allocations(app)}/current/teams", new
        {
            version = view.GetProperty("version").GetInt32(),
            teams = new[]
            {
                new { managerId = (Guid?)app.Org.Manager1.Id, quarters = new[] { 150_000.01m, 150_000m, 150_000m, 150_000m } },
                new { managerId = (Guid?)app.Org.Manager2.Id, quarters = new[] { 100_000m, 100_000m, 100_000m, 99_999.99m } },
            },
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var after = await JsonAsync(set);

        Assert.Equal(0m, after.GetProperty("teamsDifference").GetDecimal());
        var team1 = Team(after, app.Org.Manager1.Id);
        Assert.True(team1.GetProperty("adjusted").GetBoolean());
        Assert.Equal(0m, team1.GetProperty("difference").GetDecimal());
        var rep1 = Amounts(Rep(after, app.Org.Rep1.Id), "draft");
        var rep2 = Amounts(Rep(after, app.Org.Rep2.Id), "draft");
        Assert.Equal([150_000.01m, 150_000m, 150_000m, 150_000m], rep1.Zip(rep2, (a, b) => a + b));
        Assert.Equal(399_999.99m, Amounts(Rep(after, app.Org.Rep3.Id), "draft").Sum());
        Assert.Equal(1, await app.WithDbAsync(d => d.AuditEntries.CountAsync(e => e.Action == "quota.allocation.teams", Ct)));
        Assert.Equal(2, await app.WithDbAsync(d => d.Notifications.CountAsync(n => n.UserId == app.Org.Manager1.Id && n.Key.StartsWith("quota-team:"), Ct)));

        (await leader.PostAsync($"{Allocations(app)}/current/publish", null, Ct)).EnsureSuccessStatusCode();

        // The teams' numbers are the managers' team quotas; the reps' quotas sum to them.
        Assert.Equal(600_000.01m, await QuotaOfAsync(app, app.Org.Manager1.Id));
        Assert.Equal(399_999.99m, await QuotaOfAsync(app, app.Org.Manager2.Id));
        Assert.Equal(600_000.01m, await QuotaOfAsync(app, app.Org.Rep1.Id) + await QuotaOfAsync(app, app.Org.Rep2.Id));
    }

    [Theory, BothDatabases]
    public async Task A_manager_shares_out_their_own_team_only_and_nothing_is_published_until_both_steps_sum(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var manager1 = await app.ApiAsAsync("manager1@test.terrain");
        var view = await AllocateAsync(leader, app);
        var version = view.GetProperty("version").GetInt32();

        // The manager reads their own team only.
        var mine = await JsonAsync(await manager1.GetAsync($"{Allocations(app)}/current", Ct));
        Assert.False(mine.GetProperty("wholeOrganisation").GetBoolean());
        Assert.Equal(new[] { app.Org.Rep1.Id.ToString(), app.Org.Rep2.Id.ToString() }.Order(),
            mine.GetProperty("reps").EnumerateArray().Select(r => r.GetProperty("repId").GetString()!).Order());
        Assert.Single(mine.GetProperty("teams").EnumerateArray());

        // Another team's rep, the teams' numbers and publishing are not the manager's.
        var rep3 = Amounts(Rep(view, app.Org.Rep3.Id), "draft");
        Assert.Equal(HttpStatusCode.Forbidden, (await manager1.PutAsJsonAsync($"{Allocations(app)}/current/draft",
            new { version, reps = new[] { new { repId = app.Org.Rep3.Id, quarters = rep3 } } }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager1.PutAsJsonAsync($"{Allocations(app)}/current/teams",
            new { version, teams = Array.Empty<object>() }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager1.PostAsync($"{Allocations(app)}/current/publish", null, Ct)).StatusCode);

        // The manager moves 1,000 from Rep Two to Rep One and gives Rep One 5 more than the team has; the leader takes 5
        // from Rep Three. The reps sum to the target, but not each team to its quota.
        var rep1 = Amounts(Rep(view, app.Org.Rep1.Id), "draft");
        var rep2 = Amounts(Rep(view, app.Org.Rep2.Id), "draft");
        var moved = await manager1.PutAsJsonAsync($"{Allocations(app)}/current/draft", new
        {
            version,
            reps = new[]
            {
                new { repId = app.Org.Rep1.Id, quarters = new[] { rep1[0] + 1_000m, rep1[1], rep1[2], rep1[3] + 5m } },
                new { repId = app.Org.Rep2.Id, quarters = new[] { rep2[0] - 1_000m, rep2[1], rep2[2], rep2[3] } },
            },
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var off = await JsonAsync(moved);
        Assert.Equal(5m, Team(off, app.Org.Manager1.Id).GetProperty("difference").GetDecimal());

        // A stale version is refused.
        Assert.Equal(HttpStatusCode.Conflict, (await manager1.PutAsJsonAsync($"{Allocations(app)}/current/draft",
            new { version, reps = new[] { new { repId = app.Org.Rep1.Id, quarters = rep1 } } }, Ct)).StatusCode);
        var lowered = await JsonAsync(await leader.PutAsJsonAsync($"{Allocations(app)}/current/draft", new
        {
            version = off.GetProperty("version").GetInt32(),
            reps = new[] { new { repId = app.Org.Rep3.Id, quarters = new[] { rep3[0] - 5m, rep3[1], rep3[2], rep3[3] } } },
        }, Ct));
        Assert.Equal(0m, lowered.GetProperty("difference").GetDecimal());

        var refused = await leader.PostAsync($"{Allocations(app)}/current/publish", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await JsonAsync(refused);
        Assert.True(problem.GetProperty("errors").TryGetProperty("team-does-not-sum", out var messages), problem.ToString());
        Assert.Contains("Manager One", messages[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(d => d.RepQuotas.CountAsync(r => r.PublishedVersion != null, Ct)));
        Assert.Equal(0m, await QuotaOfAsync(app, app.Org.Rep1.Id));

        // The leader moves 5 of the team of Manager Two's quota to the team of Manager One: both teams' reps are
        // shared out again within them (the manager's adjustment is replaced), and it publishes.
        var team1 = Amounts(Team(lowered, app.Org.Manager1.Id), "quota");
        var team2 = Amounts(Team(lowered, app.Org.Manager2.Id), "quota");
        var moveTeams = await leader.PutAsJsonAsync($"{Allocations(app)}/current/teams", new
        {
            version = lowered.GetProperty("version").GetInt32(),
            teams = new[]
            {
                new { managerId = app.Org.Manager1.Id, quarters = new[] { team1[0], team1[1], team1[2], team1[3] + 5m } },
                new { managerId = app.Org.Manager2.Id, quarters = new[] { team2[0], team2[1], team2[2], team2[3] - 5m } },
            },
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, moveTeams.StatusCode);
        var balanced = await JsonAsync(moveTeams);
        Assert.All(balanced.GetProperty("teams").EnumerateArray(), t => Assert.Equal(0m, t.GetProperty("difference").GetDecimal()));
        (await leader.PostAsync($"{Allocations(app)}/current/publish", null, Ct)).EnsureSuccessStatusCode();
        Assert.Equal(1_000_000m, await QuotaOfAsync(app, app.Org.Rep1.Id) + await QuotaOfAsync(app, app.Org.Rep2.Id) + await QuotaOfAsync(app, app.Org.Rep3.Id));
        Assert.Equal(await QuotaOfAsync(app, app.Org.Manager1.Id), await QuotaOfAsync(app, app.Org.Rep1.Id) + await QuotaOfAsync(app, app.Org.Rep2.Id));
    }

    [Theory, BothDatabases]
    public async Task Bad_team_amounts_and_unknown_teams_are_refused_naming_the_field(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var view = await AllocateAsync(leader, app);
        var version = view.GetProperty("version").GetInt32();

        foreach (var (teams, field) in new (object, string)[]
                 {
                     (new[] { new { managerId = app.Org.Manager1.Id, quarters = new[] { 10m, -1m, 10m, 10m } } }, "teams[0].quarters[1]"),
                     (new[] { new { managerId = app.Org.Manager1.Id, quarters = new[] { 10m, 10m, 10.001m, 10m } } }, "teams[0].quarters[2]"),
                     (new[] { new { managerId = app.Org.Manager1.Id, quarters = new[] { 10m } } }, "teams[0].quarters"),
                     (new[] { new { managerId = app.Org.Rep1.Id, quarters = new[] { 10m, 10m, 10m, 10m } } }, "teams[0].managerId"),
                 })
        {
            var response = await leader.PutAsJsonAsync($"{Allocations(app)}/current/teams", new { version, teams }, Ct);
            var problem = await JsonAsync(response);

            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {problem}");
        }

        Assert.Equal(HttpStatusCode.Conflict, (await leader.PutAsJsonAsync($"{Allocations(app)}/current/teams",
            new { version = version + 7, teams = new[] { new { managerId = app.Org.Manager1.Id, quarters = new[] { 1m, 1m, 1m, 1m } } } }, Ct)).StatusCode);
        Assert.Equal(0, await app.WithDbAsync(d => d.AuditEntries.CountAsync(e => e.Action == "quota.allocation.teams", Ct)));

        // Teams that do not sum to the target are saved, with the difference shown, but not published.
        var over = await JsonAsync(await leader.PutAsJsonAsync($"{Allocations(app)}/current/teams",
            new { version, teams = new[] { new { managerId = app.Org.Manager2.Id, quarters = new[] { 100_000m, 100_000m, 100_000m, 100_000m } } } }, Ct));
        Assert.Equal(66_666.67m, over.GetProperty("teamsDifference").GetDecimal());
        var refused = await leader.PostAsync($"{Allocations(app)}/current/publish", null, Ct);
        var notSumming = await JsonAsync(refused);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.True(notSumming.GetProperty("errors").TryGetProperty("allocation-does-not-sum", out _), notSumming.ToString());
    }
}
