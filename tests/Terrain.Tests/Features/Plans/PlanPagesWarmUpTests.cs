using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Terrain.Infrastructure;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Plans;

/// <summary>
/// The start-up warm-up renders the home page, "My plan", the plan page and the section editor in-process through the
/// app's pipeline as a rep (issue 12 §8, ADR 0047 and ADR 0052): it must run without error on both databases, render
/// the pages (not a sign-in redirect or an error), write nothing, make no session, and leave no reader behind; and
/// what it does must not open a way in for a request from outside. How much faster the first request gets is measured
/// by bench/coldstart.sh, not here.
/// </summary>
public sealed class PlanPagesWarmUpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, BothDatabases]
    public async Task The_warm_up_renders_a_reps_plan_pages_through_the_pipeline_and_writes_nothing(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var warmUp = app.Services.GetServices<IHostedService>().OfType<StartupWarmup>().Single();
        var audit = await app.WithDbAsync(d => d.AuditEntries.CountAsync(Ct));
        var notifications = await app.WithDbAsync(d => d.Notifications.CountAsync(Ct));
        var sessions = await app.WithDbAsync(d => d.Sessions.CountAsync(Ct));
        var signIns = await app.WithDbAsync(d => d.SignInEvents.CountAsync(Ct));

        var answers = await warmUp.PlanPagesAsync(Ct);

        var plan = Assert.Single(answers, a => a.Path.StartsWith("/Plans/", StringComparison.Ordinal) && a.Path.Count(c => c == '/') == 2 && a.Path != "/Plans/Mine");
        Assert.Equal(StatusCodes.Status200OK, plan.Status);
        Assert.Equal(StatusCodes.Status200OK, Assert.Single(answers, a => a.Path.EndsWith("/Edit/account-segmentation", StringComparison.Ordinal)).Status);
        Assert.Equal(StatusCodes.Status200OK, Assert.Single(answers, a => a.Path == "/").Status);
        Assert.InRange(Assert.Single(answers, a => a.Path == "/Plans/Mine").Status, 200, 399);
        Assert.Equal(audit, await app.WithDbAsync(d => d.AuditEntries.CountAsync(Ct)));
        Assert.Equal(notifications, await app.WithDbAsync(d => d.Notifications.CountAsync(Ct)));
        Assert.Equal(sessions, await app.WithDbAsync(d => d.Sessions.CountAsync(Ct)));
        Assert.Equal(signIns, await app.WithDbAsync(d => d.SignInEvents.CountAsync(Ct)));
        Assert.Null(app.Services.GetRequiredService<IHttpContextAccessor>().HttpContext);

        // Nothing of it reaches a request from outside: the same plan page, asked without signing in, is still sent to
        // sign in.
        using var anonymous = app.Anonymous();
        using var response = await anonymous.GetAsync(plan.Path, Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Auth/Login", response.Headers.Location!.ToString().Replace("http://localhost", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
