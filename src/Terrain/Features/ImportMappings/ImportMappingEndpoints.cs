using Terrain.Domain;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.ImportMappings;

/// <summary>/api/v1/import-mappings: saved mappings of actuals exports, for those who import (Act.Import).</summary>
public static class ImportMappingEndpoints
{
    public static void Map(RouteGroupBuilder mappings)
    {
        mappings.RequireAuthorization(Policies.For(Act.Import));

        mappings.MapGet("/", async (ImportKind? kind, ImportMappingHandlers handlers, CancellationToken ct) =>
                TypedResults.Ok(await handlers.ListAsync(kind, ct)))
            .WithName("listImportMappings")
            .WithSummary("The saved mappings, by name; kind=Opportunities|Activities|Bookings keeps one kind.")
            .ProducesProblem(StatusCodes.Status403Forbidden);

        mappings.MapGet("/{id:guid}", async (Guid id, ImportMappingHandlers handlers, HttpResponse response, CancellationToken ct) =>
            {
                if (await handlers.GetAsync(id, ct) is not { } mapping)
                {
                    return NotFound();
                }

                response.Headers.ETag = ETags.Format(mapping.Version);
                return TypedResults.Ok(mapping);
            })
            .WithName("getImportMapping")
            .WithSummary("One saved mapping, with its version as the ETag.")
            .Produces<ImportMappingView>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        mappings.MapPost("/", async (ImportMappingInput input, ImportMappingHandlers handlers, HttpResponse response, CancellationToken ct) =>
            {
                var created = await handlers.CreateAsync(input, ct);
                response.Headers.ETag = ETags.Format(created.Version);
                return TypedResults.Created($"/api/v1/import-mappings/{created.Id}", created);
            })
            .WithName("createImportMapping")
            .WithSummary("Save a mapping under a name: columns (column heading → field), stages (name, outcome, forecast), dateFormats, "
                + "decimalSeparator and thousandsSeparator. A refusal names the field at fault (unknown field, a required field unmapped, "
                + "a field mapped twice, a date format that does not read back). Audited.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        mappings.MapPut("/{id:guid}", async (Guid id, ImportMappingInput input, HttpRequest request, HttpResponse response,
                ImportMappingHandlers handlers, CancellationToken ct) =>
            {
                var result = await handlers.UpdateAsync(id, input, ETags.TryParse(request.Headers.IfMatch, out var version) ? version : null, ct);
                switch (result.Outcome)
                {
                    case MappingOutcome.NotFound:
                        return NotFound();
                    case MappingOutcome.PreconditionRequired:
                        return ETags.Required("mapping");
                    case MappingOutcome.Stale:
                        return Stale(result.Current);
                    default:
                        response.Headers.ETag = ETags.Format(result.Current!.Version);
                        return TypedResults.Ok(result.Current);
                }
            })
            .WithName("updateImportMapping")
            .WithSummary("Replace a saved mapping whole (its kind stays). Requires If-Match; a stale one gets 412 with the current mapping. Audited.")
            .Produces<ImportMappingView>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        mappings.MapDelete("/{id:guid}", async (Guid id, HttpRequest request, ImportMappingHandlers handlers, CancellationToken ct) =>
            {
                var result = await handlers.DeleteAsync(id, ETags.TryParse(request.Headers.IfMatch, out var version) ? version : null, ct);
                return result.Outcome switch
                {
                    MappingOutcome.NotFound => NotFound(),
                    MappingOutcome.Stale => Stale(result.Current),
                    MappingOutcome.Saved or MappingOutcome.PreconditionRequired => TypedResults.NoContent(),
                    _ => throw new InvalidOperationException($"Unknown outcome {result.Outcome}."),
                };
            })
            .WithName("deleteImportMapping")
            .WithSummary("Delete a saved mapping (with If-Match, only the version read). Imports already queued with it fail saying so. Audited.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }

    private static IResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such mapping.");

    private static IResult Stale(ImportMappingView? current) => TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed,
        title: "The mapping has changed",
        detail: "Someone changed the mapping after you read it, so your change was not saved. Read it again and redo your change.",
        extensions: new Dictionary<string, object?> { ["current"] = current });
}
