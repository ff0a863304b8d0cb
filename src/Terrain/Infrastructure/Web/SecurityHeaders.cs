namespace Terrain.Infrastructure.Web;

public static class SecurityHeaders
{
    // No inline script anywhere: pages load their scripts from /js and /lib.
    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    // The third-party API reference page boots with an inline script; it gets its own, looser policy.
    private const string ReferencePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The policy of every page: <c>'self'</c> only, except that a configured map tile server (Terrain:Map:TileUrl) may serve
    /// images, from exactly its origin.
    /// </summary>
    public static string PagePolicy(IConfiguration configuration) =>
        Features.Territory.MapTiles.From(configuration) is { } tiles ? Policy.Replace("img-src 'self' data:;", $"img-src 'self' data: {tiles.Origin};") : Policy;

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var policy = PagePolicy(app.ApplicationServices.GetRequiredService<IConfiguration>());
        return app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/api/reference") ? ReferencePolicy : policy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            await next();
        });
    }
}
