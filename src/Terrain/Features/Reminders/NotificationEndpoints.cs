using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Reminders;

public sealed record NotificationRow(long Id, string Title, string Body, string? Link, DateTimeOffset CreatedAt, bool Read);

public sealed record NotificationList(int Unread, IReadOnlyList<NotificationRow> Items);

/// <summary>The signed-in person's notifications.</summary>
public sealed class MyNotifications(AccessPolicy access, TimeProvider clock, AppDbContext db)
{
    public async Task<NotificationList> ListAsync(int take, CancellationToken ct)
    {
        var mine = access.OwnNotifications().AsNoTracking();
        var unread = await mine.CountAsync(n => n.ReadAt == null, ct);
        var items = await mine.OrderByDescending(n => n.Id).Take(take)
            .Select(n => new NotificationRow(n.Id, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt != null))
            .ToListAsync(ct);
        return new NotificationList(unread, items);
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
    }
}
