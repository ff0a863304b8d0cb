using System.Text.Json;
using Terrain.Domain.Planning;

namespace Terrain.Domain.Strategies;

public enum WorkshopLength
{
    HalfDay = 0,
    FullDay = 1,
}

/// <summary>One block of a workshop's agenda: a part of the strategy (or "qa" or "break") and its minutes.</summary>
public sealed class AgendaItem
{
    /// <summary>A key of <see cref="StrategyContent.Parts"/>, or "intro", "qa", "break".</summary>
    public string? Part { get; set; }

    public string? Title { get; set; }

    public int Minutes { get; set; }
}

/// <summary>
/// A workshop session on the strategy: half a day (4 hours) or a full day (7 hours plus an hour's lunch). Its agenda
/// is built from the strategy's parts and must fit the session. Reps and managers are invited; after the session
/// the leader records who attended. <see cref="Sequence"/> counts reschedules, for calendar updates (iCalendar SEQUENCE).
/// </summary>
public sealed class Workshop
{
    public static readonly IReadOnlyList<string> ExtraParts = ["intro", "qa", "break"];

    /// <summary>How far ahead a session may be scheduled; beyond it the date is a typo (and its end would not exist).</summary>
    public const int MaxYearsAhead = 2;

    private Workshop()
    {
    }

    public Guid Id { get; private set; }

    public Guid StrategyId { get; private set; }

    public string Title { get; private set; } = "";

    public DateTimeOffset StartsAt { get; private set; }

    public WorkshopLength Length { get; private set; }

    public string Location { get; private set; } = "";

    /// <summary>JSON array of <see cref="AgendaItem"/>.</summary>
    public string Agenda { get; private set; } = "[]";

    public DateTimeOffset CreatedAt { get; private set; }

    public Guid CreatedById { get; private set; }

    public int Sequence { get; private set; }

    public DateTimeOffset? AttendanceRecordedAt { get; private set; }

    public string Version { get; private set; } = "";

    public DateTimeOffset EndsAt => StartsAt + Duration(Length);

    public static TimeSpan Duration(WorkshopLength length) => length == WorkshopLength.FullDay ? TimeSpan.FromHours(8) : TimeSpan.FromHours(4);

    public IReadOnlyList<AgendaItem> ReadAgenda() => JsonSerializer.Deserialize<List<AgendaItem>>(Agenda, StrategyContent.Json) ?? [];

    public static Workshop Schedule(Strategy strategy, Actor actor, string? title, DateTimeOffset startsAt, WorkshopLength length, string? location,
        IReadOnlyList<AgendaItem>? agenda, DateTimeOffset now)
    {
        strategy.EnsurePublished("taught in a workshop");
        var workshop = new Workshop
        {
            Id = Guid.CreateVersion7(now),
            StrategyId = strategy.Id,
            CreatedAt = now,
            CreatedById = actor.Id,
        };
        workshop.Apply(strategy, title, startsAt, length, location, agenda, now);
        return workshop;
    }

    public void Reschedule(Strategy strategy, Actor actor, string? title, DateTimeOffset startsAt, WorkshopLength length, string? location,
        IReadOnlyList<AgendaItem>? agenda, DateTimeOffset now)
    {
        if (AttendanceRecordedAt is not null)
        {
            throw new InvalidStateException("Attendance has been recorded; the session has happened and can no longer change.", "attendance");
        }

        Apply(strategy, title, startsAt, length, location, agenda, now);
        Sequence++;
    }

    /// <summary>Attendance is recorded after the session has started; it may be corrected later.</summary>
    public void EnsureAttendanceCanBeRecorded(Actor actor, DateTimeOffset now)
    {
        if (now < StartsAt)
        {
            throw new InvalidStateException($"The session starts {StartsAt:yyyy-MM-dd HH:mm} UTC; record attendance after it has begun.", "attendance");
        }
    }

    /// <summary>
    /// People were invited: the version moves, so that an invitation and a concurrent reschedule cannot both be
    /// accepted against the same version (the new invitee would be told the old time).
    /// </summary>
    public void Invited() => Version = Guid.NewGuid().ToString("N");

    public void MarkAttendanceRecorded(DateTimeOffset now)
    {
        AttendanceRecordedAt = now;
        Version = Guid.NewGuid().ToString("N");
    }

