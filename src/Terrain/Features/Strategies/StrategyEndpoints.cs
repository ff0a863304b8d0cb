namespace Terrain.Features.Strategies;

/// <summary>
/// /api/v1/strategies: the strategy document and its revisions, the workshops, the reps' buy-in and readiness, and
/// whether the plans add up to the objectives. Each part maps its own routes.
/// </summary>
public static class StrategyEndpoints
{
    public static void Map(RouteGroupBuilder strategies)
    {
        DocumentEndpoints.Map(strategies);
        WorkshopEndpoints.Map(strategies);
        BuyInEndpoints.Map(strategies);
        AlignmentEndpoints.Map(strategies);
    }

    public static IServiceCollection AddStrategies(this IServiceCollection services)
    {
        services.AddScoped<StrategyHandlers>();
        services.AddScoped<Workshops>();
        services.AddScoped<Readiness>();
        services.AddScoped<BuyInHandlers>();
        services.AddScoped<ReadToEnd>();
        services.AddScoped<Alignment>();
        return services;
    }
}
