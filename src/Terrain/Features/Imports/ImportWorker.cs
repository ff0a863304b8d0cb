using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Infrastructure;

namespace Terrain.Features.Imports;

/// <summary>
/// Runs queued imports, in every instance (ADR 0022). The database decides who runs what: a job is claimed with a
/// conditional update (queued to running, only while no job of its kind runs), a filtered unique index refuses a
/// second running job of a kind whatever the timing, and a running job whose heartbeat stops for longer than the
/// lease is queued again (each import commits in one transaction, so a dead run left nothing behind) or, after
/// <see cref="ImportJob.MaxAttempts"/> attempts, failed. The command line uses the same claim and run.
/// </summary>
public sealed class ImportWorker(IServiceScopeFactory scopes, IOptions<TerrainOptions> options, TimeProvider clock,
    ImportSignals signals, DataAge dataAge, ILogger<ImportWorker> logger) : BackgroundService
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromMilliseconds(500);

    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Who holds a job: this host, told apart from every other (two apps in one process included).</summary>
    public string Instance { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    private TimeSpan Lease => options.Value.ImportLease;

    /// <summary>Looks for queued jobs now rather than at the next poll: called when a job is queued here.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already awake.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunQueuedAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The database may be restarting or unreachable: the next poll tries again; the jobs wait in the table.
                logger.LogWarning(e, "Looking for queued imports failed; trying again at the next poll.");
            }

            try
            {
                await _wake.WaitAsync(options.Value.ImportPollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Takes over what dead instances left, then runs queued jobs one after another until none can be claimed.</summary>
    public async Task RunQueuedAsync(CancellationToken ct)
    {
        while (true)
        {
            await ReleaseStaleAsync(ct);
            var claimed = await ClaimNextAsync(ct);
            if (claimed is null)
            {
                return;
            }

            await RunClaimedAsync(claimed.Value, null, ct);
        }
    }

    /// <summary>
    /// The command line's own job, queued held for this instance: it waits its turn (telling <paramref name="waiting"/>
    /// once), keeping its hold alive, then runs here. Should the hold lapse and another instance take the job, this
    /// follows it to its end instead.
    /// </summary>
    public async Task RunHeldAsync(Guid id, ImportKind kind, IProgress<ImportJobProgress>? observer, Action<string> waiting, CancellationToken ct)
    {
        var told = false;
        var me = Instance;
        while (true)
        {
            await ReleaseStaleAsync(ct);
            if (await TryClaimAsync(id, kind, ct))
            {
                await RunClaimedAsync((id, kind), observer, ct);
                return;
            }

            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                var now = clock.GetUtcNow();
                var held = await db.ImportJobs
                    .Where(j => j.Id == id && j.State == ImportJobState.Queued && j.Instance == me)
                    .ExecuteUpdateAsync(s => s.SetProperty(j => j.HeartbeatAt, now), ct);
                if (held == 0 && await db.ImportJobs.AnyAsync(j => j.Id == id && (j.State == ImportJobState.Done || j.State == ImportJobState.Failed), ct))
                {
                    return;
                }

                if (!told)
                {
                    var running = await db.ImportJobs.AsNoTracking()
                        .Where(j => j.Kind == kind && j.State == ImportJobState.Running && j.Id != id)
                        .Select(j => new { j.FileName, j.Instance, j.StartedAt })
                        .FirstOrDefaultAsync(ct);
                    if (running is not null)
                    {
                        told = true;
                        waiting($"Another {kind.ToString().ToLowerInvariant()} import is running ({running.FileName}, on {running.Instance}); waiting for it to finish...");
                    }
                }
            }

            var poll = options.Value.ImportPollInterval;
            await Task.Delay(poll < TimeSpan.FromSeconds(1) ? poll : TimeSpan.FromSeconds(1), ct);
        }
    }

    /// <summary>
    /// Queued jobs whose instance stopped answering: a running one is queued again (or failed after its last attempt),
    /// and a queued one held for a command line that died is released to any worker.
    /// </summary>
    public async Task ReleaseStaleAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow();
        var cutoff = now - Lease;
        // Looked for first, so that an idle poll only reads: on SQLite every update takes the one write lock.
        if (!await db.ImportJobs.AnyAsync(j => j.State != ImportJobState.Done && j.State != ImportJobState.Failed
                && j.Instance != null && j.HeartbeatAt < cutoff, ct))
        {
            return;
        }

        var reason = $"The import was started {ImportJob.MaxAttempts} times and each time the instance running it stopped "
            + $"(no heartbeat for {Lease.TotalSeconds:0} s), so it was given up. Nothing was changed. Check the server logs and memory, then import the file again.";
        var failed = await db.ImportJobs
            .Where(j => j.State == ImportJobState.Running && j.HeartbeatAt < cutoff && j.Attempts >= ImportJob.MaxAttempts)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, ImportJobState.Failed)
                .SetProperty(j => j.FinishedAt, now)
                .SetProperty(j => j.FailureReason, reason), ct);
        var requeued = await db.ImportJobs
            .Where(j => j.State == ImportJobState.Running && j.HeartbeatAt < cutoff)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, ImportJobState.Queued)
                .SetProperty(j => j.Instance, (string?)null)
                .SetProperty(j => j.Phase, "Queued again")
                .SetProperty(j => j.RowsRead, 0)
                .SetProperty(j => j.RowsTotal, 0)
                .SetProperty(j => j.BytesRead, 0L), ct);
        var released = await db.ImportJobs
            .Where(j => j.State == ImportJobState.Queued && j.Instance != null && j.HeartbeatAt < cutoff)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Instance, (string?)null), ct);
        if (failed + requeued + released > 0)
        {
            logger.LogWarning("Imports left by instances that stopped: {Requeued} queued again, {Failed} failed, {Released} released.",
                requeued, failed, released);
        }

        if (failed > 0)
        {
            await DeleteFinishedFilesAsync(db, ct);
        }
    }

    private async Task<(Guid Id, ImportKind Kind)?> ClaimNextAsync(CancellationToken ct)
    {
        List<(Guid Id, ImportKind Kind)> candidates;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            candidates = (await db.ImportJobs.AsNoTracking()
                .Where(j => j.State == ImportJobState.Queued && j.Instance == null)
                .OrderBy(j => j.CreatedAt).ThenBy(j => j.Id)
                .Select(j => new { j.Id, j.Kind })
                .Take(50)
                .ToListAsync(ct)).Select(j => (j.Id, j.Kind)).ToList();
        }

        // The oldest queued job of each kind: a kind whose job is running waits, the others go ahead.
        foreach (var (id, kind) in candidates.DistinctBy(c => c.Kind))
        {
            if (await TryClaimAsync(id, kind, ct))
            {
                return (id, kind);
            }
        }

        return null;
    }

    /// <summary>Queued to running, in one conditional update: false when another instance got there first.</summary>
    public async Task<bool> TryClaimAsync(Guid id, ImportKind kind, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow();
        var me = Instance;
        try
        {
            var claimed = await db.ImportJobs
                .Where(j => j.Id == id && j.State == ImportJobState.Queued && (j.Instance == null || j.Instance == me)
                    && !db.ImportJobs.Any(r => r.Kind == kind && r.State == ImportJobState.Running))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.State, ImportJobState.Running)
                    .SetProperty(j => j.Instance, me)
                    .SetProperty(j => j.StartedAt, now)
                    .SetProperty(j => j.HeartbeatAt, now)
                    .SetProperty(j => j.Attempts, j => j.Attempts + 1)
                    .SetProperty(j => j.Phase, "Starting"), ct);
            return claimed == 1;
        }
        catch (Exception e) when (IsUniqueViolation(e))
        {
            // Another instance claimed a job of this kind between the check and the update: the index said no.
            return false;
        }
    }

    private static bool IsUniqueViolation(Exception e) => e.GetBaseException() switch
    {
        SqliteException s => s.SqliteErrorCode == 19,
        DbException { SqlState: "23505" } => true,
        _ => false,
    };

    /// <summary>Runs a job this instance has claimed to its end: done with its report, or failed with the reason.</summary>
    public async Task RunClaimedAsync((Guid Id, ImportKind Kind) claimed, IProgress<ImportJobProgress>? observer, CancellationToken ct)
    {
        ImportJob job;
        await using (var scope = scopes.CreateAsyncScope())
        {
            job = await scope.ServiceProvider.GetRequiredService<AppDbContext>().ImportJobs.AsNoTracking().SingleAsync(j => j.Id == claimed.Id, ct);
        }

        using var run = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var progress = new JobProgress(job.SizeBytes, observer);
        var reporter = ReportProgressAsync(job.Id, progress, run);
        try
        {
            if (!File.Exists(job.StoredPath))
            {
                await FinishAsync(job.Id, null, $"The file '{job.FileName}' is no longer where it was stored ({job.StoredPath}). "
                    + "With several instances the import folder must be one they all share (Terrain:ImportFolder). Upload the file again.", CancellationToken.None);
                return;
            }

            ImportReport report;
            await using (var scope = scopes.CreateAsyncScope())
            await using (var file = new FileStream(job.StoredPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
            await using (var counted = new CountingStream(file, progress))
            {
                // The import renews the heartbeat inside its own transaction before committing (see ImportLease).
                scope.ServiceProvider.GetRequiredService<ImportLease>().Hold(job.Id, Instance);
                var runner = scope.ServiceProvider.GetRequiredService<ImportRunner>();
                report = await runner.RunAsync(job.Kind, counted, job.Partial, job.RequestedById, progress, job.Full, job.MappingId, run.Token);
            }

            await run.CancelAsync();
            await reporter;
            await FinishAsync(job.Id, report, null, CancellationToken.None);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: the transaction rolled back, so the job goes back to the queue for the next instance.
            await run.CancelAsync();
            await reporter;
            await RequeueAsync(job.Id);
        }
        catch (OperationCanceledException) when (progress.Lost)
        {
            await reporter;
            logger.LogWarning("Import job {Id} was taken over by another instance while it ran here; this run stopped.", job.Id);
        }
        catch (Exception e)
        {
            await run.CancelAsync();
            await reporter;
            logger.LogError(e, "Import job {Id} ({Kind}, {File}) failed.", job.Id, job.Kind, job.FileName);
            await FinishAsync(job.Id, null, $"The import stopped with an error, so nothing was changed: {e.GetBaseException().Message}", CancellationToken.None);
        }
    }

    /// <summary>Writes the progress and the heartbeat every half second; a job no longer held here stops the run.</summary>
    private async Task ReportProgressAsync(Guid id, JobProgress progress, CancellationTokenSource run)
    {
        var me = Instance;
        using var timer = new PeriodicTimer(ProgressEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(run.Token))
            {
                var snapshot = progress.Snapshot;
                progress.Observe(snapshot);
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                    var now = clock.GetUtcNow();
                    var held = await db.ImportJobs
                        .Where(j => j.Id == id && j.State == ImportJobState.Running && j.Instance == me)
                        .ExecuteUpdateAsync(s => s
                            .SetProperty(j => j.HeartbeatAt, now)
                            .SetProperty(j => j.Phase, snapshot.Phase)
                            .SetProperty(j => j.RowsRead, snapshot.RowsRead)
                            .SetProperty(j => j.RowsTotal, snapshot.RowsTotal)
                            .SetProperty(j => j.BytesRead, snapshot.BytesRead), run.Token);
                    if (held == 0)
                    {
                        progress.Lost = true;
                        await run.CancelAsync();
                        return;
                    }
                }
                catch (Exception e) when (!run.IsCancellationRequested)
                {
                    // On SQLite the import's own transaction holds the write lock for a while; the next tick tries again.
                    logger.LogDebug(e, "The progress of import job {Id} could not be written.", id);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    private async Task FinishAsync(Guid id, ImportReport? report, string? failure, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var now = clock.GetUtcNow();
        var me = Instance;
        var json = report is null ? null : ImportJobView.SerializeReport(report);
        var state = report is null ? ImportJobState.Failed : ImportJobState.Done;
        var phase = report is null ? "Failed" : "Done";
        int? rows = report?.RowsRead;
        bool? applied = report?.Applied;
        int created = report?.Created ?? 0, updated = report?.Updated ?? 0, unchanged = report?.Unchanged ?? 0;
        int deleted = report?.Deleted ?? 0, rejected = report?.Rejected.Count ?? 0;
        if (report is { Applied: true })
        {
            // Before the job shows as done, so that whoever waits for it sees the claims it decided.
            await CheckClaimsAsync(scope.ServiceProvider, ct);
        }

        var finished = await db.ImportJobs
            .Where(j => j.Id == id && j.State == ImportJobState.Running && j.Instance == me)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, state)
                .SetProperty(j => j.FinishedAt, now)
                .SetProperty(j => j.HeartbeatAt, now)
                .SetProperty(j => j.Phase, phase)
                .SetProperty(j => j.RowsRead, j => rows ?? j.RowsRead)
                .SetProperty(j => j.Created, created)
                .SetProperty(j => j.Updated, updated)
                .SetProperty(j => j.Unchanged, unchanged)
                .SetProperty(j => j.Deleted, deleted)
                .SetProperty(j => j.Rejected, rejected)
                .SetProperty(j => j.Report, json)
                .SetProperty(j => j.Applied, applied)
                .SetProperty(j => j.FailureReason, failure), ct);
        if (finished == 0)
        {
            logger.LogWarning("Import job {Id} finished here but was no longer held by this instance; its result was not recorded.", id);
        }

        await DeleteFinishedFilesAsync(db, ct, id);
        if (report?.Applied == true)
        {
            dataAge.Invalidate();
        }

        signals.Finished(id);
    }

    /// <summary>New actuals may decide the claims of corrective actions (ADR 0025); a failure here never fails the import.</summary>
    private async Task CheckClaimsAsync(IServiceProvider services, CancellationToken ct)
    {
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var decided = await services.GetRequiredService<Reviews.ClaimChecks>().RunAsync(ct);
            // bench/claims.sh reads this line: the claim check's share of an import's time (issue 11, "Scale").
            logger.LogInformation("Checked the open claims of corrective actions after the import in {Milliseconds} ms: {Decided} decided.",
                (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, decided);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Checking the claims of corrective actions after an import failed; they are checked again after the next import.");
        }
    }

    private async Task RequeueAsync(Guid id)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var me = Instance;
            await db.ImportJobs
                .Where(j => j.Id == id && j.State == ImportJobState.Running && j.Instance == me)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.State, ImportJobState.Queued)
                    .SetProperty(j => j.Instance, (string?)null)
                    .SetProperty(j => j.Attempts, j => j.Attempts - 1)
                    .SetProperty(j => j.Phase, "Queued again"), CancellationToken.None);
        }
        catch (Exception e)
        {
            // The lease will hand it over anyway.
            logger.LogWarning(e, "Import job {Id} could not be queued again on shutdown; another instance takes it over after the lease.", id);
        }
    }

    /// <summary>Uploads belong to their job: once it is over, nobody reads them again.</summary>
    private async Task DeleteFinishedFilesAsync(AppDbContext db, CancellationToken ct, Guid? id = null)
    {
        var files = await db.ImportJobs.AsNoTracking()
            .Where(j => j.OwnsFile && j.StoredPath != "" && (j.State == ImportJobState.Done || j.State == ImportJobState.Failed))
            .Where(j => id == null || j.Id == id)
            .Select(j => new { j.Id, j.StoredPath })
            .ToListAsync(ct);
        foreach (var file in files)
        {
            try
            {
                File.Delete(file.StoredPath);
                await db.ImportJobs.Where(j => j.Id == file.Id).ExecuteUpdateAsync(s => s.SetProperty(j => j.StoredPath, ""), ct);
            }
            catch (IOException e)
            {
                logger.LogWarning(e, "The upload of import job {Id} could not be deleted.", file.Id);
            }
        }
    }

    /// <summary>
    /// What an import has done so far, collected from the importer (rows) and the file (bytes); read by the reporter,
    /// which writes it to the database and passes it to an observer such as the command line's progress bar.
    /// </summary>
    private sealed class JobProgress(long size, IProgress<ImportJobProgress>? observer) : IProgress<ImportProgress>
    {
        private readonly Lock _gate = new();
        private ImportJobProgress _current = new("Reading", 0, 0, 0, size);

        public bool Lost { get; set; }

        public ImportJobProgress Snapshot
        {
            get
            {
                lock (_gate)
                {
                    return _current;
                }
            }
        }

        public void Report(ImportProgress value)
        {
            ImportJobProgress next;
            lock (_gate)
            {
                // A phase that does not count rows (0 of 0) keeps the rows read so far.
                var rows = value.Done == 0 && value.Total == 0 ? _current.RowsRead : value.Done;
                next = _current = _current with { Phase = value.Phase, RowsRead = rows, RowsTotal = value.Total };
            }

            observer?.Report(next);
        }

        public void AddBytes(long bytes)
        {
            lock (_gate)
            {
                _current = _current with { BytesRead = _current.BytesRead + bytes };
            }
        }

        public void Observe(ImportJobProgress snapshot) => observer?.Report(snapshot);
    }

    private sealed class CountingStream(Stream inner, JobProgress progress) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Counted(inner.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Counted(int read)
        {
            progress.AddBytes(read);
            return read;
        }
    }
}

