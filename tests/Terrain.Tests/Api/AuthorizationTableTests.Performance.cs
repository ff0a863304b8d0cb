namespace Terrain.Tests.Api;

public sealed partial class AuthorizationTableTests
{
    private static Row[] PerformanceRows =>
    [
        // Performance against the plan is scoped like the plan itself: another team's plan does not exist for a rep or manager.
        new("GET", "Plans/{id:guid}/Performance", o => $"/Plans/{o.PlanOf[o.Rep3.Id].Id}/Performance", "login", "404", "404", "200", "200"),
        new("GET", "api/v1/plans/{id:guid}/performance", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/performance?asOf=2027-05-15", "401", "404", "404", "200", "200"),
    ];
}
