using System.Globalization;
using System.Text.Json;
using nietras.SeparatedValues;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;

namespace Terrain.Features.Imports;

/// <summary>
/// What reading a file or a batch of actuals found: the rows checked so far are kept by the importer's
/// <see cref="IActualsRows"/>; here are the counts, the issues and what the report says about the layout.
/// </summary>
internal sealed class ActualsRead
{
    public List<ImportIssue> Issues { get; } = [];

    /// <summary>External ids of rejected rows: a full extract must not mark those deleted.</summary>
    public HashSet<string> RejectedIds { get; } = new(StringComparer.Ordinal);

    public HashSet<string> UnmatchedAccounts { get; } = new(StringComparer.Ordinal);

    public int RowsRead { get; set; }

    public string? Layout { get; set; }

    public IReadOnlyList<string> Ignored { get; set; } = [];

    /// <summary>The whole input is refused, even in a partial import.</summary>
    public bool Unreadable { get; set; }

    public ImportReport Describe(ImportReport report) => report with
    {
        Layout = Layout,
        IgnoredColumns = Ignored,
        UnmatchedAccounts = UnmatchedAccounts.Count,
    };

    /// <summary>Saves what the apply step changed with the import's audit entry, and reports it.</summary>
    public async Task<ImportReport> SaveAsync(AppDbContext db, ImportKind kind, (int Created, int Updated, int Unchanged) counts, bool partial,
        Guid? actorId, DateTimeOffset now, ILogger logger, IProgress<ImportProgress>? progress, ImportLease? lease, CancellationToken ct)
    {
        progress?.Report(new ImportProgress("Saving", 0, 0));
        var report = Describe(new ImportReport(kind, RowsRead, counts.Created, counts.Updated, counts.Unchanged,
            [.. Issues.OrderBy(i => i.Line)], partial, Applied: true));
        report = await ImportFile.SaveAsync(db, report, actorId, now, logger, lease, ct);
        progress?.Report(new ImportProgress("Saving", 1, 1));
        return report.Applied ? report : Describe(report);
    }

    /// <summary>What to say when the input has no rows at all.</summary>
    public string EmptyReason { get; set; } = "The file has a header but no rows.";

    /// <summary>
    /// The failed report when the input cannot be imported: unreadable, empty, or with rejected rows in an import that
    /// is all or nothing; null when the good rows go on to be applied.
    /// </summary>
    public ImportReport? Refusal(ImportKind kind, bool partial)
    {
        if (!Unreadable && RowsRead == 0 && Issues.Count == 0)
        {
            Issues.Add(new ImportIssue(1, null, EmptyReason));
            Unreadable = true;
        }

        return Unreadable || (Issues.Count > 0 && !partial)
            ? Describe(ImportReport.Failed(kind, RowsRead, [.. Issues.OrderBy(i => i.Line)], partial))
            : null;
    }
}

/// <summary>
/// One importer's row checking, fed the same way by a CSV file and by a JSON batch: a header, then the cells of each
/// row in its order. The importer keeps the rows that pass for its apply step.
/// </summary>
internal interface IActualsRows
{
    /// <summary>Settles the layout from the header; the reason it is refused, or null.</summary>
    string? Begin(IReadOnlyList<string> header, ActualsRead read);

    /// <summary>The column of the external id, to note the ids of rows too broken to check.</summary>
    int KeyColumn { get; }

    /// <summary>Checks one row; a row that fails becomes an issue, one that passes is kept.</summary>
    void Check(int line, string[] cells, ActualsRead read);

    /// <summary>Forgets the rows kept: the input turned out unreadable and none of them can be trusted.</summary>
    void Discard();
}

/// <summary>Feeds an <see cref="IActualsRows"/> from a streamed CSV file or from a JSON array of records.</summary>
internal static class ActualsSource
{
    /// <summary>The most records a JSON batch may hold (<c>Terrain:MaxActualsBatch</c> may lower or raise it).</summary>
    public const int DefaultMaxBatch = 10_000;

