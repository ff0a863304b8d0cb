using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Terrain.Domain;

namespace Terrain.Infrastructure.Web;

/// <summary>Turns a broken business rule that escaped a handler into an RFC 9457 problem (422).</summary>
public sealed class DomainExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not DomainException domain)
        {
            return false;
        }

        httpContext.Response.StatusCode = Problems.StatusFor(domain);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = Problems.FromDomain(domain),
            Exception = exception,
        });
    }
}

public static class Problems
{
    /// <summary>403 for who may act, 409 for the record's state, 422 for the input.</summary>
    public static int StatusFor(DomainException exception) => exception switch
    {
        NotAllowedException => StatusCodes.Status403Forbidden,
        InvalidStateException => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    public static ValidationProblemDetails FromDomain(DomainException exception)
    {
        var field = exception.Field ?? "";
        return new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [exception.Message] })
        {
            Status = StatusFor(exception),
            Title = exception switch
            {
                NotAllowedException => "You may not do that.",
                InvalidStateException => "Not possible in the current state.",
                _ => "The request breaks a rule.",
            },
            Detail = exception.Message,
        };
    }

    public static IResult Validation(DomainException exception) =>
        TypedResults.Problem(FromDomain(exception));

    public static IResult Validation(string field, string message) =>
        Validation(new DomainException(message, field));
}
