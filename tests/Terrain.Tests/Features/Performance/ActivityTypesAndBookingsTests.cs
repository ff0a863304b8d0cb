using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Terrain.Domain.Actuals;
using Terrain.Infrastructure;
using Terrain.Tests.Infrastructure;
using Xunit;
using static Terrain.Tests.Features.Performance.GoalPerformanceTests;

namespace Terrain.Tests.Features.Performance;

/// <summary>
/// Activity goals count the held activities of the types their name names; revenue goals count finance bookings
/// instead of won deals when Terrain:RevenueSource is Bookings. Rep1's plan in FY2027, as of 15 May 2027.
/// </summary>
public sealed class ActivityTypesAndBookingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateOnly D(int month, int day) => new(2027, month, day);

    private static async Task<Dictionary<string, decimal>> CycleActualsAsync(TestApp app, Guid plan)
    {
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var response = await rep.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{plan}/performance?asOf=2027-05-15", Ct);
        return response.GetProperty("goals").EnumerateArray().ToDictionary(g => g.GetProperty("goalKey").GetString()!,
            g => g.GetProperty("periods").EnumerateArray().Single(p => p.GetProperty("period").GetString() == "cycle").GetProperty("actual").GetDecimal());
    }

    private static async Task<Guid> ApprovedPlanAsync(TestApp app)
    {
        var plan = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        await PutGoalsAsync(await app.ApiAsAsync("rep1@test.terrain"), plan,
            new { id = "calls", metric = "Activity", name = "Discovery calls", targets = new[] { 10m, 10m, 10m, 10m } },
            new { id = "mix", metric = "Activity", name = "Meetings and demos", targets = new[] { 5m, 5m, 5m, 5m } },
            new { id = "touches", metric = "Activity", name = "Customer touches", targets = new[] { 20m, 20m, 20m, 20m } },
            new { id = "rev", metric = "Revenue", name = "Revenue", targets = new[] { 50_000m, 50_000m, 50_000m, 50_000m } },
            new { id = "cloud", metric = "Revenue", name = "Terrain Cloud", productId = "off-cloud", targets = new[] { 10_000m, 10_000m, 10_000m, 10_000m } });
        await ActAsync(app, "rep1@test.terrain", plan, "submit");
        app.Clock.Advance(TimeSpan.FromDays(1));
        await ActAsync(app, "manager1@test.terrain", plan, "approve");
        return plan;
    }

    [Theory, BothDatabases]
    public async Task An_activity_goal_counts_the_held_activities_of_the_types_its_name_names(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var plan = await ApprovedPlanAsync(app);
        var (rep1, rep2) = (app.Org.Rep1.Id, app.Org.Rep2.Id);
        var at = app.Clock.GetUtcNow();
        var import = Guid.NewGuid();
        await app.WithDbAsync(d =>
        {
            d.Activities.AddRange(
                SalesActivity.Create("C1", rep1, "Call", D(1, 10), null, held: true, import, at),
                SalesActivity.Create("C2", rep1, "Call", D(4, 2), null, held: true, import, at),
                SalesActivity.Create("C3", rep1, "Call", D(4, 3), null, held: false, import, at),
                SalesActivity.Create("C4", rep2, "Call", D(4, 3), null, held: true, import, at),
                SalesActivity.Create("C5", rep1, "Call", D(5, 16), null, held: true, import, at),
                SalesActivity.Create("M1", rep1, "Meeting", D(2, 1), null, held: true, import, at),
                SalesActivity.Create("D1", rep1, "Demo", D(3, 1), null, held: true, import, at),
                SalesActivity.Create("E1", rep1, "Email", D(3, 2), null, held: true, import, at));
            return d.SaveChangesAsync(Ct);
        });

        var actuals = await CycleActualsAsync(app, plan);

        // Calls: C1 and C2; not C3 (not held), rep2's C4, nor C5 after the as-of date. Meetings and demos: M1 and D1.
        // Customer touches names no type: every held activity of rep1 up to the as-of date.
        Assert.Equal((2m, 2m, 5m), (actuals["calls"], actuals["mix"], actuals["touches"]));
    }

    [Theory, BothDatabases]
    public async Task Revenue_counts_finance_bookings_with_their_negative_lines_when_the_setting_says_so(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var plan = await ApprovedPlanAsync(app);
        var (rep1, rep2) = (app.Org.Rep1.Id, app.Org.Rep2.Id);
        var at = app.Clock.GetUtcNow();
        var import = Guid.NewGuid();
        await app.WithDbAsync(d =>
        {
            var won = new DealFacts("W1", "", "W1", null, "", rep1, "Closed Won", DealOutcome.Won, ForecastCategory.Closed, 40_000, "USD", 40_000,
                null, D(2, 10), D(1, 5), DealType.NewBusiness, "off-cloud", "Terrain Cloud", null);
            var (deal, change) = Opportunity.Create(won, import, at);
            d.Opportunities.Add(deal);
            d.OpportunityChanges.Add(change);
            (string Id, Guid Owner, DateOnly Date, decimal Amount, string? Product)[] lines =
            [
                ("B1", rep1, D(2, 1), 30_000, "off-cloud"),
                ("B2", rep1, D(3, 1), -5_000, "off-cloud"),
                ("B3", rep1, D(4, 1), 12_000.50m, "off-services"),
                ("B4", rep2, D(4, 1), 99_999, "off-cloud"),
                ("B5", rep1, D(5, 16), 7_000, "off-cloud"),
            ];
            foreach (var (id, owner, date, amount, product) in lines)
            {
                var booking = Booking.Create(id, "1", import, at);
                booking.Apply(owner, null, date, amount, "USD", amount, product, null, import);
                d.Bookings.Add(booking);
            }

            return d.SaveChangesAsync(Ct);
        });
        var options = app.Services.GetRequiredService<IOptions<TerrainOptions>>().Value;

        var byDeals = await CycleActualsAsync(app, plan);
        Dictionary<string, decimal> byBookings;
        options.RevenueSource = RevenueSource.Bookings;
        try
        {
            byBookings = await CycleActualsAsync(app, plan);
        }
        finally
        {
            options.RevenueSource = RevenueSource.Opportunities;
        }

        Assert.Equal((40_000m, 40_000m), (byDeals["rev"], byDeals["cloud"]));
        // B1 − B2's downgrade + B3; not rep2's B4 nor B5 after the as-of date. Cloud only: B1 − B2.
        Assert.Equal((37_000.50m, 25_000m), (byBookings["rev"], byBookings["cloud"]));
    }
}
