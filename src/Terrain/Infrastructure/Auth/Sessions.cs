using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain;

namespace Terrain.Infrastructure.Auth;

public static class SessionClaims
{
    /// <summary>The server-side session (<see cref="UserSession"/>) a cookie or token belongs to.</summary>
    public const string SessionId = "terrain:sid";

    /// <summary>Which refresh token of the session's family this is; only the latest may be spent.</summary>
    public const string RefreshTokenId = "terrain:rti";
}

/// <summary>
/// Starts, rotates and ends server-side sessions, and writes the sign-in audit trail as it goes
/// (docs/decisions/0016-sign-in-throttling-and-sessions.md).
/// </summary>
public sealed class Sessions(
    AppDbContext db,
    SignInManager<AppUser> signIn,
    IHttpContextAccessor http,
    IOptionsMonitor<BearerTokenOptions> bearer,
    TimeProvider clock)
{
    private HttpContext Http => http.HttpContext ?? throw new InvalidOperationException("Sessions work inside a request.");

    /// <summary>Signs a person in on this browser with a cookie naming a new session.</summary>
    public async Task SignInWithCookieAsync(AppUser user, bool persistent, CancellationToken ct)
    {
        var session = await StartAsync(user, withRefreshToken: false, ct);
        await signIn.SignInWithClaimsAsync(user, persistent, [new Claim(SessionClaims.SessionId, session.Id.ToString())]);
    }

    /// <summary>The principal for a new bearer token and the first refresh token of its family.</summary>
    public async Task<ClaimsPrincipal> StartTokenSessionAsync(AppUser user, CancellationToken ct)
    {
        var session = await StartAsync(user, withRefreshToken: true, ct);
        return await TokenPrincipalAsync(user, session.Id, session.RefreshTokenId!.Value);
    }

    /// <summary>
    /// Spends a refresh token: the latest of its family gives a new access and refresh token, and becomes spent; a
    /// spent one revokes the whole family (whoever holds the latest is not the only holder). Null when refused.
    /// </summary>
    public async Task<ClaimsPrincipal?> RefreshAsync(string? refreshToken, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var ticket = string.IsNullOrEmpty(refreshToken) ? null : bearer.Get(IdentityConstants.BearerScheme).RefreshTokenProtector.Unprotect(refreshToken);
        var principal = ticket is { Properties.ExpiresUtc: { } expires } && now < expires ? ticket.Principal : null;
        var userId = Guid.TryParse(principal?.FindFirstValue(ClaimTypes.NameIdentifier), out var u) ? u : (Guid?)null;
        var email = principal?.FindFirstValue(ClaimTypes.Email) ?? principal?.FindFirstValue(ClaimTypes.Name);
        if (principal is null
            || !Guid.TryParse(principal.FindFirstValue(SessionClaims.SessionId), out var sessionId)
            || !Guid.TryParse(principal.FindFirstValue(SessionClaims.RefreshTokenId), out var tokenId))
        {
            await AuditAsync(SignInEventKind.RefreshRefused, userId, email, ct);
            return null;
        }

        if (await signIn.ValidateSecurityStampAsync(principal) is not { IsActive: true } user)
        {
            await AuditAsync(SignInEventKind.RefreshRefused, userId, email, ct);
            return null;
        }

        var next = Guid.NewGuid();
        var rotated = await db.Sessions
            .Where(s => s.Id == sessionId && s.UserId == user.Id && s.RefreshTokenId == tokenId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RefreshTokenId, next), ct);
        if (rotated == 0)
        {
            var revoked = await RevokeAsync(sessionId, user.Id, ct);
            await AuditAsync(revoked ? SignInEventKind.RefreshReused : SignInEventKind.RefreshRefused, user.Id, user.Email, ct);
            return null;
        }

        await AuditAsync(SignInEventKind.Refreshed, user.Id, user.Email, ct);
        return await TokenPrincipalAsync(user, sessionId, next);
    }

    /// <summary>Ends the session of <paramref name="principal"/> on every instance, and the cookie on this browser.</summary>
    public async Task SignOutAsync(ClaimsPrincipal principal, bool cookie, CancellationToken ct)
    {
        if (Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
            && Guid.TryParse(principal.FindFirstValue(SessionClaims.SessionId), out var sessionId))
        {
            await RevokeAsync(sessionId, userId, ct);
            await AuditAsync(SignInEventKind.SignedOut, userId, principal.FindFirstValue(ClaimTypes.Email), ct);
        }

        if (cookie)
        {
            await signIn.SignOutAsync();
        }
    }

    /// <summary>Adds an event to the sign-in audit trail and saves it with whatever else is pending.</summary>
    public async Task AuditAsync(SignInEventKind kind, Guid? userId, string? email, CancellationToken ct)
    {
        db.SignInEvents.Add(Event(Http, kind, userId, email, clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
    }

    public static SignInEvent Event(HttpContext? context, SignInEventKind kind, Guid? userId, string? email, DateTimeOffset now) =>
        SignInEvent.Record(now, kind, userId, email,
            context is null ? "local" : SignInThrottle.ClientAddress(context),
            context is null ? "cli" : AuthenticationSetup.IsApi(context.Request) ? "api" : "page");

    private async Task<bool> RevokeAsync(Guid sessionId, Guid userId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return await db.Sessions.Where(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RefreshTokenId, (Guid?)null), ct) > 0;
    }

    private async Task<UserSession> StartAsync(AppUser user, bool withRefreshToken, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var context = Http;
        var session = UserSession.Start(user.Id, AuthenticationSetup.IsApi(context.Request) ? "api" : "page",
            SignInThrottle.ClientAddress(context), withRefreshToken, now);
        db.Sessions.Add(session);
        db.SignInEvents.Add(Event(context, SignInEventKind.SignedIn, user.Id, user.Email, now));
        await db.SaveChangesAsync(ct);
        return session;
    }

    private async Task<ClaimsPrincipal> TokenPrincipalAsync(AppUser user, Guid sessionId, Guid refreshTokenId)
    {
        var principal = await signIn.CreateUserPrincipalAsync(user);
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(SessionClaims.SessionId, sessionId.ToString()));
        identity.AddClaim(new Claim(SessionClaims.RefreshTokenId, refreshTokenId.ToString()));
        return principal;
    }
}
