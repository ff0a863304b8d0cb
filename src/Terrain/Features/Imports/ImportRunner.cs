using Terrain.Domain;

namespace Terrain.Features.Imports;

/// <summary>
/// Runs an import of any kind over a stream; the import worker calls it for each job it claims. Imports of one kind
/// take turns across all instances because the database lets only one job of a kind run (see <see cref="ImportWorker"/>).
/// </summary>
public sealed class ImportRunner(UserImporter users, AccountImporter accounts, OpportunityImporter opportunities,
    ActivityImporter activities, BookingImporter bookings, SplitImporter splits)
{
    public static bool TryParseKind(string? text, out ImportKind kind) =>
        Enum.TryParse(text, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !int.TryParse(text, out _);

    public async Task<ImportReport> RunAsync(ImportKind kind, Stream csv, bool partial, Guid? actorId,
        IProgress<ImportProgress>? progress = null, bool full = false, Guid? mappingId = null, CancellationToken ct = default)
    {
        return kind switch
        {
            ImportKind.Users => await users.ImportAsync(csv, partial, actorId, progress, ct),
            ImportKind.Opportunities => await opportunities.ImportAsync(csv, partial, full, actorId, progress, mappingId, ct),
            ImportKind.Activities => await activities.ImportAsync(csv, partial, actorId, progress, mappingId, ct),
            ImportKind.Bookings => await bookings.ImportAsync(csv, partial, actorId, progress, mappingId, ct),
            ImportKind.Splits => await splits.ImportAsync(csv, partial, actorId, progress, ct),
            _ => await accounts.ImportAsync(csv, partial, actorId, progress, ct),
        };
    }
}
