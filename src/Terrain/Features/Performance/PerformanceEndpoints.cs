using Microsoft.AspNetCore.Http.HttpResults;

namespace Terrain.Features.Performance;

public static class PerformanceEndpoints
{
    public static void Map(RouteGroupBuilder plans) =>
        plans.MapGet("/{id:guid}/performance", async Task<Results<Ok<PlanPerformance>, NotFound>> (Guid id, DateOnly? asOf, GoalPerformance performance, CancellationToken ct) =>
                await performance.GetAsync(id, asOf, ct) is { } result ? TypedResults.Ok(result) : TypedResults.NotFound())
            .WithName("getPlanPerformance")
            .WithSummary("Each goal of the plan in force as of a business date (asOf=YYYY-MM-DD, default today in the cycle's time zone), per quarter and cycle to date: " +
                         "target, actual, attainment, gap, forecast (won + commit, and + best case), pipeline coverage and status. Definitions in docs/metrics.md.");
}
