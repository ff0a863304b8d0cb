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

    public static (List<CsvRow> Rows, List<ImportIssue> Issues) Read(Stream stream, IReadOnlyList<CsvColumn> columns)
    {
        var rows = new List<CsvRow>();
        var issues = new List<ImportIssue>();
        SepReader reader;
        try
        {
            reader = Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true, CultureInfo = CultureInfo.InvariantCulture })
                .From(stream);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or FormatException)
        {
            issues.Add(new ImportIssue(1, null, $"The file is not readable CSV: {e.Message}"));
            return (rows, issues);
        }

        using (reader)
        {
            if (reader.Header.IsEmpty)
            {
                issues.Add(new ImportIssue(1, null,
                    $"The file is empty. The first line must be a header with: {string.Join(", ", columns.Select(c => c.Name))}."));
                return (rows, issues);
            }

            var map = MapHeader(reader.Header.ColNames, columns, issues);
            if (issues.Count > 0)
            {
                return (rows, issues);
            }

            var headerCount = reader.Header.ColNames.Count;
            try
            {
                foreach (var row in reader)
                {
                    var line = row.LineNumberFrom;
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
            catch (Exception e) when (e is InvalidDataException or FormatException)
            {
                issues.Add(new ImportIssue(rows.Count + issues.Count + 2, null, $"The file is not valid CSV from here on: {e.Message}"));
            }
        }

        return (rows, issues);
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