    /// <summary>Streams the file: only the checked facts of each row are kept, never its text.</summary>
    public static void ReadCsv(Stream stream, IActualsRows rows, ActualsRead read, string what, IProgress<ImportProgress>? progress)
    {
        try
        {
            ReadCsvRows(new Utf8CheckingStream(stream), rows, read, what, progress);
        }
        catch (NotUtf8Exception e)
        {
            // Sep reads ahead, so some rows may have been read already; none of them can be trusted.
            read.Issues.Clear();
            Fail(rows, read, e.Line, CsvTable.NotUtf8Reason(e.Line, e.Binary));
        }
    }

    private static void ReadCsvRows(Stream stream, IActualsRows rows, ActualsRead read, string what, IProgress<ImportProgress>? progress)
    {
        SepReader reader;
        try
        {
            reader = Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true, CultureInfo = CultureInfo.InvariantCulture })
                .From(stream);
        }
        catch (NotSupportedException)
        {
            Fail(rows, read, 1, CsvTable.RowTooLongReason);
            return;
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or FormatException)
        {
            Fail(rows, read, 1, $"The file is not readable CSV: {e.Message}");
            return;
        }

        using (reader)
        {
            if (reader.Header.IsEmpty)
            {
                Fail(rows, read, 1, $"The file is empty. The first line must be the header of {what}.");
                return;
            }

            var header = reader.Header.ColNames.ToList();
            if (rows.Begin(header, read) is { } refused)
            {
                Fail(rows, read, 1, refused);
                return;
            }

            var cells = new string[header.Count];
            var next = 2;
            try
            {
                foreach (var row in reader)
                {
                    var line = row.LineNumberFrom;
                    next = row.LineNumberToExcl;
                    if (row.ColCount == 1 && row[0].Span.Trim().IsEmpty)
                    {
                        continue;
                    }

                    if (!Counted(rows, read, line, progress))
                    {
                        return;
                    }

                    if (row.ColCount != header.Count)
                    {
                        read.Issues.Add(new ImportIssue(line, null,
                            $"The row has {row.ColCount} fields but the header has {header.Count}. Check for a missing or extra comma, or an unclosed quote."));
                        if (rows.KeyColumn >= 0 && row.ColCount > rows.KeyColumn)
                        {
                            read.RejectedIds.Add(row[rows.KeyColumn].ToString().Trim());
                        }

                        continue;
                    }

                    for (var i = 0; i < cells.Length; i++)
                    {
                        cells[i] = row[i].ToString();
                    }

                    rows.Check(line, cells, read);
                }
            }
            catch (NotSupportedException)
            {
                Fail(rows, read, next, CsvTable.RowTooLongReason);
            }
            catch (Exception e) when (e is InvalidDataException or FormatException)
            {
                Fail(rows, read, next, $"The file is not valid CSV from here on: {e.Message}");
            }
        }
    }

    private static bool Counted(IActualsRows rows, ActualsRead read, int line, IProgress<ImportProgress>? progress)
    {
        read.RowsRead++;
        if (read.RowsRead > CsvTable.MaxRows)
        {
            Fail(rows, read, line, $"The file has more than {CsvTable.MaxRows:N0} rows. Split it into smaller files.");
            return false;
        }

        if (read.RowsRead % 5000 == 0)
        {
            progress?.Report(new ImportProgress("Reading", read.RowsRead, 0));
        }

        return true;
    }

    /// <summary>
    /// Reads a JSON array of records whose members are the layout's columns (<paramref name="fields"/>, camelCase):
    /// each record becomes a row of cells in that order, its position in the array (from 1) standing for the line.
    /// A member that is no field is refused, so that a misspelt field never passes without its value.
    /// </summary>
    public static void ReadJson(JsonElement records, IReadOnlyList<string> fields, IActualsRows rows, ActualsRead read)
    {
        if (rows.Begin(fields, read) is { } refused)
        {
            Fail(rows, read, 1, refused);
            return;
        }

        read.EmptyReason = "The batch holds no records.";
        var index = fields.Select((f, i) => (f, i)).ToDictionary(f => f.f, f => f.i, StringComparer.OrdinalIgnoreCase);
        var position = 0;
        foreach (var record in records.EnumerateArray())
        {
            position++;
            read.RowsRead++;
            if (record.ValueKind != JsonValueKind.Object)
            {
                read.Issues.Add(new ImportIssue(position, null, $"Record {position} is {record.ValueKind.ToString().ToLowerInvariant()}, not an object."));
                continue;
            }

            var cells = new string[fields.Count];
            Array.Fill(cells, "");
            ImportIssue? issue = null;
            foreach (var member in record.EnumerateObject())
            {
                if (!index.TryGetValue(member.Name, out var i))
                {
                    issue = new ImportIssue(position, member.Name, $"'{member.Name}' is not a field. The fields are {string.Join(", ", fields)}.");
                    break;
                }

                var value = member.Value;
                switch (value.ValueKind)
                {
                    case JsonValueKind.String:
                        cells[i] = value.GetString()!;
                        break;
                    case JsonValueKind.Number:
                        cells[i] = value.TryGetDecimal(out var number) ? number.ToString(CultureInfo.InvariantCulture) : value.GetRawText();
                        break;
                    case JsonValueKind.True or JsonValueKind.False:
                        cells[i] = value.GetBoolean() ? "true" : "false";
                        break;
                    case JsonValueKind.Null:
                        break;
                    default:
                        issue = new ImportIssue(position, member.Name, $"'{member.Name}' must be a string, a number, a boolean or null.");
                        break;
                }

                if (issue is not null)
                {
                    break;
                }
            }

            if (issue is not null)
            {
                read.Issues.Add(issue);
                if (rows.KeyColumn >= 0)
                {
                    read.RejectedIds.Add(cells[rows.KeyColumn].Trim());
                }

                continue;
            }

            rows.Check(position, cells, read);
        }
    }

    private static void Fail(IActualsRows rows, ActualsRead read, int line, string reason)
    {
        rows.Discard();
        read.Issues.Add(new ImportIssue(line, null, reason));
        read.Unreadable = true;
    }
}

