using System.Globalization;
using nietras.SeparatedValues;

namespace Terrain.Features.Imports;

/// <summary>A CSV column of one of Terrain's import formats, with the header spellings it accepts.</summary>
public sealed record CsvColumn(string Name, bool Required, params string[] Aliases)
{
    public bool Matches(string normalizedHeader) =>
        Normalize(Name) == normalizedHeader || Aliases.Any(a => Normalize(a) == normalizedHeader);

    /// <summary>Headers match case-insensitively, ignoring spaces, dashes and underscores.</summary>
    public static string Normalize(string header) => new(header.Trim().TrimStart('\uFEFF')
        .Where(c => c is not (' ' or '-' or '_' or '\t')).Select(char.ToLowerInvariant).ToArray());
}

public sealed record CsvRow(int Line, IReadOnlyDictionary<string, string> Values)
{
    public string Get(CsvColumn column) => Values.TryGetValue(column.Name, out var value) ? value.Trim() : "";

    /// <summary>Whether the file has this column at all; an absent column leaves existing values alone.</summary>
    public bool Has(CsvColumn column) => Values.ContainsKey(column.Name);
}

/// <summary>Reads a whole CSV file into rows keyed by canonical column name, checking the header first.</summary>
public static class CsvTable
{
    public const int MaxRows = 2_000_000;

    /// <summary>Why reading stopped when Sep meets a row it cannot buffer.</summary>
    public const string RowTooLongReason =
        "This line starts an unclosed quote or a row longer than 16 MB, so the file could not be read from here on. "
        + "Close the quote (a quote inside a quoted field is written twice: \"\") or shorten the row.";

    public static string NotUtf8Reason(int line, bool binary = false) => binary
        ? $"The file is not a CSV text file: it holds binary data (line {line}), as a spreadsheet, an archive, an image or a PDF does. "
            + "Export the data as CSV UTF-8 and import that file; in Excel choose File > Save As > CSV UTF-8 (Comma delimited)."
        : $"The file is not UTF-8 (line {line} has the first byte that is not), for example Windows-1252 or Latin-1 as older Excel versions save CSV. "
            + "Save it as CSV UTF-8 and import it again; in Excel choose File > Save As > CSV UTF-8 (Comma delimited).";

    /// <summary>
    /// Reads the file, reporting problems as issues rather than exceptions. A file that is not UTF-8 yields no rows
    /// and a single issue, so it is rejected as a whole even when a partial import was asked for.
    /// </summary>
    public static (List<CsvRow> Rows, List<ImportIssue> Issues) Read(Stream stream, IReadOnlyList<CsvColumn> columns)
    {
        var rows = new List<CsvRow>();
        var issues = new List<ImportIssue>();
        try
        {
            ReadRows(new Utf8CheckingStream(stream), columns, rows, issues);
        }
        catch (NotUtf8Exception e)
        {
            // Sep reads ahead, so some rows may have been read already; none of them can be trusted.
            rows.Clear();
            issues.Clear();
            issues.Add(new ImportIssue(e.Line, null, NotUtf8Reason(e.Line, e.Binary)));
        }

        return (rows, issues);
    }

    private static void ReadRows(Stream stream, IReadOnlyList<CsvColumn> columns, List<CsvRow> rows, List<ImportIssue> issues)
    {
        SepReader reader;
        try
        {
            reader = Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true, CultureInfo = CultureInfo.InvariantCulture })
                .From(stream);
        }
        catch (NotSupportedException)
        {
            // Sep buffers at most 16 M characters per row; the header itself did not fit.
            issues.Add(new ImportIssue(1, null, RowTooLongReason));
            return;
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or FormatException)
        {
            issues.Add(new ImportIssue(1, null, $"The file is not readable CSV: {e.Message}"));
            return;
        }

        using (reader)
        {
            if (reader.Header.IsEmpty)
            {
                issues.Add(new ImportIssue(1, null,
                    $"The file is empty. The first line must be a header with: {string.Join(", ", columns.Select(c => c.Name))}."));
                return;
            }

            var map = MapHeader(reader.Header.ColNames, columns, issues);
            if (issues.Count > 0)
            {
                return;
            }

            var headerCount = reader.Header.ColNames.Count;
            // The line the next row starts on, for errors raised before Sep can hand that row over.
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

                    if (row.ColCount != headerCount)
                    {
                        issues.Add(new ImportIssue(line, null,
                            $"The row has {row.ColCount} fields but the header has {headerCount}. Check for a missing or extra comma, or an unclosed quote."));
                        continue;
                    }

                    if (rows.Count + issues.Count >= MaxRows)
                    {
                        issues.Add(new ImportIssue(line, null, $"The file has more than {MaxRows:N0} rows. Split it into smaller files."));
                        break;
                    }

                    var values = new Dictionary<string, string>(map.Count, StringComparer.Ordinal);
                    foreach (var (index, name) in map)
                    {
                        values[name] = row[index].ToString();
                    }

                    rows.Add(new CsvRow(line, values));
                }
            }
            catch (NotSupportedException)
            {
                issues.Add(new ImportIssue(next, null, RowTooLongReason));
            }
            catch (Exception e) when (e is InvalidDataException or FormatException)
            {
                issues.Add(new ImportIssue(next, null, $"The file is not valid CSV from here on: {e.Message}"));
            }
        }
    }

    private static Dictionary<int, string> MapHeader(IReadOnlyList<string> header, IReadOnlyList<CsvColumn> columns, List<ImportIssue> issues)
    {
        var map = new Dictionary<int, string>();
        for (var i = 0; i < header.Count; i++)
        {
            var normalized = CsvColumn.Normalize(header[i]);
            var column = columns.FirstOrDefault(c => c.Matches(normalized));
            if (column is null)
            {
                issues.Add(new ImportIssue(1, header[i],
                    $"Unknown column '{header[i]}'. Expected columns: {string.Join(", ", columns.Select(c => c.Name))}."));
                continue;
            }

            if (map.ContainsValue(column.Name))
            {
                issues.Add(new ImportIssue(1, header[i], $"The column '{column.Name}' appears twice."));
                continue;
            }

            map[i] = column.Name;
        }

        foreach (var missing in columns.Where(c => c.Required && !map.ContainsValue(c.Name)))
        {
            issues.Add(new ImportIssue(1, missing.Name, $"The required column '{missing.Name}' is missing from the header."));
        }

        return map;
    }
}
