using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using nietras.SeparatedValues;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;

namespace Terrain.Features.Imports;

/// <summary>
/// Recognises what a CSV file holds from its header, so that a users file uploaded as accounts is refused before
/// anything runs, with words that say which kind it looks like, rather than a report of every column it lacks.
/// A file is refused only when it lacks what the chosen kind needs and has all another kind needs; a file of the
/// chosen kind with a mistake in its header goes through and the import names the mistake.
/// </summary>
public static partial class FileKinds
{
    /// <summary>Why this header does not belong to <paramref name="chosen"/>; null when it may, or when no other kind fits either.</summary>
    public static string? Mismatch(ImportKind chosen, IReadOnlyList<string> header, IReadOnlyList<ImportMapping> savedOfChosen)
    {
        if (Fits(chosen, header, savedOfChosen))
        {
            return null;
        }

        var other = Enum.GetValues<ImportKind>().Where(k => k != chosen).Cast<ImportKind?>().FirstOrDefault(k => Fits(k!.Value, header, []));
        var columns = Columns(header);
        var yours = $"you chose {chosen}";
        if (other is { } kind)
        {
            var noun = kind.ToString().ToLowerInvariant();
            return $"This looks like {("ao".Contains(noun[0], StringComparison.Ordinal) ? "an" : "a")} {noun} file (columns {columns}); {yours}. "
                + $"Choose {kind} and upload it again.";
        }

        return IsQuotas(header)
            ? $"This looks like a quotas file (columns {columns}); {yours}. Quotas are uploaded on a cycle's quota page, not here."
            : null;
    }

    /// <summary>The header of a stored file, or null when it cannot be read as CSV (the import then says why).</summary>
    public static IReadOnlyList<string>? Header(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true, CultureInfo = CultureInfo.InvariantCulture })
                .From(new Utf8CheckingStream(stream));
            return reader.Header.IsEmpty ? null : [.. reader.Header.ColNames];
        }
        catch (Exception e) when (e is NotUtf8Exception or NotSupportedException or InvalidDataException or ArgumentException or FormatException or IOException)
        {
            return null;
        }
    }

    /// <summary>Reads the stored file's header and judges it; saved mappings of the chosen kind count as its layouts.</summary>
    public static async Task<string?> MismatchAsync(AppDbContext db, ImportKind chosen, string path, CancellationToken ct)
    {
        if (Header(path) is not { } header)
        {
            return null;
        }

        var saved = ImportMapping.Mappable(chosen)
            ? await db.ImportMappings.AsNoTracking().Where(m => m.Kind == chosen).ToListAsync(ct)
            : [];
        return Mismatch(chosen, header, saved);
    }

    private static bool Fits(ImportKind kind, IReadOnlyList<string> header, IReadOnlyList<ImportMapping> saved) => kind switch
    {
        ImportKind.Users => HasRequired(UserImporter.Columns, header),
        ImportKind.Accounts => HasRequired(AccountImporter.Columns, header),
        ImportKind.Opportunities => DealLayout.Detect(header) is not null || saved.SelectMany(m => m.ToDealLayouts()).Any(l => l.Missing(header).Count == 0),
        ImportKind.Activities => ActualsLayout.Detect([.. ActivityLayouts.BuiltIn, .. saved.Select(m => m.ToLayout<ActivityField>())], header) is not null,
        ImportKind.Bookings => ActualsLayout.Detect([.. BookingLayouts.BuiltIn, .. saved.Select(m => m.ToLayout<BookingField>())], header) is not null,
        ImportKind.Splits => ActualsLayout.Detect(SplitLayouts.BuiltIn, header) is not null,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static bool HasRequired(IReadOnlyList<CsvColumn> columns, IReadOnlyList<string> header)
    {
        var names = header.Select(CsvColumn.Normalize).ToList();
        return columns.Where(c => c.Required).All(c => names.Any(c.Matches));
    }

    /// <summary>A cycle's quota sheet: an email column and quarters (q1, q2, ...), as the quota page takes it.</summary>
    private static bool IsQuotas(IReadOnlyList<string> header)
    {
        var names = header.Select(CsvColumn.Normalize).ToList();
        return names.Any(n => n is "email" or "repemail" or "e-mail") && names.Any(n => Quarter().IsMatch(n));
    }

    /// <summary>The file's own column names, the first eight at most.</summary>
    private static string Columns(IReadOnlyList<string> header)
    {
        var names = header.Take(8).Select(h => h.Trim().TrimStart('\uFEFF'));
        return string.Join(", ", names) + (header.Count > 8 ? $" and {header.Count - 8} more" : "");
    }

    [GeneratedRegex("^(q|quarter)[1-9][0-9]?$")]
    private static partial Regex Quarter();
}
