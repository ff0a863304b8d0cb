using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Terrain.Features.Reminders;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Reminders;

/// <summary>
/// Notifications can be read and dismissed, and a reminder whose cause is gone leaves the list by itself: the test
/// cycle's draft is due on 7 Dec 2026, so on 8 Dec every rep has a draft reminder and their manager hears of it.
/// </summary>
public sealed class NotificationsTests
{
    private static readonly DateTimeOffset Overdue = new(2026, 12, 8, 1, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Three days before the deadline (the draft is due), then once it has passed (it is overdue).</summary>
    private static async Task RemindBeforeAndAfterAsync(TestApp app)
    {
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
        await RemindAsync(app);
        app.Clock.SetUtcNow(Overdue);
        await RemindAsync(app);
    }

    private static async Task RemindAsync(TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DeadlineReminders>().RunOnceAsync(Ct);
    }

    private static async Task<JsonElement> ListAsync(HttpClient client) =>
        await (await client.GetAsync("/api/v1/notifications", Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);

    private static List<string> Titles(JsonElement list) =>
        list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()!).ToList();

    [Theory, BothDatabases]
    public async Task A_draft_reminder_resolves_itself_once_the_draft_is_submitted_for_the_rep_and_the_manager(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await RemindBeforeAndAfterAsync(app);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        Assert.Contains(Titles(await ListAsync(rep)), t => t.Contains("draft is overdue", StringComparison.Ordinal));
        Assert.Contains(Titles(await ListAsync(manager)), t => t.StartsWith("Rep One", StringComparison.Ordinal) && t.Contains("overdue", StringComparison.Ordinal));

        var plan = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsync($"/api/v1/plans/{plan}/submit", null, Ct)).StatusCode);

        var repList = await ListAsync(rep);
        Assert.DoesNotContain(Titles(repList), t => t.Contains("draft", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, repList.GetProperty("unread").GetInt32());
        var managerTitles = Titles(await ListAsync(manager));
        Assert.DoesNotContain(managerTitles, t => t.StartsWith("Rep One", StringComparison.Ordinal) && t.Contains("overdue", StringComparison.Ordinal));
        // The other rep's draft is still overdue, so its reminder stays; the submission itself is news.
        Assert.Contains(managerTitles, t => t.Contains("overdue", StringComparison.Ordinal));
        Assert.Contains(managerTitles, t => t.Contains("submitted a plan", StringComparison.Ordinal));

        // Resolved, not deleted: the rows stay, marked, and the reminder job does not send them again.
        var resolved = await app.WithDbAsync(d => d.Notifications.Where(n => n.Key.StartsWith("draft-") && n.Key.Contains(plan.ToString()))
            .Select(n => n.ResolvedAt).ToListAsync(Ct));
        Assert.Equal(3, resolved.Count);
        Assert.All(resolved, r => Assert.Equal(Overdue, r));
        await RemindAsync(app);
        Assert.DoesNotContain(Titles(await ListAsync(rep)), t => t.Contains("draft", StringComparison.OrdinalIgnoreCase));

        // Once the manager has decided, "waiting for your review" is no longer true either.
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsJsonAsync($"/api/v1/plans/{plan}/approve", new { comment = "Good plan" }, Ct)).StatusCode);
        Assert.DoesNotContain(Titles(await ListAsync(manager)), t => t.Contains("submitted a plan", StringComparison.Ordinal));
        Assert.Contains(Titles(await ListAsync(rep)), t => t == "Your plan is approved");
    }

    [Theory, BothDatabases]
    public async Task Notifications_are_read_and_dismissed_by_their_person_only(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await RemindBeforeAndAfterAsync(app);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var other = await app.ApiAsAsync("rep2@test.terrain");
        var before = await ListAsync(rep);
        Assert.Equal(2, before.GetProperty("open").GetInt32());
        var first = before.GetProperty("items")[0].GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/v1/notifications/{first}/dismiss", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/v1/notifications/{first}/read", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await rep.PostAsync($"/api/v1/notifications/{first}/dismiss", null, Ct)).StatusCode);

        var after = await ListAsync(rep);
        Assert.Equal(1, after.GetProperty("open").GetInt32());
        Assert.Equal(1, after.GetProperty("unread").GetInt32());
        Assert.DoesNotContain(after.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetInt64() == first);
        Assert.Equal(2, (await ListAsync(other)).GetProperty("unread").GetInt32());

        var read = await (await rep.PostAsync("/api/v1/notifications/read", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(1, read.GetProperty("marked").GetInt32());
        Assert.Equal(0, (await ListAsync(rep)).GetProperty("unread").GetInt32());
        Assert.Equal(2, (await ListAsync(other)).GetProperty("unread").GetInt32());
    }

    [Theory, BothDatabases]
    public async Task The_home_page_dismisses_with_a_form_and_comes_back(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await RemindBeforeAndAfterAsync(app);
        var browser = await app.BrowserAsAsync("rep2@test.terrain");
        var home = await new HtmlParser().ParseDocumentAsync(await browser.GetStringAsync("/", Ct), Ct);
        var dismiss = home.QuerySelectorAll("section.notifications form")
            .First(f => f.GetAttribute("action")!.Contains("handler=Dismiss", StringComparison.Ordinal));
        var token = dismiss.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

        var response = await browser.PostAsync(dismiss.GetAttribute("action"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["returnUrl"] = "/",
        }), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        var open = await app.WithDbAsync(d => d.Notifications.CountAsync(n => n.UserId == app.Org.Rep2.Id && n.DismissedAt == null, Ct));
        Assert.Equal(1, open);

        // A return address elsewhere is not followed.
        var all = await new HtmlParser().ParseDocumentAsync(await browser.GetStringAsync("/Notifications", Ct), Ct);
        var readAll = all.QuerySelectorAll("form").First(f => f.GetAttribute("action")!.Contains("handler=ReadAll", StringComparison.Ordinal));
        var away = await browser.PostAsync(readAll.GetAttribute("action"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = readAll.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
            ["returnUrl"] = "https://evil.example/",
        }), Ct);
        Assert.Equal("/Notifications", away.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("draft-due:6f0c5a57-3c1e-4f57-9a53-0f6f8b1e2a11:20261207", "draft-due")]
    [InlineData("approval-overdue:6f0c5a57-3c1e-4f57-9a53-0f6f8b1e2a11:v2:638700000000000000", "approval")]
    [InlineData("plan:6f0c5a57-3c1e-4f57-9a53-0f6f8b1e2a11:Submitted:abc", "plan")]
    [InlineData("workshop:6f0c5a57-3c1e-4f57-9a53-0f6f8b1e2a11:invited", "workshop")]
    [InlineData("plan:6f0c5a57-3c1e-4f57-9a53-0f6f8b1e2a11:Approved:abc", null)]
    [InlineData("comment:12", null)]
    [InlineData("strategy-answer:6f0c5a57-3c1e-4f57-9a53-0f6f8b1e2a11:3", null)]
    public void A_key_names_the_cause_that_can_go_away(string key, string? kind) =>
        Assert.Equal(kind, NotificationCauses.Parse(key)?.Kind);
}
