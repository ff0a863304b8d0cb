using System.Net.Http.Json;

namespace Terrain.Tests.Api;

public sealed partial class AuthorizationTableTests
{
    // Buy-in. Reps acknowledge, take the check and ask, for themselves only (403 for everyone else, by the rule on the
    // entity); leaders and admins set the check; a rep's manager or a leader answers (admins may not: 403). The rows run in order, all of one role before the next (anonymous, rep, manager, leader, admin):
    // - rep1's acknowledgement is refused 409 because rep1 has not passed the TestOrg check (and never does here);
    // - replacing the check requires If-Match, which the table does not send: leaders and admins get 428 (the policy
    //   has let them through);
    // - rep1's attempt at the check is wrong on purpose (200, not passed);
    // - rep1's question is created (201) and stays open;
    // - the table knows no question id, so answering names one that does not exist: 404 for those who may answer
    //   (403 for a rep and an admin, refused by the policy first). BuyInTests covers answering and another team's manager (404).
    private static Row[] BuyInRows =>
    [
        new("POST", "api/v1/strategies/{id:guid}/acknowledge", o => $"/api/v1/strategies/{o.Strategy.Id}/acknowledge", "401", "409", "403", "403", "403"),
        new("GET", "api/v1/strategies/{id:guid}/check", o => $"/api/v1/strategies/{o.Strategy.Id}/check", "401", "200", "200", "200", "200"),
        new("PUT", "api/v1/strategies/{id:guid}/check", o => $"/api/v1/strategies/{o.Strategy.Id}/check", "401", "403", "403", "428", "428",
            _ => JsonContent.Create(new
            {
                passPercent = 100,
                questions = new[] { new { text = "Which segment do we target first?", options = new[] { "Banks", "Manufacturers" }, correct = 1 } },
            })),
        new("POST", "api/v1/strategies/{id:guid}/check", o => $"/api/v1/strategies/{o.Strategy.Id}/check", "401", "200", "403", "403", "403",
            _ => JsonContent.Create(new { answers = new Dictionary<string, int> { ["q1"] = 0, ["q2"] = 1 } })),
        new("GET", "api/v1/strategies/{id:guid}/questions", o => $"/api/v1/strategies/{o.Strategy.Id}/questions", "401", "200", "200", "200", "200"),
        new("POST", "api/v1/strategies/{id:guid}/questions", o => $"/api/v1/strategies/{o.Strategy.Id}/questions", "401", "201", "403", "403", "403",
            _ => JsonContent.Create(new { part = "whom", body = "Do banks count as a target segment?" })),
        new("POST", "api/v1/strategies/{id:guid}/questions/{questionId:guid}/answer",
            o => $"/api/v1/strategies/{o.Strategy.Id}/questions/{Guid.Empty}/answer", "401", "403", "404", "404", "403",
            _ => JsonContent.Create(new { answer = "Not this year." })),

        new("GET", "Strategies/{id:guid}/Check", o => $"/Strategies/{o.Strategy.Id}/Check", "login", "200", "200", "200", "200"),
        new("GET", "Strategies/{id:guid}/Questions", o => $"/Strategies/{o.Strategy.Id}/Questions", "login", "200", "200", "200", "200"),
    ];
}
