using System.Net;
using System.Text.Json;
using Terrain.Domain.Actuals;
using Terrain.Domain.Reviews;
using Terrain.Tests.Infrastructure;
using Xunit;
using static Terrain.Tests.Features.Reviews.ReviewMeetingTests;

namespace Terrain.Tests.Features.Reviews;

/// <summary>
/// Review oversight and the rep's timeline on both databases, on a small history written through the domain (FY2027,
/// the clock on 10 May 2027, Q1 over). Rep1 (manager1): held 1 Jan–14 Jan, late 15–28 Jan, held 1–14 Mar, missed
/// 15–28 Mar, open 1–14 May, upcoming in June; a variance reason at each completed review. Rep2 (manager1): three held,
/// the middle one with no reason. Rep3 (manager2): the test organisation's January review, missed.
/// </summary>
public sealed class ReviewOversightTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset MayTenth = new(2027, 5, 10, 9, 0, 0, TimeSpan.Zero);

    private const string Coaching = "Qualify harder before calling a deal commit.";

    private static DateOnly D(int month, int day) => new(2027, month, day);

    private static DateTimeOffset At(DateOnly day) => new(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);

    internal static async Task SeedAsync(TestApp app)
    {
        var o = app.Org;
        var (m1, rep1, rep2) = (o.Manager1.Id, o.Rep1.Id, o.Rep2.Id);
        string[] keys = ["rev"];
        var cycle = o.Cycle;
        Review Schedule(Guid rep, int number, DateOnly start, DateOnly end) =>
            Review.Schedule(cycle.Id, o.PlanOf[rep].Id, rep, m1, ReviewCadence.Biweekly, new ReviewWindow(number, start, end), At(start));
        void Edit(Review r, DateOnly on, VarianceCategory? reason, decimal? repCall = null, decimal? managerCall = null, string? coaching = null)
        {
            if (repCall is not null)
            {
                r.Edit(new ReviewEdit(RepCall: new ForecastCall(repCall, null, "")), ReviewSide.Rep, r.RepId, on, cycle.PeriodEnd, null, keys, At(on));
            }

            r.Edit(new ReviewEdit(CoachingNotes: coaching, ManagerCall: managerCall is null ? null : new ForecastCall(managerCall, null, ""),
                    VarianceReasons: reason is { } c ? [new VarianceReason("rev", c, "Behind on revenue.")] : null),
                ReviewSide.Manager, m1, on, cycle.PeriodEnd, null, keys, At(on));
        }

        void Complete(Review r, DateOnly on) => r.Complete("""{"asOf":"2027-01-01","period":"Q1","goals":[],"actionItems":[],"earlierActions":[]}""", [], 0, m1, on,
            null, At(on));
        CorrectiveAction Agree(Review r, DateOnly on, ClaimMetric metric, decimal amount, DateOnly by, bool confirm = true)
        {
            var action = CorrectiveAction.Agree(r, $"{metric} by {by:d MMM}", r.RepId, by, "rev", keys, new EffectClaim(metric, ClaimFilter.None, null, amount, by),
                (_, _) => false, m1, on, At(on));
            if (confirm)
            {
                action.Confirm(r.RepId, At(on));
            }

            return action;
        }

        var r1 = new[]
        {
            Schedule(rep1, 1, D(1, 1), D(1, 14)), Schedule(rep1, 2, D(1, 15), D(1, 28)), Schedule(rep1, 5, D(3, 1), D(3, 14)),
            Schedule(rep1, 6, D(3, 15), D(3, 28)), Schedule(rep1, 9, D(5, 1), D(5, 14)), Schedule(rep1, 11, D(6, 1), D(6, 14)),
        };
        Edit(r1[0], D(1, 14), VarianceCategory.PipelineShortfall, 90_000, 80_000, Coaching);
        var achieved = Agree(r1[0], D(1, 14), ClaimMetric.ActivitiesHeld, 5, D(1, 31));
        Complete(r1[0], D(1, 14));
        Edit(r1[1], D(2, 2), VarianceCategory.DealsSlipped);
        Complete(r1[1], D(2, 2));
        Edit(r1[2], D(3, 10), VarianceCategory.PipelineShortfall, 120_000, 100_000);
        var missed = Agree(r1[2], D(3, 10), ClaimMetric.PipelineCreated, 50_000, D(4, 1));
        Complete(r1[2], D(3, 10));
        var unconfirmed = Agree(r1[4], D(5, 10), ClaimMetric.NewLogos, 1, D(5, 31), confirm: false);

        var r2 = new[] { Schedule(rep2, 1, D(1, 1), D(1, 14)), Schedule(rep2, 2, D(1, 15), D(1, 28)), Schedule(rep2, 3, D(2, 1), D(2, 14)) };
        Edit(r2[0], D(1, 10), VarianceCategory.Market);
        var partly = Agree(r2[0], D(1, 10), ClaimMetric.RevenueWon, 10_000, D(2, 28));
        Complete(r2[0], D(1, 10));
        Edit(r2[1], D(1, 20), null, 50_000);
        Complete(r2[1], D(1, 20));
        Edit(r2[2], D(2, 10), VarianceCategory.ActivityShortfall);
        Complete(r2[2], D(2, 10));

        achieved.Check(6, D(2, 1), At(D(2, 1)));
        achieved.Follow(CorrectiveStatus.Done, null, "Six meetings held.");
        missed.Check(0, D(5, 2), At(D(5, 2)));
        partly.Check(4_000, D(3, 1), At(D(3, 1)));
        partly.Follow(CorrectiveStatus.Done, null, null);

        // Rep1 won 100,000 in Q1 (a deleted deal and a Q2 deal do not count); rep2 won nothing.
        var import = Guid.NewGuid();
        DealFacts Won(string id, Guid owner, decimal amount, DateOnly close) => new(id, "", id, null, "", owner, "Won", DealOutcome.Won, ForecastCategory.Closed,
            amount, "USD", amount, null, close, D(1, 2), DealType.NewBusiness, null, null, null);
        await app.WithDbAsync(async db =>
        {
            db.Reviews.AddRange(r1);
            db.Reviews.AddRange(r2);
            db.CorrectiveActions.AddRange(achieved, missed, unconfirmed, partly);
            foreach (var (facts, deleted) in new[] { (Won("W1", rep1, 60_000, D(2, 15)), false), (Won("W2", rep1, 40_000, D(3, 20)), false),
                         (Won("W3", rep1, 30_000, D(3, 21)), true), (Won("W4", rep1, 70_000, D(4, 2)), false) })
            {
                var (deal, change) = Opportunity.Create(facts, import, At(D(4, 3)));
                db.Opportunities.Add(deal);
                db.OpportunityChanges.Add(change);
                if (deleted && deal.MarkDeleted(import, At(D(4, 3))) is { } gone)
                {
                    db.OpportunityChanges.Add(gone);
                }
            }

            return await db.SaveChangesAsync(Ct);
        });
        app.Clock.SetUtcNow(MayTenth);
    }

    private static JsonElement Row(JsonElement list, string key, Guid id) => list.EnumerateArray().Single(r => r.GetProperty(key).GetGuid() == id);

    private static (int, int, int, int, int, int) Counts(JsonElement c) => (c.GetProperty("held").GetInt32(), c.GetProperty("late").GetInt32(),
        c.GetProperty("missed").GetInt32(), c.GetProperty("open").GetInt32(), c.GetProperty("upcoming").GetInt32(), c.GetProperty("ended").GetInt32());

    [Theory, BothDatabases]
    public async Task The_organisation_view_counts_compliance_actions_streaks_accuracy_and_reasons(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await SeedAsync(app);
        var leader = await app.ApiAsAsync("leader@test.terrain");

        var view = await JsonAsync(await leader.GetAsync("/api/v1/reviews/oversight", Ct), HttpStatusCode.OK);
        Assert.Equal("2027-05-10", view.GetProperty("today").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("team").ValueKind);
        var compliance = view.GetProperty("compliance");
        Assert.Equal((5, 1, 1, 1, 1, 0), Counts(Row(compliance, "personId", app.Org.Manager1.Id)));
        Assert.Equal((0, 0, 1, 0, 0, 0), Counts(Row(compliance, "personId", app.Org.Manager2.Id)));
        var total = view.GetProperty("total");
        Assert.Equal((5, 1, 2, 1, 1, 0), Counts(total));
        Assert.Equal(0.625m, total.GetProperty("heldShare").GetDecimal());

        var actions = view.GetProperty("actions");
        Assert.Equal((2, 1, 1), (actions.GetProperty("open").GetInt32(), actions.GetProperty("overdue").GetInt32(), actions.GetProperty("unconfirmed").GetInt32()));
        var first = actions.GetProperty("list")[0];
        Assert.Equal(("PipelineCreated by 1 Apr", "2027-04-01", true), (first.GetProperty("what").GetString(), first.GetProperty("due").GetString(), first.GetProperty("overdue").GetBoolean()));

        // Rep1 was behind at each of their three completed reviews; rep2's run was broken by a review with no reason.
        var behind = view.GetProperty("repsBehind").EnumerateArray().ToList();
        Assert.Equal((app.Org.Rep1.Id, 3, "2027-01-01"), Assert.Single(behind) is var b
            ? (b.GetProperty("repId").GetGuid(), b.GetProperty("reviews").GetInt32(), b.GetProperty("since").GetString())
            : default);
        Assert.Equal(1, view.GetProperty("repsBehindCount").GetInt32());

        // Q1: rep1's last call (10 March) of 120,000 and the manager's 100,000 against 100,000 won; rep2 called 50,000 and won nothing.
        var accuracy = Row(view.GetProperty("accuracy"), "personId", app.Org.Manager1.Id);
        Assert.Equal((0.8m, 1m), (accuracy.GetProperty("repCallAccuracy").GetDecimal(), accuracy.GetProperty("managerCallAccuracy").GetDecimal()));

        var reasons = view.GetProperty("reasons").EnumerateArray().Select(r => (r.GetProperty("category").GetString(), r.GetProperty("count").GetInt32())).ToList();
        Assert.Equal([("PipelineShortfall", 2), ("DealsSlipped", 1), ("Market", 1), ("ActivityShortfall", 1)], reasons);

        var effects = view.GetProperty("effects").EnumerateArray()
            .Select(e => (e.GetProperty("category").GetString(), e.GetProperty("metric").GetString(), e.GetProperty("achieved").GetInt32(),
                e.GetProperty("partlyAchieved").GetInt32(), e.GetProperty("missed").GetInt32(), e.GetProperty("pending").GetInt32())).ToList();
        Assert.Equal([("PipelineShortfall", "PipelineCreated", 0, 0, 1, 0), ("PipelineShortfall", "ActivitiesHeld", 1, 0, 0, 0), ("Market", "RevenueWon", 0, 1, 0, 0)], effects);

        // The page shows the same figures, with a chart beside each table.
        var page = await (await app.BrowserAsAsync("leader@test.terrain")).GetStringAsync("/Reviews/Oversight", Ct);
        Assert.Contains("id=\"total-missed\">2<", page, StringComparison.Ordinal);
        Assert.Contains("data-bar-chart=\"reasons-chart\"", page, StringComparison.Ordinal);
        Assert.Contains("data-effect-chart=\"effects-chart\"", page, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task A_manager_sees_their_team_per_rep_and_a_leader_opens_the_same_view(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await SeedAsync(app);
        var manager = await app.ApiAsAsync("manager1@test.terrain");

        var view = await JsonAsync(await manager.GetAsync("/api/v1/reviews/oversight", Ct), HttpStatusCode.OK);
        Assert.Equal(app.Org.Manager1.Id, view.GetProperty("team").GetProperty("managerId").GetGuid());
        var compliance = view.GetProperty("compliance");
        Assert.Equal((2, 1, 1, 1, 1, 0), Counts(Row(compliance, "personId", app.Org.Rep1.Id)));
        Assert.Equal((3, 0, 0, 0, 0, 0), Counts(Row(compliance, "personId", app.Org.Rep2.Id)));
        Assert.Equal((5, 1, 1, 1, 1, 0), Counts(view.GetProperty("total")));
        var rep1 = Row(view.GetProperty("accuracy"), "personId", app.Org.Rep1.Id);
        var q1 = Assert.Single(rep1.GetProperty("calls").EnumerateArray());
        Assert.Equal(("Q1", 120_000m, 100_000m, 100_000m, 0.8m), (q1.GetProperty("quarter").GetString(), q1.GetProperty("repCall").GetDecimal(),
            q1.GetProperty("managerCall").GetDecimal(), q1.GetProperty("actual").GetDecimal(), q1.GetProperty("repCallAccuracy").GetDecimal()));
        var rep2 = Row(view.GetProperty("accuracy"), "personId", app.Org.Rep2.Id);
        Assert.Equal(JsonValueKind.Null, rep2.GetProperty("repCallAccuracy").ValueKind);

        // Another team is not theirs; the leader opens manager1's team as manager1 sees it.
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync($"/api/v1/reviews/oversight?manager={app.Org.Manager2.Id}", Ct)).StatusCode);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var same = await JsonAsync(await leader.GetAsync($"/api/v1/reviews/oversight?manager={app.Org.Manager1.Id}", Ct), HttpStatusCode.OK);
        Assert.Equal(view.GetProperty("compliance").GetRawText(), same.GetProperty("compliance").GetRawText());
        Assert.Equal(HttpStatusCode.NotFound, (await leader.GetAsync($"/api/v1/reviews/oversight?manager={app.Org.Rep1.Id}", Ct)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task The_timeline_lists_a_reps_reviews_and_never_shows_the_rep_the_coaching_notes(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await SeedAsync(app);
        var path = $"/Reviews/Timeline/{app.Org.Rep1.Id}";

        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var mine = await JsonAsync(await rep.GetAsync($"/api/v1/reviews/timeline/{app.Org.Rep1.Id}", Ct), HttpStatusCode.OK);
        var reviews = mine.GetProperty("reviews").EnumerateArray().ToList();
        Assert.Equal(["Held", "Late", "Held", "Missed", "Open", "Upcoming"], reviews.Select(r => r.GetProperty("status").GetString()!).ToArray());
        Assert.Equal("PipelineShortfall", reviews[0].GetProperty("varianceReasons")[0].GetProperty("category").GetString());
        Assert.Equal(80_000m, reviews[0].GetProperty("managerCall").GetProperty("commit").GetDecimal());
        Assert.Equal("Achieved", reviews[0].GetProperty("actions")[0].GetProperty("claimOutcome").GetString());
        Assert.Equal("Q1", reviews[0].GetProperty("figures").GetProperty("period").GetString());
        Assert.All(reviews, r => Assert.False(r.TryGetProperty("coachingNotes", out _)));
        var repPage = await (await app.BrowserAsAsync("rep1@test.terrain")).GetStringAsync(path, Ct);
        Assert.DoesNotContain(Coaching, repPage, StringComparison.Ordinal);
        Assert.Contains("<main id=\"main\"", repPage, StringComparison.Ordinal);

        // The manager and the leader read them; the admin does not.
        Assert.Contains(Coaching, await (await app.BrowserAsAsync("manager1@test.terrain")).GetStringAsync(path, Ct), StringComparison.Ordinal);
        Assert.Contains(Coaching, await (await app.BrowserAsAsync("leader@test.terrain")).GetStringAsync(path, Ct), StringComparison.Ordinal);
        Assert.DoesNotContain(Coaching, await (await app.BrowserAsAsync("admin@test.terrain")).GetStringAsync(path, Ct), StringComparison.Ordinal);

        // Another rep, and another team's manager, do not know rep1.
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.BrowserAsAsync("rep2@test.terrain")).GetAsync(path, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ApiAsAsync("manager2@test.terrain")).GetAsync($"/api/v1/reviews/timeline/{app.Org.Rep1.Id}", Ct)).StatusCode);
    }
}
