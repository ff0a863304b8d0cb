using Microsoft.AspNetCore.Http.HttpResults;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Strategies;

/// <summary>Routes for does the plan add up: objectives against linked goals.</summary>
public static class AlignmentEndpoints
{
    public static void Map(RouteGroupBuilder strategies)
    {
        strategies.MapGet("/{id:guid}/alignment", async Task<Results<Ok<AlignmentView>, NotFound>> (Guid id, Guid? cycle, Alignment alignment, CancellationToken ct) =>
                await alignment.GetAsync(id, cycle, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .RequireAuthorization(Policies.For(Act.FollowTeam))
            .WithSummary("Does the plan add up (managers and leaders): per objective of the strategy, its target, the sum of the goals " +
                "linked to it in the submitted and approved plans of a cycle executing the strategy (while an approved plan is amended, " +
                "the approved version in force), the gap (target minus planned) and the reps contributing; and the goals linked to no " +
                "objective. Leaders see every plan, managers their team's (scope says which). cycle defaults to the open cycle executing the strategy.")
            .WithName("getAlignment")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
