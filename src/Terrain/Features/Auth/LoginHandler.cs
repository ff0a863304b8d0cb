using System.Collections.Concurrent;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Auth;

public enum LoginOutcome
{
    Success,
    Invalid,
    Throttled,
}

public sealed record LoginResult(LoginOutcome Outcome, AppUser? User = null, TimeSpan RetryAfter = default);

/// <summary>
/// Checks an email and password for the login page and the token endpoint alike. The throttle is consulted before
/// any password is hashed, and every attempt that gets that far hashes exactly once, whether the email is known,
/// the user inactive or without a password: the answer and its cost say nothing about which emails exist.
/// </summary>
public sealed class LoginHandler(
    AppDbContext db,
    UserManager<AppUser> users,
    SignInThrottle throttle,
    Sessions sessions,
    IHttpContextAccessor http,
    IOptions<PasswordHasherOptions> hashing,
    TimeProvider clock)
{
    public async Task<LoginResult> CheckAsync(string? email, string? password, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            return new(LoginOutcome.Invalid);
        }

        var normalized = users.NormalizeEmail(email.Trim()) ?? "";
        var keys = SignInKeys.For(normalized, SignInThrottle.ClientKey(http.HttpContext?.Connection.RemoteIpAddress));
        var wait = await throttle.WaitAsync(keys, ct);
        if (wait > TimeSpan.Zero)
        {
            await sessions.AuditAsync(SignInEventKind.Throttled, null, email, ct);
            return new(LoginOutcome.Throttled, RetryAfter: wait);
        }

        var user = await db.Users.Where(u => u.NormalizedEmail == normalized).SingleOrDefaultAsync(ct);
        var canSignIn = user is { IsActive: true, PasswordHash: not null } && !(user.LockoutEnd > clock.GetUtcNow());
        var verdict = canSignIn
            ? users.PasswordHasher.VerifyHashedPassword(user!, user!.PasswordHash!, password)
            : users.PasswordHasher.VerifyHashedPassword(Nobody, DummyHash(users.PasswordHasher), password);
        if (canSignIn && verdict != PasswordVerificationResult.Failed)
        {
            if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
            {
                user!.PasswordHash = users.PasswordHasher.HashPassword(user, password);
                await db.SaveChangesAsync(ct);
            }

            await throttle.RecordSuccessAsync(keys, ct);
            return new(LoginOutcome.Success, user);
        }

        await throttle.RecordFailureAsync(keys, ct);
        await sessions.AuditAsync(SignInEventKind.Failed, user?.Id, email, ct);
        return new(LoginOutcome.Invalid);
    }

    /// <summary>Plain words for how long to wait: "42 seconds", "3 minutes".</summary>
    public static string Describe(TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        if (seconds < 90)
        {
            return seconds == 1 ? "1 second" : $"{seconds} seconds";
        }

        return $"{(int)Math.Ceiling(seconds / 60.0)} minutes";
    }

    public static string RetryAfterHeader(TimeSpan wait) =>
        Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static readonly AppUser Nobody = AppUser.Create("nobody@invalid.example", "Nobody", Role.Admin, null, DateTimeOffset.UnixEpoch);

    // One stand-in hash per work factor, made with the configured hasher, so that checking it costs what checking a
    // real user's password costs.
    private static readonly ConcurrentDictionary<int, string> DummyHashes = new();

    private string DummyHash(IPasswordHasher<AppUser> hasher) =>
        DummyHashes.GetOrAdd(hashing.Value.IterationCount, _ => hasher.HashPassword(Nobody, Guid.NewGuid().ToString()));
}
