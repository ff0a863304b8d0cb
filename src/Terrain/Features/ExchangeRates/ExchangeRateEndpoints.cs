using Microsoft.AspNetCore.Http.HttpResults;
using Terrain.Domain;
using Terrain.Features.Imports;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.ExchangeRates;

public static class ExchangeRateEndpoints
{
    /// <summary>A rates file has a line per currency and day: a few megabytes is years of daily rates for every currency.</summary>
    public const long MaxFileBytes = 5 * 1024 * 1024;

    public static void Map(RouteGroupBuilder rates)
    {
        rates.MapGet("/", async (string? currency, ExchangeRateHandlers handlers, CancellationToken ct) =>
                TypedResults.Ok(await handlers.ListAsync(currency, ct)))
            .WithName("listExchangeRates")
            .WithSummary("The company's currency and the dated rates into it that imports convert with (newest first per currency).");

        rates.MapPut("/{currency}/{validFrom}", async Task<Results<Ok<ExchangeRateRow>, Created<ExchangeRateRow>>> (
                string currency, DateOnly validFrom, ExchangeRateInput input, ExchangeRateHandlers handlers, CancellationToken ct) =>
            {
                var (row, created) = await handlers.SetAsync(currency, validFrom, input.Rate, ct);
                return created
                    ? TypedResults.Created($"/api/v1/exchange-rates/{row.Currency}/{row.ValidFrom:yyyy-MM-dd}", row)
                    : TypedResults.Ok(row);
            })
            .RequireAuthorization(Policies.For(Act.Import))
            .WithName("setExchangeRate")
            .WithSummary("Set what one unit of a currency is worth in the company's currency from a day (yyyy-MM-dd) until its next rate.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        rates.MapDelete("/{currency}/{validFrom}", async Task<Results<NoContent, NotFound>> (string currency, DateOnly validFrom,
                ExchangeRateHandlers handlers, CancellationToken ct) =>
                await handlers.DeleteAsync(currency, validFrom, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .RequireAuthorization(Policies.For(Act.Import))
            .WithName("deleteExchangeRate")
            .WithSummary("Remove one dated rate. Amounts already imported keep the conversion they were stored with.")
            .ProducesProblem(StatusCodes.Status403Forbidden);

        rates.MapPost("/import", ImportAsync)
            .RequireAuthorization(Policies.For(Act.Import))
            .Accepts<string>("text/csv")
            .WithName("importExchangeRates")
            .WithSummary("Load rates from CSV (currency, validFrom as yyyy-MM-dd, rate): every row or none. A rate already held for a day is replaced.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
    }

    private static async Task<Results<Ok<ExchangeRateImportReport>, ProblemHttpResult>> ImportAsync(HttpRequest request,
        ExchangeRateHandlers handlers, CancellationToken ct)
    {
        if (!ImportEndpoint.IsCsv(request.ContentType, null))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Not a CSV file.",
                detail: $"Send the rates as text/csv (got '{request.ContentType ?? "none"}').");
        }

        using var body = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (body.Length + read > MaxFileBytes)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The file is too large.",
                    detail: $"A rates file is limited to {MaxFileBytes / (1024 * 1024)} MB. Split it.");
            }

            body.Write(chunk, 0, read);
        }

        body.Position = 0;
        var report = await handlers.ImportAsync(body, ct);
        if (report.Applied)
        {
            return TypedResults.Ok(report);
        }

        var first = report.Rejected[0];
        return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "The rates were rejected; nothing was changed.",
            detail: $"{report.Rejected.Count} row(s) rejected. First: line {first.Line}{(first.Column is null ? "" : $", column {first.Column}")}: {first.Reason}",
            extensions: new Dictionary<string, object?> { ["rowsRead"] = report.RowsRead, ["rejected"] = report.Rejected });
    }
}
