using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.Planning;

namespace Terrain.Features.Territory;

/// <summary>
/// The calendar day that effective dates default to ("today") and that dated account moves fall due on (ADR 0050): the
/// day in the open planning cycle's time zone (the latest opened, as the data-age line writes its moment and the
/// cycle's deadlines end at its local midnight), UTC without an open cycle. A move "from today" made at 23:30 in New York
/// is dated that day, not the next.
/// </summary>
public static class BusinessDay
{
    /// <summary>The open cycle's time zone (the latest opened), or UTC when no cycle is open.</summary>
    public static async Task<string> TimeZoneAsync(AppDbContext db, CancellationToken ct) =>
        await db.Cycles.AsNoTracking().Where(c => c.Status == CycleStatus.Open)
            .OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Id).Select(c => c.TimeZone).FirstOrDefaultAsync(ct) ?? "UTC";

    /// <summary>The day it is at <paramref name="now"/> in <see cref="TimeZoneAsync"/>.</summary>
    public static async Task<DateOnly> TodayAsync(AppDbContext db, DateTimeOffset now, CancellationToken ct) =>
        Deadlines.LocalDate(now, await TimeZoneAsync(db, ct));
}
