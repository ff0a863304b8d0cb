using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Features.ImportMappings;
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

    public static async Task<IResult> HandleAsync(string kind, bool? partial, bool? full, string? mapping, HttpRequest request, ImportJobs jobs,
        AppDbContext db, CurrentUser me, IOptions<TerrainOptions> options, CancellationToken ct)
    {
        if (!ImportRunner.TryParseKind(kind, out var importKind))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown import",
                detail: $"There is no '{kind}' import. Use users, accounts, opportunities, activities, bookings or splits.");
        }

        // Settled before the file is read: an unknown mapping is refused without storing hundreds of megabytes first.
        var chosen = await ImportMappingHandlers.ResolveAsync(db, mapping, importKind, ct);

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

        // The file goes to disk as it arrives, never whole into memory; the job reads it from there.
        (string Path, long Size)? stored;
        var fileName = "upload.csv";
        try
        {
            if (isForm)
            {
                var upload = await FormFileAsync(request, ct);
                if (upload.Error is { } error)
                {
                    return error;
                }

                fileName = upload.FileName ?? fileName;
                stored = await jobs.StoreAsync(upload.Section!.Body, ct);
            }
            else
            {
                stored = await jobs.StoreAsync(request.Body, ct);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limit);
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or InvalidDataException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The upload could not be read.",
                detail: $"The request body ended early or was malformed ({e.Message}). Send the file again: multipart/form-data "
                    + "with its boundary and the CSV file in a field named 'file', or the file itself as text/csv.");
        }

        if (stored is not { } file)
        {
            return TooLarge(limit);
        }

        var job = await jobs.QueueAsync(importKind, partial ?? false, full ?? false, fileName, file.Path, ownsFile: true, file.Size, me.Id, null,
            chosen?.Id, ct);
        var view = (await jobs.GetAsync(job.Id, ct))!;
        if (PreferredWait(request) is { } wait)
        {
            view = await jobs.WaitAsync(job.Id, wait, ct) ?? view;
            if (view is { State: ImportJobState.Done, Report: { } report })
            {
                request.HttpContext.Response.Headers["Preference-Applied"] = $"wait={(int)wait.TotalSeconds}";
                return Answer(report);
            }

            if (view.State == ImportJobState.Failed)
            {
                request.HttpContext.Response.Headers["Preference-Applied"] = $"wait={(int)wait.TotalSeconds}";
                return TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "The import failed; nothing was changed.",
                    detail: view.FailureReason, extensions: new Dictionary<string, object?> { ["job"] = view.Links.Self });
            }
        }

        return TypedResults.Accepted(view.Links.Self, view);
    }

    /// <summary>The answer of an import that ran to its end: its report, or a 422 naming the rejected rows.</summary>
    public static IResult Answer(ImportReport report)
    {
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

    /// <summary>RFC 7240 <c>Prefer: wait=N</c>: how long the caller will wait for the import, capped.</summary>
    public static TimeSpan? PreferredWait(HttpRequest request)
    {
        foreach (var header in request.Headers["Prefer"])
        {
            foreach (var preference in (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = preference.Split('=', 2, StringSplitOptions.TrimEntries);
                if (parts.Length == 2 && parts[0].Equals("wait", StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(parts[1].Trim('"'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
                {
                    return TimeSpan.FromSeconds(Math.Min(seconds, ImportJobs.MaxWaitSeconds));
                }
            }
        }

        return null;
    }

    public static async Task<IResult> GetJobAsync(Guid id, ImportJobs jobs, CancellationToken ct) =>
        await jobs.GetAsync(id, ct) is { } job
            ? TypedResults.Ok(job)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such import job.");

    public static async Task<IResult> ListJobsAsync(int? limit, ImportJobs jobs, CancellationToken ct)
    {
        if (limit is < 1 or > 500)
        {
            return Problems.Validation("limit", "Ask for between 1 and 500 jobs.");
        }

        return TypedResults.Ok(await jobs.ListAsync(limit ?? 50, ct));
    }

    private sealed record FormUpload(MultipartSection? Section, string? FileName, IResult? Error);

    /// <summary>
    /// The CSV part of a multipart/form-data body, read section by section so that the file streams straight through:
    /// the field named 'file', or the first file if none has that name.
    /// </summary>
    private static async Task<FormUpload> FormFileAsync(HttpRequest request, CancellationToken ct)
    {
        var boundary = MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            ? HeaderUtilities.RemoveQuotes(type.Boundary).Value
            : null;
        if (string.IsNullOrWhiteSpace(boundary))
        {
            return new FormUpload(null, null, TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The form upload could not be read.",
                detail: $"The {request.ContentType?.Split(';')[0].Trim()} body has no boundary. "
                    + "Send multipart/form-data with its boundary and the CSV file in a field named 'file', or send the file itself as text/csv."));
        }

        var reader = new MultipartReader(boundary, request.Body);
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
            {
                continue;
            }

            var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
            if (!IsCsv(section.ContentType, fileName))
            {
                return new FormUpload(null, null, Unsupported(section.ContentType));
            }

            // The field named 'file', or the first file whatever its field is called, as the form reader took it.
            return new FormUpload(section, fileName, null);
        }

        return new FormUpload(null, null, Problems.Validation("file", "Attach the CSV file in a form field named 'file'."));
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

    private static IResult TooLarge(long limit) => TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The file is too large.", detail: $"Imports are limited to {Megabytes(limit)} MB. Split the file.");

    public static string Megabytes(long bytes) => (bytes / (1024 * 1024)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    private static IResult Unsupported(string? contentType) => TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
        title: "Not a CSV file.", detail: $"Send text/csv (got '{contentType ?? "none"}'), or a .csv file as multipart/form-data in a field named 'file'.");
}
