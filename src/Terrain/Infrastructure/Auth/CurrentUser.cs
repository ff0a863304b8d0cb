using System.Security.Claims;
using Terrain.Domain;

namespace Terrain.Infrastructure.Auth;

/// <summary>The signed-in person, read from the request's principal.</summary>
public sealed class CurrentUser(IHttpContextAccessor accessor)
{
    private ClaimsPrincipal Principal => accessor.HttpContext?.User ?? new ClaimsPrincipal();

    public bool IsAuthenticated => Principal.Identity?.IsAuthenticated == true;

    public Guid Id => Guid.TryParse(Principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id)
        ? id
        : throw new InvalidOperationException("No signed-in user.");

    public Role Role => Roles.TryParse(Principal.FindFirstValue(ClaimTypes.Role), out var role)
        ? role
        : throw new InvalidOperationException("The signed-in user has no role.");

    public string Email => Principal.FindFirstValue(ClaimTypes.Email) ?? Principal.FindFirstValue(ClaimTypes.Name) ?? "";

    public string DisplayName => Principal.FindFirstValue(AuthenticationSetup.DisplayNameClaim) ?? Email;
}
