using Microsoft.AspNetCore.Http.HttpResults;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Quotas;

public static class QuotaEndpoints
{
    public static void Map(RouteGroupBuilder quotas)
    {
        quotas.MapGet("/", async Task<Results<Ok<IReadOnlyList<QuotaRow>>, NotFound>> (Guid cycle, Guid? rep, QuotaHandlers handlers, CancellationToken ct) =>
                await handlers.ListAsync(cycle, rep, ct) is { } rows ? TypedResults.Ok(rows) : TypedResults.NotFound())
            .WithSummary("Quotas per quarter in a cycle for the reps the caller may see (own, the team's, or all).")
            .WithName("listQuotas");

        quotas.MapPut("/", async Task<Results<Ok<QuotaRow>, NotFound>> (QuotaInput input, QuotaHandlers handlers, CancellationToken ct) =>
                await handlers.SetAsync(input, ct) is { } row ? TypedResults.Ok(row) : TypedResults.NotFound())
            .RequireAuthorization(Policies.For(Act.SetQuota))
            .WithSummary("Set a rep's quota for every quarter of a cycle (leaders for anyone, managers for their own reps).")
            .WithName("setQuota")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
