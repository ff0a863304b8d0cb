using System.Net.Http.Json;

namespace Terrain.Tests.Api;

public sealed partial class AuthorizationTableTests
{
    private static Row[] ReviewRows =>
    [
        // Rows act on rep3's review, held by manager2: rep1 and manager1 do not see it (404), the leader reads it but holds
        // no review and takes part in none (403), the admin reads it and acts in no reporting line (403).
        new("GET", "api/v1/reviews/", _ => "/api/v1/reviews", "401", "200", "200", "200", "200"),
        new("GET", "api/v1/reviews/calendar.ics", _ => "/api/v1/reviews/calendar.ics", "401", "200", "200", "200", "200"),
        new("GET", "api/v1/reviews/{id:guid}", o => $"/api/v1/reviews/{o.Review3.Id}", "401", "404", "404", "200", "200"),
        new("PATCH", "api/v1/reviews/{id:guid}", o => $"/api/v1/reviews/{o.Review3.Id}", "401", "404", "404", "403", "403",
            _ => JsonContent.Create(new { sharedNotes = "Notes" })),
        // Completing is for managers at all (the endpoint's policy), then for the review's own manager.
        new("POST", "api/v1/reviews/{id:guid}/complete", o => $"/api/v1/reviews/{o.Review3.Id}/complete", "401", "403", "404", "403", "403"),
        new("GET", "api/v1/reviews/{id:guid}/corrective-actions", o => $"/api/v1/reviews/{o.Review3.Id}/corrective-actions", "401", "404", "404", "200", "200"),
        new("POST", "api/v1/reviews/{id:guid}/corrective-actions", o => $"/api/v1/reviews/{o.Review3.Id}/corrective-actions", "401", "404", "404", "403", "403",
            o => JsonContent.Create(new
            {
                what = "Call back lapsed customers", ownerId = o.Rep3.Id, due = "2027-01-31", goalKey = (string?)null,
                claim = new { metric = "ActivitiesHeld", filter = "None", amount = 10, by = "2027-01-31" },
            })),
        new("GET", "api/v1/corrective-actions/", _ => "/api/v1/corrective-actions", "401", "200", "200", "200", "200"),
        new("PATCH", "api/v1/corrective-actions/{id:guid}", _ => $"/api/v1/corrective-actions/{Guid.Empty}", "401", "404", "404", "404", "404",
            _ => JsonContent.Create(new { confirm = true })),
        // Everyone reads the cadences (of the reps they see); a leader sets any (If-Match required, which the table does not
        // send), a manager their own reps' only, an admin none.
        new("GET", "api/v1/cycles/{id:guid}/review-cadence", o => $"/api/v1/cycles/{o.Cycle.Id}/review-cadence", "401", "200", "200", "200", "200"),
        new("PUT", "api/v1/cycles/{id:guid}/review-cadence", o => $"/api/v1/cycles/{o.Cycle.Id}/review-cadence", "401", "403", "404", "428", "403",
            o => JsonContent.Create(new { reps = new[] { new { repId = o.Rep3.Id, cadence = "Biweekly" } } })),
        // Oversight: never reps; a manager their own team only (manager1 asks for manager2's); leaders and admins any team.
        new("GET", "api/v1/reviews/oversight", o => $"/api/v1/reviews/oversight?manager={o.Manager2.Id}", "401", "403", "403", "200", "200"),
        new("GET", "Reviews/Oversight", o => $"/Reviews/Oversight?manager={o.Manager2.Id}", "login", "denied", "403", "200", "200"),
        // A rep's timeline: another team's rep does not exist for a rep or a manager.
        new("GET", "api/v1/reviews/timeline/{repId:guid}", o => $"/api/v1/reviews/timeline/{o.Rep3.Id}", "401", "404", "404", "200", "200"),
        new("GET", "Reviews/Timeline/{repId:guid}", o => $"/Reviews/Timeline/{o.Rep3.Id}", "login", "404", "404", "200", "200"),
        Page("Reviews", "/Reviews", "200", "200", "200", "200"),
        Page("Reviews/Index", "/Reviews/Index", "200", "200", "200", "200"),
        new("GET", "Reviews/{id:guid}", o => $"/Reviews/{o.Review3.Id}", "login", "404", "404", "200", "200"),
    ];
}
