namespace Terrain.Features.Strategies;

/// <summary>Routes for workshops: schedule, invite, iCalendar, attendance.</summary>
public static class WorkshopEndpoints
{
    public static void Map(RouteGroupBuilder strategies)
    {
        _ = strategies;
    }
}
