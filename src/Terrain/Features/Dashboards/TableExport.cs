using System.Data;
using System.Globalization;
using System.Text;
using MiniExcelLibs;
using Terrain.Domain;
using Terrain.Domain.Performance;

namespace Terrain.Features.Dashboards;

/// <summary>An exported file: its bytes, content type and download name.</summary>
public sealed record ExportFile(byte[] Content, string ContentType, string FileName);

/// <summary>A dashboard table as exported: a name (the CSV file's suffix, the workbook's sheet), headers and rows of plain values.</summary>
public sealed record ExportTable(string Name, IReadOnlyList<string> Headers, IReadOnlyList<object?[]> Rows);

/// <summary>
/// Dashboard tables to CSV (one table) and to an Excel workbook (every table of the dashboard, one sheet each, with
/// MiniExcel). Text that a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage return)
/// is prefixed with an apostrophe, in both formats; numbers stay numbers.
/// </summary>
public static class TableExport
{
    public const string Csv = "text/csv; charset=utf-8";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>Null (JSON), "csv" or "xlsx"; anything else is refused naming the parameter.</summary>
    public static string? FormatOf(string? format) => format?.Trim().ToLowerInvariant() switch
    {
        null or "" or "json" => null,
        "csv" => "csv",
        "xlsx" => "xlsx",
        _ => throw new DomainException($"'{format}' is not an export format: use csv or xlsx (or leave it out for JSON).", "format"),
    };

    /// <summary>The file of the tables in the given format: the named table (default the first) as CSV, or all of them as a workbook.</summary>
    public static ExportFile Render(string format, string baseName, IReadOnlyList<ExportTable> tables, string? table)
    {
        if (format == "xlsx")
        {
            return new(ToXlsx(tables), Xlsx, $"{baseName}.xlsx");
        }

        var chosen = string.IsNullOrEmpty(table) ? tables[0]
            : tables.FirstOrDefault(t => string.Equals(t.Name, table, StringComparison.OrdinalIgnoreCase))
              ?? throw new DomainException($"There is no table '{table}': choose one of {string.Join(", ", tables.Select(t => t.Name))}.", "table");
        return new(ToCsv(chosen), Csv, $"{baseName}-{chosen.Name}.csv");
    }

    /// <summary>The API's answer with the file.</summary>
    public static IResult File(string format, string baseName, IReadOnlyList<ExportTable> tables, string? table) =>
        Render(format, baseName, tables, table) is var f ? Results.File(f.Content, f.ContentType, f.FileName) : throw new InvalidOperationException();

    public static byte[] ToCsv(ExportTable table)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', table.Headers.Select(h => Quote(Safe(h)))).Append("\r\n");
        foreach (var row in table.Rows)
        {
            text.AppendJoin(',', row.Select(Cell)).Append("\r\n");
        }

        // A BOM so that Excel reads the file as UTF-8.
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    public static byte[] ToXlsx(IReadOnlyList<ExportTable> tables)
    {
        var sheets = new Dictionary<string, object>();
        foreach (var table in tables)
        {
            var data = new DataTable(table.Name);
            var numeric = new bool[table.Headers.Count];
            for (var i = 0; i < table.Headers.Count; i++)
            {
                var values = table.Rows.Select(r => r[i]).Where(v => v is not null).ToList();
                numeric[i] = values.Count > 0 && values.All(v => v is decimal or int);
                data.Columns.Add(new DataColumn(table.Headers[i], numeric[i] ? typeof(decimal) : typeof(string)));
            }

            foreach (var row in table.Rows)
            {
                data.Rows.Add(row.Select((v, i) => v switch
                {
                    null => DBNull.Value,
                    int n when numeric[i] => (decimal)n,
                    decimal when numeric[i] => v,
                    _ => (object)Safe(Text(v)),
                }).ToArray());
            }

            sheets[table.Name] = data;
        }

        using var stream = new MemoryStream();
        stream.SaveAs(sheets);
        return stream.ToArray();
    }

    /// <summary>Text a spreadsheet would run as a formula, made inert.</summary>
    public static string Safe(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + text : text;

    private static string Cell(object? value) => value switch
    {
        null => "",
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        int n => n.ToString(CultureInfo.InvariantCulture),
        _ => Quote(Safe(Text(value))),
    };

    private static string Text(object value) => value switch
    {
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "yes" : "no",
        GoalStatus s => DashboardText.Status(s),
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Quote(string text) =>
        text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;

    /// <summary>The columns every figures row exports, prefixed with the period's name.</summary>
    public static IEnumerable<string> FigureHeaders(string period) =>
        new[] { "Target", "Actual", "Attainment", "Gap", "Forecast", "Forecast with best case", "Forecast attainment", "Open pipeline", "Coverage", "Status" }
            .Select(h => $"{period} {h.ToLowerInvariant()}");

    public static IEnumerable<object?> FigureCells(Figures f) =>
        [f.Target, f.Actual, f.Attainment, f.Gap, f.Forecast, f.ForecastBestCase, f.ForecastAttainment, f.OpenPipeline,
            f.CoverageMet == true ? "met" : f.Coverage, DashboardText.Status(f.Status)];
}
