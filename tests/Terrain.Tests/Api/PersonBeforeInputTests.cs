using System.Net;
using System.Net.Http.Json;
using System.Text;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Api;

/// <summary>
/// Someone who may not act is refused (403, or 404 where the record is not theirs to see) whatever they send: input
/// that would be refused (422), a record in a state that would be refused (409), a missing If-Match (428). Expected
/// answers are written by hand.
/// </summary>
public sealed class PersonBeforeInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Case(string Who, string Method, Func<TestOrg, string> Path, Func<TestOrg, HttpContent?> Body, string Expected);

    private static JsonContent Json(object value) => JsonContent.Create(value);

    private static readonly Case[] Cases =
    [
        // Cycles: leaders and admins only.
        new("rep1", "POST", _ => "/api/v1/cycles", _ => Json(new { name = "", periodStart = "2028-12-31", periodEnd = "2028-01-01" }), "403"),
        new("manager1", "PATCH", o => $"/api/v1/cycles/{o.Cycle.Id}", _ => Json(new { status = "Nonsense" }), "403"),
        new("manager1", "PUT", o => $"/api/v1/cycles/{o.Cycle.Id}/template", _ => Json(new[] { new { key = "", kind = "Nope" } }), "403"),
        // Strategy: leaders and admins write; a published revision would be 409, an empty name 422.
        new("rep1", "POST", _ => "/api/v1/strategies", _ => Json(new { name = "" }), "403"),
        new("manager1", "POST", o => $"/api/v1/strategies/{o.Strategy.Id}/publish", _ => null, "403"),
        new("manager1", "PATCH", o => $"/api/v1/strategies/{o.Strategy.Id}", _ => Json(new { name = "" }), "403"),
        new("rep1", "PUT", o => $"/api/v1/strategies/{o.Strategy.Id}/check", _ => Json(new { passPercent = 5 }), "403"),
        // Workshops: leaders only, admins included in the refusal.
        new("admin", "POST", o => $"/api/v1/strategies/{o.Strategy.Id}/workshops", _ => Json(new { startsAt = "1999-01-01T00:00:00Z", length = "Forever" }), "403"),
        new("manager1", "PATCH", o => $"/api/v1/strategies/{o.Strategy.Id}/workshops/{Guid.NewGuid()}", _ => Json(new { location = "" }), "403"),
        // Answering: an admin answers nobody, whatever the question or version.
        new("admin", "POST", o => $"/api/v1/strategies/{o.Strategy.Id}/questions/{Guid.NewGuid()}/answer", _ => Json(new { answer = "" }), "403"),
        // Quotas: an admin is refused, a manager of another team does not see the rep, whatever the cycle or amounts.
        new("admin", "PUT", _ => "/api/v1/quotas", o => Json(new { cycleId = Guid.NewGuid(), repId = o.Rep3.Id, quarters = new[] { -1 } }), "403"),
        new("manager1", "PUT", _ => "/api/v1/quotas", o => Json(new { cycleId = Guid.NewGuid(), repId = o.Rep3.Id, quarters = new[] { -1 } }), "404"),
        // Plans: rep3's draft. Approving a draft is a 409 for a reviewer; an admin is told only that they may not.
        new("admin", "POST", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/approve", _ => Json(new { comment = new string('x', 5000) }), "403"),
        new("admin", "POST", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/request-changes", _ => Json(new { comment = "" }), "403"),
        new("leader", "POST", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/submit", _ => null, "403"),
        // The leader reviews rep3's plan and so may refine it once submitted (ADR 0033); the admin never edits it.
        new("admin", "PUT", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/sections/summary", _ => Json(new { text = new string('x', 100_000) }), "403"),
        new("admin", "POST", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/sections/summary/proposals", _ => Json(new { content = 5 }), "403"),
        new("leader", "POST", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/proposals/{Guid.NewGuid()}/reject", _ => Json(new { reason = new string('x', 9_000) }), "403"),
        new("admin", "POST", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/comments", _ => Json(new { sectionKey = "nope", body = "" }), "403"),
        new("manager1", "POST", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/approve", _ => null, "404"),
        // Administration.
        new("leader", "POST", _ => "/api/v1/users", _ => Json(new { email = "not an email" }), "403"),
        new("manager1", "PATCH", o => $"/api/v1/users/{o.Rep1.Id}", _ => Json(new { role = "Emperor" }), "403"),
        new("leader", "POST", _ => "/api/v1/imports/accounts", _ => new StringContent("not,a,valid\ncsv", Encoding.UTF8, "text/csv"), "403"),
    ];

    [Theory, BothDatabases]
    public async Task Someone_who_may_not_act_learns_nothing_about_the_input_or_the_state(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var clients = new Dictionary<string, HttpClient>();
        var failures = new List<string>();
        foreach (var c in Cases)
        {
            if (!clients.TryGetValue(c.Who, out var client))
            {
                client = clients[c.Who] = await app.ApiAsAsync($"{c.Who}@test.terrain");
            }

            using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Path(app.Org)) { Content = c.Body(app.Org) };
            using var response = await client.SendAsync(request, Ct);
            var actual = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (actual != c.Expected)
            {
                failures.Add($"{c.Who} {c.Method} {c.Path(app.Org)}: expected {c.Expected}, got {actual} {await response.Content.ReadAsStringAsync(Ct)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Theory, BothDatabases]
    public async Task A_closed_cycle_is_not_revealed_to_someone_who_may_not_comment(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var etag = (await leader.GetAsync($"/api/v1/cycles/{app.Org.Cycle.Id}", Ct)).Headers.ETag!.ToString();
        using var close = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/cycles/{app.Org.Cycle.Id}") { Content = Json(new { status = "Closed" }) };
        close.Headers.TryAddWithoutValidation("If-Match", etag);
        Assert.Equal(HttpStatusCode.OK, (await leader.SendAsync(close, Ct)).StatusCode);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var plan = app.Org.PlanOf[app.Org.Rep3.Id].Id;

        var comment = await admin.PostAsJsonAsync($"/api/v1/plans/{plan}/comments", new { body = "Hello" }, Ct);
        var approve = await admin.PostAsync($"/api/v1/plans/{plan}/approve", null, Ct);
        var byLeader = await leader.PostAsJsonAsync($"/api/v1/plans/{plan}/comments", new { body = "Hello" }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, comment.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, approve.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, byLeader.StatusCode);
    }
}
