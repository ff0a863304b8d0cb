using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;

namespace Terrain.Features.Imports;

/// <summary>
/// The import job that the imports of one scope run for, so that an import renews the job's heartbeat inside its own
/// transaction, just before it commits (ADR 0022). On SQLite an import holds the one write lock from its first write
/// (the merge) to its commit, so the progress reporter's heartbeats wait and fail meanwhile; a merge that outlasts the
/// lease used to commit with a stale heartbeat, and another instance's takeover, waiting on the same lock, then found
/// the job stale and queued a finished import again. The takeover's conditional update reads the heartbeat once it
/// has the lock, that is after the commit, which now carries a fresh one.
/// </summary>
public sealed class ImportLease(TimeProvider clock)
{
    private (Guid Id, string Instance)? _job;

    /// <summary>The imports of this scope run for the job, held by the instance.</summary>
    public void Hold(Guid jobId, string instance) => _job = (jobId, instance);

    /// <summary>Writes the job's heartbeat on the import's connection and transaction; nothing outside a job.</summary>
    public async Task RenewAsync(AppDbContext db, CancellationToken ct)
    {
        if (_job is not { } job)
        {
            return;
        }

        // On PostgreSQL the reporter's heartbeats go through meanwhile; this one holds the job's row until the commit, which
        // follows at once, and keeps both databases alike.
        var now = clock.GetUtcNow();
        await db.ImportJobs.Where(j => j.Id == job.Id && j.State == ImportJobState.Running && j.Instance == job.Instance)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.HeartbeatAt, now), ct);
    }
}
