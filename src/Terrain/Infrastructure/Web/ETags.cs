using Microsoft.Extensions.Primitives;

namespace Terrain.Infrastructure.Web;

/// <summary>Strong ETags over a record's version, for If-Match on API edits.</summary>
public static class ETags
{
    public static string Format(string version) => $"\"{version}\"";

    public static bool TryParse(StringValues ifMatch, out string version)
    {
        version = "";
        var value = ifMatch.ToString().Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        if (value.Length < 3 || value[0] != '"' || value[^1] != '"')
        {
            return false;
        }

        version = value[1..^1];
        return true;
    }

    public static IResult Required(string what) => TypedResults.Problem(statusCode: StatusCodes.Status428PreconditionRequired,
        title: "If-Match required",
        detail: $"Send the {what}'s ETag (from its GET) in If-Match, so that a concurrent edit is never overwritten.");
}
