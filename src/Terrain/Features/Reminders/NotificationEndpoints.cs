using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Reminders;

public sealed record NotificationRow(long Id, string Title, string Body, string? Link, DateTimeOffset CreatedAt, bool Read);

public sealed record NotificationList(int Unread, IReadOnlyList<NotificationRow> Items);

public static class NotificationEndpoints
{
    public static async Task<NotificationList> ListAsync(AppDbContext db, Guid userId, int take, CancellationToken ct)
    {
        var mine = db.Notifications.AsNoTracking().Where(n => n.UserId == userId);
        var unread = await mine.CountAsync(n => n.ReadAt == null, ct);
        var items = await mine.OrderByDescending(n => n.Id).Take(take)
            .Select(n => new NotificationRow(n.Id, n.Title, n.Body, n.Link, n.CreatedAt, n.ReadAt != null))
            .ToListAsync(ct);
        return new NotificationList(unread, items);
    }

    public static void Map(RouteGroupBuilder notifications)
    {
        notifications.MapGet("/", (AppDbContext db, CurrentUser me, CancellationToken ct) => ListAsync(db, me.Id, 50, ct))
            .WithSummary("Your notifications, newest first, with the number unread.");

        notifications.MapPost("/{id:long}/read", async Task<Results<NoContent, NotFound>> (long id, AppDbContext db, CurrentUser me, TimeProvider clock, CancellationToken ct) =>
            {
                var notification = await db.Notifications.FirstOrDefaultAsync(n => n.Id == id && n.UserId == me.Id, ct);
                if (notification is null)
                {
                    return TypedResults.NotFound();
                }

                notification.MarkRead(clock.GetUtcNow());
                await db.SaveChangesAsync(ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Mark one of your notifications as read.");
    }
}
