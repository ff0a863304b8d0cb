using System.Text.Json;

namespace Terrain.Domain.Reviews;

/// <summary>Where a review stands on a given day; computed from its dates, never stored, so it cannot go stale.</summary>
public enum ReviewStatus
{
    /// <summary>Its window has not opened.</summary>
    Upcoming,

    /// <summary>Its window is open: it can be held now.</summary>
    Open,

    /// <summary>Completed inside its window (or by the date it was moved to).</summary>
    Held,

    /// <summary>Completed after its window passed.</summary>
    Late,

    /// <summary>Its window passed without it being completed.</summary>
    Missed,

    /// <summary>The cycle closed before it was held.</summary>
    Ended,
}

/// <summary>Why a goal is behind: the list the manager and the rep choose from (issue 11 §3).</summary>
public enum VarianceCategory
{
    PipelineShortfall,
    DealsSlipped,
    LostToCompetitor,
    RampUp,
    Market,
    TerritoryChange,
    ActivityShortfall,
    PlanWasWrong,
}

/// <summary>The agreed reason a goal is behind: a category and an explanation.</summary>
public sealed record VarianceReason(string GoalKey, VarianceCategory Category, string Explanation);

/// <summary>A forecast call for the period under review: commit and best case, in whole cents, with a note.</summary>
public sealed record ForecastCall(decimal? Commit, decimal? BestCase, string Note);

/// <summary>Who is editing a review: its rep, its manager. Leaders read.</summary>
public enum ReviewSide
{
    Rep,
    Manager,
}

/// <summary>A change to a review's editable parts; null leaves a part as it is.</summary>
public sealed record ReviewEdit(
    string? Agenda = null,
    string? SharedNotes = null,
    string? SelfAssessment = null,
    string? CoachingNotes = null,
    ForecastCall? RepCall = null,
    ForecastCall? ManagerCall = null,
    IReadOnlyList<VarianceReason>? VarianceReasons = null,
    string? NoActionReason = null,
    DateOnly? ScheduledOn = null);

/// <summary>
/// One review meeting of a manager with a rep in a cycle, scheduled in a window (ADR 0025). The schedule is
/// materialized: one row per window from the plan's approval through the cycle's period. The review is prepared from
/// the plan's performance until it is completed; completing it freezes the prepared figures into <see cref="Snapshot"/>
/// so that later imports do not rewrite what the meeting saw. The manager's coaching notes are theirs and the leaders';
/// the rep never reads them.
/// </summary>
public sealed class Review
{
    public const int MaxText = 8000;
    public const int MaxNote = 1000;

    /// <summary>How far past its window a manager may move a review.</summary>
    public const int MaxMoveDays = 7;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private Review()
    {
    }

    public Guid Id { get; private set; }

    public Guid CycleId { get; private set; }

    public Guid PlanId { get; private set; }

    public Guid RepId { get; private set; }

    /// <summary>Who holds it: the rep's manager while it is to come; once past, the manager it was due with stays.</summary>
    public Guid? ManagerId { get; private set; }

    public ReviewCadence Cadence { get; private set; }

    public int Number { get; private set; }

    public DateOnly WindowStart { get; private set; }

    public DateOnly WindowEnd { get; private set; }

    /// <summary>The day set for the meeting: the window's last day unless the manager moved it.</summary>
    public DateOnly ScheduledOn { get; private set; }

    public bool Moved { get; private set; }

    public string Agenda { get; private set; } = "";

    public string SharedNotes { get; private set; } = "";

    public string SelfAssessment { get; private set; } = "";

    public string CoachingNotes { get; private set; } = "";

    public decimal? RepCommit { get; private set; }

    public decimal? RepBestCase { get; private set; }

    public string RepCallNote { get; private set; } = "";

    public decimal? ManagerCommit { get; private set; }

    public decimal? ManagerBestCase { get; private set; }

    public string ManagerCallNote { get; private set; } = "";

