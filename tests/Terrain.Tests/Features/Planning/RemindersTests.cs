using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Terrain.Features.Reminders;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Planning;

/// <summary>The test cycle's draft is due on 7 Dec 2026 (UTC); reminders go out from three days before.</summary>
public sealed class RemindersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<int> RunAsync(TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DeadlineReminders>().RunOnceAsync(Ct);
    }

    private static async Task<List<string>> KeysAsync(TestApp app)
    {
        var rows = await app.WithDbAsync(d => d.Notifications.Join(d.Users, n => n.UserId, u => u.Id, (n, u) => new { u.Email, n.Key }).ToListAsync(Ct));
        // Deadline reminders only: review moves and comments notify people too, under their own keys.
        return rows.Select(r => $"{r.Email} {r.Key.Split(':')[0]}").Where(k => !k.EndsWith(" plan", StringComparison.Ordinal) && !k.EndsWith(" comment", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
    }

    [Theory, BothDatabases]
    public async Task Reps_are_reminded_before_the_draft_deadline_and_told_with_their_managers_when_it_passes(Db db)
    {
        var app = await TestApp.StartAsync(db);

        Assert.Equal(0, await RunAsync(app));
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(3, await RunAsync(app));
        Assert.Equal(0, await RunAsync(app));
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero));
        Assert.Equal(6, await RunAsync(app));
        Assert.Equal(0, await RunAsync(app));

        Assert.Equal(
            [
                "manager1@test.terrain draft-overdue", "manager1@test.terrain draft-overdue", "manager2@test.terrain draft-overdue",
                "rep1@test.terrain draft-due", "rep1@test.terrain draft-overdue", "rep2@test.terrain draft-due", "rep2@test.terrain draft-overdue",
                "rep3@test.terrain draft-due", "rep3@test.terrain draft-overdue",
            ],
            await KeysAsync(app));
    }

    [Theory, BothDatabases]
    public async Task Managers_are_reminded_of_an_approval_near_and_past_its_window(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        await rep.PostAsync($"/api/v1/plans/{app.Org.PlanOf[app.Org.Rep1.Id].Id}/submit", null, Ct);

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero));
        await RunAsync(app);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 11, 0, 0, 0, TimeSpan.Zero));
        await RunAsync(app);

        var manager1 = (await KeysAsync(app)).Where(k => k.StartsWith("manager1", StringComparison.Ordinal)).ToList();
        Assert.Equal(["manager1@test.terrain approval-due", "manager1@test.terrain approval-overdue", "manager1@test.terrain draft-overdue"], manager1);
        Assert.DoesNotContain("rep1@test.terrain draft-overdue", await KeysAsync(app));
    }

    [Theory, BothDatabases]
    public async Task Several_instances_running_at_once_send_each_reminder_once(Db db)
    {
        var app = await TestApp.StartAsync(db);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 8, 1, 0, 0, TimeSpan.Zero));

        var sent = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => RunAsync(app), Ct)));

        Assert.Equal(6, sent.Sum());
        Assert.Equal(6, (await KeysAsync(app)).Count);
    }

    [Theory, BothDatabases]
    public async Task People_read_and_mark_only_their_own_notifications(Db db)
    {
        var app = await TestApp.StartAsync(db);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero));
        await RunAsync(app);
        var rep1 = await app.ApiAsAsync("rep1@test.terrain");
        var rep2 = await app.ApiAsAsync("rep2@test.terrain");

        var list = await rep1.GetFromJsonAsync<JsonElement>("/api/v1/notifications", Ct);
        var id = list.GetProperty("items")[0].GetProperty("id").GetInt64();

        Assert.Equal(1, list.GetProperty("unread").GetInt32());
        Assert.Contains("due", list.GetProperty("items")[0].GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await rep2.PostAsync($"/api/v1/notifications/{id}/read", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await rep1.PostAsync($"/api/v1/notifications/{id}/read", null, Ct)).StatusCode);
        Assert.Equal(0, (await rep1.GetFromJsonAsync<JsonElement>("/api/v1/notifications", Ct)).GetProperty("unread").GetInt32());
    }
}
