namespace Terrain.Domain;

/// <summary>What happened at the door, for the sign-in audit trail.</summary>
public enum SignInEventKind
{
    SignedIn,
    Failed,
    Throttled,
    SignedOut,
    Refreshed,
    RefreshRefused,
    RefreshReused,
    PasswordChanged,
}

/// <summary>One sign-in event: who tried (the email as typed, and the user when there is one), when, from where, and how it ended. Only ever added.</summary>
public sealed class SignInEvent
{
    private SignInEvent()
    {
    }

    public long Id { get; private set; }

    public DateTimeOffset At { get; private set; }

    public SignInEventKind Kind { get; private set; }

    public Guid? UserId { get; private set; }

    public string Email { get; private set; } = "";

    public string Client { get; private set; } = "";

    /// <summary>"page" or "api".</summary>
    public string Channel { get; private set; } = "";

    public static SignInEvent Record(DateTimeOffset at, SignInEventKind kind, Guid? userId, string? email, string client, string channel) => new()
    {
        At = at,
        Kind = kind,
        UserId = userId,
        Email = Truncate(email?.Trim() ?? "", MaxEmail),
        Client = Truncate(client, MaxClient),
        Channel = channel,
    };

    public const int MaxEmail = 256;

    public const int MaxClient = 64;

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}

/// <summary>
/// One sign-in of one user on one device: a cookie, or a bearer token with its chain of refresh tokens (the family).
/// Requests are honoured only while the session is not revoked; signing out, or reusing a spent refresh token,
/// revokes it.
/// </summary>
public sealed class UserSession
{
    private UserSession()
    {
    }

    public Guid Id { get; private set; }

    public Guid UserId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public string Channel { get; private set; } = "";

    public string Client { get; private set; } = "";

    /// <summary>The one refresh token of this family that may still be spent; null for a cookie session.</summary>
    public Guid? RefreshTokenId { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public static UserSession Start(Guid userId, string channel, string client, bool withRefreshToken, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        UserId = userId,
        CreatedAt = now,
        Channel = channel,
        Client = client.Length <= SignInEvent.MaxClient ? client : client[..SignInEvent.MaxClient],
        RefreshTokenId = withRefreshToken ? Guid.NewGuid() : null,
    };
}

/// <summary>
/// Recent failed sign-ins under one key (a client, an account, or an account from one client). Counters live in the
/// database so that every instance sees the same numbers; they are changed with single UPDATE statements, never read
/// and written back.
/// </summary>
public sealed class SignInCounter
{
    private SignInCounter()
    {
    }

    public string Key { get; private set; } = "";

    public int Failures { get; private set; }

    public DateTimeOffset LastFailureAt { get; private set; }

    public const int MaxKey = 128;

    public static SignInCounter First(string key, DateTimeOffset now) => new() { Key = key, Failures = 1, LastFailureAt = now };
}
