using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Infrastructure;

namespace Terrain.Features.Imports;

/// <summary>The steps every import shares: read and check the header, and leave an audit entry.</summary>
internal static class ImportFile
{
    public static (List<CsvRow> Rows, List<ImportIssue> Issues, ImportReport? Failed) Read(
        ImportKind kind, Stream csv, IReadOnlyList<CsvColumn> columns, bool partial, IProgress<ImportProgress>? progress)
    {
        progress?.Report(new ImportProgress("Reading", 0, 0));
        var (rows, issues) = CsvTable.Read(csv, columns);
        if (rows.Count == 0 && issues.Count == 0)
        {
            issues.Add(new ImportIssue(1, null, "The file has a header but no rows."));
        }

        var failed = issues.Any(i => i.Line == 1) || rows.Count == 0
            ? ImportReport.Failed(kind, rows.Count, issues, partial)
            : null;
        return (rows, issues, failed);
    }

    public const string ConflictReason =
        "Another change to the same records happened at the same time (perhaps another import), so nothing was imported. "
        + "Run the import again.";

    /// <summary>
    /// Writes the import and its audit entry in one transaction. A save that the database refuses, most often because
    /// another import or edit of the same records won the race, becomes a failed report rather than an error. A transient
    /// failure is left to the execution strategy, which runs the whole import again (see <see cref="UnitOfWork"/>).
    /// </summary>
    public static async Task<ImportReport> SaveAsync(AppDbContext db, ImportReport report, Guid? actorId, DateTimeOffset now,
        ILogger logger, ImportLease? lease, CancellationToken ct)
    {
        if (lease is not null)
        {
            await lease.RenewAsync(db, ct);
        }

        Audit(db, report, actorId, now);
        try
        {
            await db.SaveChangesAsync(ct);
            return report;
        }
        catch (DbUpdateException e) when (!UnitOfWork.WillRetry(db, e))
        {
            db.ChangeTracker.Clear();
            var conflict = DbConflicts.IsConflict(e);
            logger.Log(conflict ? LogLevel.Warning : LogLevel.Error, e,
                "The {Kind} import of {Rows} rows could not be saved; nothing was imported.", report.Kind, report.RowsRead);
            var reason = conflict
                ? ConflictReason
                : $"The database refused the changes, so nothing was imported: {e.GetBaseException().Message}";
            return ImportReport.Failed(report.Kind, report.RowsRead, [new ImportIssue(1, null, reason)], report.Partial);
        }
    }

    public static void Audit(AppDbContext db, ImportReport report, Guid? actorId, DateTimeOffset now) =>
        db.AuditEntries.Add(AuditEntry.Record(now, actorId, $"import.{report.Kind.ToString().ToLowerInvariant()}", "Import",
            now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            report.Kind == ImportKind.Opportunities
                ? JsonSerializer.Serialize(new
                {
                    rows = report.RowsRead,
                    created = report.Created,
                    updated = report.Updated,
                    unchanged = report.Unchanged,
                    deleted = report.Deleted,
                    rejected = report.Rejected.Count,
                    partial = report.Partial,
                    layout = report.Layout,
                    unmatchedAccounts = report.UnmatchedAccounts,
                })
                : JsonSerializer.Serialize(new
                {
                    rows = report.RowsRead,
                    created = report.Created,
                    updated = report.Updated,
                    unchanged = report.Unchanged,
                    rejected = report.Rejected.Count,
                    partial = report.Partial,
                })));
}
