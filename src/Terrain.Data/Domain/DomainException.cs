namespace Terrain.Domain;

/// <summary>A business rule was broken. <see cref="Field"/> names the input at fault, when there is one.</summary>
public class DomainException(string message, string? field = null) : Exception(message)
{
    public string? Field { get; } = field;
}

/// <summary>The rule broken is about who may act (HTTP 403), not about the input or the state.</summary>
public sealed class NotAllowedException(string message) : DomainException(message, "actor");

/// <summary>The record is not in a state that allows this (HTTP 409), e.g. approving a draft.</summary>
public sealed class InvalidStateException(string message, string field = "status") : DomainException(message, field);
