using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Strategies;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Strategies;

/// <summary>One block of a session's agenda with the time it starts (UTC).</summary>
public sealed record AgendaRow(string Part, string Title, int Minutes, DateTimeOffset StartsAt);

/// <summary>Someone invited to a session and, once recorded, whether they attended.</summary>
public sealed record InviteeRow(Guid UserId, string Name, string Email, string Role, Guid? ManagerId, bool? Attended);

/// <summary>
/// A workshop session. <see cref="Invited"/> and <see cref="Attended"/> are the caller's own; <see cref="Invitees"/>
/// lists the people the caller may see (leaders everyone, managers their team, reps nobody: null).
/// </summary>
public sealed record WorkshopRow(
    Guid Id,
    Guid StrategyId,
    int Revision,
    string Title,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Length,
    string Location,
    IReadOnlyList<AgendaRow> Agenda,
    int InviteeCount,
    int AttendedCount,
    DateTimeOffset? AttendanceRecordedAt,
    int Sequence,
    string Version,
    bool Invited,
    bool? Attended,
    bool CanDownloadInvitation,
    IReadOnlyList<InviteeRow>? Invitees);

/// <summary>The revision a request names, and its lineage.</summary>
public sealed record StrategyRef(Guid Id, Guid LineageId, int Revision, string Name, string Status, bool HasCheck);

/// <summary>Schedule a session: startsAt with an offset, length HalfDay or FullDay; everyone active is invited unless invitees are given.</summary>
public sealed class WorkshopInput
{
    public string? Title { get; init; }

    /// <summary>ISO 8601 with an offset, e.g. 2027-01-15T09:00:00+01:00.</summary>
    public string? StartsAt { get; init; }

    /// <summary>HalfDay (4 hours) or FullDay (8 hours with an hour's lunch).</summary>
    public string? Length { get; init; }

    public string? Location { get; init; }

    /// <summary>Leave out for the default agenda built from the strategy's parts.</summary>
    public List<AgendaItem>? Agenda { get; init; }

    /// <summary>User ids of the reps and managers to invite.</summary>
    public List<Guid>? Invitees { get; init; }

    /// <summary>Invite every active rep and their managers; the default when no invitees are given.</summary>
    public bool? InviteAllReps { get; init; }
}

/// <summary>Reschedule (any of title, startsAt, length, location, agenda) and/or invite more people.</summary>
public sealed class WorkshopPatch
{
    public string? Title { get; init; }

    public string? StartsAt { get; init; }

    public string? Length { get; init; }

    public string? Location { get; init; }

    public List<AgendaItem>? Agenda { get; init; }

    public List<Guid>? AddInvitees { get; init; }

    [JsonIgnore]
    public bool Reschedules => Title is not null || StartsAt is not null || Length is not null || Location is not null || Agenda is not null;
}

/// <summary>The invitees who attended; every other invitee is recorded as absent.</summary>
public sealed class AttendanceInput
{
    public List<Guid>? Attended { get; init; }
}

/// <summary>An iCalendar file to download.</summary>
public sealed record CalendarFile(string FileName, string Content);

