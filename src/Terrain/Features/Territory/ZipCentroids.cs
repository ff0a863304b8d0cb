using System.Collections.Frozen;
using System.Globalization;

namespace Terrain.Features.Territory;

/// <summary>
/// The centroids of US ZIP codes shipped with the app (zip-centroids.txt, generated from the `zipcodes` npm package by
/// copy-libs.mjs), to place an account that has a postal code but no coordinates (ADR 0042). A centroid is
/// a few kilometres from the real address, so an account placed this way is marked approximate.
/// </summary>
public static class ZipCentroids
{
    private static readonly Lazy<FrozenDictionary<int, (double Latitude, double Longitude)>> Table = new(Load);

    /// <summary>How many ZIP codes are known.</summary>
    public static int Count => Table.Value.Count;

    /// <summary>The centroid of a US ZIP code ("02139" or ZIP+4 "02139-4307"), or null for anything else.</summary>
    public static (double Latitude, double Longitude)? Locate(string? postalCode)
    {
        var code = postalCode?.Trim() ?? "";
        if (code.Length == 10 && code[5] == '-' && code[6..].All(char.IsAsciiDigit))
        {
            code = code[..5];
        }

        return code.Length == 5 && code.All(char.IsAsciiDigit) && Table.Value.TryGetValue(int.Parse(code, CultureInfo.InvariantCulture), out var at)
            ? at
            : null;
    }

    private static FrozenDictionary<int, (double, double)> Load()
    {
        using var stream = typeof(ZipCentroids).Assembly.GetManifestResourceStream("Terrain.zip-centroids.txt")
            ?? throw new InvalidOperationException("The ZIP centroids are missing from the build (Terrain.csproj embeds them).");
        using var reader = new StreamReader(stream);
        var table = new Dictionary<int, (double, double)>(45_000);
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(',');
            if (parts.Length == 3 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var zip)
                && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
                && double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon))
            {
                table[zip] = (lat, lon);
            }
        }

        return table.ToFrozenDictionary();
    }
}
