using System.Net.Http.Json;

namespace Terrain.Tests.Api;

public sealed partial class AuthorizationTableTests
{
    private static Row[] PerformanceRows =>
    [
        // Performance against the plan is scoped like the plan itself: another team's plan does not exist for a rep or manager.
        new("GET", "Plans/{id:guid}/Performance", o => $"/Plans/{o.PlanOf[o.Rep3.Id].Id}/Performance", "login", "404", "404", "200", "200"),
        new("GET", "api/v1/plans/{id:guid}/performance", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/performance?asOf=2027-05-15", "401", "404", "404", "200", "200"),
        // Only the plan's owner and the owner's manager keep action statuses: a leader and an admin see the plan but are refused.
        new("PATCH", "api/v1/plans/{id:guid}/actions/{actionId:guid}", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/actions/{Guid.Empty}", "401", "404", "404", "403", "403",
            _ => JsonContent.Create(new { status = "Done" })),
        // Everyone reads the thresholds their statuses are rated with; leaders and admins change them (If-Match required).
        new("GET", "api/v1/settings/metrics", _ => "/api/v1/settings/metrics", "401", "200", "200", "200", "200"),
        new("PUT", "api/v1/settings/metrics", _ => "/api/v1/settings/metrics", "401", "403", "403", "428", "428",
            _ => JsonContent.Create(new { onTrackPercent = 100, atRiskPercent = 85, healthyCoveragePercent = 300, earlyStages = Array.Empty<string>(), idleDays = 14 })),
        Page("Settings/Metrics", "/Settings/Metrics", "denied", "denied", "200", "200"),
    ];
}
