using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Terrain.Domain.Actuals;
using Terrain.Tests.Features.Performance;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Reviews;

/// <summary>
/// Review meetings through the API on both databases, on the metrics fixture of docs/metrics.md (rep1's plan approved
/// on 27 November 2026, FY2027 in calendar quarters): scheduling, preparation, privacy, the completion gate, frozen
/// snapshots, corrective actions and their claims checked by a later import.
/// </summary>
public sealed class ReviewMeetingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset MidMay = new(2027, 5, 10, 9, 0, 0, TimeSpan.Zero);

    internal static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{response.StatusCode} (expected {expected}): {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement;
    }

    internal static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object? body, string? etag = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return await client.SendAsync(request, Ct);
    }

    private static async Task<JsonElement[]> ReviewsAsync(HttpClient client, string query = "") =>
        (await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/reviews{query}", Ct))!;

    /// <summary>Patches a review against its current version.</summary>
    internal static async Task<HttpResponseMessage> PatchReviewAsync(HttpClient client, Guid id, object patch)
    {
        var current = await client.GetAsync($"/api/v1/reviews/{id}", Ct);
        return await SendAsync(client, HttpMethod.Patch, $"/api/v1/reviews/{id}", patch, current.Headers.ETag?.ToString());
    }

    /// <summary>The fixture approved, the clock in mid-May 2027; returns rep1's May review.</summary>
    internal static async Task<Guid> MayReviewAsync(TestApp app)
    {
        await GoalPerformanceTests.FixtureAsync(app);
        app.Clock.SetUtcNow(MidMay);
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var reviews = await ReviewsAsync(manager, $"?rep={app.Org.Rep1.Id}");
        return reviews.Single(r => r.GetProperty("windowStart").GetString() == "2027-05-01").GetProperty("id").GetGuid();
    }

    [Theory, BothDatabases]
    public async Task Approving_a_plan_schedules_its_reviews_and_a_new_manager_takes_the_coming_ones(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await GoalPerformanceTests.FixtureAsync(app);
        var manager1 = await app.ApiAsAsync("manager1@test.terrain");
        var rep1 = app.Org.Rep1.Id;

        // Monthly by default: one review per fiscal month of FY2027, each due by its month's end.
        var monthly = await ReviewsAsync(manager1, $"?rep={rep1}");
        Assert.Equal(12, monthly.Length);
        Assert.All(monthly, r => Assert.Equal("Upcoming", r.GetProperty("status").GetString()));
        Assert.Equal(["2027-01-31", "2027-02-28", "2027-03-31"], monthly.Take(3).Select(r => r.GetProperty("windowEnd").GetString()!).ToArray());

        // The manager switches the rep to bi-weekly: the reviews not yet open are rescheduled.
        var cadenceUrl = $"/api/v1/cycles/{app.Org.Cycle.Id}/review-cadence";
        var read = await manager1.GetAsync(cadenceUrl, Ct);
        var cadence = await JsonAsync(await SendAsync(manager1, HttpMethod.Put, cadenceUrl,
            new { reps = new[] { new { repId = rep1, cadence = "Biweekly" } } }, read.Headers.ETag!.ToString()), HttpStatusCode.OK);
        Assert.Equal("Monthly", cadence.GetProperty("default").GetString());
        Assert.Contains(cadence.GetProperty("reps").EnumerateArray(), r => r.GetProperty("repId").GetGuid() == rep1 && r.GetProperty("cadence").GetString() == "Biweekly");
        var biweekly = await ReviewsAsync(manager1, $"?rep={rep1}");
        Assert.Equal(26, biweekly.Length);
        Assert.Equal("2027-01-14", biweekly[0].GetProperty("windowEnd").GetString());

        // A manager may not set the default, nor another team's rep.
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(manager1, HttpMethod.Put, cadenceUrl, new { @default = "Biweekly" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(manager1, HttpMethod.Put, $"/api/v1/cycles/{app.Org.Cycle.Id}/review-cadence",
            new { reps = new[] { new { repId = app.Org.Rep3.Id, cadence = "Biweekly" } } })).StatusCode);

        // In February the rep moves to manager2: the reviews still to come go with them, the past ones stay.
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 2, 1, 9, 0, 0, TimeSpan.Zero));
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var user = await admin.GetAsync($"/api/v1/users/{rep1}", Ct);
        await JsonAsync(await SendAsync(admin, HttpMethod.Patch, $"/api/v1/users/{rep1}", new { managerEmail = "manager2@test.terrain" }, user.Headers.ETag!.ToString()), HttpStatusCode.OK);

        manager1 = await app.ApiAsAsync("manager1@test.terrain");
        var kept = await ReviewsAsync(manager1, $"?rep={rep1}");
        Assert.Equal(["2027-01-01", "2027-01-15"], kept.Select(r => r.GetProperty("windowStart").GetString()!).ToArray());
        Assert.All(kept, r => Assert.Equal("Missed", r.GetProperty("status").GetString()));
        var manager2 = await app.ApiAsAsync("manager2@test.terrain");
        var moved = await ReviewsAsync(manager2, $"?rep={rep1}");
        Assert.Equal(24, moved.Length);
        Assert.Equal("Open", moved[0].GetProperty("status").GetString());
        Assert.Equal(2, (await ReviewsAsync(manager1, "?status=Missed")).Length);
    }

    [Theory, BothDatabases]
    public async Task A_review_is_prepared_from_the_plan_and_frozen_when_completed(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var id = await MayReviewAsync(app);
        var manager = await app.ApiAsAsync("manager1@test.terrain");

        var review = await JsonAsync(await manager.GetAsync($"/api/v1/reviews/{id}", Ct), HttpStatusCode.OK);
        Assert.Equal("Open", review.GetProperty("status").GetString());
        var figures = review.GetProperty("figures");
        Assert.Equal("2027-05-10", figures.GetProperty("asOf").GetString());
        var goals = figures.GetProperty("goals").EnumerateArray().ToList();
        Assert.Equal(["rev", "cloud", "logos", "pipe", "meet"], goals.Select(g => g.GetProperty("goalKey").GetString()!).ToArray());
        var revenue = goals[0];
        // Q2 as of 10 May: W2 (20,000 on 1 April) won; target 55,000.
        Assert.Equal((55_000m, 20_000m), (revenue.GetProperty("target").GetDecimal(), revenue.GetProperty("actual").GetDecimal()));
        Assert.Equal("OffTrack", revenue.GetProperty("status").GetString());
        Assert.Contains(figures.GetProperty("actionItems").EnumerateArray(), a => a.GetProperty("title").GetString() == "Call Alpha's COO" && a.GetProperty("overdue").GetBoolean());

        // Completing without reasons names the goals off track; with a reason and a signed "no action" it completes.
        var offTrack = review.GetProperty("offTrackGoals").EnumerateArray().Select(g => g.GetString()!).ToList();
        var refused = await JsonAsync(await manager.PostAsync($"/api/v1/reviews/{id}/complete", null, Ct), HttpStatusCode.UnprocessableEntity);
        Assert.Contains($"varianceReasons[{offTrack[0]}]", refused.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        await JsonAsync(await PatchReviewAsync(manager, id, new
        {
            varianceReasons = offTrack.Select(g => new { goalKey = g, category = "DealsSlipped", explanation = "Deals moved into June." }),
        }), HttpStatusCode.OK);
        var noDecision = await JsonAsync(await manager.PostAsync($"/api/v1/reviews/{id}/complete", null, Ct), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("decision", noDecision.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        await JsonAsync(await PatchReviewAsync(manager, id, new { noActionReason = "C1 (25,000, commit) closes in June and covers most of the gap." }), HttpStatusCode.OK);
        var completed = await JsonAsync(await manager.PostAsync($"/api/v1/reviews/{id}/complete", null, Ct), HttpStatusCode.OK);
        Assert.Equal("Held", completed.GetProperty("status").GetString());
        Assert.True(completed.GetProperty("frozen").GetBoolean());

        // A later import (a won deal closed in April) does not rewrite what the review saw; the live performance moves.
        await app.WithDbAsync(async d =>
        {
            var facts = new DealFacts("LATE", "", "Late win", app.Org.Accounts[0].Id, "", app.Org.Rep1.Id, "Won", DealOutcome.Won, ForecastCategory.Closed, 30_000, "USD", 30_000,
                null, new DateOnly(2027, 4, 20), new DateOnly(2027, 3, 1), DealType.NewBusiness, null, null, null);
            var (deal, change) = Opportunity.Create(facts, Guid.NewGuid(), app.Clock.GetUtcNow());
            d.Opportunities.Add(deal);
            d.OpportunityChanges.Add(change);
            return await d.SaveChangesAsync(Ct);
        });
        app.Clock.Advance(TimeSpan.FromDays(30));
        manager = await app.ApiAsAsync("manager1@test.terrain");
        var later = await JsonAsync(await manager.GetAsync($"/api/v1/reviews/{id}", Ct), HttpStatusCode.OK);
        Assert.Equal(20_000m, later.GetProperty("figures").GetProperty("goals")[0].GetProperty("actual").GetDecimal());
        Assert.Equal("2027-05-10", later.GetProperty("figures").GetProperty("asOf").GetString());
        var live = await JsonAsync(await manager.GetAsync($"/api/v1/plans/{app.Org.PlanOf[app.Org.Rep1.Id].Id}/performance?asOf=2027-05-10", Ct), HttpStatusCode.OK);
        Assert.Equal(50_000m, live.GetProperty("goals")[0].GetProperty("periods").EnumerateArray().Single(p => p.GetProperty("period").GetString() == "Q2").GetProperty("actual").GetDecimal());

        // A completed review's record does not change.
        Assert.Equal(HttpStatusCode.Conflict, (await PatchReviewAsync(manager, id, new { sharedNotes = "Rewritten" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsync($"/api/v1/reviews/{id}/complete", null, Ct)).StatusCode);
        var audit = await app.WithDbAsync(d => d.AuditEntries.Where(e => e.EntityId == id.ToString()).Select(e => e.Action).ToListAsync(Ct));
        Assert.Equal(["review.edited", "review.edited", "review.completed"], audit);
    }

    [Theory, BothDatabases]
    public async Task The_rep_never_sees_the_coaching_notes_and_writes_only_their_own_parts(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var id = await MayReviewAsync(app);
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        const string secret = "Needs coaching on discovery calls";

        await JsonAsync(await PatchReviewAsync(manager, id, new { coachingNotes = secret, agenda = "Q2 forecast; Alpha" }), HttpStatusCode.OK);
        var mine = await JsonAsync(await PatchReviewAsync(rep, id, new
        {
            selfAssessment = "Two deals slipped; I need a demo engineer.",
            repCall = new { commit = 45_000m, bestCase = 60_000m, note = "C1 is solid" },
        }), HttpStatusCode.OK);

        var text = await (await rep.GetAsync($"/api/v1/reviews/{id}", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("coachingNotes", text, StringComparison.Ordinal);
        Assert.False(mine.TryGetProperty("coachingNotes", out _));
        Assert.Equal(45_000m, mine.GetProperty("repCall").GetProperty("commit").GetDecimal());
        Assert.DoesNotContain(secret, await (await rep.GetAsync("/api/v1/reviews", Ct)).Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        Assert.Equal(secret, (await JsonAsync(await leader.GetAsync($"/api/v1/reviews/{id}", Ct), HttpStatusCode.OK)).GetProperty("coachingNotes").GetString());
        Assert.Equal(secret, (await JsonAsync(await manager.GetAsync($"/api/v1/reviews/{id}", Ct), HttpStatusCode.OK)).GetProperty("coachingNotes").GetString());

        // The rep cannot write the manager's parts, nor the manager the rep's; a stale version conflicts; no version is 428.
        var refused = await JsonAsync(await PatchReviewAsync(rep, id, new { coachingNotes = "mine now" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("coachingNotes", refused.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await PatchReviewAsync(manager, id, new { selfAssessment = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await SendAsync(rep, HttpMethod.Patch, $"/api/v1/reviews/{id}", new { sharedNotes = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(rep, HttpMethod.Patch, $"/api/v1/reviews/{id}", new { sharedNotes = "x" }, "\"stale\"")).StatusCode);

        // Another rep and another team's manager do not see it at all; a leader reads it but does not hold it.
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ApiAsAsync("rep2@test.terrain")).GetAsync($"/api/v1/reviews/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ApiAsAsync("manager2@test.terrain")).GetAsync($"/api/v1/reviews/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PatchReviewAsync(leader, id, new { sharedNotes = "x" })).StatusCode);
        Assert.Empty(await ReviewsAsync(await app.ApiAsAsync("rep2@test.terrain")));
    }

    [Theory, BothDatabases]
    public async Task A_corrective_action_is_agreed_by_both_and_a_later_import_marks_its_claim_achieved(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var id = await MayReviewAsync(app);
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var rep1 = app.Org.Rep1.Id;
        object Action(Guid owner, string due, string by, string metric = "PipelineCreated", string filter = "None", string? filterId = null, decimal amount = 30_000) => new
        {
            what = "Run a discovery blitz on the A accounts",
            ownerId = owner,
            due,
            goalKey = "rev",
            claim = new { metric, filter, filterId, amount, by },
        };
        var url = $"/api/v1/reviews/{id}/corrective-actions";

        // Bad input is refused, naming the field, and nothing is stored.
        async Task RefusedAsync(object body, string field)
        {
            var problem = await JsonAsync(await SendAsync(manager, HttpMethod.Post, url, body), HttpStatusCode.UnprocessableEntity);
            Assert.Contains(field, problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        }

        await RefusedAsync(Action(app.Org.Rep2.Id, "2027-05-31", "2027-05-31"), "ownerId");
        await RefusedAsync(Action(rep1, "2027-05-01", "2027-05-31"), "due");
        await RefusedAsync(Action(rep1, "2027-05-31", "2027-05-31", filter: "Segment", filterId: "seg-nowhere"), "claim.filterId");
        await RefusedAsync(Action(rep1, "2027-05-31", "2027-05-31", metric: "Bookings"), "claim.metric");
        Assert.Equal(0, await app.WithDbAsync(d => d.CorrectiveActions.CountAsync(Ct)));
        // A third person: another team's manager does not see the review; a leader sees it but is no party to it.
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(await app.ApiAsAsync("manager2@test.terrain"), HttpMethod.Post, url, Action(rep1, "2027-05-31", "2027-05-31"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(await app.ApiAsAsync("leader@test.terrain"), HttpMethod.Post, url, Action(rep1, "2027-05-31", "2027-05-31"))).StatusCode);

        var proposed = await JsonAsync(await SendAsync(manager, HttpMethod.Post, url, Action(rep1, "2027-05-31", "2027-05-31", filter: "Segment", filterId: "seg-mm")), HttpStatusCode.Created);
        Assert.False(proposed.GetProperty("agreed").GetBoolean());
        var actionId = proposed.GetProperty("id").GetGuid();
        var confirmed = await JsonAsync(await SendAsync(rep, HttpMethod.Patch, $"/api/v1/corrective-actions/{actionId}", new { confirm = true },
            $"\"{proposed.GetProperty("version").GetString()}\""), HttpStatusCode.OK);
        Assert.True(confirmed.GetProperty("agreed").GetBoolean());
        Assert.Equal(rep1, confirmed.GetProperty("repConfirmed").GetProperty("byId").GetGuid());
        Assert.Equal("Pending", confirmed.GetProperty("claimOutcome").GetString());
        var stored = await app.WithDbAsync(d => d.CorrectiveActions.AsNoTracking().SingleAsync(a => a.Id == actionId, Ct));
        Assert.Equal((rep1, app.Org.Manager1.Id), (stored.RepConfirmedById, stored.ManagerConfirmedById));

        // With a variance reason per goal off track and an agreed action, the review completes.
        var review = await JsonAsync(await manager.GetAsync($"/api/v1/reviews/{id}", Ct), HttpStatusCode.OK);
        await JsonAsync(await PatchReviewAsync(manager, id, new
        {
            varianceReasons = review.GetProperty("offTrackGoals").EnumerateArray().Select(g => new { goalKey = g.GetString(), category = "PipelineShortfall", explanation = "Too little new pipeline." }),
        }), HttpStatusCode.OK);
        await JsonAsync(await manager.PostAsync($"/api/v1/reviews/{id}/complete", null, Ct), HttpStatusCode.OK);
        // Completing it wrote its reasons as rows, one per goal off track, for the oversight to count (ADR 0051).
        var reasons = await app.WithDbAsync(d => d.ReviewReasons.AsNoTracking().Where(r => r.ReviewId == id).ToListAsync(Ct));
        Assert.Equal(review.GetProperty("offTrackGoals").EnumerateArray().Select(g => g.GetString()).Order(StringComparer.Ordinal),
            reasons.Select(r => r.GoalKey).Order(StringComparer.Ordinal));
        Assert.All(reasons, r => Assert.Equal((Terrain.Domain.Reviews.VarianceCategory.PipelineShortfall, app.Org.Rep1.Id, (Guid?)app.Org.Manager1.Id),
            (r.Category, r.RepId, r.ManagerId)));

        // The rep's open actions: on the list by owner, and on their home page.
        var open = await rep.GetFromJsonAsync<JsonElement[]>($"/api/v1/corrective-actions?owner={rep1}&status=Open", Ct);
        Assert.Equal(actionId, Assert.Single(open!).GetProperty("id").GetGuid());
        var home = await (await app.BrowserAsAsync("rep1@test.terrain")).GetStringAsync("/", Ct);
        Assert.Contains("Run a discovery blitz on the A accounts", home, StringComparison.Ordinal);

        // An import brings 40,000 of new mid-market pipeline created on 12 May (Alpha is mid-market): the claim is achieved.
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 5, 14, 9, 0, 0, TimeSpan.Zero));
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        var csv = "externalId,owner,account,stage,amount,currency,closeDate,createdDate,forecastCategory,name\n" +
                  "NEW-1,rep1@test.terrain,R1-1,Qualification,40000,USD,2027-08-30,2027-05-12,Pipeline,Alpha expansion\n";
        var import = await admin.PostAsync("/api/v1/imports/opportunities", new StringContent(csv, Encoding.UTF8, new MediaTypeHeaderValue("text/csv")), Ct);
        await JsonAsync(import, HttpStatusCode.OK);
        var checkedAction = await app.WithDbAsync(d => d.CorrectiveActions.AsNoTracking().SingleAsync(a => a.Id == actionId, Ct));
        Assert.Equal(Terrain.Domain.Reviews.ClaimOutcome.Achieved, checkedAction.ClaimOutcome);
        // With P1 (10,000, created 10 May) and F1 (8,000, 20 May) of the fixture, both on Alpha.
        Assert.Equal(58_000m, checkedAction.ClaimActual);
    }

    [Theory, BothDatabases]
    public async Task A_claim_ignores_rows_after_its_date_and_is_missed_or_partly_achieved_when_the_date_passes(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var id = await MayReviewAsync(app);
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var url = $"/api/v1/reviews/{id}/corrective-actions";
        async Task<Guid> AgreeAsync(string metric, decimal amount, string goal) => (await JsonAsync(await SendAsync(manager, HttpMethod.Post, url, new
        {
            what = $"Move {goal}",
            ownerId = app.Org.Manager1.Id,
            due = "2027-05-20",
            goalKey = goal,
            claim = new { metric, filter = "None", amount, by = "2027-05-20" },
        }), HttpStatusCode.Created)).GetProperty("id").GetGuid();
        // From 10 May (agreed) through 20 May: W3 and W4 (5,000 and 7,000) are won, A6 (a call on 16 May) is held; Alpha is no new logo.
        var revenue = await AgreeAsync("RevenueWon", 20_000, "rev");
        var meetings = await AgreeAsync("ActivitiesHeld", 4, "meet");
        var logos = await AgreeAsync("NewLogos", 1, "logos");

        await app.WithDbAsync(async d =>
        {
            var at = app.Clock.GetUtcNow();
            var import = Guid.NewGuid();
            // Won on 25 May: after the claim's date, so it does not count.
            var facts = new DealFacts("AFTER", "", "After", app.Org.Accounts[0].Id, "", app.Org.Rep1.Id, "Won", DealOutcome.Won, ForecastCategory.Closed, 50_000, "USD", 50_000,
                null, new DateOnly(2027, 5, 25), new DateOnly(2027, 5, 11), DealType.NewBusiness, null, null, null);
            var (deal, change) = Opportunity.Create(facts, import, at);
            d.Opportunities.Add(deal);
            d.OpportunityChanges.Add(change);
            d.Activities.Add(SalesActivity.Create("M-1", app.Org.Rep1.Id, "Meeting", new DateOnly(2027, 5, 12), app.Org.Accounts[0].Id, held: true, import, at));
            d.Activities.Add(SalesActivity.Create("M-2", app.Org.Rep1.Id, "Meeting", new DateOnly(2027, 5, 9), app.Org.Accounts[0].Id, held: true, import, at));
            return await d.SaveChangesAsync(Ct);
        });
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 5, 26, 9, 0, 0, TimeSpan.Zero));
        using (var scope = app.Services.CreateScope())
        {
            Assert.Equal(3, await scope.ServiceProvider.GetRequiredService<Terrain.Features.Reviews.ClaimChecks>().RunAsync(Ct));
        }

        var actions = await app.WithDbAsync(d => d.CorrectiveActions.AsNoTracking().ToDictionaryAsync(a => a.Id, Ct));
        // The 50,000 won on 25 May is after the claim's date and does not count: 12,000 of 20,000.
        Assert.Equal((Terrain.Domain.Reviews.ClaimOutcome.PartlyAchieved, 12_000m), (actions[revenue].ClaimOutcome, actions[revenue].ClaimActual));
        // The meeting on 12 May and the call on 16 May count; the meeting on 9 May was before the action was agreed.
        Assert.Equal((Terrain.Domain.Reviews.ClaimOutcome.PartlyAchieved, 2m), (actions[meetings].ClaimOutcome, actions[meetings].ClaimActual));
        Assert.Equal((Terrain.Domain.Reviews.ClaimOutcome.Missed, 0m), (actions[logos].ClaimOutcome, actions[logos].ClaimActual));
    }

    [Theory, BothDatabases]
    public async Task The_reviews_to_come_download_as_a_calendar(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var id = await MayReviewAsync(app);
        var rep = await app.ApiAsAsync("rep1@test.terrain");

        var response = await rep.GetAsync("/api/v1/reviews/calendar.ics", Ct);
        var ics = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("BEGIN:VCALENDAR", ics, StringComparison.Ordinal);
        // May (open) to December (upcoming): eight reviews; January to April have passed.
        Assert.Equal(8, ics.Split("BEGIN:VEVENT").Length - 1);
        Assert.Contains($"UID:review-{id:N}@terrain", ics, StringComparison.Ordinal);
        Assert.Contains("DTSTART;VALUE=DATE:20270531", ics, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task The_manager_and_the_rep_are_reminded_before_a_window_closes(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var id = await MayReviewAsync(app);
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 5, 29, 6, 0, 0, TimeSpan.Zero));

        int Run()
        {
            using var scope = app.Services.CreateScope();
            return scope.ServiceProvider.GetRequiredService<Terrain.Features.Reminders.DeadlineReminders>().RunOnceAsync(Ct).GetAwaiter().GetResult();
        }

        // The other reps' overdue drafts are reminded too; a second run sends nothing new.
        Assert.True(Run() >= 2);
        Assert.Equal(0, Run());
        var sent = await app.WithDbAsync(d => d.Notifications.AsNoTracking().Where(n => n.Key == $"review-due:{id}:20270531").Select(n => n.UserId).ToListAsync(Ct));
        Assert.Equal(new[] { app.Org.Rep1.Id, app.Org.Manager1.Id }.Order(), sent.Order());
    }
}
