using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Terrain.Features.Plans;

public static class PlanEndpoints
{
    public static void Map(RouteGroupBuilder plans)
    {
        plans.MapGet("/", async (Guid? cycle, Guid? owner, PlanHandlers handlers, CancellationToken ct) =>
                TypedResults.Ok(await handlers.Query(cycle, owner).ToListAsync(ct)))
            .WithSummary("Plans the caller may see (own, the team's, or all), filterable by cycle and owner.");

        plans.MapGet("/{id:guid}", async Task<Results<Ok<PlanRow>, NotFound>> (Guid id, PlanHandlers handlers, HttpResponse response, CancellationToken ct) =>
            {
                if (await handlers.GetAsync(id, ct) is not { } plan)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = Terrain.Infrastructure.Web.ETags.Format(plan.Version);
                return TypedResults.Ok(plan);
            })
            .WithSummary("One plan with its status: Draft, Submitted, ChangesRequested or Approved.");

        plans.MapGet("/{id:guid}/history", async Task<Results<Ok<IReadOnlyList<PlanEventRow>>, NotFound>> (Guid id, PlanHandlers handlers, CancellationToken ct) =>
                await handlers.HistoryAsync(id, ct) is { } events ? TypedResults.Ok(events) : TypedResults.NotFound())
            .WithSummary("Every transition of the plan: who, when, from and to.");

        MapAction(plans, "submit", PlanAction.Submit, "Submit the plan for review (the rep).");
        MapAction(plans, "request-changes", PlanAction.RequestChanges, "Send the plan back with a comment (the rep's manager or a leader).");
        MapAction(plans, "approve", PlanAction.Approve, "Approve the plan (the rep's manager or a leader; never the rep).");
        MapAction(plans, "amend", PlanAction.Amend, "Start a new version of an approved plan (the rep); the approved version stays in force.");
    }

    private static void MapAction(RouteGroupBuilder plans, string path, PlanAction action, string summary) =>
        plans.MapPost($"/{{id:guid}}/{path}", async Task<Results<Ok<PlanRow>, NotFound>> (Guid id, ReviewInput? input, PlanHandlers handlers, CancellationToken ct) =>
                await handlers.ActAsync(id, action, input?.Comment, ct) is { } plan ? TypedResults.Ok(plan) : TypedResults.NotFound())
            .WithSummary(summary)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
}
