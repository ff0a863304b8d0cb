namespace Terrain.Features.Territory;

/// <summary>
/// An optional tile server for the map (configuration <c>Terrain:Map:TileUrl</c>, e.g. <c>https://tiles.example/{z}/{x}/{y}.png</c>,
/// and <c>Terrain:Map:TileAttribution</c>). Without one the map draws only the boundaries shipped with the app and nothing leaves
/// the server's origin; with one, the content security policy lets images come from exactly that origin.
/// </summary>
public sealed record MapTiles(string Url, string Attribution, string Origin)
{
    /// <summary>The configured tile server, or null; a malformed URL stops the app at start with the reason.</summary>
    public static MapTiles? From(IConfiguration configuration)
    {
        var url = configuration["Terrain:Map:TileUrl"]?.Trim();
        if (string.IsNullOrEmpty(url))
        {
            return null;
        }

        if (!Uri.TryCreate(url.Replace("{z}", "0").Replace("{x}", "0").Replace("{y}", "0").Replace("{r}", ""), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http") || !url.Contains("{z}") || !url.Contains("{x}") || !url.Contains("{y}")
            || url.Contains("{s}") || uri.Host.Contains('{'))
        {
            throw new InvalidOperationException(
                $"Terrain:Map:TileUrl '{url}' is not a tile URL: give an absolute http(s) URL on one host with {{z}}, {{x}} and {{y}} (no {{s}} subdomains), " +
                "for example https://tiles.example/{z}/{x}/{y}.png.");
        }

        var attribution = configuration["Terrain:Map:TileAttribution"]?.Trim() ?? "";
        return new MapTiles(url, attribution, uri.GetLeftPart(UriPartial.Authority));
    }
}
