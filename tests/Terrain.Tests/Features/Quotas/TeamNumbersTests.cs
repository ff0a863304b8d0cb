using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MiniExcelLibs;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Quotas;

/// <summary>
/// The teams' numbers (ADR 0048) where people read them: the allocation's export (a team column and a teams table that
/// sums to the target), the rep's quota letter, and the manager's summary of the draft (their team's number and what is
/// left to share, not the organisation's target), on both databases. Manager One leads Rep One and Rep Two; Manager
/// Two leads Rep Three.
/// </summary>
public sealed class TeamNumbersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Allocations(TestApp app) => $"/api/v1/cycles/{app.Org.Cycle.Id}/quota-allocations";

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    /// <summary>1,000,000 equally, then the teams set to 600,000.01 (Manager One's) and 399,999.99 (Manager Two's).</summary>
    private static async Task<JsonElement> AllocateWithTeamsAsync(TestApp app, HttpClient leader)
    {
        var created = await leader.PostAsJsonAsync(Allocations(app), new { target = 1_000_000m, method = "Equal", seasonality = "Even" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await JsonAsync(created);
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
        return await JsonAsync(set);
    }

    private static string[] Lines(byte[] csv) => Encoding.UTF8.GetString(csv).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

    [Theory, BothDatabases]
    public async Task The_export_names_each_reps_team_and_has_a_teams_table_that_sums_to_the_target(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        await AllocateWithTeamsAsync(app, leader);

        var reps = Lines(await leader.GetByteArrayAsync($"{Allocations(app)}/current/export?format=csv", Ct));
        var teams = Lines(await leader.GetByteArrayAsync($"{Allocations(app)}/current/export?format=csv&table=teams", Ct));
        using var xlsx = new MemoryStream(await leader.GetByteArrayAsync($"{Allocations(app)}/current/export?format=xlsx", Ct));

        Assert.StartsWith("Rep,Team,Manager,", reps[0], StringComparison.Ordinal);
        // A draft's quarters are the draft's amounts, as its total is.
        Assert.Equal([100_000m, 100_000m, 100_000m, 99_999.99m, 399_999.99m], Row(reps, "Rep Three,Team of Manager Two,Manager Two,")[7..12]);
        Assert.Single(reps, l => l.StartsWith("Rep One,Team of Manager One,", StringComparison.Ordinal));
        Assert.Equal("Team,Manager,Reps,Q1,Q2,Q3,Q4,Team's quota,Its reps,Difference", teams[0]);
        Assert.Equal([150_000.01m, 150_000m, 150_000m, 150_000m, 600_000.01m, 600_000.01m, 0m], Row(teams, "Team of Manager One,Manager One,2,")[3..]);
        Assert.Equal([100_000m, 100_000m, 100_000m, 99_999.99m, 399_999.99m, 399_999.99m, 0m], Row(teams, "Team of Manager Two,Manager Two,1,")[3..]);
        Assert.Equal([250_000.01m, 250_000m, 250_000m, 249_999.99m, 1_000_000m, 1_000_000m, null], Row(teams, "Total,,3,")[3..]);
        Assert.Equal(1_000_000m, Row(teams, "Target,")[7]);
        Assert.Equal(0m, Row(teams, "Difference,")[7]);
        Assert.Equal(["allocation", "teams"], xlsx.GetSheetNames());
        var page = await (await app.BrowserAsAsync("leader@test.terrain")).GetByteArrayAsync($"/Quotas/Allocate/{app.Org.Cycle.Id}?handler=Export&format=csv&table=teams", Ct);
        Assert.Equal(teams, Lines(page));
    }

    [Theory, BothDatabases]
    public async Task The_quota_letter_gives_the_reps_team_number(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        await AllocateWithTeamsAsync(app, leader);
        (await leader.PostAsync($"{Allocations(app)}/current/publish", null, Ct)).EnsureSuccessStatusCode();

        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var letter = await JsonAsync(await rep.GetAsync($"/api/v1/me/quota-letter?cycle={app.Org.Cycle.Id}", Ct));
        var page = await (await app.BrowserAsAsync("rep1@test.terrain")).GetStringAsync($"/Quotas/Letter?cycle={app.Org.Cycle.Id}", Ct);

        var assumptions = letter.GetProperty("assumptions");
        Assert.Equal("Manager One", assumptions.GetProperty("team").GetString());
        Assert.Equal(600_000.01m, assumptions.GetProperty("teamTotal").GetDecimal());
        Assert.Equal([150_000.01m, 150_000m, 150_000m, 150_000m], assumptions.GetProperty("teamQuarters").EnumerateArray().Select(q => q.GetDecimal()));
        Assert.Contains("Your team's number: <strong>$600,000.01</strong> (the team of Manager One: Q1 $150,000.01, Q2 $150,000", page, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task A_manager_sees_their_teams_number_and_what_is_left_to_share_and_a_leader_the_whole_target(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var view = await AllocateWithTeamsAsync(app, leader);
        var rep1 = view.GetProperty("reps").EnumerateArray().Single(r => r.GetProperty("repId").GetGuid() == app.Org.Rep1.Id)
            .GetProperty("draft").EnumerateArray().Select(q => q.GetDecimal()).ToList();
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var lowered = await manager.PutAsJsonAsync($"{Allocations(app)}/current/draft", new
        {
            version = view.GetProperty("version").GetInt32(),
            reps = new[] { new { repId = app.Org.Rep1.Id, quarters = new[] { rep1[0] - 1_000m, rep1[1], rep1[2], rep1[3] } } },
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, lowered.StatusCode);

        var managerPage = await (await app.BrowserAsAsync("manager1@test.terrain")).GetStringAsync($"/Quotas/Allocate/{app.Org.Cycle.Id}", Ct);
        var leaderPage = await (await app.BrowserAsAsync("leader@test.terrain")).GetStringAsync($"/Quotas/Allocate/{app.Org.Cycle.Id}", Ct);

        var summary = Summary(managerPage);
        Assert.Contains("Your team's quota is $600,000.01; your reps' quotas sum to $599,000.01: $1,000 left to share.", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("1,000,000", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("equally", summary, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("$1,000,000 ", Summary(leaderPage), StringComparison.Ordinal);
    }

    /// <summary>The line that starts so, its cells as numbers (null where empty or not a number).</summary>
    private static decimal?[] Row(string[] lines, string start) =>
        [.. Assert.Single(lines, l => l.StartsWith(start, StringComparison.Ordinal)).Split(',')
            .Select(c => decimal.TryParse(c, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : (decimal?)null)];

    private static string Summary(string page)
    {
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(page);
        return string.Join(' ', (document.QuerySelector("#allocation-summary")?.TextContent ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }
}
