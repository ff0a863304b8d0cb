using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Data;

namespace Terrain.Infrastructure.Auth;

/// <summary>
/// Cookies and bearer tokens name a server-side session and carry the user's security stamp. A request is signed in
/// only while its session is not revoked (signed out, or its refresh token reused), the user is active and the stamp
/// is unchanged (a new password, role or manager rotates it). Checked against the database on every request, so a
/// sign-out or a change takes effect at once on every instance (docs/decisions/0016).
/// </summary>
public sealed class SessionCheck(IOptions<IdentityOptions> identity)
{
    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, AppDbContext db, CancellationToken ct)
    {
        if (!Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            || !Guid.TryParse(principal.FindFirstValue(SessionClaims.SessionId), out var sessionId))
        {
            return false;
        }

        var stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        return await db.Sessions.AsNoTracking()
            .Where(s => s.Id == sessionId && s.UserId == id && s.RevokedAt == null)
            .Join(db.Users, s => s.UserId, u => u.Id, (_, u) => u)
            .AnyAsync(u => u.IsActive && u.SecurityStamp == stamp, ct);
    }

    public static IApplicationBuilder UseSessionCheck(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.User.Identity?.IsAuthenticated == true)
        {
            var check = context.RequestServices.GetRequiredService<SessionCheck>();
            var db = context.RequestServices.GetRequiredService<AppDbContext>();
            // The warm-up's in-process request (ADR 0052) has no session: its query runs, its reader stays.
            if (!await check.IsCurrentAsync(context.User, db, context.RequestAborted) && !WarmUpRequest.Is(context))
            {
                if (!AuthenticationSetup.IsApi(context.Request))
                {
                    await context.RequestServices.GetRequiredService<SignInManager<Domain.AppUser>>().SignOutAsync();
                }

                context.User = new ClaimsPrincipal(new ClaimsIdentity());
            }
        }

        await next();
    });
}
