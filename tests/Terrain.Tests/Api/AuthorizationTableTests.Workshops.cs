using System.Net.Http.Json;

namespace Terrain.Tests.Api;

public sealed partial class AuthorizationTableTests
{
    /// <summary>No session exists in the test organisation, so the rows on one session name an unknown one: what they
    /// show is who gets past the role check. WorkshopTests covers invitees, managers and strangers on a real session.</summary>
    private static Guid NoWorkshop => Guid.Parse("0190c0de-0000-7000-8000-000000000001");

    // Everyone who reads the strategy sees its sessions; only leaders schedule them, change them and record attendance
    // (admins read everything but are not sales people). The readiness board is for managers and leaders.
    private static Row[] WorkshopRows =>
    [
        new("GET", "Strategies/{id:guid}/Workshops", o => $"/Strategies/{o.Strategy.Id}/Workshops", "login", "200", "200", "200", "200"),
        new("GET", "Strategies/{id:guid}/Readiness", o => $"/Strategies/{o.Strategy.Id}/Readiness", "login", "denied", "200", "200", "200"),

        new("GET", "api/v1/strategies/{id:guid}/workshops", o => $"/api/v1/strategies/{o.Strategy.Id}/workshops", "401", "200", "200", "200", "200"),
        // The leader's row schedules a new session for rep1 only, which changes no answer of the rows after it.
        new("POST", "api/v1/strategies/{id:guid}/workshops", o => $"/api/v1/strategies/{o.Strategy.Id}/workshops", "401", "403", "403", "201", "403",
            o => JsonContent.Create(new { title = "Table session", startsAt = "2027-03-01T09:00:00Z", length = "HalfDay", invitees = new[] { o.Rep1.Id } })),
        new("GET", "api/v1/strategies/{id:guid}/workshops/{workshopId:guid}", o => $"/api/v1/strategies/{o.Strategy.Id}/workshops/{NoWorkshop}",
            "401", "404", "404", "404", "404"),
        new("PATCH", "api/v1/strategies/{id:guid}/workshops/{workshopId:guid}", o => $"/api/v1/strategies/{o.Strategy.Id}/workshops/{NoWorkshop}",
            "401", "403", "403", "428", "403", _ => JsonContent.Create(new { location = "Elsewhere" })),
        new("PUT", "api/v1/strategies/{id:guid}/workshops/{workshopId:guid}/attendance", o => $"/api/v1/strategies/{o.Strategy.Id}/workshops/{NoWorkshop}/attendance",
            "401", "403", "403", "404", "403", o => JsonContent.Create(new { attended = new[] { o.Rep1.Id } })),
        new("GET", "api/v1/strategies/{id:guid}/workshops/{workshopId:guid}/invitation.ics", o => $"/api/v1/strategies/{o.Strategy.Id}/workshops/{NoWorkshop}/invitation.ics",
            "401", "404", "404", "404", "404"),
        new("GET", "api/v1/strategies/{id:guid}/readiness", o => $"/api/v1/strategies/{o.Strategy.Id}/readiness", "401", "403", "200", "200", "200"),
    ];
}
