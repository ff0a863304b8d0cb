namespace Terrain.Domain.Actuals;

/// <summary>
/// A JSON batch of actuals sent with an <c>Idempotency-Key</c>: claimed before the batch is imported, so that of two
/// requests with the same key only one applies (the key is the primary key), then completed with the answer, which a
/// retry with the same body gets again instead of a second import. Expires after a day (configurable).
/// </summary>
public sealed class IdempotentRequest
{
    public const int MaxKey = 200;

    private IdempotentRequest()
    {
    }

    public string Key { get; private set; } = "";

    /// <summary>opportunities, activities or bookings.</summary>
    public string Kind { get; private set; } = "";

    /// <summary>SHA-256 of the kind, the options and the body, in hex: the same key with another request is refused.</summary>
    public string RequestHash { get; private set; } = "";

    public Guid? ActorId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Null while the batch is being imported.</summary>
    public int? StatusCode { get; private set; }

    public string? ContentType { get; private set; }

    public string? Response { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    public bool Completed => StatusCode is not null;

    public static IdempotentRequest Claim(string key, string kind, string requestHash, Guid? actorId, DateTimeOffset at) =>
        new() { Key = key, Kind = kind, RequestHash = requestHash, ActorId = actorId, CreatedAt = at };

    /// <summary>Whether a key is one a client may send: 1 to <see cref="MaxKey"/> visible ASCII characters.</summary>
    public static bool IsValidKey(string? key) =>
        key is { Length: > 0 and <= MaxKey } && key.All(c => c is > ' ' and <= '~');
}
