using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Terrain.Domain;
using Terrain.Features.Imports;
using Terrain.Infrastructure;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Imports;

/// <summary>
/// An import whose save held SQLite's one write lock longer than the lease got no heartbeat through meanwhile; its
/// commit carries a fresh heartbeat, so an instance whose takeover waited on the same lock finds the job alive (ADR 0022).
/// </summary>
public sealed class ImportLeaseTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, BothDatabases]
    public async Task An_import_that_held_the_write_lock_past_the_lease_commits_a_fresh_heartbeat_and_is_not_taken_over(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await using var other = app.SecondInstance();
        var worker = app.Services.GetRequiredService<ImportWorker>();
        var options = app.Services.GetRequiredService<IOptions<TerrainOptions>>().Value;
        Directory.CreateDirectory(options.ImportFolderPath);
        var path = Path.Combine(options.ImportFolderPath, $"{Guid.NewGuid():N}.csv");
        const string csv = "external_id,name,potential\nLEASE-1,Lease One,10\n";
        await File.WriteAllTextAsync(path, csv, Ct);
        var job = ImportJob.Queue(ImportKind.Accounts, false, false, "accounts.csv", path, true, new FileInfo(path).Length, app.Org.Admin.Id, app.Clock.GetUtcNow());
        await app.WithDbAsync(d =>
        {
            d.ImportJobs.Add(job);
            return d.SaveChangesAsync(Ct);
        });
        Assert.True(await worker.TryClaimAsync(job.Id, ImportKind.Accounts, Ct));

        // The save held the lock past the lease: the last heartbeat that got through is older than the lease when it commits.
        app.Clock.Advance(options.ImportLease + TimeSpan.FromSeconds(5));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<ImportLease>().Hold(job.Id, worker.Instance);
            var report = await scope.ServiceProvider.GetRequiredService<AccountImporter>()
                .ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), false, null, null, Ct);
            Assert.True(report.Applied);
        }

        // The other instance's takeover, which waited for the lock, runs once the import committed.
        await other.Services.GetRequiredService<ImportWorker>().ReleaseStaleAsync(Ct);

        var after = await app.WithDbAsync(d => d.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == job.Id, Ct));
        Assert.Equal((ImportJobState.Running, worker.Instance, 1), (after.State, after.Instance, after.Attempts));
        Assert.Equal(app.Clock.GetUtcNow(), after.HeartbeatAt);
    }
}
