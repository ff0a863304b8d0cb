using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Terrain.Data;

namespace Terrain.Infrastructure.Auth;

/// <summary>
/// Cookies and bearer tokens carry the user's security stamp. A sign-in stays valid only while the user is active
/// and the stamp is unchanged (a new password, role or manager rotates it). The check is cached for a few seconds
/// per user and dropped at once on this instance when an admin changes the user.
/// </summary>
public sealed class SessionCheck(IMemoryCache cache, IOptions<IdentityOptions> identity)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private sealed record Current(string? Stamp, bool Active);

    public async Task<bool> IsCurrentAsync(ClaimsPrincipal principal, AppDbContext db, CancellationToken ct)
    {
        if (!Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id))
        {
            return false;
        }

        var current = await cache.GetOrCreateAsync(Key(id), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            var row = await db.Users.AsNoTracking().Where(u => u.Id == id)
                .Select(u => new Current(u.SecurityStamp, u.IsActive)).FirstOrDefaultAsync(ct);
            return row ?? new Current(null, false);
        });
        var stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        return current is { Active: true } && current.Stamp == stamp;
    }

    public void Forget(Guid userId) => cache.Remove(Key(userId));

    private static string Key(Guid id) => $"session:{id}";

    public static IApplicationBuilder UseSessionCheck(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.User.Identity?.IsAuthenticated == true)
        {
            var check = context.RequestServices.GetRequiredService<SessionCheck>();
            var db = context.RequestServices.GetRequiredService<AppDbContext>();
            if (!await check.IsCurrentAsync(context.User, db, context.RequestAborted))
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
