using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Reminders;

public sealed record NotificationRow(long Id, string Title, string Body, string? Link, DateTimeOffset CreatedAt, bool Read);

public sealed record ReadAllResult(int Marked);

/// <summary>What the notification list partial shows, and the page its buttons come back to.</summary>
public sealed record NotificationListView(NotificationList List, string ReturnUrl);

/// <summary>The open notifications (<paramref name="Open"/> of them, <paramref name="Unread"/> unread), newest first, up to the number asked for.</summary>
public sealed record NotificationList(int Unread, int Open, IReadOnlyList<NotificationRow> Items);

/// <summary>The signed-in person's notifications.</summary>
public sealed class MyNotifications(AccessPolicy access, TimeProvider clock, AppDbContext db, NotificationCauses causes)
{
    /// <summary>The open ones (neither dismissed nor resolved), after resolving those whose cause is gone.</summary>
    public async Task<NotificationList> ListAsync(int take, CancellationToken ct)
    {
        await causes.ResolveStaleAsync(access.OwnNotifications(), ct);
        var mine = access.OwnNotifications().AsNoTracking().Where(n => n.ResolvedAt == null && n.DismissedAt == null);
        var unread = await mine.CountAsync(n => n.ReadAt == null, ct);
        var open = await mine.CountAsync(ct);
        var items = await mine.OrderByDescending(n => n.Id).Take(take)
            .Select(n => new NotificationRow(n.Id, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt != null))
            .ToListAsync(ct);
        return new NotificationList(unread, open, items);
    }

    /// <summary>False when the notification is not the caller's, or does not exist.</summary>
    public async Task<bool> MarkReadAsync(long id, CancellationToken ct)
    {
        var notification = await access.OwnNotifications().FirstOrDefaultAsync(n => n.Id == id, ct);
        if (notification is null)
        {
            return false;
        }

        notification.MarkRead(clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Takes it off the list for good. False when the notification is not the caller's, or does not exist.</summary>
    public async Task<bool> DismissAsync(long id, CancellationToken ct)
    {
        var notification = await access.OwnNotifications().FirstOrDefaultAsync(n => n.Id == id, ct);
        if (notification is null)
        {
            return false;
        }

        notification.Dismiss(clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Marks every one of the caller's notifications read; returns how many were unread.</summary>
    public async Task<int> MarkAllReadAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return await access.OwnNotifications().Where(n => n.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), ct);
    }
}

public static class NotificationEndpoints
{
    public static void Map(RouteGroupBuilder notifications)
    {
        notifications.MapGet("/", (MyNotifications mine, CancellationToken ct) => mine.ListAsync(50, ct))
            .WithSummary("Your notifications, newest first, with the number unread.")
            .WithName("listNotifications");

        notifications.MapPost("/{id:long}/read", async Task<Results<NoContent, NotFound>> (long id, MyNotifications mine, CancellationToken ct) =>
                await mine.MarkReadAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Mark one of your notifications as read.")
            .WithName("markNotificationRead");

        notifications.MapPost("/{id:long}/dismiss", async Task<Results<NoContent, NotFound>> (long id, MyNotifications mine, CancellationToken ct) =>
                await mine.DismissAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Dismiss one of your notifications: it leaves your list.")
            .WithName("dismissNotification");

        notifications.MapPost("/read", async (MyNotifications mine, CancellationToken ct) =>
                TypedResults.Ok(new ReadAllResult(await mine.MarkAllReadAsync(ct))))
            .WithSummary("Mark all your notifications as read.")
            .WithName("markAllNotificationsRead");
    }
}
