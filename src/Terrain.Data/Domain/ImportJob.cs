namespace Terrain.Domain;

public enum ImportKind
{
    Users,
    Accounts,
    Opportunities,
    Activities,
    Bookings,

    /// <summary>Revenue splits of opportunities (ADR 0046).</summary>
    Splits,
}

public enum ImportJobState
{
    Queued,
    Running,
    Done,
    Failed,
}

/// <summary>
/// One import as a job whose state lives in the database, so that every instance sees it and a job whose instance
/// died is taken over rather than lost (ADR 0022). Claims, heartbeats and takeovers are conditional updates run by the
/// worker; the entity holds what a job is and how it starts.
/// </summary>
public sealed class ImportJob
{
    public const int MaxAttempts = 3;

    public const int MaxFileName = 255;

    private ImportJob()
    {
    }

    public Guid Id { get; private set; }

    public ImportKind Kind { get; private set; }

    public ImportJobState State { get; private set; }

    /// <summary>Import the good rows even when some are rejected.</summary>
    public bool Partial { get; private set; }

    /// <summary>Opportunities: the file is a full extract.</summary>
    public bool Full { get; private set; }

    /// <summary>The name the file had where it came from (the upload's, or the path given to the command line).</summary>
    public string FileName { get; private set; } = "";

    /// <summary>Where the file is read from while the job is not finished.</summary>
    public string StoredPath { get; private set; } = "";

    /// <summary>An upload kept for the job and deleted when it ends; a command line's own file is left alone.</summary>
    public bool OwnsFile { get; private set; }

    public long SizeBytes { get; private set; }

    public Guid? RequestedById { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    public DateTimeOffset? HeartbeatAt { get; private set; }

    /// <summary>
    /// The instance running the job, or the one a queued job is held for (the command line that queued its own file);
    /// a hold whose heartbeat stops is released to any worker.
    /// </summary>
    public string? Instance { get; private set; }

    public int Attempts { get; private set; }

    public string? Phase { get; private set; }

    public int RowsRead { get; private set; }

    /// <summary>Rows of the current phase, when the phase knows them (0 while the file is read).</summary>
    public int RowsTotal { get; private set; }

    public long BytesRead { get; private set; }

    public int Created { get; private set; }

    public int Updated { get; private set; }

    public int Unchanged { get; private set; }

    public int Deleted { get; private set; }

    public int Rejected { get; private set; }

    /// <summary>The import's report as JSON, once done.</summary>
    public string? Report { get; private set; }

    /// <summary>Done and the import changed the data; false when it rejected the file.</summary>
    public bool? Applied { get; private set; }

    public string? FailureReason { get; private set; }

    /// <summary>The saved mapping (<see cref="Actuals.ImportMapping"/>) the file is read by; null to recognise its layout from the header.</summary>
    public Guid? MappingId { get; private set; }

    public bool IsFinished => State is ImportJobState.Done or ImportJobState.Failed;

    public static ImportJob Queue(ImportKind kind, bool partial, bool full, string fileName, string storedPath, bool ownsFile,
        long sizeBytes, Guid? requestedById, DateTimeOffset now, string? heldFor = null, Guid? mappingId = null) => new()
        {
            MappingId = mappingId,
            Id = Guid.CreateVersion7(now),
            Kind = kind,
            State = ImportJobState.Queued,
            Partial = partial,
            Full = full,
            FileName = CleanName(fileName),
            StoredPath = storedPath,
            OwnsFile = ownsFile,
            SizeBytes = sizeBytes,
            RequestedById = requestedById,
            CreatedAt = now,
            Instance = heldFor,
            HeartbeatAt = heldFor is null ? null : now,
        };

    /// <summary>The last segment of the name, printable and short enough for the column.</summary>
    private static string CleanName(string fileName)
    {
        var name = new string(Path.GetFileName(fileName.Replace('\\', '/')).Where(c => !char.IsControl(c)).ToArray());
        name = name.Length == 0 ? "upload.csv" : name;
        return name.Length <= MaxFileName ? name : name[..MaxFileName];
    }
}
