using System.Text.Json;
using System.Text.Json.Serialization;
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
            .Produces<IReadOnlyList<StrategyRow>>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        strategies.MapPost("/", async Task<IResult> (HttpRequest request, StrategyHandlers handlers, HttpResponse response, CancellationToken ct) =>
            {
                var (input, refused) = await StrictJson.ReadAsync<StrategyInput>(request, ct);
                if (input is null)
                {
                    return refused!;
                }

                var strategy = await handlers.CreateAsync(input, ct);
                response.Headers.ETag = ETags.Format(strategy.Version);
                return TypedResults.Created($"/api/v1/strategies/{strategy.Id}", strategy);
            })
            .RequireAuthorization(Policies.LeaderOrAdmin)
            .Accepts<StrategyInput>("application/json")
            .WithSummary("Draft a new strategy (leaders): revision 1 with a name, a period and, optionally, its parts. An unknown field or a value of the wrong type is refused (422) naming it.")
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
            .WithSummary("One revision: its parts, change note, every revision of the strategy, the check's size and pass mark (not its answers) and the cycles executing it. Its version is the ETag. 404 for a draft unless the caller is a leader or admin.");

        strategies.MapPatch("/{id:guid}", async Task<IResult> (Guid id, HttpRequest request, HttpResponse response, StrategyHandlers handlers, CancellationToken ct) =>
            {
                if (!ETags.TryParse(request.Headers.IfMatch, out var version))
                {
                    return ETags.Required("strategy");
                }

                var (patch, refused) = await StrictJson.ReadAsync<StrategyPatch>(request, ct);
                if (patch is null)
                {
                    return refused!;
                }

                if (await handlers.PatchAsync(id, patch, version, ct) is not { } strategy)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(strategy.Version);
                return TypedResults.Ok(strategy);
            })
            .RequireAuthorization(Policies.LeaderOrAdmin)
            .Accepts<StrategyPatch>("application/json")
            .WithSummary("Change a draft (leaders): name, period, change note, or content, which replaces all the parts. Requires If-Match; a stale one gets 409. A published revision is read-only (409): draft a new revision. An unknown field or a value of the wrong type is refused (422) naming it.")
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
            .RequireAuthorization(Policies.LeaderOrAdmin)
            .WithSummary("Publish a draft (leaders). Supersedes the strategy's published revision and moves the open cycles executing it to this one; tells every rep and manager. If-Match is honoured when sent. 422 naming what is missing; 409 when already published.")
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
            .RequireAuthorization(Policies.LeaderOrAdmin)
            .WithSummary("Draft the next revision from the published one (leaders); objectives keep their ids. 409 when this revision is not the published one or a draft already exists.")
            .Produces<StrategyDetail>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }
}

/// <summary>
/// Reads a request body strictly: a field the API does not know, or a value of the wrong type, is refused (422) naming
/// it, instead of being dropped without a word (a misspelt "metrc" would otherwise lose the objective's metric). Fields
/// inside the content are named as the domain names them ("objectives[0].target", not "content.objectives[0].target").
/// </summary>
public static class StrictJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>
    /// Reads the body as <typeparamref name="T"/>: a body that is not JSON is refused here (415, or 400 when it does not
    /// parse), as the framework would; a field that is unknown or of the wrong type throws a <see cref="DomainException"/> naming it.
    /// </summary>
    public static async Task<(T? Value, IResult? Refused)> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send JSON",
                detail: "The body must be JSON, with Content-Type: application/json."));
        }

        JsonElement body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, Options, ct);
        }
        catch (JsonException)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad Request",
                detail: "The body is missing or is not valid JSON."));
        }

        return (Read<T>(body), null);
    }

    public static T Read<T>(JsonElement body)
        where T : class
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new DomainException("Send a JSON object.", "body");
        }

        try
        {
            return body.Deserialize<T>(Options) ?? throw new DomainException("Send a JSON object.", "body");
        }
        catch (JsonException e)
        {
            var path = e.Path is { Length: > 2 } p ? p[2..] : "body";
            if (path.StartsWith("content.", StringComparison.Ordinal))
            {
                path = path["content.".Length..];
            }

            var unknown = e.Message.Contains("could not be mapped", StringComparison.Ordinal);
            if (unknown && e.Message.Split('\'') is [_, var property, ..] && !path.EndsWith(property, StringComparison.Ordinal))
            {
                path = path == "body" ? property : $"{path}.{property}";
            }

            var reason = unknown ? "is not a field the API knows; check its spelling" : "has a value of the wrong type";
            throw new DomainException($"'{path}' {reason}.", path);
        }
    }
}
