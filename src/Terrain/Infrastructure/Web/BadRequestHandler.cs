using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Terrain.Infrastructure.Web;

/// <summary>
/// A JSON body the API cannot read becomes a problem that says what is wrong: a value of the wrong type (a word where a
/// date or a number belongs) is a 422 naming the field, like every other bad input; a body that is missing or is not
/// JSON at all keeps its 400 or 415, with the reason. Minimal APIs throw these (<c>ThrowOnBadRequest</c>) instead of
/// answering a bare 400.
/// </summary>
public sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        ProblemDetails problem;
        // A value that could not be converted (as opposed to JSON that does not parse) is the client's input at a field.
        if (bad.InnerException is JsonException { Path: { Length: > 2 } path } json && path.StartsWith("$.", StringComparison.Ordinal)
            && json.Message.Contains("could not be converted", StringComparison.Ordinal))
        {
            var field = path[2..];
            problem = Problems.FromDomain(new Domain.DomainException($"The {field} has a value of the wrong type.", field));
        }
        else
        {
            problem = new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status415UnsupportedMediaType ? "Send JSON" : "Bad Request",
                Detail = bad.InnerException is JsonException ? "The body is missing or is not valid JSON." : bad.Message,
            };
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status400BadRequest;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }
}
