namespace Terrain.Infrastructure;

/// <summary>
/// Keeps a reference to the app's request pipeline, as Kestrel calls it, so that the start-up warm-up can send a
/// request through it in-process (ADR 0052): registered as the first startup filter, its middleware sees every request
/// and only remembers what comes after it. Nothing outside the process can reach the pipeline this way.
/// </summary>
internal sealed class WarmUpPipeline : IStartupFilter
{
    public RequestDelegate? App { get; private set; }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(rest =>
        {
            App = rest;
            return rest;
        });
        next(app);
    };
}

/// <summary>
/// The mark of the warm-up's in-process requests (ADR 0052): a request feature only <see cref="StartupWarmup"/> sets.
/// A request from the network cannot carry it: features are objects the server and the middleware put on the request,
/// not headers, and nothing copies request input into one of this type. The session check runs its query for such a
/// request and keeps its in-memory reader, who has no session.
/// </summary>
internal sealed class WarmUpRequest
{
    private WarmUpRequest()
    {
    }

    internal static WarmUpRequest Instance { get; } = new();

    public static bool Is(HttpContext context) => ReferenceEquals(context.Features.Get<WarmUpRequest>(), Instance);
}
