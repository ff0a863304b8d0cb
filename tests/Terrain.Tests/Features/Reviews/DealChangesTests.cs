using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Actuals;
using Terrain.Domain.Reviews;
using Terrain.Tests.Features.Performance;
using Terrain.Tests.Infrastructure;
using Xunit;
using static Terrain.Tests.Features.Reviews.ReviewMeetingTests;

namespace Terrain.Tests.Features.Reviews;

/// <summary>
/// What changed deal by deal since the last review (issue 11 §2), read from the imports' snapshots, on the metrics
/// fixture: rep1's April review held on 20 April 2027 with forecast calls, the May review prepared on 10 May.
/// </summary>
public sealed class DealChangesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset On(int month, int day) => new(2027, month, day, 6, 0, 0, TimeSpan.Zero);

    [Theory, BothDatabases]
    public async Task The_review_lists_each_deal_changed_since_the_last_review_and_freezes_them(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await GoalPerformanceTests.FixtureAsync(app);
        var rep1 = app.Org.Rep1.Id;

        // The deals as the weekly imports saw them, from March to early May.
        await app.WithDbAsync(async d =>
        {
            var account = app.Org.Accounts[0];
            void Deal(string id, params (DateTimeOffset At, string Stage, DealOutcome Outcome, decimal Amount, DateOnly Close, string? Reason)[] versions)
            {
                Opportunity? deal = null;
                OpportunityChange? current = null;
                foreach (var (at, stage, outcome, amount, close, reason) in versions)
                {
                    var facts = new DealFacts(id, "", $"Deal {id}", account.Id, account.Name, rep1, stage, outcome,
                        outcome == DealOutcome.Won ? ForecastCategory.Closed : ForecastCategory.Pipeline, amount, "USD", amount, null, close,
                        new DateOnly(2027, 2, 20), DealType.NewBusiness, null, null, reason);
                    var change = deal is null ? Create(facts, at) : deal.Apply(facts, Guid.NewGuid(), at);
                    current?.End(at);
                    current = change;
                    d.OpportunityChanges.Add(change!);
                }

                OpportunityChange Create(DealFacts facts, DateTimeOffset at)
                {
                    var (row, change) = Opportunity.Create(facts, Guid.NewGuid(), at);
                    deal = row;
                    d.Opportunities.Add(row);
                    return change;
                }
            }

            var open = DealOutcome.Open;
            Deal("D-PUSH", (On(3, 1), "Proposal", open, 30_000, new(2027, 4, 15), null), (On(4, 10), "Proposal", open, 30_000, new(2027, 5, 20), null),
                (On(5, 5), "Proposal", open, 30_000, new(2027, 6, 30), null));
            Deal("D-PULL", (On(4, 1), "Qualification", open, 12_000, new(2027, 7, 30), null), (On(5, 6), "Qualification", open, 12_000, new(2027, 6, 15), null));
            Deal("D-NEW", (On(5, 3), "Prospecting", open, 9_000, new(2027, 8, 31), null));
            Deal("D-WON", (On(4, 1), "Negotiation", open, 20_000, new(2027, 5, 5), null), (On(5, 6), "Closed Won", DealOutcome.Won, 20_000, new(2027, 5, 5), null));
            Deal("D-LOST", (On(4, 1), "Negotiation", open, 15_000, new(2027, 6, 5), null),
                (On(5, 7), "Closed Lost", DealOutcome.Lost, 15_000, new(2027, 5, 7), "Lost to Northwind on price"));
            Deal("D-UP", (On(4, 1), "Proposal", open, 10_000, new(2027, 6, 30), null), (On(5, 4), "Proposal", open, 15_000, new(2027, 6, 30), null));
            Deal("D-BACK", (On(3, 1), "Prospecting", open, 8_000, new(2027, 6, 30), null), (On(3, 15), "Qualification", open, 8_000, new(2027, 6, 30), null),
                (On(4, 1), "Proposal", open, 8_000, new(2027, 6, 30), null), (On(5, 5), "Qualification", open, 8_000, new(2027, 6, 30), null));
            Deal("D-STALL", (On(2, 20), "Qualification", open, 7_000, new(2027, 5, 1), null));
            return await d.SaveChangesAsync(Ct);
        });

        // The April review is held on 20 April with the rep's and the manager's commit.
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 4, 20, 9, 0, 0, TimeSpan.Zero));
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var reviews = (await manager.GetFromJsonAsync<JsonElement[]>($"/api/v1/reviews?rep={rep1}", Ct))!;
        Guid Window(string start) => reviews.Single(r => r.GetProperty("windowStart").GetString() == start).GetProperty("id").GetGuid();
        var (april, may) = (Window("2027-04-01"), Window("2027-05-01"));
        await JsonAsync(await PatchReviewAsync(rep, april, new { repCall = new { commit = 50_000, bestCase = 70_000, note = "" } }), HttpStatusCode.OK);
        await CompleteAsync(manager, april, new { commit = 40_000, bestCase = 60_000, note = "" });

        app.Clock.SetUtcNow(new DateTimeOffset(2027, 5, 10, 9, 0, 0, TimeSpan.Zero));
        manager = await app.ApiAsAsync("manager1@test.terrain");
        var review = await JsonAsync(await manager.GetAsync($"/api/v1/reviews/{may}", Ct), HttpStatusCode.OK);
        var changes = review.GetProperty("figures").GetProperty("dealChanges");
        Assert.Equal(("2027-04-20", "2027-05-10"), (changes.GetProperty("since").GetString(), changes.GetProperty("asOf").GetString()));
        var deals = changes.GetProperty("deals").EnumerateArray().ToDictionary(x => x.GetProperty("externalId").GetString()!);
        string[] Kinds(string id) => deals[id].GetProperty("kinds").EnumerateArray().Select(k => k.GetString()!).ToArray();

        Assert.Contains("Pushed", Kinds("D-PUSH"));
        Assert.Equal(2, deals["D-PUSH"].GetProperty("pushes").GetInt32());
        Assert.Equal("2027-05-20", deals["D-PUSH"].GetProperty("closeDateBefore").GetString());
        Assert.Contains("PulledIn", Kinds("D-PULL"));
        Assert.Contains("New", Kinds("D-NEW"));
        Assert.Equal(["Won"], Kinds("D-WON"));
        Assert.Equal("Lost", Kinds("D-LOST")[0]);
        Assert.Equal("Lost to Northwind on price", deals["D-LOST"].GetProperty("lossReason").GetString());
        Assert.Contains("AmountUp", Kinds("D-UP"));
        Assert.Equal(10_000m, deals["D-UP"].GetProperty("amountBefore").GetDecimal());
        Assert.Contains("StageBack", Kinds("D-BACK"));
        Assert.Equal("Proposal", deals["D-BACK"].GetProperty("stageBefore").GetString());
        Assert.Contains("Stalled", Kinds("D-STALL"));
        Assert.Contains("CloseDatePassed", Kinds("D-STALL"));
        Assert.DoesNotContain("New", Kinds("D-STALL"));

        // The April call beside what is won so far in Q2 (April to June).
        var won = await app.WithDbAsync(d => d.Opportunities.Where(o => o.OwnerId == rep1 && !o.Deleted && o.Outcome == DealOutcome.Won
            && o.CloseDate >= new DateOnly(2027, 4, 1) && o.CloseDate <= new DateOnly(2027, 5, 10)).Select(o => o.Amount).ToListAsync(Ct));
        var call = Assert.Single(review.GetProperty("figures").GetProperty("calls").EnumerateArray());
        Assert.Equal((50_000m, 40_000m, won.Sum(), false), (call.GetProperty("repCommit").GetDecimal(), call.GetProperty("managerCommit").GetDecimal(),
            call.GetProperty("actual").GetDecimal(), call.GetProperty("final").GetBoolean()));
        Assert.Equal(decimal.Round(50_000m / won.Sum(), 4), call.GetProperty("repAccuracy").GetDecimal());

        // The page shows them in their own section.
        var page = await (await app.BrowserAsAsync("manager1@test.terrain")).GetStringAsync($"/Reviews/{may}", Ct);
        Assert.Contains("Deal by deal since the last review", page, StringComparison.Ordinal);
        Assert.Contains("Pushed (2 times so far)", page, StringComparison.Ordinal);
        Assert.Contains("Lost: Lost to Northwind on price", page, StringComparison.Ordinal);
        Assert.Contains("How earlier calls turned out", page, StringComparison.Ordinal);

        // Completed, the review keeps what it saw: a deal created afterwards is not in it.
        await CompleteAsync(manager, may, null);
        await app.WithDbAsync(async d =>
        {
            var (row, change) = Opportunity.Create(new DealFacts("D-LATER", "", "Later", app.Org.Accounts[0].Id, "", rep1, "Prospecting", DealOutcome.Open,
                ForecastCategory.Pipeline, 5_000, "USD", 5_000, null, new DateOnly(2027, 9, 1), new DateOnly(2027, 5, 9), DealType.NewBusiness, null, null, null),
                Guid.NewGuid(), On(5, 9));
            d.Opportunities.Add(row);
            d.OpportunityChanges.Add(change);
            return await d.SaveChangesAsync(Ct);
        });
        var frozen = await JsonAsync(await manager.GetAsync($"/api/v1/reviews/{may}", Ct), HttpStatusCode.OK);
        var frozenIds = frozen.GetProperty("figures").GetProperty("dealChanges").GetProperty("deals").EnumerateArray()
            .Select(x => x.GetProperty("externalId").GetString()).ToList();
        Assert.Contains("D-PUSH", frozenIds);
        Assert.DoesNotContain("D-LATER", frozenIds);
    }

    [Fact]
    public void An_open_deal_on_an_account_without_recent_activity_is_at_risk()
    {
        var rep = Guid.NewGuid();
        var (quiet, busy) = (Guid.NewGuid(), Guid.NewGuid());
        DealHistory Deal(string id, Guid account) => new(Guid.NewGuid(), id, id, "", account, null,
            [new DealSnapshot(On(5, 1), rep, "Proposal", DealOutcome.Open, 1_000, new DateOnly(2027, 6, 30), false)]);
        var changes = DealChanges.Compare([Deal("QUIET", quiet), Deal("BUSY", busy)], rep, On(5, 2), On(5, 11), new DateOnly(2027, 5, 2), new DateOnly(2027, 5, 10),
            at => DateOnly.FromDateTime(at.UtcDateTime), new Dictionary<Guid, DateOnly> { [quiet] = new(2027, 4, 1), [busy] = new(2027, 5, 8) });
        var quietDeal = Assert.Single(changes.Deals);
        Assert.Equal("QUIET", quietDeal.ExternalId);
        Assert.Equal([DealChangeKind.NoActivity], quietDeal.Kinds);
        Assert.Equal(39, quietDeal.DaysSinceActivity);
    }

    /// <summary>Completes a review as its manager: a reason for each goal off track, and "no action" signed.</summary>
    private static async Task CompleteAsync(HttpClient manager, Guid id, object? managerCall)
    {
        var review = await JsonAsync(await manager.GetAsync($"/api/v1/reviews/{id}", Ct), HttpStatusCode.OK);
        await JsonAsync(await PatchReviewAsync(manager, id, new
        {
            managerCall,
            varianceReasons = review.GetProperty("offTrackGoals").EnumerateArray()
                .Select(g => new { goalKey = g.GetString(), category = "DealsSlipped", explanation = "Two deals slipped." }),
            noActionReason = "The slipped deals close next month.",
        }), HttpStatusCode.OK);
        await JsonAsync(await manager.PostAsync($"/api/v1/reviews/{id}/complete", null, Ct), HttpStatusCode.OK);
    }
}
