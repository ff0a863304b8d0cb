using System.Security.Cryptography;
using System.Text;

namespace Terrain.Domain;

/// <summary>Where an invitation link stands, as its holder is told.</summary>
public enum InvitationState
{
    Open,
    Expired,
    Used,

    /// <summary>A newer invitation replaced it, or an admin set the password.</summary>
    Replaced,
}

/// <summary>
/// A one-time link for a new user to set their own password (docs/decisions/0037-password-invitations.md). Only the
/// SHA-256 of the token is kept: the link itself exists once, in the email or on the admin's screen. A user has at
/// most one open invitation; issuing another, or setting the password any way, closes it.
/// </summary>
public sealed class PasswordInvitation
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    /// <summary>Hex SHA-256: 64 characters.</summary>
    public const int HashLength = 64;

    private PasswordInvitation()
    {
    }

    public Guid Id { get; private set; }

    public Guid UserId { get; private set; }

    public string TokenHash { get; private set; } = "";

    public DateTimeOffset IssuedAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }

    public Guid? IssuedById { get; private set; }

    public DateTimeOffset? UsedAt { get; private set; }

    public DateTimeOffset? ReplacedAt { get; private set; }

    public InvitationState StateAt(DateTimeOffset now) =>
        UsedAt is not null ? InvitationState.Used
        : ReplacedAt is not null ? InvitationState.Replaced
        : now >= ExpiresAt ? InvitationState.Expired
        : InvitationState.Open;

    /// <summary>A new invitation and its token: 32 random bytes, URL-safe. The token is handed out once and never stored.</summary>
    public static (PasswordInvitation Invitation, string Token) Issue(Guid userId, Guid? issuedById, DateTimeOffset now)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (new PasswordInvitation
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            TokenHash = Hash(token),
            IssuedAt = now,
            ExpiresAt = now + Lifetime,
            IssuedById = issuedById,
        }, token);
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Closes an open invitation: a newer one replaces it, or the password was set another way.</summary>
    public void Replace(DateTimeOffset now)
    {
        if (UsedAt is null && ReplacedAt is null)
        {
            ReplacedAt = now;
        }
    }

    public void Accept(DateTimeOffset now)
    {
        var state = StateAt(now);
        if (state != InvitationState.Open)
        {
            throw new InvalidStateException($"This invitation is {state.ToString().ToLowerInvariant()}.", "token");
        }

        UsedAt = now;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
