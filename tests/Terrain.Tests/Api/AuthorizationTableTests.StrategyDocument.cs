using System.Net.Http.Json;

namespace Terrain.Tests.Api;

public sealed partial class AuthorizationTableTests
{
    // Everyone reads the published strategy; leaders and admins write it (ADR 0015).
    private static Row[] StrategyDocumentRows =>
    [
        Page("Strategies", "/Strategies", "200", "200", "200", "200"),
        Page("Strategies/Index", "/Strategies/Index", "200", "200", "200", "200"),
        Page("Strategies/New", "/Strategies/New", "denied", "denied", "200", "200"),
        new("GET", "Strategies/{id:guid}", o => $"/Strategies/{o.Strategy.Id}", "login", "200", "200", "200", "200"),
        // A published revision opens read-only for a leader, with the way to draft the next one.
        new("GET", "Strategies/{id:guid}/Edit", o => $"/Strategies/{o.Strategy.Id}/Edit", "login", "denied", "denied", "200", "200"),

        new("GET", "api/v1/strategies/", _ => "/api/v1/strategies", "401", "200", "200", "200", "200"),
        new("POST", "api/v1/strategies/", _ => "/api/v1/strategies", "401", "403", "403", "201", "201",
            _ => JsonContent.Create(new { name = "Table strategy", periodStart = "2029-01-01", periodEnd = "2029-12-31" })),
        new("GET", "api/v1/strategies/{id:guid}", o => $"/api/v1/strategies/{o.Strategy.Id}", "401", "200", "200", "200", "200"),
        new("PATCH", "api/v1/strategies/{id:guid}", o => $"/api/v1/strategies/{o.Strategy.Id}", "401", "403", "403", "428", "428",
            _ => JsonContent.Create(new { name = "Renamed" })),
        new("POST", "api/v1/strategies/{id:guid}/publish", o => $"/api/v1/strategies/{o.Strategy.Id}/publish", "401", "403", "403", "409", "409"),
        // The leader's row drafts revision 2, so the admin, who may too, is told that a draft is already under way.
        new("POST", "api/v1/strategies/{id:guid}/revisions", o => $"/api/v1/strategies/{o.Strategy.Id}/revisions", "401", "403", "403", "201", "409"),
    ];
}
