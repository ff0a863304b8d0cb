namespace Terrain.Features.Imports;

/// <summary>Runs an import of either kind; shared by the admin page, the API and the command line.</summary>
public sealed class ImportRunner(UserImporter users, AccountImporter accounts)
{
    public static bool TryParseKind(string? text, out ImportKind kind) =>
        Enum.TryParse(text, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !int.TryParse(text, out _);

    public Task<ImportReport> RunAsync(ImportKind kind, Stream csv, bool partial, Guid? actorId,
        IProgress<ImportProgress>? progress = null, CancellationToken ct = default) => kind switch
        {
            ImportKind.Users => users.ImportAsync(csv, partial, actorId, progress, ct),
            _ => accounts.ImportAsync(csv, partial, actorId, progress, ct),
        };
}
