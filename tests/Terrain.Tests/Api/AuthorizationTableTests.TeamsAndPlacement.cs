using System.Net.Http.Json;

namespace Terrain.Tests.Api;

public sealed partial class AuthorizationTableTests
{
    // Only sales leaders set the teams' numbers of an allocation (ADR 0048). By the leader's turn the allocation the
    // quota rows created is published, so setting its teams is refused as its state (409).
    // Leaders and admins place the accounts stored without coordinates by their ZIP code, as they move accounts.
    private static Row[] TeamsAndPlacementRows =>
    [
        new("POST", "api/v1/accounts/place-by-postal-code", _ => "/api/v1/accounts/place-by-postal-code", "401", "403", "403", "200", "200"),
        new("PUT", "api/v1/cycles/{cycleId:guid}/quota-allocations/current/teams", o => $"/api/v1/cycles/{o.Cycle.Id}/quota-allocations/current/teams",
            "401", "403", "403", "409", "403", _ => JsonContent.Create(new { version = 1, teams = Array.Empty<object>() })),
    ];
}
