using System.Globalization;
using System.Text.Json;
using Terrain.Data;
using Terrain.Domain;

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

    public static void Audit(AppDbContext db, ImportReport report, Guid? actorId, DateTimeOffset now) =>
        db.AuditEntries.Add(AuditEntry.Record(now, actorId, $"import.{report.Kind.ToString().ToLowerInvariant()}", "Import",
            now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            JsonSerializer.Serialize(new
            {
                rows = report.RowsRead,
                created = report.Created,
                updated = report.Updated,
                unchanged = report.Unchanged,
                rejected = report.Rejected.Count,
                partial = report.Partial,
            })));
}
