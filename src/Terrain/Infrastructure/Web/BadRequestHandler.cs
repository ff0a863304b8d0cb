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
public sealed partial class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var problem = bad.InnerException is JsonException json && Misfit(json) is { } misfit
            ? Problems.FromDomain(misfit)
            : Binding(bad.Message) is { } binding
            ? new ValidationProblemDetails(new Dictionary<string, string[]> { [binding.Parameter] = [binding.Reason] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Bad Request",
                Detail = binding.Reason,
            }
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
    /// A route or query value the endpoint cannot take, in plain words: the framework's message names .NET types
    /// ("Failed to bind parameter \"Nullable&lt;int&gt; PageSize\" from \"abc\"").
    /// </summary>
    internal static (string Parameter, string Reason)? Binding(string message)
    {
        var failed = FailedToBind().Match(message);
        if (failed.Success)
        {
            var name = Camel(failed.Groups["name"].Value);
            var value = failed.Groups["value"].Value;
            value = value.Length > 60 ? value[..60] + "…" : value;
            return (name, $"'{value}' is not a valid {name}: it must be {Expected(failed.Groups["type"].Value)}.");
        }

        var missing = Missing().Match(message);
        if (missing.Success)
        {
            var name = Camel(missing.Groups["name"].Value);
            return missing.Groups["source"].Value.Contains("body", StringComparison.OrdinalIgnoreCase) || message.StartsWith("Implicit body", StringComparison.Ordinal)
                ? ("body", "The request needs a JSON body.")
                : (name, $"The {name} is required: it must be {Expected(missing.Groups["type"].Value)}.");
        }

        return message.StartsWith("Implicit body", StringComparison.Ordinal) ? ("body", "The request needs a JSON body.") : null;
    }

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    private static string Expected(string type)
    {
        var bare = type.StartsWith("Nullable<", StringComparison.Ordinal) ? type["Nullable<".Length..^1] : type.TrimEnd('?');
        return bare switch
        {
            "int" or "long" or "Int32" or "Int64" or "short" => "a whole number",
            "decimal" or "double" or "float" or "Decimal" or "Double" => "a number, with a dot for decimals",
            "Guid" => "an id such as 0190f5a4-8c1e-7d2a-9b3c-4d5e6f708192",
            "DateOnly" => "a date written YYYY-MM-DD",
            "DateTimeOffset" or "DateTime" => "a date and time written YYYY-MM-DDThh:mm:ssZ",
            "bool" or "Boolean" => "true or false",
            "string" or "String" => "text",
            _ => "a value of the expected kind (see the API reference)",
        };
    }

    [System.Text.RegularExpressions.GeneratedRegex("^Failed to bind parameter \"(?<type>.+) (?<name>\\w+)\" from \"(?<value>.*)\"\\.$")]
    private static partial System.Text.RegularExpressions.Regex FailedToBind();

    [System.Text.RegularExpressions.GeneratedRegex("parameter \"(?<type>.+) (?<name>\\w+)\" (was not provided from (?<source>[^.]+)|but no body was provided)")]
    private static partial System.Text.RegularExpressions.Regex Missing();

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
