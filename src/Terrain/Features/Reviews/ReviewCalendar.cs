using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Terrain.Domain.Reviews;

namespace Terrain.Features.Reviews;

/// <summary>
/// Reviews to come as an iCalendar file (RFC 5545, written by Ical.Net like the workshop invitations): one all-day
/// event per review on its scheduled day. Held, late, missed and ended reviews are left out.
/// </summary>
public static class ReviewCalendar
{
    public static string Write(IEnumerable<ReviewRow> reviews, DateTimeOffset now, string? baseUrl)
    {
        var calendar = new Calendar { ProductId = "-//Terrain//Performance reviews//EN", Method = "PUBLISH", Scale = "GREGORIAN" };
        foreach (var r in reviews.Where(r => r.Status is ReviewStatus.Upcoming or ReviewStatus.Open))
        {
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"review-{r.Id:N}@terrain",
                DtStamp = new CalDateTime(now.UtcDateTime, "UTC"),
                DtStart = new CalDateTime(r.ScheduledOn.Year, r.ScheduledOn.Month, r.ScheduledOn.Day),
                DtEnd = new CalDateTime(r.ScheduledOn.AddDays(1).Year, r.ScheduledOn.AddDays(1).Month, r.ScheduledOn.AddDays(1).Day),
                Summary = $"Performance review: {r.RepName} with {r.ManagerName ?? "their manager"}",
                Description = $"{r.CycleName}, review {r.Number}: due between {r.WindowStart:yyyy-MM-dd} and {r.WindowEnd:yyyy-MM-dd}.",
                Url = baseUrl is null ? null : new Uri($"{baseUrl}/Reviews/{r.Id}"),
                Transparency = "TRANSPARENT",
            });
        }

        return new CalendarSerializer().SerializeToString(calendar)!;
    }
}
