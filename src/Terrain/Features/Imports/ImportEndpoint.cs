using Microsoft.Extensions.Options;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Imports;

public static class ImportEndpoint
{
    /// <summary>
    /// The media types taken as CSV. Not text/plain: an HTML form on any site can post text/plain without a CORS
    /// preflight, and an import should only ever be sent on purpose.
    /// </summary>
    public static readonly string[] CsvContentTypes = ["text/csv", "application/csv", "application/vnd.ms-excel"];

    public static async Task<IResult> HandleAsync(string kind, bool? partial, bool? full, HttpRequest request, ImportRunner runner,
        CurrentUser me, IOptions<TerrainOptions> options, CancellationToken ct)
    {
        if (!ImportRunner.TryParseKind(kind, out var importKind))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown import",
                detail: $"There is no '{kind}' import. Use users, accounts, opportunities, activities or bookings.");
        }

        var limit = options.Value.MaxImportBytes;
        if (request.ContentLength > limit)
        {
            return TooLarge(limit);
        }

        var isForm = request.HasFormContentType;
        if (!isForm && !IsCsv(request.ContentType, null))
        {
            return Unsupported(request.ContentType);
        }

        // The body is read whole, counting as it goes: a chunked body has no Content-Length to check up front.
        MemoryStream? body;
        try
        {
            body = await ReadBodyAsync(request.Body, request.ContentLength, limit, ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limit);
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The upload could not be read.",
                detail: $"The request body ended early or was malformed ({e.Message}). Send the file again.");
        }

        if (body is null)
        {
            return TooLarge(limit);
        }

        Stream csv = body;
        if (isForm)
        {
            IFormCollection form;
            try
            {
                request.Body = body;
                form = await request.ReadFormAsync(ct);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                await body.DisposeAsync();
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The form upload could not be read.",
                    detail: $"The {request.ContentType?.Split(';')[0].Trim()} body is malformed: {e.Message} "
                        + "Send multipart/form-data with its boundary and the CSV file in a field named 'file', or send the file itself as text/csv.");
            }

            var file = form.Files.GetFile("file") ?? (form.Files.Count > 0 ? form.Files[0] : null);
            if (file is null)
            {
                return Problems.Validation("file", "Attach the CSV file in a form field named 'file'.");
            }

            if (file.Length > limit)
            {
                return TooLarge(limit);
            }

            if (!IsCsv(file.ContentType, file.FileName))
            {
                return Unsupported(file.ContentType);
            }

            csv = file.OpenReadStream();
        }

        await using (csv)
        {
            var report = await runner.RunAsync(importKind, csv, partial ?? false, me.Id, full: full ?? false, ct: ct);
            if (report.Applied)
            {
                return TypedResults.Ok(report);
            }

            return TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The import was rejected; nothing was changed.",
                detail: Summary(report),
                extensions: new Dictionary<string, object?>
                {
                    ["kind"] = report.Kind.ToString(),
                    ["rowsRead"] = report.RowsRead,
                    ["rejected"] = report.Rejected,
                });
        }
    }

    public static string Summary(ImportReport report)
    {
        if (report.Rejected.Count == 0)
        {
            return $"{report.RowsRead} rows read: {report.Created} created, {report.Updated} updated, {report.Unchanged} unchanged.";
        }

        var first = report.Rejected[0];
        var column = first.Column is null ? "" : $", column {first.Column}";
        return $"{report.Rejected.Count} row(s) rejected. First: line {first.Line}{column}: {first.Reason}";
    }

    public static bool IsCsv(string? contentType, string? fileName)
    {
        var mediaType = contentType?.Split(';')[0].Trim() ?? "";
        if (CsvContentTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        // Browsers label .csv files inconsistently; trust the extension only for the generic binary type.
        return mediaType is "application/octet-stream" or ""
            && fileName?.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) == true;
    }

    /// <summary>The whole body, or null once it passes the limit.</summary>
    private static async Task<MemoryStream?> ReadBodyAsync(Stream body, long? contentLength, long limit, CancellationToken ct)
    {
        var buffer = new MemoryStream((int)Math.Min(contentLength ?? 0, limit));
        var chunk = new byte[81_920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                await buffer.DisposeAsync();
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        return buffer;
    }

    private static IResult TooLarge(long limit) => TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The file is too large.", detail: $"Imports are limited to {limit / (1024 * 1024)} MB. Split the file.");

    private static IResult Unsupported(string? contentType) => TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
        title: "Not a CSV file.", detail: $"Send text/csv (got '{contentType ?? "none"}'), or a .csv file as multipart/form-data in a field named 'file'.");
}
