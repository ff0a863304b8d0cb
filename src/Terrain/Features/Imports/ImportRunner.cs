namespace Terrain.Features.Imports;

/// <summary>Runs an import of either kind; shared by the admin page, the API and the command line.</summary>
public sealed class ImportRunner(UserImporter users, AccountImporter accounts, OpportunityImporter opportunities,
    ActivityImporter activities, BookingImporter bookings)
{
    /// <summary>
    /// Imports are rare and heavy, and two at once over the same records would race to insert them: within one process
    /// they take turns. Across processes the importers turn a lost race into a failed report instead.
    /// </summary>
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public static bool TryParseKind(string? text, out ImportKind kind) =>
        Enum.TryParse(text, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !int.TryParse(text, out _);

    public async Task<ImportReport> RunAsync(ImportKind kind, Stream csv, bool partial, Guid? actorId,
        IProgress<ImportProgress>? progress = null, bool full = false, CancellationToken ct = default)
    {
        await OneAtATime.WaitAsync(ct);
        try
        {
            return kind switch
            {
                ImportKind.Users => await users.ImportAsync(csv, partial, actorId, progress, ct),
                ImportKind.Opportunities => await opportunities.ImportAsync(csv, partial, full, actorId, progress, ct),
                ImportKind.Activities => await activities.ImportAsync(csv, partial, actorId, progress, ct),
                ImportKind.Bookings => await bookings.ImportAsync(csv, partial, actorId, progress, ct),
                _ => await accounts.ImportAsync(csv, partial, actorId, progress, ct),
            };
        }
        finally
        {
            OneAtATime.Release();
        }
    }
}
