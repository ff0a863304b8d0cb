using System.Net.Http.Json;

namespace Terrain.Tests.Api;

public sealed partial class AuthorizationTableTests
{
    // Territories and account moves (ADR 0039): read like users (a rep and another team's manager do not see rep3's
    // territory), changed by leaders and admins only. The leader's move of Theta Unassigned leaves the admin's "already there".
    private static Row[] TerritoryRows =>
    [
        Page("Territory/Territories", "/Territory/Territories", "denied", "denied", "200", "200"),
        new("GET", "Territory/Edit/{id:guid}", o => $"/Territory/Edit/{o.TerritoryOf[o.Rep3.Id].Id}", "login", "denied", "denied", "200", "200"),
        Page("Territory/Rules", "/Territory/Rules", "denied", "denied", "200", "200"),
        Page("Territory/Unassigned", "/Territory/Unassigned", "denied", "denied", "200", "200"),
        new("GET", "Territory/Account/{id:guid}", o => $"/Territory/Account/{o.Accounts.First(a => a.OwnerId == o.Rep3.Id).Id}", "login", "denied", "denied", "200", "200"),
        new("GET", "Territory/Changes", o => $"/Territory/Changes?rep={o.Rep3.Id}", "login", "404", "404", "200", "200"),
        new("GET", "api/v1/territories/", _ => "/api/v1/territories", "401", "200", "200", "200", "200"),
        new("GET", "api/v1/territories/{id:guid}", o => $"/api/v1/territories/{o.TerritoryOf[o.Rep3.Id].Id}", "401", "404", "404", "200", "200"),
        new("POST", "api/v1/territories/", _ => "/api/v1/territories", "401", "403", "403", "201", "201",
            _ => JsonContent.Create(new { name = "Table territory" })),
        new("PUT", "api/v1/territories/{id:guid}", o => $"/api/v1/territories/{o.TerritoryOf[o.Rep3.Id].Id}", "401", "403", "403", "428", "428",
            _ => JsonContent.Create(new { name = "Renamed" })),
        new("GET", "api/v1/territories/changes", o => $"/api/v1/territories/changes?repId={o.Rep3.Id}", "401", "404", "404", "200", "200"),
        new("POST", "api/v1/accounts/assignments", _ => "/api/v1/accounts/assignments", "401", "403", "403", "200", "200",
            o => JsonContent.Create(new { accountIds = new[] { o.Accounts.Single(a => a.ExternalId == "UN-1").Id }, territoryId = o.TerritoryOf[o.Rep3.Id].Id })),
        new("GET", "api/v1/accounts/{id:guid}/overlays", o => $"/api/v1/accounts/{o.Accounts.First(a => a.OwnerId == o.Rep3.Id).Id}/overlays", "401", "404", "404", "200", "200"),
        new("PUT", "api/v1/accounts/{id:guid}/overlays/{repId:guid}", o => $"/api/v1/accounts/{o.Accounts.First(a => a.OwnerId == o.Rep3.Id).Id}/overlays/{o.Rep1.Id}",
            "401", "403", "403", "200", "200", _ => JsonContent.Create(new { creditPercent = 20, role = "Specialist" })),
        new("DELETE", "api/v1/accounts/{id:guid}/overlays/{repId:guid}", o => $"/api/v1/accounts/{o.Accounts.First(a => a.OwnerId == o.Rep3.Id).Id}/overlays/{o.Rep2.Id}",
            "401", "403", "403", "404", "404"),
        new("GET", "api/v1/accounts/unassigned", _ => "/api/v1/accounts/unassigned", "401", "403", "403", "200", "200"),
        new("GET", "api/v1/assignment-rules/", _ => "/api/v1/assignment-rules", "401", "403", "403", "200", "200"),
        new("GET", "api/v1/assignment-rules/{id:guid}", _ => $"/api/v1/assignment-rules/{Guid.Empty}", "401", "403", "403", "404", "404"),
        new("POST", "api/v1/assignment-rules/", _ => "/api/v1/assignment-rules", "401", "403", "403", "201", "201",
            o => JsonContent.Create(new { region = "North", territoryId = o.TerritoryOf[o.Rep3.Id].Id })),
        new("PUT", "api/v1/assignment-rules/{id:guid}", _ => $"/api/v1/assignment-rules/{Guid.Empty}", "401", "403", "403", "404", "404",
            o => JsonContent.Create(new { region = "North", territoryId = o.TerritoryOf[o.Rep3.Id].Id })),
        new("DELETE", "api/v1/assignment-rules/{id:guid}", _ => $"/api/v1/assignment-rules/{Guid.Empty}", "401", "403", "403", "404", "404"),
        new("GET", "api/v1/assignment-rules/preview", _ => "/api/v1/assignment-rules/preview", "401", "403", "403", "200", "200"),
        new("POST", "api/v1/assignment-rules/apply", _ => "/api/v1/assignment-rules/apply", "401", "403", "403", "200", "200"),
    ];
}
