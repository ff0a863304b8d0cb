namespace Terrain.Infrastructure.Web;

public static class HttpsOnly
{
    /// <summary>
    /// When Terrain's public address is https, a plain-http request is sent there (308 keeps the method and body) and
    /// https answers carry HSTS. The redirect goes to the configured address, never to the request's Host header.
    /// /health stays reachable over http: load balancers probe the instance directly.
    /// </summary>
    public static IApplicationBuilder UseHttpsOnly(this IApplicationBuilder app, Uri publicUrl)
    {
        var origin = publicUrl.GetLeftPart(UriPartial.Authority);
        app.Use((context, next) =>
        {
            if (context.Request.IsHttps || context.Request.Path.StartsWithSegments("/health"))
            {
                return next(context);
            }

            var target = origin + publicUrl.AbsolutePath.TrimEnd('/') + context.Request.Path + context.Request.QueryString;
            context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
            context.Response.Headers.Location = target;
            return Task.CompletedTask;
        });
        return app.UseHsts();
    }
}