/// <summary>An import's progress: the phase, rows of it, and bytes of the file read.</summary>
public sealed record ImportJobProgress(string Phase, int RowsRead, int RowsTotal, long BytesRead, long BytesTotal)
{
    /// <summary>
    /// One bar for the whole import: reading the file is the first half (by bytes), checking rows the next 40%
    /// (by rows), saving the rest.
    /// </summary>
    public int Percent => Phase switch
    {
        "Reading" => BytesTotal > 0 ? (int)Math.Min(50, BytesRead * 50 / BytesTotal) : 0,
        "Checking" => 50 + (RowsTotal > 0 ? (int)Math.Min(40L, RowsRead * 40L / RowsTotal) : 0),
        "Saving" => 90 + (RowsTotal > 0 ? (int)Math.Min(9L, RowsRead * 9L / RowsTotal) : 0),
        "Done" or "Failed" => 100,
        _ => 0,
    };
}

/// <summary>Tells those waiting in this process (a request with Prefer: wait) that a job ended here.</summary>
public sealed class ImportSignals
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, TaskCompletionSource> _waiting = new();

    public void Finished(Guid id)
    {
        if (_waiting.TryRemove(id, out var done))
        {
            done.TrySetResult();
        }
    }

    public void Forget(Guid id) => _waiting.TryRemove(id, out _);

    public Task WhenFinished(Guid id) =>
        _waiting.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
}