    /// <summary>
    /// The default agenda: a short intro, then each part of the strategy that has content, in order, then questions;
    /// a full day adds a lunch break. The parts share the time left in proportion to how much they hold.
    /// </summary>
    public static IReadOnlyList<AgendaItem> DefaultAgenda(StrategyContent content, WorkshopLength length)
    {
        var total = (int)Duration(length).TotalMinutes;
        var weights = new List<(string Key, string Title, int Weight)>
        {
            ("sell", "What we sell", content.Offerings.Count),
            ("whom", "To whom", content.Segments.Count),
            ("why", "Why they buy", content.ValuePropositions.Count + content.Differentiators.Count + content.Competitors.Count),
            ("objectives", "Objectives", content.Objectives.Count),
            ("priorities", "Priorities", content.Priorities.Count),
        }.Where(w => w.Weight > 0).ToList();
        var fixedMinutes = 15 + 30 + (length == WorkshopLength.FullDay ? 60 : 0);
        var available = total - fixedMinutes;
        var sum = Math.Max(1, weights.Sum(w => Math.Min(w.Weight, 6)));
        var items = new List<AgendaItem> { new() { Part = "intro", Title = "Welcome and where we stand", Minutes = 15 } };
        var used = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var minutes = i == weights.Count - 1
                ? available - used
                : (int)Math.Round(available * Math.Min(weights[i].Weight, 6) / (double)sum / 5.0) * 5;
            used += minutes;
            items.Add(new AgendaItem { Part = weights[i].Key, Title = weights[i].Title, Minutes = minutes });
            if (length == WorkshopLength.FullDay && i == (weights.Count - 1) / 2)
            {
                items.Add(new AgendaItem { Part = "break", Title = "Lunch", Minutes = 60 });
            }
        }

        items.Add(new AgendaItem { Part = "qa", Title = "Questions and commitments", Minutes = 30 + (weights.Count == 0 ? available : 0) });
        return items;
    }

    private void Apply(Strategy strategy, string? title, DateTimeOffset startsAt, WorkshopLength length, string? location,
        IReadOnlyList<AgendaItem>? agenda, DateTimeOffset now)
    {
        if (!Enum.IsDefined(length))
        {
            throw new DomainException("The length is HalfDay or FullDay.", "length");
        }

        if (startsAt == default)
        {
            throw new DomainException("Give the start date and time.", "startsAt");
        }

        if (startsAt < now)
        {
            throw new DomainException("A session is scheduled in the future.", "startsAt");
        }

        if (startsAt > now.AddYears(MaxYearsAhead))
        {
            throw new DomainException($"A session is scheduled at most {MaxYearsAhead} years ahead, by {now.AddYears(MaxYearsAhead):yyyy-MM-dd}.", "startsAt");
        }

        Title = Fields.Clean(title, "title", 200) is { } t ? Text.EnsurePrintable(t, "title") : $"{strategy.Name} workshop";
        Location = Fields.Clean(location, "location", 200) is { } l ? Text.EnsurePrintable(l, "location") : "";
        StartsAt = startsAt.ToUniversalTime();
        Length = length;
        var items = agenda is { Count: > 0 } ? agenda.ToList() : DefaultAgenda(strategy.ReadContent(), length).ToList();
        ValidateAgenda(items, length);
        Agenda = JsonSerializer.Serialize(items, StrategyContent.Json);
        Version = Guid.NewGuid().ToString("N");
    }

    private static void ValidateAgenda(List<AgendaItem> items, WorkshopLength length)
    {
        Fields.EnsureAtMost(items, 20, "agenda", "agenda items");
        var parts = StrategyContent.Parts.Select(p => p.Key).Concat(ExtraParts).ToList();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var f = $"agenda[{i}]";
            item.Part = Fields.OneOf(item.Part, parts, $"{f}.part")
                ?? throw new DomainException($"Agenda item {i + 1} needs a part of the strategy: one of {string.Join(", ", parts)}.", $"{f}.part");
            item.Title = Fields.Clean(item.Title, $"{f}.title", 200) ?? StrategyContent.Parts.FirstOrDefault(p => p.Key == item.Part).Title ?? item.Part;
            if (item.Minutes is < 5 or > 480)
            {
                throw new DomainException($"Agenda item {i + 1} lasts 5 to 480 minutes.", $"{f}.minutes");
            }
        }

        var total = items.Sum(i => i.Minutes);
        var available = (int)Duration(length).TotalMinutes;
        if (total > available)
        {
            throw new DomainException($"The agenda takes {total} minutes; a {(length == WorkshopLength.FullDay ? "full day" : "half day")} has {available}.", "agenda");
        }

        if (!items.Any(i => StrategyContent.Parts.Any(p => p.Key == i.Part)))
        {
            throw new DomainException("The agenda must cover at least one part of the strategy.", "agenda");
        }
    }
}

/// <summary>One person invited to a workshop session, and (after it) whether they attended.</summary>
public sealed class WorkshopInvitation
{
    private WorkshopInvitation()
    {
    }

    public Guid Id { get; private set; }

    public Guid WorkshopId { get; private set; }

    public Guid UserId { get; private set; }

    public DateTimeOffset InvitedAt { get; private set; }

    /// <summary>Null until attendance is recorded.</summary>
    public bool? Attended { get; private set; }

    public static WorkshopInvitation Invite(Workshop workshop, AppUser user, DateTimeOffset now)
    {
        if (user.Role is not (Role.Rep or Role.Manager) || !user.IsActive)
        {
            throw new DomainException($"{user.Email} is not an active rep or manager; workshops are for reps and their managers.", "invitees");
        }

        return new WorkshopInvitation { Id = Guid.CreateVersion7(now), WorkshopId = workshop.Id, UserId = user.Id, InvitedAt = now };
    }

    public void Record(bool attended) => Attended = attended;
}
