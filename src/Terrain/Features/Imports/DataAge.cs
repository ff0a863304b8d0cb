using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Features.Performance;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Imports;

/// <summary>
/// How old the CRM data is: the latest applied import of opportunities, activities or bookings (CSV, JSON batch or the
/// demo's syncs, all of which leave an <c>import.KIND</c> audit entry), and whether it is older than the limit a leader
/// sets (<see cref="Domain.Performance.MetricSettings.DataAgeLimitHours"/>; 0 turns the warning off).
/// </summary>
public sealed record DataAgeView(DateTimeOffset? AsOf, int LimitHours, bool Stale, string Age)
{
    /// <summary>The time zone the moment is written in: the open cycle's, as the cycle's deadlines and dates are; UTC without one.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>"2 Dec 2026, 10:14 Europe/Berlin" (<see cref="Show.Moment(DateTimeOffset, string?, bool)"/>), or null before any import.</summary>
    public string? AsOfText => AsOf is { } at ? Show.Moment(at, TimeZone) : null;
}

/// <summary>
/// Shown on every page, so read at most every <see cref="Fresh"/> per instance (three index seeks and the settings row),
/// and at once after an import this instance ran or a change of the limit; the age itself is worked out at each request.
/// </summary>
public sealed class DataAge(IServiceScopeFactory scopes, TimeProvider clock)
{
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(30);

    private static readonly string[] Actions =
        [.. new[] { ImportKind.Opportunities, ImportKind.Activities, ImportKind.Bookings }.Select(k => $"import.{k.ToString().ToLowerInvariant()}")];

    private Read? _read;

    private sealed record Read(DateTimeOffset? Latest, int LimitHours, string TimeZone, DateTimeOffset At);

    /// <summary>Forgets what was read: an import finished here, or the limit changed.</summary>
    public void Invalidate() => _read = null;

    public async Task<DataAgeView> GetAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var read = _read;
        if (read is null || now - read.At >= Fresh || now < read.At)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            DateTimeOffset? latest = null;
            foreach (var action in Actions)
            {
                var at = await db.AuditEntries.AsNoTracking().Where(e => e.Action == action)
                    .OrderByDescending(e => e.At).Select(e => (DateTimeOffset?)e.At).FirstOrDefaultAsync(ct);
                latest = at > latest || latest is null ? at : latest;
            }

            var limit = (await MetricSettingsStore.LoadAsync(db, ct)).DataAgeLimitHours;
            // The open cycle's zone (the latest opened), as the actuals imports pick the open cycle's strategy, and the
            // zone whose day effective dates default to (ADR 0050).
            var zone = await Territory.BusinessDay.TimeZoneAsync(db, ct);
            _read = read = new Read(latest, limit, zone, now);
        }

        return Of(read.Latest, read.LimitHours, now) with { TimeZone = read.TimeZone };
    }

    public static DataAgeView Of(DateTimeOffset? latest, int limitHours, DateTimeOffset now)
    {
        if (latest is not { } asOf)
        {
            return new DataAgeView(null, limitHours, false, "no CRM data imported yet");
        }

        var age = now - asOf;
        return new DataAgeView(asOf, limitHours, limitHours > 0 && age > TimeSpan.FromHours(limitHours), Describe(age));
    }

    /// <summary>"just now", "12 min ago", "3 h ago", "4 days ago".</summary>
    public static string Describe(TimeSpan age) => age switch
    {
        { TotalMinutes: < 1 } => "just now",
        { TotalHours: < 1 } => $"{(int)age.TotalMinutes} min ago",
        { TotalHours: < 48 } => $"{(int)age.TotalHours} h ago",
        _ => $"{(int)age.TotalDays} days ago",
    };
}
