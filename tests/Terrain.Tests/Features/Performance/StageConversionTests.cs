using System.Net.Http.Json;
using System.Text.Json;
using Terrain.Domain.Actuals;
using Terrain.Domain.Performance;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Performance;

/// <summary>
/// Stage conversion and days in stage from the imports' snapshots, against the hand-computed fixture of
/// docs/metrics.md: rep1's deals seen by imports on 20 February, 1 April, 15 April, 1 May, 10 May and 20 May 2027,
/// read as of 15 May (Q2, cycle FY2027 in UTC).
/// </summary>
public sealed class StageConversionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateTimeOffset At(int month, int day) => new(2027, month, day, 12, 0, 0, TimeSpan.Zero);

    private static readonly (int Month, int Day) Feb20 = (2, 20), Apr1 = (4, 1), Apr15 = (4, 15), May1 = (5, 1), May10 = (5, 10), May20 = (5, 20);

    /// <summary>
    /// D1 Qualify (1 Apr) → Propose (15 Apr) → Negotiate (1 May) → won (10 May). D2 Qualify (1 Apr) → lost (1 May).
    /// D3 Qualify (15 Apr) → Propose (10 May) → Negotiate (20 May, after the as-of date). D4 Propose (1 Apr), an amount
    /// change in Propose (15 Apr), back to Qualify (10 May). D5 Qualify (20 Feb) → Propose (1 Apr). rep2's X1 in Qualify (1 Apr).
    /// </summary>
    private static async Task FixtureAsync(TestApp app)
    {
        var o = app.Org;
        await app.WithDbAsync(async db =>
        {
            void Deal(string id, Guid owner, params ((int Month, int Day) On, string Stage, DealOutcome Outcome, decimal Amount)[] steps)
            {
                DealFacts Facts(string stage, DealOutcome outcome, decimal amount) =>
                    new(id, "", "Deal " + id, null, "Acme", owner, stage, outcome, outcome == DealOutcome.Open ? ForecastCategory.Pipeline : ForecastCategory.Closed,
                        amount, "USD", amount, 50, new DateOnly(2027, 6, 30), new DateOnly(2027, 2, 1), DealType.NewBusiness, null, null, null);
                var first = steps[0];
                var (deal, change) = Opportunity.Create(Facts(first.Stage, first.Outcome, first.Amount), Guid.NewGuid(), At(first.On.Month, first.On.Day));
                db.Opportunities.Add(deal);
                db.OpportunityChanges.Add(change);
                foreach (var step in steps.Skip(1))
                {
                    var at = At(step.On.Month, step.On.Day);
                    var next = deal.Apply(Facts(step.Stage, step.Outcome, step.Amount), Guid.NewGuid(), at)!;
                    change.End(at);
                    db.OpportunityChanges.Add(next);
                    change = next;
                }
            }

            var (rep1, rep2) = (o.Rep1.Id, o.Rep2.Id);
            Deal("D1", rep1, (Apr1, "Qualify", DealOutcome.Open, 10_000), (Apr15, "Propose", DealOutcome.Open, 10_000),
                (May1, "Negotiate", DealOutcome.Open, 10_000), (May10, "Closed Won", DealOutcome.Won, 10_000));
            Deal("D2", rep1, (Apr1, "Qualify", DealOutcome.Open, 5_000), (May1, "Closed Lost", DealOutcome.Lost, 5_000));
            Deal("D3", rep1, (Apr15, "Qualify", DealOutcome.Open, 8_000), (May10, "Propose", DealOutcome.Open, 8_000), (May20, "Negotiate", DealOutcome.Open, 8_000));
            Deal("D4", rep1, (Apr1, "Propose", DealOutcome.Open, 20_000), (Apr15, "Propose", DealOutcome.Open, 25_000), (May10, "qualify", DealOutcome.Open, 25_000));
            Deal("D5", rep1, (Feb20, "Qualify", DealOutcome.Open, 7_000), (Apr1, "Propose", DealOutcome.Open, 7_000));
            Deal("X1", rep2, (Apr1, "Qualify", DealOutcome.Open, 99_000));
            return await db.SaveChangesAsync(Ct);
        });
    }

    private static string Row(JsonElement s)
    {
        string N(string name) => s.GetProperty(name).ValueKind == JsonValueKind.Null ? "null" : s.GetProperty(name).GetRawText();
        return $"{s.GetProperty("stage").GetString()}: entered {N("entered")} moved {N("movedOn")} won {N("won")} lost {N("lost")} removed {N("removed")} " +
               $"still {N("stillIn")} conversion {N("conversion")} median {N("medianDays")} average {N("averageDays")}";
    }

    [Theory, BothDatabases]
    public async Task Stage_conversion_and_days_in_stage_follow_the_snapshots_as_of_the_day(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await FixtureAsync(app);
        var rep = await app.ApiAsAsync("rep1@test.terrain");

        var view = await rep.GetFromJsonAsync<JsonElement>("/api/v1/dashboards/rep?asOf=2027-05-15", Ct);

        var periods = view.GetProperty("stages").EnumerateArray().ToDictionary(p => p.GetProperty("period").GetString()!, p => p.GetProperty("stages").EnumerateArray().Select(Row).ToList());
        // Q2 Qualify: D1 (14 days, moved), D2 (30 days, lost), D3 (25 days, moved), D4 back in it on 10 May (still in); not D5 (entered in February), not X1 (rep2's).
        // Propose: D1 (16 days), D4 (1 April to 10 May, 39 days: the amount change is no stage change), D3 and D5 still in.
        // Negotiate: D1, 9 days, won. D3's move on 20 May is after the as-of date.
        Assert.Equal(
        [
            "Qualify: entered 4 moved 2 won 0 lost 1 removed 0 still 1 conversion 0.6667 median 25 average 23",
            "Propose: entered 4 moved 2 won 0 lost 0 removed 0 still 2 conversion 1 median 27.5 average 27.5",
            "Negotiate: entered 1 moved 0 won 1 lost 0 removed 0 still 0 conversion 1 median 9 average 9",
        ], periods["Q2"]);
        // The cycle to date adds D5's 40 days in Qualify (20 February to 1 April).
        Assert.Equal("Qualify: entered 5 moved 3 won 0 lost 1 removed 0 still 1 conversion 0.75 median 27.5 average 27.25", periods["cycle"][0]);

        // As of 20 May, D3 has moved on from Propose after 10 days.
        var later = await rep.GetFromJsonAsync<JsonElement>("/api/v1/dashboards/rep?asOf=2027-05-20", Ct);
        var q2 = later.GetProperty("stages").EnumerateArray().First().GetProperty("stages").EnumerateArray().Select(Row).ToList();
        Assert.Equal("Propose: entered 4 moved 3 won 0 lost 0 removed 0 still 1 conversion 1 median 16 average 21.67", q2[1]);
        Assert.Equal("Negotiate: entered 2 moved 0 won 1 lost 0 removed 0 still 1 conversion 1 median 9 average 9", q2[2]);
    }

    [Fact]
    public void A_deal_removed_from_the_extract_is_neither_converted_nor_lost_and_a_reopened_deal_enters_again()
    {
        var deal = Guid.NewGuid();
        var owner = Guid.NewGuid();
        DealVersion V(int day, int hour, string stage, DealOutcome outcome, bool deleted = false) =>
            new(deal, new DateTimeOffset(2028, 2, day, hour, 0, 0, TimeSpan.Zero), new DateOnly(2028, 2, day), owner, stage, outcome, deleted);

        // Leap year: 1 February to 29 February is 28 days.
        var visits = StageFlow.Visits([V(1, 9, "Qualify", DealOutcome.Open), V(29, 9, "Qualify", DealOutcome.Open, deleted: true), V(29, 10, "Qualify", DealOutcome.Open)]);
        var figures = StageFlow.Figures(visits, new DateOnly(2028, 2, 1), new DateOnly(2028, 2, 29));

        var qualify = Assert.Single(figures);
        Assert.Equal(new StageFigures("Qualify", 2, 0, 0, 0, 1, 1, null, 28, 28), qualify);
        Assert.Empty(StageFlow.Figures(visits, new DateOnly(2028, 3, 1), new DateOnly(2028, 3, 31)));
    }
}
