using System.Net;
using Terrain.Tests.Features.Performance;
using Terrain.Tests.Infrastructure;
using Xunit;
using static Terrain.Tests.Features.Reviews.ReviewMeetingTests;

namespace Terrain.Tests.Features.Reviews;

/// <summary>The review cadences change against the version read, like every other edit of the API.</summary>
public sealed class ReviewCadenceVersionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, BothDatabases]
    public async Task Setting_a_cadence_requires_the_version_read_and_refuses_a_stale_one(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await GoalPerformanceTests.FixtureAsync(app);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var url = $"/api/v1/cycles/{app.Org.Cycle.Id}/review-cadence";
        var toBiweekly = new { reps = new[] { new { repId = app.Org.Rep1.Id, cadence = "Biweekly" } } };

        var read = await manager.GetAsync(url, Ct);
        var etag = read.Headers.ETag!.ToString();
        Assert.Equal((await JsonAsync(read, HttpStatusCode.OK)).GetProperty("version").GetString(), etag.Trim('"'));

        // Without If-Match: 428, and nothing changes.
        await JsonAsync(await SendAsync(manager, HttpMethod.Put, url, toBiweekly), (HttpStatusCode)428);

        // The leader changes the default meanwhile: the manager's version is stale.
        var leaderRead = await leader.GetAsync(url, Ct);
        var changed = await SendAsync(leader, HttpMethod.Put, url, new { @default = "Biweekly" }, leaderRead.Headers.ETag!.ToString());
        var newEtag = changed.Headers.ETag!.ToString();
        Assert.Equal("Biweekly", (await JsonAsync(changed, HttpStatusCode.OK)).GetProperty("default").GetString());
        Assert.NotEqual(etag, newEtag);
        await JsonAsync(await SendAsync(manager, HttpMethod.Put, url, new { reps = new[] { new { repId = app.Org.Rep1.Id, cadence = "Monthly" } } }, etag),
            HttpStatusCode.Conflict);
        var current = await JsonAsync(await manager.GetAsync(url, Ct), HttpStatusCode.OK);
        Assert.Contains(current.GetProperty("reps").EnumerateArray(), r => r.GetProperty("repId").GetGuid() == app.Org.Rep1.Id && !r.GetProperty("ownChoice").GetBoolean());

        // With the current version it saves.
        await JsonAsync(await SendAsync(manager, HttpMethod.Put, url, new { reps = new[] { new { repId = app.Org.Rep1.Id, cadence = "Monthly" } } }, newEtag),
            HttpStatusCode.OK);
    }
}
