using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Plans;

/// <summary>
/// One plan of record (ADR 0017): the plan in force for a rep in a cycle as of a date is the latest version approved
/// by then, and its goals, quarterly targets and action items are rows the database can join and sum.
/// </summary>
public sealed class PlanOfRecordTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Signs in afresh for each move: the clock moves on by days, and bearer tokens live an hour.</summary>
    private static async Task ActAsync(TestApp app, string email, Guid plan, string action)
    {
        var client = await app.ApiAsAsync(email);
        var response = await client.PostAsync($"/api/v1/plans/{plan}/{action}", null, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{action}: {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private static async Task<HttpResponseMessage> PutGoalsAsync(HttpClient client, Guid plan, params object[] goals)
    {
        var url = $"/api/v1/plans/{plan}/sections/targets";
        var etag = (await client.GetAsync(url, Ct)).Headers.ETag!.ToString();
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(new { goals }) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(request, Ct);
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private sealed record InForce(int Edition, List<(string Key, string? Metric, decimal Total)> Goals, List<string> Actions, decimal Revenue)
    {
        /// <summary>Everything, as one comparable value.</summary>
        public string Whole => $"{Edition} | {string.Join(", ", Goals)} | {string.Join(", ", Actions)} | {Revenue}";
    }

    /// <summary>The one query: the plan in force for the rep in the cycle as of the instant, its goals, actions, and revenue summed in SQL.</summary>
    private static Task<InForce?> InForceAsync(TestApp app, Guid rep, DateTimeOffset asOf) => app.WithDbAsync(async db =>
    {
        var version = db.InForce(app.Org.Cycle.Id, rep, asOf);
        var edition = await version.Select(v => (int?)v.Edition).SingleOrDefaultAsync(Ct);
        if (edition is null)
        {
            return null;
        }

        var goals = await db.Goals(version).OrderBy(g => g.Position).Select(g => new { g.GoalKey, g.Metric, g.Total }).ToListAsync(Ct);
        var actions = await db.Actions(version).OrderBy(a => a.Position).Select(a => a.ActionKey).ToListAsync(Ct);
        var revenue = await (from g in db.Goals(version).Where(g => g.Metric == "Revenue")
                             join t in db.PlanGoalTargets on g.Id equals t.GoalId
                             select t.Amount).SumAsync(Ct);
        return new InForce(edition.Value, goals.Select(g => (g.GoalKey, g.Metric, g.Total)).ToList(), actions, revenue);
    });

    [Theory, BothDatabases]
    public async Task The_plan_in_force_is_the_latest_version_approved_by_the_date_and_stays_in_force_while_an_amendment_is_under_way(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var plan = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        var start = app.Clock.GetUtcNow();

        await ActAsync(app, "rep1@test.terrain", plan, "submit");
        var submitted = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromDays(2));
        await ActAsync(app, "manager1@test.terrain", plan, "approve");
        var approved = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromDays(10));
        await ActAsync(app, "rep1@test.terrain", plan, "amend");
        var changed = await PutGoalsAsync(await app.ApiAsAsync("rep1@test.terrain"), plan,
            new { id = "revenue", metric = "Revenue", name = "Revenue", targets = new[] { 60_000m, 60_000m, 60_000m, 70_000.55m } },
            new { id = "logos", metric = "NewLogos", name = "Logos", targets = new[] { 1m, 1m, 1m, 1m } });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        await ActAsync(app, "rep1@test.terrain", plan, "submit");
        var amendmentSubmitted = app.Clock.GetUtcNow();
        var duringAmendment = await InForceAsync(app, app.Org.Rep1.Id, amendmentSubmitted);
        app.Clock.Advance(TimeSpan.FromDays(3));
        await ActAsync(app, "manager1@test.terrain", plan, "approve");
        var reapproved = app.Clock.GetUtcNow();

        Assert.Null(await InForceAsync(app, app.Org.Rep1.Id, start));
        Assert.Null(await InForceAsync(app, app.Org.Rep1.Id, submitted));
        var first = await InForceAsync(app, app.Org.Rep1.Id, approved);
        Assert.NotNull(first);
        Assert.Equal(1, first.Edition);
        Assert.Equal([("revenue", "Revenue", 200_000m), ("meetings", "Activity", 80m)], first.Goals);
        Assert.Equal(["briefing"], first.Actions);
        Assert.Equal(200_000m, first.Revenue);
        Assert.Equal(first.Whole, duringAmendment?.Whole);
        Assert.Equal(first.Whole, (await InForceAsync(app, app.Org.Rep1.Id, reapproved.AddSeconds(-1)))?.Whole);
        var second = await InForceAsync(app, app.Org.Rep1.Id, reapproved);
        Assert.NotNull(second);
        Assert.Equal(2, second.Edition);
        Assert.Equal([("revenue", "Revenue", 250_000.55m), ("logos", "NewLogos", 4m)], second.Goals);
        Assert.Equal(250_000.55m, second.Revenue);
        Assert.Equal(second.Whole, (await InForceAsync(app, app.Org.Rep1.Id, reapproved.AddYears(1)))?.Whole);
        // Another rep's plan, never approved, has no plan in force.
        Assert.Null(await InForceAsync(app, app.Org.Rep2.Id, reapproved));
    }

    [Theory, BothDatabases]
    public async Task A_goal_picks_its_product_and_segment_by_id_a_name_that_matches_becomes_the_id_and_other_text_stays_unlinked(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var plan = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        var targets = new[] { 10_000m, 10_000m, 10_000m, 10_000m };

        var unknownId = await PutGoalsAsync(rep, plan, new { id = "g1", metric = "Revenue", name = "Cloud", productId = "off-nothing", targets });
        var saved = await PutGoalsAsync(rep, plan,
            new { id = "g1", metric = "Revenue", name = "Cloud", product = "terrain cloud", segmentId = "seg-mm", targets },
            new { id = "g2", metric = "Revenue", name = "Widgets", product = "Widgets", segment = "Mid-Market", targets });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownId.StatusCode);
        var problem = await unknownId.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty("goals[0].productId", out _), problem.ToString());
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var goals = (await saved.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("content").GetProperty("goals").EnumerateArray().ToList();
        Assert.Equal(("off-cloud", null, "seg-mm", null), (Str(goals[0], "productId"), Str(goals[0], "product"), Str(goals[0], "segmentId"), Str(goals[0], "segment")));
        Assert.Equal((null, "Widgets", null, "Mid-Market"), (Str(goals[1], "productId"), Str(goals[1], "product"), Str(goals[1], "segmentId"), Str(goals[1], "segment")));

        var checks = (await rep.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{plan}", Ct)).GetProperty("checks");
        var warning = checks.GetProperty("warnings").EnumerateArray().Single(w => w.GetProperty("code").GetString() == "goal-unlinked-product-or-segment");
        Assert.Equal("The goal \"Widgets\" names the product 'Widgets' and the segment 'Mid-Market', which the strategy does not have; pick one of the strategy's, or any.",
            warning.GetProperty("message").GetString());

        await ActAsync(app, "rep1@test.terrain", plan, "submit");
        var rows = await app.WithDbAsync(db => db.PlanGoals.Where(g => g.PlanId == plan).OrderBy(g => g.Position)
            .Select(g => new { g.ProductId, g.SegmentId, g.UnlinkedProduct, g.UnlinkedSegment }).ToListAsync(Ct));
        Assert.Equal(2, rows.Count);
        Assert.Equal(("off-cloud", "seg-mm", (string?)null, (string?)null), (rows[0].ProductId, rows[0].SegmentId, rows[0].UnlinkedProduct, rows[0].UnlinkedSegment));
        Assert.Equal(((string?)null, (string?)null, "Widgets", "Mid-Market"), (rows[1].ProductId, rows[1].SegmentId, rows[1].UnlinkedProduct, rows[1].UnlinkedSegment));
    }

    [Theory, BothDatabases]
    public async Task History_written_before_the_plan_of_record_is_backfilled_once_with_free_text_matched_to_the_strategy(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var plan = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        await ActAsync(app, "rep1@test.terrain", plan, "submit");
        app.Clock.Advance(TimeSpan.FromDays(1));
        await ActAsync(app, "manager1@test.terrain", plan, "approve");
        var firstApproval = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromDays(1));
        await ActAsync(app, "rep1@test.terrain", plan, "amend");
        await ActAsync(app, "rep1@test.terrain", plan, "submit");
        app.Clock.Advance(TimeSpan.FromDays(1));
        await ActAsync(app, "manager1@test.terrain", plan, "approve");
        var secondApproval = app.Clock.GetUtcNow();
        var written = await app.WithDbAsync(db => db.ApprovedPlanVersions.Where(v => v.PlanId == plan).OrderBy(v => v.ApprovedAt)
            .Select(v => new { v.Edition, v.SnapshotNumber, v.ApprovedAt, v.ApprovedById }).ToListAsync(Ct));

        // Back to how a database looked before: no rows, snapshots not recorded, and a goal's segment as free text.
        var recorded = await app.WithDbAsync(async db =>
        {
            await db.ApprovedPlanVersions.ExecuteDeleteAsync(Ct);
            await db.PlanGoals.ExecuteDeleteAsync(Ct);
            await db.PlanActionItems.ExecuteDeleteAsync(Ct);
            var first = await db.PlanSnapshots.AsNoTracking().SingleAsync(s => s.PlanId == plan && s.Number == 1, Ct);
            var legacy = first.Sections.Replace("\\u0022name\\u0022:\\u0022Revenue\\u0022", "\\u0022name\\u0022:\\u0022Revenue\\u0022,\\u0022segment\\u0022:\\u0022MID-MARKET MANUFACTURERS\\u0022", StringComparison.Ordinal);
            Assert.NotEqual(first.Sections, legacy);
            await db.PlanSnapshots.Where(s => s.Id == first.Id).ExecuteUpdateAsync(u => u.SetProperty(s => s.Sections, legacy), Ct);
            await db.PlanSnapshots.ExecuteUpdateAsync(u => u.SetProperty(s => s.Recorded, false), Ct);
            var count = await PlanOfRecord.BackfillAsync(db, Ct);
            var again = await PlanOfRecord.BackfillAsync(db, Ct);
            return (count, again);
        });

        Assert.Equal((2 + 2, 0), recorded);
        var backfilled = await app.WithDbAsync(db => db.ApprovedPlanVersions.Where(v => v.PlanId == plan).OrderBy(v => v.ApprovedAt)
            .Select(v => new { v.Edition, v.SnapshotNumber, v.ApprovedAt, v.ApprovedById }).ToListAsync(Ct));
        Assert.Equal(written, backfilled);
        Assert.Equal([firstApproval, secondApproval], backfilled.Select(v => v.ApprovedAt));
        Assert.Equal([1, 2], backfilled.Select(v => v.Edition));
        var segments = await app.WithDbAsync(db => db.PlanGoals.Where(g => g.PlanId == plan && g.GoalKey == "revenue")
            .Join(db.PlanSnapshots, g => g.SnapshotId, s => s.Id, (g, s) => new { s.Number, g.SegmentId, g.UnlinkedSegment })
            .OrderBy(x => x.Number).ToListAsync(Ct));
        Assert.Equal([(1, "seg-mm", (string?)null), (2, (string?)null, (string?)null)], segments.Select(s => (s.Number, s.SegmentId, s.UnlinkedSegment)));
        var asOf = await InForceAsync(app, app.Org.Rep1.Id, firstApproval);
        Assert.Equal(1, asOf!.Edition);
        Assert.Equal(200_000m, asOf.Revenue);
    }
}
