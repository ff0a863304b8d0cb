using Terrain.Domain;
using Terrain.Features.Strategies;
using Terrain.Tests.Features.Plans;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Strategies;

/// <summary>The readiness page stays readable in a large organisation: by team first, each rep once a team is chosen.</summary>
public sealed class ReadinessAtScalePageTests
{
    [Fact]
    public async Task Above_the_limit_all_teams_shows_the_table_by_team_and_a_team_lists_each_rep()
    {
        var app = await TestApp.StartAsync(Db.Sqlite);
        var org = app.Org;
        var now = app.Clock.GetUtcNow();
        await app.WithDbAsync(async d =>
        {
            var manager = await d.Users.FindAsync([org.Manager2.Id], TestContext.Current.CancellationToken);
            for (var i = 0; i < ReadinessModel.MaxRowsWithoutTeam; i++)
            {
                d.Users.Add(TestOrg.User($"scale{i}@test.terrain", $"Scale Rep {i:D3}", Role.Rep, manager, now));
            }

            return await d.SaveChangesAsync(TestContext.Current.CancellationToken);
        });
        var leader = new PlanPageClient(await app.BrowserAsAsync(org.Leader.Email!));

        var all = await leader.GetAsync($"/Strategies/{org.Strategy.Id}/Readiness");
        Assert.NotNull(all.QuerySelector("#choose-team"));
        Assert.Null(all.QuerySelector("table.readiness"));
        var teams = all.QuerySelectorAll("#readiness-teams tbody tr").Select(r => PlanPageClient.Text(r.QuerySelector("th"))).ToList();
        Assert.Equal(["Manager One", "Manager Two"], teams);
        Assert.Equal("2", PlanPageClient.Text(all.QuerySelectorAll("#readiness-teams tbody tr")[0].QuerySelector("td")));

        var team = await leader.GetAsync($"/Strategies/{org.Strategy.Id}/Readiness?team={org.Manager1.Id}");
        Assert.Equal(2, team.QuerySelectorAll("table.readiness tbody tr").Length);
        Assert.Null(team.QuerySelector("#readiness-teams"));
    }
}
