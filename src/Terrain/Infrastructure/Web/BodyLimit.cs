using Microsoft.AspNetCore.Http.Features;

namespace Terrain.Infrastructure.Web;

public static class BodyLimit
{
    /// <summary>
    /// Answers 413 when the declared Content-Length is over the endpoint's limit, without reading a byte of the body.
    /// Kestrel would refuse such a body too, but only once a handler starts reading it, and a handler that swallows the
    /// error (a JSON binder, a form reader) turns it into something else. Runs after routing, which has put the
    /// endpoint's own limit (the imports' larger one) in the feature. Chunked bodies have no length to check here;
    /// Kestrel stops those as they pass the limit.
    /// </summary>
    public static IApplicationBuilder UseBodyLimit(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        if (context.Request.ContentLength is { } length && limit is { } max && length > max)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            context.Response.Headers.Connection = "close";
            return Task.CompletedTask;
        }

        return next(context);
    });
}
