using Microsoft.AspNetCore.Http.HttpResults;
using Terrain.Domain;
using Terrain.Domain.Strategies;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Strategies;

/// <summary>Routes for the strategy document: list, create, read, change a draft, publish, revise.</summary>
public static class DocumentEndpoints
{
    public static void Map(RouteGroupBuilder strategies)
    {
        strategies.MapGet("/", async Task<IResult> (string? status, StrategyHandlers handlers, CancellationToken ct) =>
            {
                StrategyStatus? filter = null;
                if (!string.IsNullOrWhiteSpace(status))
                {
                    try
                    {
                        filter = StrategyHandlers.ParseStatus(status);
                    }
                    catch (DomainException e)
                    {
                        return Problems.Validation(e);
                    }
                }

                return TypedResults.Ok(await handlers.ListAsync(filter, ct));
            })
            .WithSummary("Strategy revisions the caller may see, newest period first: leaders and admins see drafts too. Filter with status=Draft|Published|Superseded.")
            .WithName("listStrategies")
            .Produces<IReadOnlyList<StrategyRow>>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        strategies.MapPost("/", async Task<IResult> (StrategyInput input, StrategyHandlers handlers, HttpResponse response, CancellationToken ct) =>
            {
                var strategy = await handlers.CreateAsync(input, ct);
                response.Headers.ETag = ETags.Format(strategy.Version);
                return TypedResults.Created($"/api/v1/strategies/{strategy.Id}", strategy);
            })
            .RequireAuthorization(Policies.For(Act.WriteStrategy))
            .WithSummary("Draft a new strategy (leaders): revision 1 with a name, a period and, optionally, its parts. An unknown field or a value of the wrong type is refused (422) naming it.")
            .WithName("createStrategy")
            .Produces<StrategyDetail>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        strategies.MapGet("/{id:guid}", async Task<Results<Ok<StrategyDetail>, NotFound>> (Guid id, StrategyHandlers handlers, HttpResponse response, CancellationToken ct) =>
            {
                if (await handlers.GetAsync(id, ct) is not { } strategy)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(strategy.Version);
                return TypedResults.Ok(strategy);
            })
            .WithSummary("One revision: its parts, change note, every revision of the strategy, the check's size and pass mark (not its answers) and the cycles executing it. Its version is the ETag. 404 for a draft unless the caller is a leader or admin.")
            .WithName("getStrategy");

        strategies.MapPatch("/{id:guid}", async Task<IResult> (Guid id, StrategyPatch patch, HttpRequest request, HttpResponse response, StrategyHandlers handlers, CancellationToken ct) =>
            {
                if (!ETags.TryParse(request.Headers.IfMatch, out var version))
                {
                    return ETags.Required("strategy");
                }

                if (await handlers.PatchAsync(id, patch, version, ct) is not { } strategy)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(strategy.Version);
                return TypedResults.Ok(strategy);
            })
            .RequireAuthorization(Policies.For(Act.WriteStrategy))
            .WithSummary("Change a draft (leaders): name, period, change note, or content, which replaces all the parts. Requires If-Match; a stale one gets 409. A published revision is read-only (409): draft a new revision. An unknown field or a value of the wrong type is refused (422) naming it.")
            .WithName("updateStrategy")
            .Produces<StrategyDetail>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        strategies.MapPost("/{id:guid}/publish", async Task<IResult> (Guid id, HttpRequest request, HttpResponse response, StrategyHandlers handlers, CancellationToken ct) =>
            {
                var version = ETags.TryParse(request.Headers.IfMatch, out var v) ? v : null;
                if (await handlers.PublishAsync(id, version, ct) is not { } strategy)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(strategy.Version);
                return TypedResults.Ok(strategy);
            })
            .RequireAuthorization(Policies.For(Act.WriteStrategy))
            .WithSummary("Publish a draft (leaders). Supersedes the strategy's published revision and moves the open cycles executing it to this one; tells every rep and manager. If-Match is honoured when sent. 422 naming what is missing; 409 when already published.")
            .WithName("publishStrategy")
            .Produces<StrategyDetail>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        strategies.MapPost("/{id:guid}/revisions", async Task<IResult> (Guid id, StrategyHandlers handlers, HttpResponse response, CancellationToken ct) =>
            {
                if (await handlers.ReviseAsync(id, ct) is not { } draft)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(draft.Version);
                return TypedResults.Created($"/api/v1/strategies/{draft.Id}", draft);
            })
            .RequireAuthorization(Policies.For(Act.WriteStrategy))
            .WithSummary("Draft the next revision from the published one (leaders); objectives keep their ids. 409 when this revision is not the published one or a draft already exists.")
            .WithName("reviseStrategy")
            .Produces<StrategyDetail>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }
}
