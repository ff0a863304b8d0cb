using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Reviews;
using Terrain.Features.Demo;
using Terrain.Infrastructure;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Demo;

/// <summary>
/// The demo's review history (issue 11 §8): months of reviews held in last year's cycle, a rep who recovered after
/// corrective actions whose claims were achieved, one still behind with missed claims and overdue actions, one missed
/// review, forecast calls with a history, and reviews to come.
/// </summary>
public sealed class DemoReviewsTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "terrain-demo-reviews", Guid.NewGuid().ToString("N"));
    private readonly List<string> _postgres = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, BothDatabases]
    public async Task The_demo_has_a_history_of_reviews_that_tells_each_story(Db db)
    {
        string[] args = db == Db.Sqlite
            ? ["--Terrain:DatabaseProvider=Sqlite", $"--Terrain:DataDirectory={_directory}"]
            : ["--Terrain:DatabaseProvider=Postgres", $"--ConnectionStrings:Terrain={Databases.CreatePostgresDatabase(Track($"terrain_demo_rv_{Guid.NewGuid():N}"[..40]))}"];
        var options = new DbContextOptionsBuilder<AppDbContext>();
        TerrainOptions.ResolveDatabase(TerrainHost.CreateBuilder(args).Configuration).Configure(options);
        await using var data = new AppDbContext(options.Options);
        await data.Database.MigrateAsync(Ct);
        var timer = System.Diagnostics.Stopwatch.StartNew();
        var seeder = new DemoSeeder(data, new PasswordHasher<AppUser>(), new FakeTimeProvider(Now));
        await seeder.SeedAsync(Ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"Seeded in {timer.Elapsed.TotalSeconds:0.0} s, {seeder.ReviewsTime.TotalSeconds:0.0} s of it the reviews");
        data.ChangeTracker.Clear();

        var cycles = await data.Cycles.AsNoTracking().OrderBy(c => c.PeriodStart).ToListAsync(Ct);
        var (lastYear, thisYear) = (cycles[0], cycles[1]);
        var today = new DateOnly(2026, 12, 2);
        var reps = await data.Users.AsNoTracking().Where(u => u.Role == Role.Rep).ToDictionaryAsync(u => u.Email!, Ct);
        Guid Rep(int index) => reps[$"rep{index + 1}@{DemoSeeder.Domain}"].Id;
        var reviews = await data.Reviews.AsNoTracking().Where(r => r.CycleId == lastYear.Id).ToListAsync(Ct);
        var actions = await data.CorrectiveActions.AsNoTracking().Where(a => a.CycleId == lastYear.Id).ToListAsync(Ct);
        foreach (var group in reviews.GroupBy(r => r.RepId))
        {
            var held = group.Where(r => r.Snapshot is not null).OrderBy(r => r.Number).Select(r =>
                JsonDocument.Parse(r.Snapshot!).RootElement.GetProperty("goals").EnumerateArray().Count(g => g.GetProperty("status").GetString() == "OffTrack"));
            var mine = actions.Where(a => a.RepId == group.Key).ToList();
            TestContext.Current.TestOutputHelper?.WriteLine($"{reps.Values.Single(u => u.Id == group.Key).Email}: off track per review {string.Join(",", held)}; " +
                $"actions {string.Join(", ", mine.Select(a => $"{a.ClaimMetric}:{a.ClaimOutcome}/{a.Status}"))}");
        }

        // Every rep's reviews from January to November were held, but one: Hannah Cho missed her August review.
        var past = reviews.Where(r => r.DueBy < today).ToList();
        Assert.Equal(8 * 11, past.Count);
        var missed = Assert.Single(past, r => r.StatusOn(today, null) == ReviewStatus.Missed);
        Assert.Equal((Rep(DemoReviews.MissingRep), DemoReviews.MissedReview), (missed.RepId, missed.Number));
        Assert.All(past.Where(r => r != missed), r =>
        {
            Assert.Equal(ReviewStatus.Held, r.StatusOn(today, null));
            Assert.NotNull(r.Snapshot);
            Assert.NotNull(r.RepCommit);
            Assert.NotNull(r.ManagerCommit);
        });
        var snapshot = JsonDocument.Parse(past.First(r => r.Number == 6 && r.RepId == Rep(DemoReviews.BehindRep)).Snapshot!).RootElement;
        Assert.NotEqual(JsonValueKind.Null, snapshot.GetProperty("dealChanges").ValueKind);
        Assert.True(snapshot.GetProperty("calls").GetArrayLength() > 0);
        Assert.Equal(past.Count - 1, await data.AuditEntries.CountAsync(a => a.Action == "review.completed", Ct));

        // Jonas Lind is still behind: claims missed or only partly achieved, and actions open past their date.
        var behind = actions.Where(a => a.RepId == Rep(DemoReviews.BehindRep)).ToList();
        Assert.Contains(behind, a => a.ClaimOutcome is ClaimOutcome.Missed or ClaimOutcome.PartlyAchieved);
        Assert.DoesNotContain(behind, a => a.ClaimOutcome == ClaimOutcome.Achieved);
        Assert.Contains(behind, a => a.Status == CorrectiveStatus.Open && a.Due < today);
        Assert.All(behind, a => Assert.True(a.Agreed));

        // Diego Alvarez recovered: his claims were achieved and each action was closed as done at the next review.
        var recovered = actions.Where(a => a.RepId == Rep(DemoReviews.RecoveredRep)).ToList();
        Assert.NotEmpty(recovered);
        Assert.All(recovered.Where(a => a.ClaimBy < today), a => Assert.Equal(ClaimOutcome.Achieved, a.ClaimOutcome));
        Assert.Contains(recovered, a => a.Status == CorrectiveStatus.Done);

        // December's reviews are open; this year's approved plans have their reviews to come.
        Assert.Equal(8, reviews.Count(r => r.StatusOn(today, null) == ReviewStatus.Open));
        Assert.True(await data.Reviews.CountAsync(r => r.CycleId == thisYear.Id, Ct) >= 12);
    }

    private string Track(string database)
    {
        _postgres.Add(database);
        return database;
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Npgsql.NpgsqlConnection.ClearAllPools();
        foreach (var database in _postgres)
        {
            Databases.DropPostgresDatabase(database);
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Nothing was written there (PostgreSQL), or a file is still held: the temp directory is cleaned anyway.
        }

        return ValueTask.CompletedTask;
    }
}