/// <summary>
/// The strategy workshops: leaders schedule half- or full-day sessions with an agenda built from the strategy's parts,
/// invite reps and managers (each gets an in-app invitation and can download it as .ics), reschedule, and record
/// attendance after the session. The sessions of every revision of a strategy belong to it.
/// </summary>
public sealed partial class Workshops(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    public const int MaxInvitees = 20_000;

    /// <summary>The revision, if the caller may see it.</summary>
    public async Task<StrategyRef?> FindStrategyAsync(Guid id, CancellationToken ct)
    {
        var strategy = await access.VisibleStrategies().FirstOrDefaultAsync(s => s.Id == id, ct);
        return strategy is null ? null : RefOf(strategy);
    }

    public static StrategyRef RefOf(Strategy s) => new(s.Id, s.LineageId, s.Revision, s.Name, s.Status.ToString(), !s.ReadCheck().IsEmpty);

    /// <summary>The sessions of the strategy's lineage, earliest first; null when the caller may not see the strategy.</summary>
    public async Task<IReadOnlyList<WorkshopRow>?> ListAsync(Guid strategyId, bool withInvitees, CancellationToken ct)
    {
        if (await FindStrategyAsync(strategyId, ct) is not { } strategy)
        {
            return null;
        }

        return await RowsAsync(strategy, null, withInvitees, ct);
    }

    public async Task<WorkshopRow?> GetAsync(Guid strategyId, Guid workshopId, CancellationToken ct)
    {
        if (await FindStrategyAsync(strategyId, ct) is not { } strategy)
        {
            return null;
        }

        var rows = await RowsAsync(strategy, workshopId, withInvitees: true, ct);
        return rows.Count > 0 ? rows[0] : null;
    }

    public async Task<WorkshopRow?> ScheduleAsync(Guid strategyId, WorkshopInput input, CancellationToken ct)
    {
        // The person before the input: someone who may not schedule learns nothing about what they sent.
        access.Ensure(Act.LeadWorkshop);
        var actor = access.Actor;
        var strategy = await access.VisibleStrategies().FirstOrDefaultAsync(s => s.Id == strategyId, ct);
        if (strategy is null)
        {
            return null;
        }

        strategy.EnsurePublished("taught in a workshop");
        var now = clock.GetUtcNow();
        var startsAt = ParseStart(input.StartsAt) ?? throw new DomainException("Give the start date and time with its offset, e.g. 2027-01-15T09:00:00+01:00.", "startsAt");
        var length = ParseLength(input.Length) ?? throw new DomainException("Give the length: HalfDay or FullDay.", "length");
        var workshop = Workshop.Schedule(strategy, actor, input.Title, startsAt, length, input.Location, input.Agenda, now);

        List<AppUser> invitees;
        if (input.Invitees is { Count: > 0 } ids)
        {
            invitees = await InviteesAsync(ids, "invitees", ct);
            if (input.InviteAllReps == true)
            {
                invitees = invitees.Concat(await EveryoneAsync(ct)).DistinctBy(u => u.Id).ToList();
            }
        }
        else if (input.InviteAllReps ?? true)
        {
            invitees = await EveryoneAsync(ct);
        }
        else
        {
            throw new DomainException("Invite someone: list the invitees or leave inviteAllReps on.", "invitees");
        }

        db.Workshops.Add(workshop);
        Invite(workshop, invitees, now);
        db.AuditEntries.Add(AuditEntry.Record(now, actor.Id, "workshop.scheduled", "Workshop", workshop.Id.ToString(),
            JsonSerializer.Serialize(new
            {
                strategyId = strategy.Id,
                workshop.Title,
                workshop.StartsAt,
                Length = workshop.Length.ToString(),
                workshop.Location,
                invitees = invitees.Count,
            })));
        await SaveAsync(ct);
        return await GetAsync(strategyId, workshop.Id, ct);
    }

    public async Task<WorkshopRow?> PatchAsync(Guid strategyId, Guid workshopId, WorkshopPatch patch, string version, CancellationToken ct)
    {
        access.Ensure(Act.LeadWorkshop);
        var actor = access.Actor;
        if (await FindWorkshopAsync(strategyId, workshopId, ct) is not { } workshop)
        {
            return null;
        }

        if (workshop.Version != version)
        {
            throw new InvalidStateException("Someone else changed this session since you read it. Reload it and apply your change again.", "version");
        }

        if (workshop.AttendanceRecordedAt is not null)
        {
            throw new InvalidStateException("Attendance has been recorded; the session has happened and can no longer change.", "attendance");
        }

        var now = clock.GetUtcNow();
        var existing = await db.WorkshopInvitations.AsNoTracking().Where(i => i.WorkshopId == workshop.Id).Select(i => i.UserId).ToListAsync(ct);
        if (patch.Reschedules)
        {
            var revision = await db.Strategies.AsNoTracking().FirstAsync(s => s.Id == workshop.StrategyId, ct);
            var startsAt = patch.StartsAt is null ? workshop.StartsAt
                : ParseStart(patch.StartsAt) ?? throw new DomainException("Give the start date and time with its offset, e.g. 2027-01-15T09:00:00+01:00.", "startsAt");
            var length = patch.Length is null ? workshop.Length
                : ParseLength(patch.Length) ?? throw new DomainException("The length is HalfDay or FullDay.", "length");
            // A new length needs an agenda that fits it: the default one unless the leader gives theirs.
            var agenda = patch.Agenda ?? (length == workshop.Length ? workshop.ReadAgenda() : null);
            workshop.Reschedule(revision, actor, patch.Title ?? workshop.Title, startsAt, length, patch.Location ?? workshop.Location, agenda, now);
            var (title, body) = Changed(workshop);
            db.Notifications.AddRange(existing.Select(userId => Notification.Create(userId, $"workshop:{workshop.Id}:changed:{workshop.Sequence}",
                title, body, Link(workshop), now)));
        }

        var added = new List<AppUser>();
        if (patch.AddInvitees is { Count: > 0 } ids)
        {
            added = (await InviteesAsync(ids, "addInvitees", ct)).Where(u => !existing.Contains(u.Id)).ToList();
            Invite(workshop, added, now);
            if (added.Count > 0)
            {
                workshop.Invited();
            }
        }

        if (!patch.Reschedules && added.Count == 0)
        {
            // Nothing changes (e.g. everyone named is invited already): nothing to save or audit.
            return await GetAsync(strategyId, workshopId, ct);
        }

        db.AuditEntries.Add(AuditEntry.Record(now, actor.Id, patch.Reschedules ? "workshop.rescheduled" : "workshop.invited", "Workshop", workshop.Id.ToString(),
            JsonSerializer.Serialize(new
            {
                workshop.Title,
                workshop.StartsAt,
                Length = workshop.Length.ToString(),
                workshop.Location,
                workshop.Sequence,
                added = added.Select(u => u.Id),
            })));
        await SaveAsync(ct);
        return await GetAsync(strategyId, workshopId, ct);
    }

    /// <summary>
    /// Records attendance. <paramref name="version"/> (If-Match, or the version the page showed) is optional; when it is
    /// given and the session changed since (e.g. another leader recorded attendance), nothing is saved.
    /// </summary>
    public async Task<WorkshopRow?> RecordAttendanceAsync(Guid strategyId, Guid workshopId, AttendanceInput input, string? version, CancellationToken ct)
    {
        access.Ensure(Act.LeadWorkshop);
        var actor = access.Actor;
        if (await FindWorkshopAsync(strategyId, workshopId, ct) is not { } workshop)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        workshop.EnsureAttendanceCanBeRecorded(actor, now);
        if (version is not null && workshop.Version != version)
        {
            throw new InvalidStateException("Someone else changed this session since you read it. Reload it and record the attendance again.", "version");
        }

        var invitations = await db.WorkshopInvitations.Where(i => i.WorkshopId == workshop.Id).ToListAsync(ct);
        var attended = (input.Attended ?? []).ToHashSet();
        var invited = invitations.Select(i => i.UserId).ToHashSet();
        var strangers = attended.Where(id => !invited.Contains(id)).ToList();
        if (strangers.Count > 0)
        {
            throw new DomainException($"{strangers[0]} was not invited to this session; only invitees can be recorded as attending.", "attended");
        }

        foreach (var invitation in invitations)
        {
            invitation.Record(attended.Contains(invitation.UserId));
        }

        workshop.MarkAttendanceRecorded(now);
        db.AuditEntries.Add(AuditEntry.Record(now, actor.Id, "workshop.attendance", "Workshop", workshop.Id.ToString(),
            JsonSerializer.Serialize(new { invited = invitations.Count, attended = attended.Count, attendees = attended })));
        await SaveAsync(ct);
        return await GetAsync(strategyId, workshopId, ct);
    }

    /// <summary>
    /// The session as an iCalendar invitation, for invitees, their managers, leaders and admins; null for anyone else.
    /// Without a public address (<paramref name="baseUrl"/> null) the invitation names the page by its path and has no URL.
    /// </summary>
    public async Task<CalendarFile?> InvitationAsync(Guid strategyId, Guid workshopId, string? baseUrl, CancellationToken ct)
    {
        if (await GetAsync(strategyId, workshopId, ct) is not { CanDownloadInvitation: true } row)
        {
            return null;
        }

        var createdById = await db.Workshops.AsNoTracking().Where(w => w.Id == workshopId).Select(w => w.CreatedById).FirstAsync(ct);
        var me = access.Actor.Id;
        var people = await db.Users.AsNoTracking().Where(u => u.Id == createdById || u.Id == me)
            .Select(u => new { u.Id, u.DisplayName, u.Email }).ToListAsync(ct);
        var organizer = people.First(p => p.Id == createdById);
        var attendees = row.Invited
            ? people.Where(p => p.Id == me).Select(p => new IcsPerson(p.DisplayName, p.Email ?? "")).ToList()
            : [];
        var description = string.Join("\n", row.Agenda.Select(a =>
                $"{a.StartsAt.ToString("HH:mm", CultureInfo.InvariantCulture)} UTC  {a.Title} ({a.Minutes} min)"))
            + $"\n\nStrategy workshop in Terrain: {baseUrl}{Link(row.StrategyId, row.Id)}";
        var ics = Ics.Write(new IcsEvent(
            Uid: $"{row.Id}@terrain",
            Stamp: clock.GetUtcNow(),
            Start: row.StartsAt,
            End: row.EndsAt,
            Sequence: row.Sequence,
            Summary: row.Title,
            Location: row.Location,
            Description: description,
            Url: baseUrl is null ? null : baseUrl + Link(row.StrategyId, row.Id),
            Organizer: new IcsPerson(organizer.DisplayName, organizer.Email ?? ""),
            Attendees: attendees));
        return new CalendarFile($"terrain-workshop-{row.StartsAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.ics", ics);
    }

    /// <summary>"Fri 15 Jan 2027, 08:00–12:00 UTC (half day)".</summary>
    public static string When(DateTimeOffset startsAt, DateTimeOffset endsAt, string length) =>
        string.Create(CultureInfo.InvariantCulture, $"{startsAt.UtcDateTime:ddd d MMM yyyy, HH:mm}–{endsAt.UtcDateTime:HH:mm} UTC ({LengthLabel(length)})");

    public static string LengthLabel(string length) => length == nameof(WorkshopLength.FullDay) ? "full day" : "half day";

    public static string Link(Guid strategyId, Guid workshopId) => $"/Strategies/{strategyId}/Workshops#workshop-{workshopId}";

    /// <summary>ISO 8601 date and time with an explicit offset (Z or ±hh:mm); null when it is not one.</summary>
    public static DateTimeOffset? ParseStart(string? value)
    {
        var text = value?.Trim() ?? "";
        if (!IsoWithOffset().IsMatch(text))
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null;
    }

    public static WorkshopLength? ParseLength(string? value) =>
        Enum.TryParse<WorkshopLength>(value?.Trim(), ignoreCase: true, out var length) && Enum.IsDefined(length) && !int.TryParse(value, out _)
            ? length
            : null;

    /// <summary>The agenda with each block's start time: the blocks follow each other from the session's start.</summary>
    public static IReadOnlyList<AgendaRow> Timed(IReadOnlyList<AgendaItem> agenda, DateTimeOffset startsAt)
    {
        var rows = new List<AgendaRow>(agenda.Count);
        var at = startsAt;
        foreach (var item in agenda)
        {
            rows.Add(new AgendaRow(item.Part ?? "", item.Title ?? item.Part ?? "", item.Minutes, at));
            at = at.AddMinutes(item.Minutes);
        }

        return rows;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex IsoWithOffset();

    private static string Link(Workshop workshop) => Link(workshop.StrategyId, workshop.Id);

    private async Task<Workshop?> FindWorkshopAsync(Guid strategyId, Guid workshopId, CancellationToken ct)
    {
        if (await FindStrategyAsync(strategyId, ct) is not { } strategy)
        {
            return null;
        }

        var lineage = db.Strategies.Where(s => s.LineageId == strategy.LineageId).Select(s => s.Id);
        return await db.Workshops.FirstOrDefaultAsync(w => w.Id == workshopId && lineage.Contains(w.StrategyId), ct);
    }

    private async Task<IReadOnlyList<WorkshopRow>> RowsAsync(StrategyRef strategy, Guid? workshopId, bool withInvitees, CancellationToken ct)
    {
        var actor = access.Actor;
        var me = actor.Id;
        var seesAll = access.SeesEveryone;
        var team = access.FollowedReps().Select(u => u.Id);
        var sessions = await (from w in db.Workshops.AsNoTracking()
                              join s in db.Strategies on w.StrategyId equals s.Id
                              where s.LineageId == strategy.LineageId && (workshopId == null || w.Id == workshopId)
                              select new
                              {
                                  Workshop = w,
                                  s.Revision,
                                  Invitees = db.WorkshopInvitations.Count(i => i.WorkshopId == w.Id),
                                  Attended = db.WorkshopInvitations.Count(i => i.WorkshopId == w.Id && i.Attended == true),
                                  Invited = db.WorkshopInvitations.Any(i => i.WorkshopId == w.Id && i.UserId == me),
                                  MyAttendance = db.WorkshopInvitations.Where(i => i.WorkshopId == w.Id && i.UserId == me).Select(i => i.Attended).FirstOrDefault(),
                                  TeamInvited = db.WorkshopInvitations.Any(i => i.WorkshopId == w.Id && team.Contains(i.UserId)),
                              }).ToListAsync(ct);

        ILookup<Guid, InviteeRow>? invitees = null;
        if (withInvitees && access.May(Act.FollowTeam) && sessions.Count > 0)
        {
            var ids = sessions.Select(s => s.Workshop.Id).ToList();
            var list = await (from i in db.WorkshopInvitations.AsNoTracking()
                              join u in access.VisibleUsers() on i.UserId equals u.Id
                              where ids.Contains(i.WorkshopId)
                              select new { i.WorkshopId, i.UserId, u.DisplayName, u.Email, u.Role, u.ManagerId, i.Attended }).ToListAsync(ct);
            invitees = list.OrderBy(i => i.DisplayName, StringComparer.CurrentCultureIgnoreCase)
                .ToLookup(i => i.WorkshopId, i => new InviteeRow(i.UserId, i.DisplayName, i.Email ?? "", i.Role.ToString(), i.ManagerId, i.Attended));
        }

        return sessions
            .OrderBy(s => s.Workshop.StartsAt.UtcTicks)
            .Select(s =>
            {
                var w = s.Workshop;
                return new WorkshopRow(w.Id, w.StrategyId, s.Revision, w.Title, w.StartsAt.ToUniversalTime(), w.EndsAt.ToUniversalTime(),
                    w.Length.ToString(), w.Location, Timed(w.ReadAgenda(), w.StartsAt.ToUniversalTime()), s.Invitees, s.Attended,
                    w.AttendanceRecordedAt, w.Sequence, w.Version, s.Invited, s.Invited ? s.MyAttendance : null,
                    CanDownloadInvitation: seesAll || s.Invited || s.TeamInvited,
                    invitees is null ? null : invitees[w.Id].ToList());
            })
            .ToList();
    }

    /// <summary>Every active rep, and every active manager with an active rep.</summary>
    private Task<List<AppUser>> EveryoneAsync(CancellationToken ct) =>
        db.Users.AsNoTracking()
            .Where(u => u.IsActive && (u.Role == Role.Rep
                || (u.Role == Role.Manager && db.Users.Any(r => r.ManagerId == u.Id && r.Role == Role.Rep && r.IsActive))))
            .ToListAsync(ct);

    private async Task<List<AppUser>> InviteesAsync(List<Guid> ids, string field, CancellationToken ct)
    {
        var wanted = ids.Distinct().ToList();
        if (wanted.Count > MaxInvitees)
        {
            throw new DomainException($"Invite at most {MaxInvitees:N0} people to one session.", field);
        }

        var users = await db.Users.AsNoTracking().Where(u => wanted.Contains(u.Id)).ToListAsync(ct);
        var unknown = wanted.Where(id => users.All(u => u.Id != id)).ToList();
        if (unknown.Count > 0)
        {
            throw new DomainException($"There is no user {unknown[0]}.", field);
        }

        if (users.FirstOrDefault(u => u.Role is not (Role.Rep or Role.Manager) || !u.IsActive) is { } ineligible)
        {
            throw new DomainException($"{ineligible.Email} is not an active rep or manager; workshops are for reps and their managers.", field);
        }

        return users;
    }

    private void Invite(Workshop workshop, IEnumerable<AppUser> users, DateTimeOffset now)
    {
        var when = When(workshop.StartsAt, workshop.EndsAt, workshop.Length.ToString());
        var title = Truncate($"Invitation: {workshop.Title}", 200);
        var body = Truncate(workshop.Location.Length > 0 ? $"{when} at {workshop.Location}." : $"{when}.", 2000);
        foreach (var user in users)
        {
            db.WorkshopInvitations.Add(WorkshopInvitation.Invite(workshop, user, now));
            db.Notifications.Add(Notification.Create(user.Id, $"workshop:{workshop.Id}:invited", title, body, Link(workshop), now));
        }
    }

    private static (string Title, string Body) Changed(Workshop workshop)
    {
        var when = When(workshop.StartsAt, workshop.EndsAt, workshop.Length.ToString());
        return (Truncate($"Changed: {workshop.Title}", 200),
            Truncate($"The session now takes place {when}{(workshop.Location.Length > 0 ? $" at {workshop.Location}" : "")}. Download the updated calendar entry from the workshop page.", 2000));
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbConflicts.IsConflict(e))
        {
            throw new InvalidStateException("The session changed while you saved. Reload it and apply your change again.", "version");
        }
    }
}