/// <summary>
/// Row checks of a kind read by <see cref="ActualsLayout{TField}"/> layouts: settles the layout from the header, and
/// turns a row that fails <see cref="Keep"/> into an issue naming the file's column.
/// </summary>
internal abstract class LayoutRows<TField>(MappedLayouts<ActualsLayout<TField>> layouts, string what) : IActualsRows
    where TField : struct, Enum
{
    private ActualsColumns<TField>? _columns;

    public int KeyColumn => _columns?.IndexOf(Key) ?? -1;

    /// <summary>The field whose value keys a row.</summary>
    protected abstract TField Key { get; }

    public string? Begin(IReadOnlyList<string> header, ActualsRead read)
    {
        if (ActualsLayout.Detect(layouts.Layouts, header) is not { } layout)
        {
            return ActualsLayout.Unrecognised(layouts.Layouts, header, what, layouts.Chosen);
        }

        _columns = new ActualsColumns<TField>(layout, header);
        read.Layout = layout.Name;
        read.Ignored = _columns.Ignored;
        return null;
    }

    public abstract void Discard();

    public void Check(int line, string[] cells, ActualsRead read)
    {
        var columns = _columns!;
        try
        {
            Keep(line, cells, columns, read);
            return;
        }
        catch (DealRowException e)
        {
            read.Issues.Add(new ImportIssue(line, e.Column, e.Message));
        }
        catch (DomainException e)
        {
            read.Issues.Add(new ImportIssue(line, columns.ColumnOf(e.Field), e.Message));
        }

        if (KeyColumn >= 0)
        {
            read.RejectedIds.Add(cells[KeyColumn].Trim());
        }
    }

    /// <summary>Reads, matches and keeps one row; throws <see cref="DealRowException"/> or <see cref="DomainException"/> when it fails.</summary>
    protected abstract void Keep(int line, string[] cells, ActualsColumns<TField> columns, ActualsRead read);
}
