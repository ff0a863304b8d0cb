using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;

namespace Terrain.Infrastructure.Auth;

/// <summary>One ASP.NET Core policy per <see cref="Act"/>, each asking <see cref="Permissions"/>: endpoints and pages refuse
/// a person who may not act before their input is read.</summary>
public static class Policies
{
    public const string Prefix = "act:";

    public static string For(Act act) => Prefix + act;
}

/// <summary>Requires that the person may do the act at all (<see cref="Permissions.May(Actor, Act)"/>).</summary>
public sealed class MayRequirement(Act act) : IAuthorizationRequirement
{
    public Act Act { get; } = act;
}

public sealed class MayHandler : AuthorizationHandler<MayRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MayRequirement requirement)
    {
        if (Guid.TryParse(context.User.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
            && Roles.TryParse(context.User.FindFirstValue(ClaimTypes.Role), out var role)
            && Permissions.May(new Actor(id, role), requirement.Act))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary><c>[May(Act.WriteStrategy)]</c> on a page: the policy of that act.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
public sealed class MayAttribute(Act act) : AuthorizeAttribute(Policies.For(act));

public static class AuthenticationSetup
{
    /// <summary>Picks the bearer handler when the request carries a bearer token, the cookie otherwise.</summary>
    public const string SmartScheme = "Terrain";

    public const string DisplayNameClaim = "terrain:name";

    /// <summary>OWASP's 2023 guidance for PBKDF2-HMAC-SHA256 is 600,000 iterations; Identity uses SHA-512.</summary>
    public const int PasswordIterations = 600_000;

    public static IServiceCollection AddTerrainAuthentication(this IServiceCollection services)
    {
        services.AddIdentity<AppUser, IdentityRole<Guid>>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 12;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequireUppercase = true;
                options.Password.RequireLowercase = true;
                options.Password.RequireDigit = true;
                // No lockout: it let anyone lock anyone out. Guessing is slowed by SignInThrottle instead.
                options.Lockout.AllowedForNewUsers = false;
                options.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<AppDbContext>()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<CommonPasswordValidator>()
            .AddClaimsPrincipalFactory<TerrainClaimsFactory>();
        services.Configure<PasswordHasherOptions>(o => o.IterationCount = PasswordIterations);
        // Identity re-issues the cookie from the user every 30 minutes; the session it belongs to must go with it.
        services.Configure<SecurityStampValidatorOptions>(o => o.OnRefreshingPrincipal = context =>
        {
            if (context.CurrentPrincipal?.FindFirst(SessionClaims.SessionId) is { } session && context.NewPrincipal?.Identity is ClaimsIdentity identity)
            {
                identity.AddClaim(new Claim(SessionClaims.SessionId, session.Value));
            }

            return Task.CompletedTask;
        });

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = SmartScheme;
                options.DefaultAuthenticateScheme = SmartScheme;
                options.DefaultChallengeScheme = SmartScheme;
                options.DefaultForbidScheme = SmartScheme;
            })
            .AddPolicyScheme(SmartScheme, "Cookie or bearer token", options =>
                // The JSON API takes bearer tokens only: a cookie on /api/v1 would make every endpoint a CSRF target.
                options.ForwardDefaultSelector = context =>
                    context.Request.Path.StartsWithSegments("/api/v1")
                    || context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        ? IdentityConstants.BearerScheme
                        : IdentityConstants.ApplicationScheme)
            .AddBearerToken(IdentityConstants.BearerScheme, options =>
            {
                options.BearerTokenExpiration = TimeSpan.FromHours(1);
                options.RefreshTokenExpiration = TimeSpan.FromDays(14);
            });

        services.ConfigureApplicationCookie(options =>
        {
            options.Cookie.Name = "terrain.auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.LoginPath = "/Auth/Login";
            options.LogoutPath = "/Auth/Logout";
            options.AccessDeniedPath = "/Auth/Denied";
            options.SlidingExpiration = true;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.Events.OnRedirectToLogin = context => ApiAwareRedirect(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => ApiAwareRedirect(context, StatusCodes.Status403Forbidden);
        });

        var authorization = services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser().Build());
        foreach (var act in Enum.GetValues<Act>())
        {
            authorization.AddPolicy(Policies.For(act), p => p.RequireAuthenticatedUser().AddRequirements(new MayRequirement(act)));
        }

        services.AddSingleton<IAuthorizationHandler, MayHandler>();
        return services;
    }

    private static Task ApiAwareRedirect(RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (IsApi(context.Request))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        if (context.Request.Headers.ContainsKey("HX-Request"))
        {
            context.Response.Headers["HX-Redirect"] = context.RedirectUri;
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    public static bool IsApi(HttpRequest request) =>
        request.Path.StartsWithSegments("/api/v1") || request.Path.StartsWithSegments("/openapi");
}

/// <summary>Puts the user's single role and display name into the principal, for cookies and bearer tokens alike.</summary>
public sealed class TerrainClaimsFactory(
    UserManager<AppUser> userManager,
    RoleManager<IdentityRole<Guid>> roleManager,
    IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole<Guid>>(userManager, roleManager, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(Options.ClaimsIdentity.RoleClaimType, user.Role.ToString()));
        identity.AddClaim(new Claim(AuthenticationSetup.DisplayNameClaim, user.DisplayName));
        return identity;
    }
}