    /// <summary>The variance reasons per goal, as JSON (<see cref="VarianceReasons"/>).</summary>
    public string Variances { get; private set; } = "[]";

    public string? NoActionReason { get; private set; }

    public Guid? NoActionSignedById { get; private set; }

    public DateTimeOffset? NoActionSignedAt { get; private set; }

    /// <summary>The prepared figures as they stood when the review was completed (JSON); null before.</summary>
    public string? Snapshot { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>The business day of completion in the cycle's time zone: decides held or late.</summary>
    public DateOnly? CompletedOn { get; private set; }

    public Guid? CompletedById { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public Guid Version { get; private set; }

    /// <summary>The last day it counts as held: the window's end, or the later day it was moved to.</summary>
    public DateOnly DueBy => ScheduledOn > WindowEnd ? ScheduledOn : WindowEnd;

    public bool IsCompleted => CompletedAt is not null;

    public ForecastCall RepCall => new(RepCommit, RepBestCase, RepCallNote);

    public ForecastCall ManagerCall => new(ManagerCommit, ManagerBestCase, ManagerCallNote);

    public IReadOnlyList<VarianceReason> VarianceReasons => JsonSerializer.Deserialize<List<VarianceReason>>(Variances, Json) ?? [];

    public static Review Schedule(Guid cycleId, Guid planId, Guid repId, Guid? managerId, ReviewCadence cadence, ReviewWindow window, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        CycleId = cycleId,
        PlanId = planId,
        RepId = repId,
        ManagerId = managerId,
        Cadence = cadence,
        Number = window.Number,
        WindowStart = window.Start,
        WindowEnd = window.End,
        ScheduledOn = window.End,
        CreatedAt = now,
        Version = Guid.NewGuid(),
    };

    /// <summary>A review to come follows the rep to a new manager; a past one stays with the manager it was due with.</summary>
    public bool FollowManager(Guid? managerId, DateOnly today)
    {
        if (IsCompleted || DueBy < today || ManagerId == managerId)
        {
            return false;
        }

        ManagerId = managerId;
        Version = Guid.NewGuid();
        return true;
    }

    public ReviewStatus StatusOn(DateOnly today, DateOnly? cycleClosedOn)
    {
        if (CompletedOn is { } done)
        {
            return done <= DueBy ? ReviewStatus.Held : ReviewStatus.Late;
        }

        if (cycleClosedOn is { } closed && closed <= DueBy)
        {
            return ReviewStatus.Ended;
        }

        return today > DueBy ? ReviewStatus.Missed : today >= WindowStart ? ReviewStatus.Open : ReviewStatus.Upcoming;
    }

    /// <summary>
    /// Applies what one side may change; the other side's parts are refused by name. Nothing changes when any part is
    /// refused. The manager moves the meeting (<see cref="ScheduledOn"/>) within its window or up to
    /// <see cref="MaxMoveDays"/> days after, never into the past, past the cycle's end or onto the next review.
    /// </summary>
    /// <returns>The names of the parts that changed.</returns>
    public IReadOnlyList<string> Edit(ReviewEdit edit, ReviewSide side, Guid actorId, DateOnly today, DateOnly periodEnd, DateOnly? nextScheduledOn,
        IReadOnlyCollection<string> goalKeys, DateTimeOffset now)
    {
        EnsureNotCompleted();
        var managerOnly = new (object? Value, string Field)[]
        {
            (edit.CoachingNotes, "coachingNotes"), (edit.ManagerCall, "managerCall"), (edit.VarianceReasons, "varianceReasons"),
            (edit.NoActionReason, "noActionReason"), (edit.ScheduledOn, "scheduledOn"),
        };
        var repOnly = new (object? Value, string Field)[] { (edit.SelfAssessment, "selfAssessment"), (edit.RepCall, "repCall") };
        foreach (var (value, field) in side == ReviewSide.Rep ? managerOnly : repOnly)
        {
            if (value is not null)
            {
                throw new DomainException(side == ReviewSide.Rep
                    ? $"Only the manager holding the review sets {field}."
                    : $"Only the rep writes their own {field}.", field);
            }
        }

        var agenda = Text(edit.Agenda, "agenda", MaxText);
        var shared = Text(edit.SharedNotes, "sharedNotes", MaxText);
        var self = Text(edit.SelfAssessment, "selfAssessment", MaxText);
        var coaching = Text(edit.CoachingNotes, "coachingNotes", MaxText);
        var repCall = Call(edit.RepCall, "repCall");
        var managerCall = Call(edit.ManagerCall, "managerCall");
        var variances = edit.VarianceReasons is null ? null : Reasons(edit.VarianceReasons, goalKeys);
        var noAction = edit.NoActionReason is null ? null : Text(edit.NoActionReason, "noActionReason", MaxNote);
        if (edit.ScheduledOn is { } to)
        {
            EnsureMayMove(to, today, periodEnd, nextScheduledOn);
        }

        var changed = new List<string>();
        void Set<T>(T? value, T current, Action<T> apply, string field)
        {
            if (value is not null && !EqualityComparer<T>.Default.Equals(value, current))
            {
                apply(value);
                changed.Add(field);
            }
        }

        Set(agenda, Agenda, v => Agenda = v, "agenda");
        Set(shared, SharedNotes, v => SharedNotes = v, "sharedNotes");
        Set(self, SelfAssessment, v => SelfAssessment = v, "selfAssessment");
        Set(coaching, CoachingNotes, v => CoachingNotes = v, "coachingNotes");
        Set(repCall, RepCall, v => (RepCommit, RepBestCase, RepCallNote) = (v.Commit, v.BestCase, v.Note), "repCall");
        Set(managerCall, ManagerCall, v => (ManagerCommit, ManagerBestCase, ManagerCallNote) = (v.Commit, v.BestCase, v.Note), "managerCall");
        var variancesJson = variances is null ? null : JsonSerializer.Serialize(variances, Json);
        Set(variancesJson, Variances, v => Variances = v, "varianceReasons");
        if (noAction is not null)
        {
            // An empty reason withdraws the "no action" decision; a reason is signed by the manager who wrote it.
            NoActionReason = noAction.Length == 0 ? null : noAction;
            NoActionSignedById = noAction.Length == 0 ? null : actorId;
            NoActionSignedAt = noAction.Length == 0 ? null : now;
            changed.Add("noActionReason");
        }

        if (edit.ScheduledOn is { } day && day != ScheduledOn)
        {
            ScheduledOn = day;
            Moved = day != WindowEnd;
            changed.Add("scheduledOn");
        }

        if (changed.Count > 0)
        {
            Version = Guid.NewGuid();
        }

        return changed;
    }

    /// <summary>
    /// Closes the review and freezes what it saw. A rep with a goal off track needs a variance reason for each such
    /// goal, and a decision: an agreed corrective action, or "no action" with a reason the manager signed.
    /// </summary>
    public void Complete(string snapshot, IReadOnlyList<(string Key, string Name)> offTrackGoals, int agreedActions, Guid actorId, DateOnly today,
        DateOnly? cycleClosedOn, DateTimeOffset now)
    {
        EnsureNotCompleted();
        if (cycleClosedOn is not null)
        {
            throw new InvalidStateException("The cycle is closed: its reviews have ended.", "cycle");
        }

        if (today < WindowStart)
        {
            throw new InvalidStateException($"This review's window opens on {WindowStart:yyyy-MM-dd}; it cannot be completed before.", "windowStart");
        }

        var reasons = VarianceReasons.ToDictionary(r => r.GoalKey, StringComparer.Ordinal);
        var missing = offTrackGoals.Where(g => !reasons.ContainsKey(g.Key)).ToList();
        if (missing.Count > 0)
        {
            throw new DomainException("Every goal off track needs a variance reason (a category and an explanation) before the review is completed",
                missing.Select(g => $"{g.Name} ({g.Key}) has none").ToList(), $"varianceReasons[{missing[0].Key}]");
        }

        if (offTrackGoals.Count > 0 && agreedActions == 0 && NoActionSignedById is null)
        {
            throw new DomainException("A goal is off track: agree at least one corrective action (confirmed by both of you), or record \"no action\" with the reason, signed by the manager.",
                "decision");
        }

        Snapshot = snapshot;
        CompletedAt = now;
        CompletedOn = today;
        CompletedById = actorId;
        Version = Guid.NewGuid();
    }

    public void EnsureNotCompleted()
    {
        if (IsCompleted)
        {
            throw new InvalidStateException("The review is completed: what it recorded is history and does not change.", "status");
        }
    }

    private void EnsureMayMove(DateOnly to, DateOnly today, DateOnly periodEnd, DateOnly? nextScheduledOn)
    {
        var latest = WindowEnd.AddDays(MaxMoveDays);
        if (latest > periodEnd)
        {
            latest = periodEnd > WindowEnd ? periodEnd : WindowEnd;
        }

        if (nextScheduledOn is { } next && latest >= next)
        {
            latest = next.AddDays(-1);
        }

        if (to < WindowStart || to > latest)
        {
            throw new DomainException($"A review can move within its window or up to {MaxMoveDays} days after it, before the next review and the cycle's end: {WindowStart:yyyy-MM-dd} to {latest:yyyy-MM-dd}.", "scheduledOn");
        }

        if (to < today)
        {
            throw new DomainException($"{to:yyyy-MM-dd} has passed; move the review to today or later.", "scheduledOn");
        }

        if (DueBy < today)
        {
            throw new InvalidStateException("This review's window has passed: it was missed and can no longer be moved.", "scheduledOn");
        }
    }

    private static string? Text(string? value, string field, int max)
    {
        if (value is null)
        {
            return null;
        }

        var text = value.Trim();
        if (text.Length > max)
        {
            throw new DomainException($"{field} is longer than {max} characters.", field);
        }

        // Notes run over several lines; other control characters are refused.
        return text.Any(ch => char.IsControl(ch) && ch is not '\n' and not '\r' and not '\t')
            ? throw new DomainException($"{field} contains a control character.", field)
            : text;
    }

    private static ForecastCall? Call(ForecastCall? call, string field)
    {
        if (call is null)
        {
            return null;
        }

        if (call.Commit is { } commit)
        {
            Money.Validate(commit, $"{field}.commit", "The commit");
        }

        if (call.BestCase is { } best)
        {
            Money.Validate(best, $"{field}.bestCase", "The best case");
        }

        if (call is { Commit: { } c, BestCase: { } b } && b < c)
        {
            throw new DomainException("The best case includes the commit, so it cannot be below it.", $"{field}.bestCase");
        }

        return call with { Note = Text(call.Note ?? "", $"{field}.note", MaxNote)! };
    }

    private static List<VarianceReason> Reasons(IReadOnlyList<VarianceReason> reasons, IReadOnlyCollection<string> goalKeys)
    {
        var list = new List<VarianceReason>();
        foreach (var reason in reasons)
        {
            var field = $"varianceReasons[{reason.GoalKey}]";
            if (!goalKeys.Contains(reason.GoalKey))
            {
                throw new DomainException($"The plan in force has no goal '{reason.GoalKey}'.", field);
            }

            if (!Enum.IsDefined(reason.Category))
            {
                throw new DomainException($"Unknown variance category. Use one of {string.Join(", ", Enum.GetNames<VarianceCategory>())}.", field + ".category");
            }

            var explanation = Text(reason.Explanation ?? "", field + ".explanation", MaxNote)!;
            if (explanation.Length == 0)
            {
                throw new DomainException("Explain the variance in a sentence or two.", field + ".explanation");
            }

            if (list.Any(r => r.GoalKey == reason.GoalKey))
            {
                throw new DomainException($"Goal '{reason.GoalKey}' has two variance reasons; give one.", field);
            }

            list.Add(reason with { Explanation = explanation });
        }

        return list;
    }
}
