namespace Terrain.Features.Strategies;

/// <summary>Routes for buy-in: acknowledgement, comprehension check, questions.</summary>
public static class BuyInEndpoints
{
    public static void Map(RouteGroupBuilder strategies)
    {
        _ = strategies;
    }
}
