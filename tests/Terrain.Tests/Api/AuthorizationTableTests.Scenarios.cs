using System.Net.Http.Json;

namespace Terrain.Tests.Api;

public sealed partial class AuthorizationTableTests
{
    // Territory scenarios (ADR 0044, 0045): leaders and admins change them, like every change of territories; managers
    // read their own team's (none here), reps nothing. No scenario exists in the test organisation, so the rows about
    // one answer 404 to those who may read; the leader's and the admin's creation each make one of the whole
    // organisation. Apply and delete without If-Match are 428 before the scenario is looked up.
    private static Row[] ScenarioRows =>
    [
        Page("TerritoryDesign/Scenarios", "/TerritoryDesign/Scenarios", "denied", "200", "200", "200"),
        Page("TerritoryDesign/Scenarios/Index", "/TerritoryDesign/Scenarios/Index", "denied", "200", "200", "200"),
        Page("TerritoryDesign/Scenarios/Compare", "/TerritoryDesign/Scenarios/Compare", "denied", "200", "200", "200"),
        Page("TerritoryDesign/Scenarios/Compare", $"/TerritoryDesign/Scenarios/Compare?a={Guid.Empty}&b={Guid.Empty}", "denied", "404", "404", "404"),
        Page("TerritoryDesign/Scenarios/Compare", "/TerritoryDesign/Scenarios/Compare?handler=Export&format=csv", "denied", "404", "404", "404"),
        // The map shows a scenario one may read (ADR 0045): none here, and a rep reads none.
        Page("Territory/Map", $"/Territory/Map?scenario={Guid.Empty}", "404", "404", "404", "404"),
        Page("Territory/Map", $"/Territory/Map?handler=Points&scenario={Guid.Empty}", "404", "404", "404", "404"),
        new("GET", "TerritoryDesign/Scenarios/{id:guid}", _ => $"/TerritoryDesign/Scenarios/{Guid.Empty}", "login", "denied", "404", "404", "404"),
        new("GET", "TerritoryDesign/Scenarios/{id:guid}", _ => $"/TerritoryDesign/Scenarios/{Guid.Empty}?handler=Progress", "login", "denied", "404", "404", "404"),
        new("GET", "TerritoryDesign/Scenarios/{id:guid}", _ => $"/TerritoryDesign/Scenarios/{Guid.Empty}?handler=Export&format=csv", "login", "denied", "404", "404", "404"),
        new("GET", "api/v1/territory-scenarios/", _ => "/api/v1/territory-scenarios", "401", "403", "200", "200", "200"),
        new("POST", "api/v1/territory-scenarios/", _ => "/api/v1/territory-scenarios", "401", "403", "403", "201", "201",
            _ => JsonContent.Create(new { name = "Table scenario" })),
        new("GET", "api/v1/territory-scenarios/{id:guid}", _ => $"/api/v1/territory-scenarios/{Guid.Empty}", "401", "403", "404", "404", "404"),
        new("DELETE", "api/v1/territory-scenarios/{id:guid}", _ => $"/api/v1/territory-scenarios/{Guid.Empty}", "401", "403", "403", "428", "428"),
        new("POST", "api/v1/territory-scenarios/{id:guid}/run", _ => $"/api/v1/territory-scenarios/{Guid.Empty}/run", "401", "403", "403", "404", "404"),
        new("POST", "api/v1/territory-scenarios/{id:guid}/cancel", _ => $"/api/v1/territory-scenarios/{Guid.Empty}/cancel", "401", "403", "403", "404", "404"),
        new("POST", "api/v1/territory-scenarios/{id:guid}/refresh", _ => $"/api/v1/territory-scenarios/{Guid.Empty}/refresh", "401", "403", "403", "404", "404"),
        new("POST", "api/v1/territory-scenarios/{id:guid}/edits", _ => $"/api/v1/territory-scenarios/{Guid.Empty}/edits", "401", "403", "403", "404", "404",
            _ => JsonContent.Create(new { lockTerritoryIds = new[] { Guid.Empty } })),
        new("POST", "api/v1/territory-scenarios/{id:guid}/apply", _ => $"/api/v1/territory-scenarios/{Guid.Empty}/apply", "401", "403", "403", "428", "428",
            _ => JsonContent.Create(new { effectiveFrom = "2027-04-01" })),
        new("GET", "api/v1/territory-scenarios/{id:guid}/compare", _ => $"/api/v1/territory-scenarios/{Guid.Empty}/compare", "401", "403", "404", "404", "404"),
        new("GET", "api/v1/territory-scenarios/{id:guid}/compare.csv", _ => $"/api/v1/territory-scenarios/{Guid.Empty}/compare.csv", "401", "403", "404", "404", "404"),
        new("GET", "api/v1/territory-scenarios/{id:guid}/compare.xlsx", _ => $"/api/v1/territory-scenarios/{Guid.Empty}/compare.xlsx", "401", "403", "404", "404", "404"),
        new("GET", "api/v1/territory-scenarios/{id:guid}/compare/{other:guid}", _ => $"/api/v1/territory-scenarios/{Guid.Empty}/compare/{Guid.Empty}",
            "401", "403", "404", "404", "404"),
        new("GET", "api/v1/territory-scenarios/{id:guid}/compare/{other:guid}.csv", _ => $"/api/v1/territory-scenarios/{Guid.Empty}/compare/{Guid.Empty}.csv",
            "401", "403", "404", "404", "404"),
        new("GET", "api/v1/territory-scenarios/{id:guid}/compare/{other:guid}.xlsx", _ => $"/api/v1/territory-scenarios/{Guid.Empty}/compare/{Guid.Empty}.xlsx",
            "401", "403", "404", "404", "404"),
    ];
}
