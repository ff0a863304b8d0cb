namespace Terrain.Features.Strategies;

/// <summary>Routes for does the plan add up: objectives against linked goals.</summary>
public static class AlignmentEndpoints
{
    public static void Map(RouteGroupBuilder strategies)
    {
        _ = strategies;
    }
}
