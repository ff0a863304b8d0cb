using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Terrain.Features.Reviews;

/// <summary>
/// A rep's history in a cycle, printable (issue 11 §6): plan submissions and approvals, then every review with its frozen
/// figures, calls, reasons and actions. The same view as GET /api/v1/reviews/timeline/{repId}; laid out like the printed plan (ADR 0009).
/// </summary>
public sealed class TimelineModel(ReviewTimeline timeline, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? Cycle { get; set; }

    /// <summary>Null when the request was refused (an unknown cycle): the page then shows why.</summary>
    public TimelineView? View { get; private set; }

    public DateTimeOffset PrintedAt { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid repId, CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            Cycle = null;
            ModelState.Clear();
        }

        if (await timeline.GetAsync(repId, Cycle, ct) is not { } view)
        {
            return NotFound();
        }

        View = view;
        PrintedAt = clock.GetUtcNow();
        return Page();
    }

    /// <summary>A time in the cycle's time zone.</summary>
    public string Local(DateTimeOffset at)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(View?.TimeZone ?? "UTC");
        return TimeZoneInfo.ConvertTime(at, zone).ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture);
    }
}
