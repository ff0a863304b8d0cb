using System.Globalization;

namespace Terrain.Domain;

/// <summary>
/// The rules every structured input shares (plan worksheets, the sales strategy): trimmed text with a length limit,
/// amounts that are not negative, one of a list, bounded lists, and field paths such as "rows[3].nextMove" that read
/// as "Row 4: next move" in messages.
/// </summary>
public static class Fields
{
    public const int MaxText = 4000;

    public static string? Clean(string? value, string field, int max = MaxText)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new DomainException($"{Label(field)} contains a NUL character.", field);
        }

        if (text.Length > max)
        {
            throw new DomainException($"{Label(field)} is longer than {max.ToString("N0", CultureInfo.InvariantCulture)} characters.", field);
        }

        return text.Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    public static decimal? Amount(decimal? value, string field, bool whole = false)
    {
        if (value is not { } v)
        {
            return null;
        }

        Money.Validate(v, field, Label(field));
        if (whole && v != decimal.Truncate(v))
        {
            throw new DomainException($"{Label(field)} must be a whole number.", field);
        }

        return v;
    }

    public static string? OneOf(string? value, IReadOnlyList<string> allowed, string field)
    {
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return allowed.FirstOrDefault(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase))
            ?? throw new DomainException($"{Label(field)} must be one of {string.Join(", ", allowed)}, not '{text}'.", field);
    }

    public static void EnsureAtMost<T>(IReadOnlyCollection<T> rows, int max, string field, string what)
    {
        var index = rows.Select((r, i) => (r, i)).FirstOrDefault(x => x.r is null, (default!, -1)).Item2;
        if (index >= 0)
        {
            throw new DomainException($"Item {index + 1} of {field} is empty (null): send an object or leave it out.", $"{field}[{index}]");
        }

        if (rows.Count > max)
        {
            throw new DomainException($"At most {max} {what} are allowed here.", field);
        }
    }

    public static string NewId() => Guid.NewGuid().ToString("N")[..10];

    /// <summary>"rows[3].nextMove" reads as "Row 4: next move".</summary>
    public static string Label(string field)
    {
        var dot = field.LastIndexOf('.');
        var name = dot < 0 ? field : field[(dot + 1)..];
        var words = string.Concat(name.Select(c => char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));
        var open = field.IndexOf('[', StringComparison.Ordinal);
        if (open < 0 || dot < 0)
        {
            return char.ToUpperInvariant(words[0]) + words[1..];
        }

        var close = field.IndexOf(']', open);
        var index = int.Parse(field[(open + 1)..close], CultureInfo.InvariantCulture) + 1;
        var list = field[..open];
        var noun = list switch
        {
            "rows" => "Row",
            "goals" => "Goal",
            "actions" => "Action",
            "prospects" => "Prospect",
            "accounts" => "Key account",
            "items" => "Item",
            "valuePropositions" => "Value proposition",
            "priorities" => "Priority",
            "options" => "Option",
            _ => char.ToUpperInvariant(list[0]) + list[1..].TrimEnd('s'),
        };
        return $"{noun} {index}: {words.Trim()}";
    }
}
