namespace Terrain.Tests.Api;

public sealed partial class AuthorizationTableTests
{
    private static Row[] InvitationRows =>
    [
        // Admins only; rep1 already has a password, so the admin hears of that state (409), never anyone else.
        new("POST", "api/v1/users/{id:guid}/invitation", o => $"/api/v1/users/{o.Rep1.Id}/invitation", "401", "403", "403", "403", "409"),
        // Like the login page, the page that spends an invitation is open to all: without a token it says the link is not valid.
        Page("Auth/Invitation", "/Auth/Invitation", "200", "200", "200", "200", anonymous: "200"),
    ];
}
