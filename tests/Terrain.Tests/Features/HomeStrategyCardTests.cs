using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Tests.Features.Plans;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features;

public sealed class HomeStrategyCardTests
{
    [Theory, BothDatabases]
    public async Task The_home_page_asks_a_rep_to_acknowledge_the_strategy_and_shows_managers_how_many_have(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var org = app.Org;
        var rep = new PlanPageClient(await app.BrowserAsAsync(org.Rep1.Email!));
        var manager = new PlanPageClient(await app.BrowserAsAsync(org.Manager1.Email!));

        var before = await rep.GetAsync("/");
        Assert.Contains("Read the strategy", before.QuerySelector(".strategy-card")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("0 of 2", (await manager.GetAsync("/")).QuerySelector(".strategy-card")!.TextContent, StringComparison.Ordinal);

        await app.WithDbAsync(async d =>
        {
            var strategy = await d.Strategies.FindAsync([org.Strategy.Id], TestContext.Current.CancellationToken);
            d.Acknowledgements.Add(StrategyAcknowledgement.Give(strategy!, new Actor(org.Rep1.Id, Role.Rep), null, false, true, true, app.Clock.GetUtcNow()));
            return await d.SaveChangesAsync(TestContext.Current.CancellationToken);
        });

        Assert.Contains("You have read and acknowledged", (await rep.GetAsync("/")).QuerySelector(".strategy-card")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("1 of 2", (await manager.GetAsync("/")).QuerySelector(".strategy-card")!.TextContent, StringComparison.Ordinal);
        Assert.Null((await new PlanPageClient(await app.BrowserAsAsync(org.Admin.Email!)).GetAsync("/")).QuerySelector(".strategy-card"));
    }
}
