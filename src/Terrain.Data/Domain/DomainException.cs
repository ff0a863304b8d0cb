namespace Terrain.Domain;

/// <summary>A business rule was broken. <see cref="Field"/> names the input at fault, when there is one.</summary>
public class DomainException : Exception
{
    public DomainException(string message, string? field = null)
        : base(message)
    {
        Summary = message;
        Field = field;
    }

    /// <summary>
    /// Several things are wrong at once. The message still reads "summary: a; b; c" for callers that show text only;
    /// <see cref="Problems"/> keeps them apart so that nobody has to split the message to list them.
    /// </summary>
    public DomainException(string summary, IReadOnlyList<string> problems, string? field = null)
        : base(problems.Count == 0 ? summary : $"{summary}: {string.Join("; ", problems)}")
    {
        Summary = summary;
        Problems = problems;
        Field = field;
    }

    public string? Field { get; }

    /// <summary>The message without its list of <see cref="Problems"/>.</summary>
    public string Summary { get; }

    public IReadOnlyList<string> Problems { get; } = [];
}

/// <summary>The rule broken is about who may act (HTTP 403), not about the input or the state.</summary>
public sealed class NotAllowedException(string message) : DomainException(message, "actor");

/// <summary>The record is not in a state that allows this (HTTP 409), e.g. approving a draft.</summary>
public sealed class InvalidStateException(string message, string field = "status") : DomainException(message, field);
