namespace Terrain.Domain;

/// <summary>A business rule was broken. <see cref="Field"/> names the input at fault, when there is one.</summary>
public sealed class DomainException(string message, string? field = null) : Exception(message)
{
    public string? Field { get; } = field;
}
