using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Reviews;
using Terrain.Tests.Infrastructure;
using Xunit;
using static Terrain.Tests.Features.Reviews.ReviewMeetingTests;

namespace Terrain.Tests.Features.Reviews;

/// <summary>A JSON batch of actuals checks the claims of corrective actions, as a file import does (ADR 0025).</summary>
public sealed class ClaimsCheckedAfterBatchesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, BothDatabases]
    public async Task A_json_batch_of_opportunities_marks_a_claim_achieved(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var id = await MayReviewAsync(app);
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var proposed = await JsonAsync(await SendAsync(manager, HttpMethod.Post, $"/api/v1/reviews/{id}/corrective-actions", new
        {
            what = "Prospect the mid-market accounts",
            ownerId = app.Org.Rep1.Id,
            due = "2027-05-31",
            goalKey = "rev",
            claim = new { metric = "PipelineCreated", filter = "None", amount = 30_000, by = "2027-05-31" },
        }), HttpStatusCode.Created);
        var actionId = proposed.GetProperty("id").GetGuid();

        // 40,000 of new pipeline created on 12 May arrives through the integration's JSON batch.
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 5, 14, 9, 0, 0, TimeSpan.Zero));
        var admin = await app.ApiAsAsync("admin@test.terrain");
        const string batch = """
            [{"externalId":"NEW-1","owner":"rep1@test.terrain","account":"R1-1","stage":"Qualification","amount":40000,"currency":"USD",
              "closeDate":"2027-08-30","createdDate":"2027-05-12","forecastCategory":"Pipeline","name":"Alpha expansion"}]
            """;
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/actuals/opportunities") { Content = new StringContent(batch, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        await JsonAsync(await admin.SendAsync(request, Ct), HttpStatusCode.OK);

        var checkedAction = await app.WithDbAsync(d => d.CorrectiveActions.AsNoTracking().SingleAsync(a => a.Id == actionId, Ct));
        Assert.Equal(ClaimOutcome.Achieved, checkedAction.ClaimOutcome);
        // With P1 (10,000, created 10 May) and F1 (8,000, 20 May) of the fixture, both on Alpha.
        Assert.Equal(58_000m, checkedAction.ClaimActual);
        Assert.True(await app.WithDbAsync(d => d.AuditEntries.AnyAsync(a => a.Action == "corrective-action.claim-checked" && a.EntityId == actionId.ToString(), Ct)));
    }
}
