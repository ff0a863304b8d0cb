using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Infrastructure;

namespace Terrain.Features.Imports;

/// <summary>An import job as the API and the admin page show it.</summary>
public sealed record ImportJobView(
    Guid Id,
    ImportKind Kind,
    ImportJobState State,
    bool Partial,
    bool Full,
    string FileName,
    long SizeBytes,
    Guid? RequestedById,
    string? RequestedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset? HeartbeatAt,
    int Attempts,
    ImportJobProgress Progress,
    ImportJobCounts? Counts,
    bool? Applied,
    ImportReport? Report,
    string? FailureReason,
    ImportJobLinks Links)
{
    /// <summary>The saved mapping the file is read by; null when its layout is recognised from the header.</summary>
    public Guid? MappingId { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    [JsonIgnore]
    public bool IsFinished => State is ImportJobState.Done or ImportJobState.Failed;

    public static string SerializeReport(ImportReport report) => JsonSerializer.Serialize(report, Json);

    public static ImportReport? DeserializeReport(string? json) => json is null ? null : JsonSerializer.Deserialize<ImportReport>(json, Json);

    public static string Location(Guid id) => $"/api/v1/imports/jobs/{id}";
}

/// <summary>Where to follow the job (its report comes with it once it is done).</summary>
public sealed record ImportJobLinks(string Self);

/// <summary>What a finished import did, for the history.</summary>
public sealed record ImportJobCounts(int RowsRead, int Created, int Updated, int Unchanged, int Deleted, int Rejected);

/// <summary>Queues imports and reads them back: the one place the API, the page and the command line go through.</summary>
public sealed class ImportJobs(AppDbContext db, TimeProvider clock, ImportWorker worker, ImportSignals signals, IOptions<TerrainOptions> options)
{
    /// <summary>The longest a request may ask to wait for its import (Prefer: wait=N).</summary>
    public const int MaxWaitSeconds = 300;

    public async Task<ImportJob> QueueAsync(ImportKind kind, bool partial, bool full, string fileName, string storedPath, bool ownsFile,
        long size, Guid? actorId, string? heldFor, Guid? mappingId, CancellationToken ct)
    {
        if (await KindMismatchAsync(kind, storedPath, mappingId, ct) is { } mismatch)
        {
            if (ownsFile)
            {
                File.Delete(storedPath);
            }

            throw new DomainException(mismatch, "file");
        }

        var job = ImportJob.Queue(kind, partial, full && kind == ImportKind.Opportunities, fileName, storedPath, ownsFile, size, actorId,
            clock.GetUtcNow(), heldFor, mappingId);
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync(ct);
        if (heldFor is null)
        {
            worker.Wake();
        }

        return job;
    }

    /// <summary>
    /// Why the file is refused for this kind before it is queued: its header is another kind's (see <see cref="FileKinds"/>).
    /// A file read by a chosen mapping is taken as the person says.
    /// </summary>
    public Task<string?> KindMismatchAsync(ImportKind kind, string storedPath, Guid? mappingId, CancellationToken ct) =>
        mappingId is null ? FileKinds.MismatchAsync(db, kind, storedPath, ct) : Task.FromResult<string?>(null);

    /// <summary>
    /// Streams an upload into the import folder, counting as it goes (a chunked body has no length to check up front).
    /// Null when it passes the limit; the partial file is removed.
    /// </summary>
    public async Task<(string Path, long Size)?> StoreAsync(Stream upload, CancellationToken ct)
    {
        var folder = options.Value.ImportFolderPath;
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{Guid.CreateVersion7():N}.csv");
        var limit = options.Value.MaxImportBytes;
        try
        {
            long size = 0;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await upload.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > limit)
                    {
                        break;
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }

            if (size > limit)
            {
                File.Delete(path);
                return null;
            }

            return (path, size);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    public async Task<ImportJobView?> GetAsync(Guid id, CancellationToken ct)
    {
        var view = await Views(db.ImportJobs.Where(j => j.Id == id)).SingleOrDefaultAsync(ct);
        if (view is null || view.State != ImportJobState.Done)
        {
            return view;
        }

        var report = await db.ImportJobs.Where(j => j.Id == id).Select(j => j.Report).SingleAsync(ct);
        return view with { Report = ImportJobView.DeserializeReport(report) };
    }

    /// <summary>The history, newest first, with counts; each report (it can be large) is read one job at a time.</summary>
    public async Task<IReadOnlyList<ImportJobView>> ListAsync(int limit, CancellationToken ct) =>
        await Views(db.ImportJobs.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id).Take(limit)).ToListAsync(ct);

    /// <summary>Waits for the job to finish, here or on another instance, up to the timeout; the job as it then is.</summary>
    public async Task<ImportJobView?> WaitAsync(Guid id, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var finished = signals.WhenFinished(id);
            var job = await GetAsync(id, ct);
            if (job is null || job.State is ImportJobState.Done or ImportJobState.Failed || DateTime.UtcNow >= deadline)
            {
                signals.Forget(id);
                return job;
            }

            var left = deadline - DateTime.UtcNow;
            // Finished here wakes at once; on another instance the table says so at the next look.
            await Task.WhenAny(finished, Task.Delay(left < TimeSpan.FromMilliseconds(250) ? left : TimeSpan.FromMilliseconds(250), ct));
            ct.ThrowIfCancellationRequested();
        }
    }

    private IQueryable<ImportJobView> Views(IQueryable<ImportJob> jobs) =>
        from j in jobs.AsNoTracking()
        join u in db.Users on j.RequestedById equals u.Id into requesters
        from u in requesters.DefaultIfEmpty()
        select new ImportJobView(j.Id, j.Kind, j.State, j.Partial, j.Full, j.FileName, j.SizeBytes, j.RequestedById,
            u == null ? null : u.DisplayName, j.CreatedAt, j.StartedAt, j.FinishedAt, j.HeartbeatAt, j.Attempts,
            new ImportJobProgress(j.Phase ?? "Queued", j.RowsRead, j.RowsTotal, j.BytesRead, j.SizeBytes),
            j.State == ImportJobState.Done
                ? new ImportJobCounts(j.RowsRead, j.Created, j.Updated, j.Unchanged, j.Deleted, j.Rejected)
                : null,
            j.Applied, null, j.FailureReason,
            new ImportJobLinks(ImportJobView.Location(j.Id)))
        {
            MappingId = j.MappingId,
        };
}
