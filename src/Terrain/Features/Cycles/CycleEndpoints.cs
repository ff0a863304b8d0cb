using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Cycles;

public static class CycleEndpoints
{
    public static void Map(RouteGroupBuilder cycles)
    {
        cycles.MapGet("/", async (CycleHandlers handlers, CancellationToken ct) =>
                TypedResults.Ok((await handlers.Query().ToListAsync(ct)).Select(CycleHandlers.Complete).ToList()))
            .WithSummary("Planning cycles, newest first.")
            .WithName("listCycles");

        cycles.MapPost("/", async Task<IResult> (CycleInput input, CycleHandlers handlers, HttpResponse response, CancellationToken ct) =>
            {
                var cycle = await handlers.OpenAsync(input, ct);
                response.Headers.ETag = ETags.Format(cycle.Version);
                return TypedResults.Created($"/api/v1/cycles/{cycle.Id}", cycle);
            })
            .RequireAuthorization(Policies.For(Act.RunCycles))
            .WithSummary("Open a cycle (leaders). Starts a draft plan for every active rep. Refused when it breaks the process rules. " +
                "Optionally names the published strategy it executes (strategyId) and makes reps acknowledge it before submitting (requireAcknowledgement).")
            .WithName("openCycle")
            .Produces<CycleRow>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        cycles.MapGet("/{id:guid}", async Task<Results<Ok<CycleRow>, NotFound>> (Guid id, CycleHandlers handlers, HttpResponse response, CancellationToken ct) =>
            {
                if (await handlers.GetAsync(id, ct) is not { } cycle)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(cycle.Version);
                return TypedResults.Ok(cycle);
            })
            .WithSummary("One cycle, with its quarters and deadlines; its version is the ETag.")
            .WithName("getCycle");

        cycles.MapGet("/{id:guid}/board", async Task<IResult> (Guid id, string? status, Guid? manager, bool? overdue, string? sort,
                Board board, CancellationToken ct) =>
            {
                var filter = new BoardFilter(status, manager, overdue ?? false, sort);
                if (Board.Validate(filter) is { } problem)
                {
                    return Problems.Validation(problem.Field, problem.Message);
                }

                return await board.GetAsync(id, filter, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();
            })
            .RequireAuthorization(Policies.For(Act.FollowTeam))
            .WithSummary("The cycle's deadline board: each plan in the caller's scope with status, days left and overdue flags.")
            .WithName("getBoard")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .Produces<BoardView>();

        cycles.MapGet("/{id:guid}/template", async Task<Results<Ok<IReadOnlyList<TemplateSectionRow>>, NotFound>> (Guid id, CycleTemplate template, CancellationToken ct) =>
                await template.GetAsync(id, ct) is { } sections ? TypedResults.Ok(sections) : TypedResults.NotFound())
            .WithSummary("The cycle's plan template: ordered sections with title, instructions for the rep, kind and whether it is required.")
            .WithName("getTemplate");

        cycles.MapPut("/{id:guid}/template", async Task<Results<Ok<IReadOnlyList<TemplateSectionRow>>, NotFound>> (Guid id, List<SectionInput> sections, CycleTemplate template, CancellationToken ct) =>
                await template.ReplaceAsync(id, sections, ct) is { } result ? TypedResults.Ok(result) : TypedResults.NotFound())
            .RequireAuthorization(Policies.For(Act.RunCycles))
            .WithSummary("Replace the cycle's template (leaders), until the first plan is submitted against it.")
            .WithName("replaceTemplate")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        cycles.MapPatch("/{id:guid}", async Task<IResult> (Guid id, CyclePatch patch, HttpRequest request, HttpResponse response, CycleHandlers handlers, CancellationToken ct) =>
            {
                if (!ETags.TryParse(request.Headers.IfMatch, out var version))
                {
                    return ETags.Required("cycle");
                }

                if (await handlers.PatchAsync(id, patch, version, ct) is not { } cycle)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(cycle.Version);
                return TypedResults.Ok(cycle);
            })
            .RequireAuthorization(Policies.For(Act.RunCycles))
            .WithSummary("Change a cycle's schedule, the published strategy it executes (strategyId; null unties it) and whether reps must " +
                "acknowledge that strategy before submitting (requireAcknowledgement), or close it with {\"status\":\"Closed\"} (leaders). Requires If-Match.")
            .WithName("updateCycle")
            .Produces<CycleRow>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);
    }
}
