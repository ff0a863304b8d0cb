using System.Net;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Actuals;
using Terrain.Features.Imports;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Imports;

/// <summary>The set-based save of opportunities (ADR 0026): the cases the staging table and the merge must get right.</summary>
public sealed class SavingOpportunitiesInBulkTests
{
    private const string Header = "externalId,lineId,owner,stage,amount,closeDate,name";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<Opportunity> DealAsync(TestApp app, string externalId, string lineId = "") =>
        app.WithDbAsync(d => d.Opportunities.AsNoTracking().SingleAsync(o => o.ExternalId == externalId && o.LineId == lineId, Ct));

    private static Task<List<OpportunityChange>> ChangesAsync(TestApp app, Guid dealId) =>
        app.WithDbAsync(d => d.OpportunityChanges.AsNoTracking().Where(c => c.OpportunityId == dealId).OrderBy(c => c.ValidFrom).ToListAsync(Ct));

    [Fact]
    public void The_key_set_tells_every_key_apart_and_names_the_first_line()
    {
        var keys = new DealKeys();
        for (var i = 0; i < 50_000; i++)
        {
            Assert.True(keys.TryAdd($"D-{i}", i % 3 == 0 ? "" : $"L{i % 7}", i + 2, out _));
        }

        Assert.False(keys.TryAdd("D-13", "L6", 999_999, out var first));
        Assert.Equal(15, first);
        // The length of the external id is part of the key: ("ab", "c") is not ("a", "bc").
        Assert.True(keys.TryAdd("ab", "c", 1, out _));
        Assert.True(keys.TryAdd("a", "bc", 2, out _));
        Assert.True(keys.TryAdd("é", "", 3, out _));
        Assert.False(keys.TryAdd("é", "", 4, out first));
        Assert.Equal(3, first);
        Assert.Equal(50_003, keys.Count);
    }

    [Theory, BothDatabases]
    public async Task Lines_of_one_deal_a_deal_deleted_and_back_and_a_kept_created_date_are_merged_as_the_rows_say(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        await ImportingActivitiesTests.PostAsync(admin, "opportunities", ImportingActivitiesTests.Body(
            "externalId,lineId,owner,stage,amount,closeDate,createdDate,name\n"
            + "D-1,A,rep1@test.terrain,Discovery,1000,2027-01-31,2026-06-01,One A\n"
            + "D-1,B,rep1@test.terrain,Discovery,500,2027-01-31,2026-06-01,One B\n"
            + "D-2,,rep2@test.terrain,Discovery,2000,2027-02-28,2026-06-10,Two\n"));
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        // A full extract without D-2: deleted. Line B changes owner; line A is unchanged.
        var full = await ImportingActivitiesTests.PostAsync(admin, "opportunities", ImportingActivitiesTests.Body(
            $"{Header}\nD-1,A,rep1@test.terrain,Discovery,1000,2027-01-31,One A\nD-1,B,rep2@test.terrain,Discovery,500,2027-01-31,One B\n"), "?full=true");
        Assert.Equal((0, 1, 1, 1), (full.GetProperty("created").GetInt32(), full.GetProperty("updated").GetInt32(),
            full.GetProperty("unchanged").GetInt32(), full.GetProperty("deleted").GetInt32()));
        var lineB = await DealAsync(app, "D-1", "B");
        Assert.Equal((app.Org.Rep2.Id, new DateOnly(2026, 6, 1)), (lineB.OwnerId, lineB.CreatedDate));
        Assert.True((await DealAsync(app, "D-2")).Deleted);
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        // D-2 comes back unchanged: it is restored, with a change row, and keeps its created date.
        var back = await ImportingActivitiesTests.PostAsync(admin, "opportunities", ImportingActivitiesTests.Body(
            $"{Header}\nD-2,,rep2@test.terrain,Discovery,2000,2027-02-28,Two\n"));
        Assert.Equal((0, 1, 0), (back.GetProperty("created").GetInt32(), back.GetProperty("updated").GetInt32(), back.GetProperty("unchanged").GetInt32()));
        var two = await DealAsync(app, "D-2");
        Assert.Equal((false, new DateOnly(2026, 6, 10)), (two.Deleted, two.CreatedDate));
        var changes = await ChangesAsync(app, two.Id);
        Assert.Equal([false, true, false], changes.Select(c => c.Deleted));
        Assert.All(changes.SkipLast(1), c => Assert.NotNull(c.ValidTo));
        Assert.Null(changes[^1].ValidTo);
        Assert.Equal(1, await app.WithDbAsync(d => d.OpportunityChanges.CountAsync(c => c.OpportunityId == two.Id && c.ValidTo == null, Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_deal_that_keeps_its_created_date_cannot_close_before_it(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        await ImportingActivitiesTests.PostAsync(admin, "opportunities", ImportingActivitiesTests.Body(
            "externalId,owner,stage,amount,closeDate,createdDate,name\nD-1,rep1@test.terrain,Discovery,1000,2027-01-31,2026-06-01,One\n"
            + "D-2,rep1@test.terrain,Discovery,1000,2027-01-31,2026-06-01,Two\n"));
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        // Without created dates, both keep 2026-06-01; D-1 now closes as won before that.
        const string file = "externalId,owner,stage,amount,closeDate,name\nD-2,rep1@test.terrain,Discovery,3000,2027-01-31,Two\nD-1,rep1@test.terrain,Won,1000,2026-05-01,One\n";

        var refused = await ImportingActivitiesTests.PostAsync(admin, "opportunities", ImportingActivitiesTests.Body(file), expected: HttpStatusCode.UnprocessableEntity);

        var issue = Assert.Single(ImportingAccountsTests.Rejected(refused));
        Assert.Equal((3, "closeDate"), (issue.Line, issue.Column));
        Assert.Contains("closed on 2026-05-01, before it was created (2026-06-01)", issue.Reason, StringComparison.Ordinal);
        Assert.Equal((1_000m, 1_000m), ((await DealAsync(app, "D-2")).Amount, (await DealAsync(app, "D-1")).Amount));

        var partial = await ImportingActivitiesTests.PostAsync(admin, "opportunities", ImportingActivitiesTests.Body(file), "?partial=true&full=true");

        Assert.Equal((0, 1, 0, 0), (partial.GetProperty("created").GetInt32(), partial.GetProperty("updated").GetInt32(),
            partial.GetProperty("unchanged").GetInt32(), partial.GetProperty("deleted").GetInt32()));
        Assert.Equal(3_000m, (await DealAsync(app, "D-2")).Amount);
        var one = await DealAsync(app, "D-1");
        Assert.Equal((DealOutcome.Open, false), (one.Outcome, one.Deleted));
    }
}
