using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Imports;

/// <summary>
/// A JSON batch may name a saved mapping, as a CSV import does: its records' members are then the mapping's headings.
/// A mapping of stages alone adds a company's stage names to the built-in layouts.
/// </summary>
public sealed class ActualsBatchMappingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, string query, string json, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/actuals/activities{query}")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", key);
        var response = await client.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
    }

    [Theory, BothDatabases]
    public async Task A_batch_naming_a_saved_mapping_is_read_by_its_headings_and_date_format(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await app.WithDbAsync(d =>
        {
            d.ImportMappings.Add(ImportMapping.Create("Dialer", ImportKind.Activities,
                new Dictionary<string, string> { ["Call Ref"] = "externalId", ["Agent"] = "owner", ["Kind"] = "type", ["When"] = "date" },
                null, ["dd.MM.yyyy"], ".", null, null, app.Clock.GetUtcNow()));
            return d.SaveChangesAsync(Ct);
        });
        var admin = await app.ApiAsAsync("admin@test.terrain");

        var (status, report) = await SendAsync(admin, "?mapping=dialer",
            """[{ "Call Ref": "D-1", "Agent": "rep1@test.terrain", "Kind": "Call", "When": "03.02.2027" }]""", "mapped-1");
        var (terrainStatus, _) = await SendAsync(admin, "?mapping=Dialer",
            """[{ "externalId": "D-2", "owner": "rep1@test.terrain", "type": "Call", "date": "2027-02-03" }]""", "mapped-2");
        var (unknownStatus, unknown) = await SendAsync(admin, "?mapping=Nope", """[]""", "mapped-3");

        Assert.True(status == HttpStatusCode.OK, report.ToString());
        Assert.Equal(("Dialer", 1), (report.GetProperty("layout").GetString(), report.GetProperty("created").GetInt32()));
        var activity = await app.WithDbAsync(d => d.Activities.AsNoTracking().SingleAsync(a => a.ExternalId == "D-1", Ct));
        Assert.Equal((new DateOnly(2027, 2, 3), app.Org.Rep1.Id), (activity.Date, activity.OwnerId));
        // Under the mapping, Terrain's own members are not fields.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, terrainStatus);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownStatus);
        Assert.True(unknown.GetProperty("errors").TryGetProperty("mapping", out _), unknown.ToString());
    }

    [Theory, BothDatabases]
    public async Task A_mapping_of_stages_alone_adds_them_to_a_salesforce_export(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await app.WithDbAsync(d =>
        {
            d.ImportMappings.Add(ImportMapping.Create("OurStages", ImportKind.Opportunities, null,
                [new MappedStage("Signed", DealOutcome.Won, ForecastCategory.Closed), new MappedStage("Dead", DealOutcome.Lost, ForecastCategory.Closed)],
                null, null, null, null, app.Clock.GetUtcNow()));
            return d.SaveChangesAsync(Ct);
        });
        var admin = await app.ApiAsAsync("admin@test.terrain");
        const string csv = "Opportunity ID,Opportunity Owner,Stage,Amount,Close Date,Created Date\n"
                           + "006A,Rep One,Signed,\"USD 12,500.00\",3/14/2026,1/5/2026\n"
                           + "006B,Rep One,Dead,$1000.00,3/15/2026,1/5/2026\n"
                           + "006C,Rep One,Negotiation,$500.00,3/16/2026,1/5/2026\n"
                           + "006D,Rep One,Closed Won,$700.00,3/17/2026,1/5/2026\n";

        var report = await ImportingActivitiesTests.PostAsync(admin, "opportunities", ImportingActivitiesTests.Body(csv), "?mapping=OurStages");

        Assert.Equal(("Salesforce + OurStages", 4), (report.GetProperty("layout").GetString(), report.GetProperty("created").GetInt32()));
        var outcomes = await app.WithDbAsync(d => d.Opportunities.AsNoTracking().ToDictionaryAsync(o => o.ExternalId, o => o.Outcome, Ct));
        // Its own stages, and Salesforce's reading of the others: Closed Won is won, any other stage open.
        Assert.Equal((DealOutcome.Won, DealOutcome.Lost, DealOutcome.Open, DealOutcome.Won), (outcomes["006A"], outcomes["006B"], outcomes["006C"], outcomes["006D"]));
    }
}
