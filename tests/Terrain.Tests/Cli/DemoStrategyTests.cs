using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Features.Demo;
using Xunit;

namespace Terrain.Tests.Cli;

/// <summary>The demo organisation shows the whole strategy roll-out, consistently with its own rules.</summary>
public sealed class DemoStrategyTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "terrain-demo-strategy", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_demo_strategy_is_published_taught_and_bought_into_and_the_plans_link_to_its_objectives()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = Terrain.Infrastructure.TerrainHost.CreateBuilder([$"--Terrain:DataDirectory={_directory}"]);
        var options = new DbContextOptionsBuilder<AppDbContext>();
        Terrain.Infrastructure.TerrainOptions.ResolveDatabase(builder.Configuration).Configure(options);
        await using var db = new AppDbContext(options.Options);
        await db.Database.MigrateAsync(ct);
        var now = DateTimeOffset.UtcNow;
        await new DemoSeeder(db, new Microsoft.AspNetCore.Identity.PasswordHasher<AppUser>(), TimeProvider.System).SeedAsync(ct);

        var cycle = await db.Cycles.OrderByDescending(c => c.PeriodStart).FirstAsync(ct);
        var strategy = await db.Strategies.SingleAsync(s => s.Id == cycle.StrategyId, ct);
        var content = strategy.ReadContent();
        Assert.Equal(StrategyStatus.Published, strategy.Status);
        Assert.Equal(strategy.Id, cycle.StrategyId);
        Assert.True(cycle.RequireAcknowledgement);
        Assert.NotEmpty(content.Offerings);
        Assert.NotEmpty(content.Segments);
        Assert.Equal(4, content.Objectives.Count);
        Assert.Equal(3, strategy.ReadCheck().Questions.Count);

        // A workshop held last month, with attendance: everyone but one rep came.
        var workshop = await db.Workshops.SingleAsync(ct);
        Assert.InRange(workshop.StartsAt, now.AddDays(-62), now.AddDays(-28));
        Assert.NotNull(workshop.AttendanceRecordedAt);
        var invitations = await db.WorkshopInvitations.ToListAsync(ct);
        Assert.Equal(10, invitations.Count);
        Assert.Equal(1, invitations.Count(i => i.Attended == false));

        // Most reps acknowledged; the one who did not has an open question and a failed attempt.
        var reps = await db.Users.Where(u => u.Role == Role.Rep).OrderBy(u => u.Email).ToListAsync(ct);
        var acknowledged = await db.Acknowledgements.Select(a => a.RepId).ToListAsync(ct);
        Assert.Equal(7, acknowledged.Count);
        var holdout = reps.Single(r => !acknowledged.Contains(r.Id));
        Assert.Equal("rep7@demo.terrain", holdout.Email);
        var open = (await db.StrategyQuestions.ToListAsync(ct)).Where(q => q.IsOpen).ToList();
        Assert.Equal(holdout.Id, Assert.Single(open).AskedById);
        Assert.Contains(await db.StrategyQuestions.ToListAsync(ct), q => !q.IsOpen);
        Assert.False(await db.CheckAttempts.AnyAsync(a => a.RepId == holdout.Id && a.Passed, ct));

        // Every rep who submitted acknowledged first: the gate is on, and the demo keeps its own rules.
        var submitted = await db.Plans.Where(p => p.CycleId == cycle.Id && p.FirstSubmittedAt != null).Select(p => p.OwnerId).ToListAsync(ct);
        Assert.All(submitted, rep => Assert.Contains(rep, acknowledged));

        // The goals of every plan link to the objectives, and each objective's target sits above what is planned.
        var goals = (await db.PlanSections.Where(s => s.Key == "targets" && db.Plans.Any(p => p.Id == s.PlanId && p.CycleId == cycle.Id)).ToListAsync(ct))
            .SelectMany(s => SectionContents.Read(SectionKind.Goals, s.Content) is GoalsContent g ? g.Goals : []).ToList();
        Assert.Equal(content.Objectives.Select(o => o.Id).Order(), goals.Where(g => g.ObjectiveId is not null).Select(g => g.ObjectiveId).Distinct().Order());
        Assert.Contains(goals, g => g.ObjectiveId is null);
        foreach (var objective in content.Objectives)
        {
            Assert.True(objective.Target >= goals.Where(g => g.ObjectiveId == objective.Id).Sum(g => g.Total) * 0.5m, objective.Name);
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
