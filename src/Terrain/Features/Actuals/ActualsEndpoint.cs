using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Features.ImportMappings;
using Terrain.Features.Imports;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Actuals;

/// <summary><c>POST /api/v1/actuals/{opportunities|activities|bookings|splits}</c>: JSON batches for integrations.</summary>
public static class ActualsEndpoint
{
    public const string KeyHeader = "Idempotency-Key";

    public const string ReplayedHeader = "Idempotent-Replayed";

    private static readonly ImportKind[] Kinds = [ImportKind.Opportunities, ImportKind.Activities, ImportKind.Bookings, ImportKind.Splits];

    public static void Map(RouteGroupBuilder group, IConfiguration configuration)
    {
        group.MapPost("/{kind}", HandleAsync)
            .RequireAuthorization(Policies.For(Act.Import))
            .WithMetadata(TerrainOptions.ImportBodyLimits(configuration))
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // The body is read by hand, to hash it exactly as sent, so it is described here.
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "An array of records whose members are the column headings of the saved mapping named by ?mapping=, or else the CSV import's Terrain columns in camelCase: "
                        + $"opportunities: {string.Join(", ", OpportunityImporter.Fields)}; activities: {string.Join(", ", ActivityImporter.Fields)}; "
                        + $"bookings: {string.Join(", ", BookingImporter.Fields)}; splits (revenue splits, one record per opportunity and rep, "
                        + $"totalling 100 per opportunity): {string.Join(", ", SplitImporter.Fields)}.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new()
                        {
                            Schema = new OpenApiSchema
                            {
                                Type = JsonSchemaType.Array,
                                MaxItems = 10_000,
                                Items = new OpenApiSchema
                                {
                                    Type = JsonSchemaType.Object,
                                    // A field's value: text, a number (amounts) or a boolean (held); null for none.
                                    AdditionalProperties = new OpenApiSchema
                                    {
                                        OneOf =
                                        [
                                            new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                                            new OpenApiSchema { Type = JsonSchemaType.Number },
                                            new OpenApiSchema { Type = JsonSchemaType.Boolean },
                                        ],
                                    },
                                },
                            },
                        },
                    },
                };
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = KeyHeader,
                    In = ParameterLocation.Header,
                    Required = true,
                    Description = "A key the client makes up for this batch (at most 200 visible characters). Sending the same key with the same body again "
                        + "returns the first answer without importing again; with another body it is refused. Keys are kept 24 hours.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = IdempotentRequest.MaxKey },
                });
                return Task.CompletedTask;
            })
            .Produces<ImportReport>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithSummary("Import a JSON batch of opportunities, activities, bookings or revenue splits (at most 10,000 records) with the CSV import's checks, all or nothing "
                + "unless partial=true. Requires an Idempotency-Key header; a replayed answer carries Idempotent-Replayed: true.")
            .WithName("importActuals");
    }

    public static async Task<IResult> HandleAsync(string kind, bool? partial, string? mapping, HttpRequest request, HttpResponse response, ActualsBatches batches,
        Terrain.Data.AppDbContext db, CurrentUser me, IOptions<TerrainOptions> options, CancellationToken ct)
    {
        if (!ImportRunner.TryParseKind(kind, out var importKind) || !Kinds.Contains(importKind))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown kind of actuals",
                detail: $"There are no '{kind}' actuals. Use opportunities, activities, bookings or splits.");
        }

        // A saved mapping (name or id): the records' members are its column headings, read by its stages and formats.
        var chosen = await ImportMappingHandlers.ResolveAsync(db, mapping, importKind, ct);
        var key = request.Headers[KeyHeader].ToString();
        if (key.Length == 0)
        {
            return BadKey($"Send an {KeyHeader} header: a key you make up for this batch (a UUID will do), so that a retry cannot import it twice.");
        }

        if (!IdempotentRequest.IsValidKey(key))
        {
            return BadKey($"The {KeyHeader} is 1 to {IdempotentRequest.MaxKey} visible ASCII characters.");
        }

        if (request.ContentType?.Split(';')[0].Trim() is not { } mediaType
            || !(mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Not JSON.",
                detail: $"Send the batch as application/json (got '{request.ContentType ?? "none"}'). CSV files go to /api/v1/imports/{kind}.");
        }

        var limit = options.Value.MaxImportBytes;
        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge($"The body is larger than {limit / (1024 * 1024)} MB.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The body is not valid JSON.",
                detail: $"{e.Message} Send an array of records.");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return Problems.Validation("body", $"The body is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}: send an array of records.");
            }

            var max = options.Value.MaxActualsBatch;
            var count = document.RootElement.GetArrayLength();
            if (count > max)
            {
                return TooLarge($"The batch holds {count:N0} records; a batch holds at most {max:N0}. Split it into several batches, each with its own {KeyHeader}.");
            }

            var answer = await batches.RunAsync(importKind, key, partial ?? false, body, document.RootElement, me.Id, ct, chosen?.Id);
            if (answer.Replayed)
            {
                response.Headers[ReplayedHeader] = "true";
            }

            return TypedResults.Content(answer.Body, answer.ContentType, System.Text.Encoding.UTF8, answer.StatusCode);
        }
    }

    private static IResult BadKey(string message) =>
        TypedResults.Problem(new Microsoft.AspNetCore.Mvc.ValidationProblemDetails(new Dictionary<string, string[]> { [KeyHeader] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = $"The {KeyHeader} header is missing or malformed.",
            Detail = message,
        });

    private static IResult TooLarge(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The batch is too large.", detail: detail);
}
