using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Terrain.Infrastructure;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Plans;

/// <summary>
/// The start-up warm-up runs the plan page's and the section editor's read side in-process (issue 12 §8, ADR 0036): it
/// must run without error on both databases, write nothing, and leave no reader behind. How much faster the first
/// request gets is measured by bench/coldstart.sh, not here.
/// </summary>
public sealed class PlanPagesWarmUpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, BothDatabases]
    public async Task The_warm_up_reads_a_reps_plan_pages_without_error_and_writes_nothing(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var warmUp = app.Services.GetServices<IHostedService>().OfType<StartupWarmup>().Single();
        var before = await app.WithDbAsync(d => d.AuditEntries.CountAsync(Ct));
        var notifications = await app.WithDbAsync(d => d.Notifications.CountAsync(Ct));

        await warmUp.PlanPagesAsync(Ct);

        Assert.Equal(before, await app.WithDbAsync(d => d.AuditEntries.CountAsync(Ct)));
        Assert.Equal(notifications, await app.WithDbAsync(d => d.Notifications.CountAsync(Ct)));
        Assert.Null(app.Services.GetRequiredService<IHttpContextAccessor>().HttpContext);
    }
}
