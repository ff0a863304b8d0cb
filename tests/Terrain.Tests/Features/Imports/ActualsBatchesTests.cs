using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Imports;

/// <summary>POST /api/v1/actuals/{kind}: JSON batches with the CSV import's checks, applied once per Idempotency-Key.</summary>
public sealed class ActualsBatchesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Activities = """
        [
          { "externalId": "J-1", "owner": "rep1@test.terrain", "type": "call", "date": "2026-11-02", "account": "R1-1", "held": true },
          { "externalId": "J-2", "owner": "Rep Two", "type": "Meeting", "date": "2026-12-20", "account": null }
        ]
        """;

    private static async Task<(HttpStatusCode Status, JsonElement Body, bool Replayed)> SendAsync(HttpClient client, string kind, string json, string? key,
        string query = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/actuals/{kind}{query}")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        var response = await client.SendAsync(request, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return (response.StatusCode, body, response.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Single() == "true");
    }

    private static Task<int> AuditsAsync(TestApp app, string kind) =>
        app.WithDbAsync(d => d.AuditEntries.CountAsync(e => e.Action == $"import.{kind}", Ct));

    [Theory, BothDatabases]
    public async Task A_batch_is_imported_once_and_the_same_key_and_body_replay_the_first_answer(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");

        var first = await SendAsync(admin, "activities", Activities, "batch-1");

        Assert.Equal((HttpStatusCode.OK, false), (first.Status, first.Replayed));
        Assert.Equal((2, 2, "Terrain"), (first.Body.GetProperty("rowsRead").GetInt32(), first.Body.GetProperty("created").GetInt32(), first.Body.GetProperty("layout").GetString()));
        var planned = await app.WithDbAsync(d => d.Activities.AsNoTracking().SingleAsync(a => a.ExternalId == "J-2", Ct));
        Assert.Equal(("Meeting", false, app.Org.Rep2.Id), (planned.Type, planned.Held, planned.OwnerId));

        app.Clock.Advance(TimeSpan.FromHours(23));
        admin = await app.ApiAsAsync("admin@test.terrain");
        var replay = await SendAsync(admin, "activities", Activities, "batch-1");

        Assert.Equal((HttpStatusCode.OK, true), (replay.Status, replay.Replayed));
        Assert.Equal(first.Body.GetRawText(), replay.Body.GetRawText());
        Assert.Equal(1, await AuditsAsync(app, "activities"));

        var other = await SendAsync(admin, "activities", Activities.Replace("J-2", "J-3", StringComparison.Ordinal), "batch-1");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.Status);
        Assert.Contains("already used with a different body", other.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var otherKind = await SendAsync(admin, "bookings", Activities, "batch-1");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherKind.Status);

        // After 24 hours the key is forgotten: the same key may carry a new batch.
        app.Clock.Advance(TimeSpan.FromHours(2));
        admin = await app.ApiAsAsync("admin@test.terrain");
        var later = await SendAsync(admin, "activities", Activities.Replace("J-2", "J-3", StringComparison.Ordinal), "batch-1");
        Assert.Equal((HttpStatusCode.OK, false, 1), (later.Status, later.Replayed, later.Body.GetProperty("created").GetInt32()));
        Assert.Equal(3, await app.WithDbAsync(d => d.Activities.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_missing_key_an_unknown_field_a_bad_row_and_an_oversized_batch_are_refused(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");

        var missing = await SendAsync(admin, "activities", Activities, null);
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.True(missing.Body.GetProperty("errors").TryGetProperty("Idempotency-Key", out _), missing.Body.GetRawText());

        var unknown = await SendAsync(admin, "activities", """[{ "externalId": "U-1", "owner": "rep1@test.terrain", "type": "Call", "date": "2026-11-02", "hled": true }]""", "u-1");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.Status);
        Assert.Equal([(1, "hled")], ImportingAccountsTests.Rejected(unknown.Body).Select(r => (r.Line, r.Column)));

        var bad = await SendAsync(admin, "bookings", """
            [
              { "externalId": "B-1", "owner": "rep1@test.terrain", "date": "2026-11-02", "amount": 100 },
              { "externalId": "B-2", "owner": "rep1@test.terrain", "date": "2026-11-02", "amount": -25.5, "currency": "GBP" }
            ]
            """, "b-1");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
        var issue = Assert.Single(ImportingAccountsTests.Rejected(bad.Body));
        Assert.Equal((2, "currency"), (issue.Line, issue.Column));
        Assert.Contains("no exchange rate from GBP to USD", issue.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(d => d.Bookings.CountAsync(Ct)));

        // The rejection is the key's answer too.
        var again = await SendAsync(admin, "bookings", """
            [
              { "externalId": "B-1", "owner": "rep1@test.terrain", "date": "2026-11-02", "amount": 100 },
              { "externalId": "B-2", "owner": "rep1@test.terrain", "date": "2026-11-02", "amount": -25.5, "currency": "GBP" }
            ]
            """, "b-1");
        Assert.Equal((HttpStatusCode.UnprocessableEntity, true), (again.Status, again.Replayed));

        var huge = "[" + string.Join(",", Enumerable.Repeat("{}", 10_001)) + "]";
        var tooMany = await SendAsync(admin, "activities", huge, "huge");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany.Status);
        Assert.Contains("at most 10,000", tooMany.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var notArray = await SendAsync(admin, "activities", """{ "externalId": "X" }""", "obj");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notArray.Status);

        var unknownKind = await SendAsync(admin, "users", "[]", "users");
        Assert.Equal(HttpStatusCode.NotFound, unknownKind.Status);
        Assert.Equal(0, await app.WithDbAsync(d => d.IdempotentRequests.CountAsync(r => r.Key == "huge" || r.Key == "obj", Ct)));
    }

    [Theory, BothDatabases]
    public async Task Opportunities_and_partial_batches_go_through_the_same_checks_as_the_csv_import(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");

        var report = await SendAsync(admin, "opportunities", """
            [
              { "externalId": "O-1", "owner": "rep1@test.terrain", "stage": "Closed Won", "amount": 12500.5, "closeDate": "2026-10-31", "product": "Terrain Cloud", "account": "Alpha Manufacturing" },
              { "externalId": "O-2", "owner": "ghost@test.terrain", "stage": "Discovery", "amount": 10, "closeDate": "2027-01-31" }
            ]
            """, "o-1", "?partial=true");

        Assert.Equal(HttpStatusCode.OK, report.Status);
        Assert.Equal([(2, "owner")], ImportingAccountsTests.Rejected(report.Body).Select(r => (r.Line, r.Column)));
        var deal = await app.WithDbAsync(d => d.Opportunities.AsNoTracking().SingleAsync(Ct));
        Assert.Equal(("O-1", 12_500.50m, "off-cloud", app.Org.Accounts.Single(a => a.ExternalId == "R1-1").Id), (deal.ExternalId, deal.Amount, deal.ProductId, deal.AccountId!.Value));
    }

    [Theory, BothDatabases]
    public async Task Of_two_concurrent_requests_with_the_same_key_only_one_imports(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");

        var answers = await Task.WhenAll(SendAsync(admin, "activities", Activities, "twin"), SendAsync(admin, "activities", Activities, "twin"));

        var applied = Assert.Single(answers, a => a.Status == HttpStatusCode.OK && !a.Replayed);
        Assert.Equal(2, applied.Body.GetProperty("created").GetInt32());
        var loser = answers[1 - Array.FindIndex(answers, a => a.Status == HttpStatusCode.OK && !a.Replayed)];
        Assert.True(loser.Status == HttpStatusCode.Conflict || (loser.Status == HttpStatusCode.OK && loser.Replayed), $"{loser.Status}: {loser.Body}");
        Assert.Equal(2, await app.WithDbAsync(d => d.Activities.CountAsync(Ct)));
        Assert.Equal(1, await AuditsAsync(app, "activities"));

        // Once the winner has answered, the same request replays it.
        var after = await SendAsync(admin, "activities", Activities, "twin");
        Assert.Equal((HttpStatusCode.OK, true, 2), (after.Status, after.Replayed, after.Body.GetProperty("created").GetInt32()));
    }
}
