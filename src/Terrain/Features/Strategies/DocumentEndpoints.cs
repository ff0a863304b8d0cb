namespace Terrain.Features.Strategies;

/// <summary>Routes for the strategy document: list, create, read, change a draft, publish, revise.</summary>
public static class DocumentEndpoints
{
    public static void Map(RouteGroupBuilder strategies)
    {
        _ = strategies;
    }
}
