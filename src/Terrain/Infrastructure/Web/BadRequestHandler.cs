using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Terrain.Domain;

namespace Terrain.Infrastructure.Web;

/// <summary>
/// A JSON body the API cannot read becomes a problem that says what is wrong: a member the API does not know, a value
/// of the wrong type (a word where a date or a number belongs) or a body of the wrong shape is a 422 naming the field,
/// like every other bad input; a body that is missing or is not JSON at all keeps its 400 or 415, with the reason.
/// Minimal APIs throw these (<c>ThrowOnBadRequest</c>) instead of answering a bare 400.
/// </summary>
public sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var problem = bad.InnerException is JsonException json && Misfit(json) is { } misfit
            ? Problems.FromDomain(misfit)
            : new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status415UnsupportedMediaType ? "Send JSON" : "Bad Request",
                Detail = bad.InnerException is JsonException ? "The body is missing or is not valid JSON." : bad.Message,
            };

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>
    /// The field at fault when the body is JSON that does not fit the request; null when it is not JSON at all (the
    /// reader's own exception is then the inner one). System.Text.Json tells an unknown member from a value of the wrong
    /// type only in its message.
    /// </summary>
    private static DomainException? Misfit(JsonException json)
    {
        if (json.InnerException is JsonException || json.Path is not { } path)
        {
            return null;
        }

        if (path == "$")
        {
            return new DomainException("The body is JSON of the wrong shape for this request.", "body");
        }

        // A document's content is checked by the domain, which names its fields from the content down
        // ("objectives[0].target"); a field the reader refuses inside it is named the same way.
        var field = path.TrimStart('$').TrimStart('.');
        if (field.StartsWith("content.", StringComparison.Ordinal))
        {
            field = field["content.".Length..];
        }

        return json.Message.Contains("could not be mapped", StringComparison.Ordinal)
            ? new DomainException($"'{field}' is not a field the API knows; check its spelling.", field)
            : new DomainException($"The {field} has a value of the wrong type.", field);
    }
}
