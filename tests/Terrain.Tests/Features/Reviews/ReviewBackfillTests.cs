using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Terrain.Data;
using Terrain.Features.Reviews;
using Terrain.Tests.Features.Performance;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Reviews;

/// <summary>Plans approved before reviews existed get their schedule when the database is brought up to date (ADR 0025).</summary>
public sealed class ReviewBackfillTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, BothDatabases]
    public async Task A_plan_approved_without_review_rows_gets_its_schedule_once(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await GoalPerformanceTests.FixtureAsync(app);
        var rep1 = app.Org.Rep1.Id;

        // As the database was before reviews existed: the plan approved, no review rows.
        await app.WithDbAsync(d => d.Reviews.Where(r => r.RepId == rep1).ExecuteDeleteAsync(Ct));

        await using var scope = app.Services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var written = await ReviewBackfill.RunAsync(context, app.Clock, Ct);

        Assert.Equal(12, written);
        var reviews = await app.WithDbAsync(d => d.Reviews.Where(r => r.RepId == rep1).OrderBy(r => r.WindowStart).ToListAsync(Ct));
        Assert.Equal(12, reviews.Count);
        Assert.Equal(new DateOnly(2027, 1, 31), reviews[0].WindowEnd);
        Assert.All(reviews, r => Assert.Equal(app.Org.Manager1.Id, r.ManagerId));

        // Idempotent: a second start writes nothing.
        Assert.Equal(0, await ReviewBackfill.RunAsync(context, app.Clock, Ct));
        Assert.Equal(1, await app.WithDbAsync(d => d.AuditEntries.CountAsync(a => a.Action == "review.schedule" && a.ActorId == null, Ct)));
    }
}
