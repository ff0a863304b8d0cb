using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace Terrain.Infrastructure.Web;

/// <summary>
/// How long browsers keep the files in wwwroot. A URL with a version (<c>asp-append-version</c> adds <c>?v=</c> and the
/// file's hash) never changes content, so it is kept a year without asking again; any other (favicon.ico) is
/// revalidated with its ETag each time.
/// </summary>
public static class StaticFileCaching
{
    public static readonly string[] CompressedTypes = ["text/css", "text/javascript", "application/javascript", "image/svg+xml", "image/x-icon"];

    public static void Apply(StaticFileResponseContext context)
    {
        var headers = context.Context.Response.Headers;
        headers[HeaderNames.CacheControl] = context.Context.Request.Query.ContainsKey("v")
            ? "public, max-age=31536000, immutable"
            : "no-cache";
    }
}
