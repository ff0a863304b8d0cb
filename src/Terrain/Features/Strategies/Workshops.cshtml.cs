using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Domain.Strategies;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Strategies;

/// <summary>
/// The workshop sessions of a strategy: everyone who may read the strategy sees the sessions and their agenda, and
/// downloads the invitation when it concerns them. Leaders schedule sessions, adjust an agenda's minutes, and record
/// attendance once a session has begun.
/// </summary>
[FormPrefix("Form")]
public sealed class WorkshopsModel(Workshops workshops, AccessPolicy access, TimeProvider clock, IConfiguration configuration) : PageModel, IReloadsOnRefusal
{
    public StrategyRef Strategy { get; private set; } = null!;

    public IReadOnlyList<WorkshopRow> Sessions { get; private set; } = [];

    public DateTimeOffset Now { get; private set; }

    [TempData]
    public string? Flash { get; set; }

    /// <summary>The schedule form, as typed.</summary>
    [BindProperty]
    public ScheduleForm Form { get; set; } = new();

    /// <summary>The session whose agenda or attendance form was posted.</summary>
    [BindProperty]
    public Guid WorkshopId { get; set; }

    /// <summary>Why the schedule form was refused, and the id of the input at fault.</summary>
    public (string Message, string? InputId)? ScheduleError { get; private set; }

    /// <summary>Why a form on one session (agenda or attendance) was refused.</summary>
    public (Guid WorkshopId, string Form, string Message)? SessionError { get; private set; }

    public bool MayLead => access.May(Act.LeadWorkshop);

    public bool SeesReadiness => access.May(Act.FollowTeam);

    public bool CanSchedule => MayLead && Strategy.Status == nameof(StrategyStatus.Published);

    public bool HasStarted(WorkshopRow session) => Now >= session.StartsAt;

    public bool CanAdjust(WorkshopRow session) => MayLead && !HasStarted(session) && session.AttendanceRecordedAt is null;

    public bool CanRecordAttendance(WorkshopRow session) => MayLead && HasStarted(session);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    /// <summary>The session's invitation as an .ics download; the API serves bearer tokens only, so the page serves the signed-in browser.</summary>
    public async Task<IActionResult> OnGetInvitationAsync(Guid id, Guid workshopId, CancellationToken ct) =>
        await workshops.InvitationAsync(id, workshopId, WorkshopEndpoints.BaseUrl(configuration), ct) is { } file
            ? File(System.Text.Encoding.UTF8.GetBytes(file.Content), Ics.ContentType, file.FileName)
            : NotFound();

    public static string InvitationLink(Guid strategyId, Guid workshopId) => $"/Strategies/{strategyId}/Workshops?handler=Invitation&workshopId={workshopId}";

    public async Task<IActionResult> OnPostScheduleAsync(Guid id, CancellationToken ct)
    {
        var input = new WorkshopInput
        {
            Title = Form.Title,
            StartsAt = Form.StartsAt(),
            Length = Form.Length,
            Location = Form.Location,
            InviteAllReps = true,
        };
        if (await workshops.ScheduleAsync(id, input, ct) is not { } session)
        {
            return NotFound();
        }

        Flash = $"Session scheduled for {Workshops.When(session.StartsAt, session.EndsAt, session.Length)}; {session.InviteeCount} {(session.InviteeCount == 1 ? "person is" : "people are")} invited.";
        return Redirect($"/Strategies/{id}/Workshops#workshop-{session.Id}");
    }

    public async Task<IActionResult> OnPostAgendaAsync(Guid id, string? version, List<int>? minutes, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (Sessions.FirstOrDefault(s => s.Id == WorkshopId) is not { } session)
        {
            return NotFound();
        }

        return await ActAsync(id, session, async () =>
        {
            minutes ??= [];
            if (minutes.Count != session.Agenda.Count)
            {
                throw new DomainException("Give the minutes of every agenda item.", "agenda");
            }

            if (session.Agenda.Select(a => a.Minutes).SequenceEqual(minutes))
            {
                // Nothing changed: no new calendar sequence, no notice to every invitee.
                return session;
            }

            var agenda = session.Agenda.Select((a, i) => new AgendaItem { Part = a.Part, Title = a.Title, Minutes = minutes[i] }).ToList();
            return await workshops.PatchAsync(id, WorkshopId, new WorkshopPatch { Agenda = agenda }, version ?? "", ct);
        }, "Agenda saved; the invitees have been told of the change.");
    }

    public async Task<IActionResult> OnPostAttendanceAsync(Guid id, string? version, List<Guid>? attended, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (Sessions.FirstOrDefault(s => s.Id == WorkshopId) is not { } session)
        {
            return NotFound();
        }

        return await ActAsync(id, session,
            () => workshops.RecordAttendanceAsync(id, WorkshopId, new AttendanceInput { Attended = attended ?? [] }, version, ct),
            "Attendance saved.");
    }

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);

    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);

    private async Task<IActionResult> ActAsync(Guid id, WorkshopRow session, Func<Task<WorkshopRow?>> act, string done)
    {
        if (await act() is null)
        {
            return NotFound();
        }

        Flash = done;
        return Redirect($"/Strategies/{id}/Workshops#workshop-{session.Id}");
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        if (!Guid.TryParse(RouteData.Values["id"]?.ToString(), out var id) || !await LoadAsync(id, ct))
        {
            return NotFound();
        }

        var (key, message) = ModelState.Where(e => e.Value is { Errors.Count: > 0 }).Select(e => (e.Key, e.Value!.Errors[0].ErrorMessage)).First();
        if (handler == "Schedule")
        {
            ScheduleError = (message, key switch
            {
                "Form.Title" => "schedule-title",
                "Form.StartsAt" => "schedule-date",
                "Form.Length" => "schedule-length-half",
                "Form.Location" => "schedule-location",
                _ => null,
            });
        }
        else
        {
            SessionError = (WorkshopId, handler?.ToLowerInvariant() ?? "", message);
        }

        return null;
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await workshops.FindStrategyAsync(id, ct) is not { } strategy)
        {
            return false;
        }

        Strategy = strategy;
        Sessions = await workshops.ListAsync(id, withInvitees: SeesReadiness, ct) ?? [];
        Now = clock.GetUtcNow();
        return true;
    }

    public sealed class ScheduleForm
    {
        public string? Title { get; set; }

        /// <summary>yyyy-MM-dd, from a date input.</summary>
        public string? Date { get; set; }

        /// <summary>HH:mm (UTC), from a time input.</summary>
        public string? Time { get; set; } = "09:00";

        public string? Length { get; set; } = nameof(WorkshopLength.HalfDay);

        public string? Location { get; set; }

        /// <summary>The date and time as ISO 8601 in UTC, or null when either is missing or malformed.</summary>
        public string? StartsAt()
        {
            if (!DateOnly.TryParseExact(Date?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                || !TimeOnly.TryParseExact(Time?.Trim(), ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            {
                return null;
            }

            return date.ToDateTime(time).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }
    }
}
