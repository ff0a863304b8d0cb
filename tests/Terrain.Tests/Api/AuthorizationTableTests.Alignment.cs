namespace Terrain.Tests.Api;

public sealed partial class AuthorizationTableTests
{
    private static Row[] AlignmentRows =>
    [
        // Does the plan add up: managers (their team) and leaders; reps never.
        new("GET", "Strategies/{id:guid}/Alignment", o => $"/Strategies/{o.Strategy.Id}/Alignment", "login", "denied", "200", "200", "200"),
        new("GET", "api/v1/strategies/{id:guid}/alignment", o => $"/api/v1/strategies/{o.Strategy.Id}/alignment", "401", "403", "200", "200", "200"),
    ];
}
