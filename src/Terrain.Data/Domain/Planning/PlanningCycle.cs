namespace Terrain.Domain.Planning;

public enum CycleStatus
{
    Open = 0,
    Closed = 1,
}

/// <summary>
/// One planning round, e.g. "FY2027": the period the plans cover, split into quarters, and the deadlines of our
/// process. Drafts are due at most 14 days after kickoff; a plan must be approved within the approval window
/// (at most 14 days) after the rep first submits it. Deadlines fall at the end of the day in the cycle's time zone.
/// </summary>
public sealed class PlanningCycle
{
    public const int MaxDraftDays = 14;
    public const int MaxApprovalWindowDays = 14;

    private PlanningCycle()
    {
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public DateOnly PeriodStart { get; private set; }

    public DateOnly PeriodEnd { get; private set; }

    public DateOnly Kickoff { get; private set; }

    public DateOnly DraftDue { get; private set; }

    public int ApprovalWindowDays { get; private set; }

    /// <summary>IANA time zone in which the deadlines' days begin and end.</summary>
    public string TimeZone { get; private set; } = "UTC";

    /// <summary>How the period splits into quarters and fiscal months: calendar months, or 13-week quarters (4-4-5 and kin).</summary>
    public FiscalCalendar Calendar { get; private set; }

    public CycleStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public Guid CreatedById { get; private set; }

    public DateTimeOffset? ClosedAt { get; private set; }

    public string Version { get; private set; } = "";

    /// <summary>The published sales strategy this cycle executes (moves to the next revision when one is published).</summary>
    public Guid? StrategyId { get; private set; }

    /// <summary>When set, a rep cannot submit a plan before acknowledging the cycle's strategy.</summary>
    public bool RequireAcknowledgement { get; private set; }

    /// <summary>The tier rule's shares of potential (percent) for A, B and C: see <see cref="TierRule"/>.</summary>
    public int TierAShare { get; private set; } = TierRule.Default.AShare;

    public int TierBShare { get; private set; } = TierRule.Default.BShare;

    public int TierCShare { get; private set; } = TierRule.Default.CShare;

    /// <summary>How the segmentation worksheets of this cycle's plans suggest a tier from potential.</summary>
    public TierRule TierRule => new(TierAShare, TierBShare, TierCShare);

    public static PlanningCycle Open(CycleSchedule schedule, Guid leaderId, DateTimeOffset now)
    {
        var cycle = new PlanningCycle
        {
            Id = Guid.CreateVersion7(now),
            CreatedAt = now,
            CreatedById = leaderId,
            Status = CycleStatus.Open,
        };
        cycle.Reschedule(schedule);
        return cycle;
    }

    public void Reschedule(CycleSchedule schedule)
    {
        EnsureOpen();
        schedule.Validate();
        Name = schedule.Name.Trim();
        PeriodStart = schedule.PeriodStart;
        PeriodEnd = schedule.PeriodEnd;
        Kickoff = schedule.Kickoff;
        DraftDue = schedule.DraftDue;
        ApprovalWindowDays = schedule.ApprovalWindowDays;
        TimeZone = schedule.TimeZone;
        Calendar = schedule.Calendar;
        Version = Guid.NewGuid().ToString("N");
    }

    /// <summary>
    /// Ties the cycle to the strategy it executes (a published revision, checked by the caller), or unties it. The
    /// acknowledgement gate needs a strategy.
    /// </summary>
    public void Execute(Guid? strategyId, bool requireAcknowledgement)
    {
        EnsureOpen();
        if (requireAcknowledgement && strategyId is null)
        {
            throw new DomainException("Choose the strategy the cycle executes before requiring reps to acknowledge it.", "requireAcknowledgement");
        }

        StrategyId = strategyId;
        RequireAcknowledgement = requireAcknowledgement;
        Version = Guid.NewGuid().ToString("N");
    }

    /// <summary>Sets the rule the segmentation worksheet suggests tiers by; a suggestion only, so it may change any time the cycle is open.</summary>
    public void SetTierRule(TierRule rule)
    {
        EnsureOpen();
        rule.Validate();
        (TierAShare, TierBShare, TierCShare) = (rule.AShare, rule.BShare, rule.CShare);
        Version = Guid.NewGuid().ToString("N");
    }

    /// <summary>A newer revision of the cycle's strategy was published: the cycle now executes that one.</summary>
    public void FollowRevision(Guid strategyId)
    {
        StrategyId = strategyId;
        Version = Guid.NewGuid().ToString("N");
    }

    public void Close(DateTimeOffset now)
    {
        EnsureOpen();
        Status = CycleStatus.Closed;
        ClosedAt = now;
        Version = Guid.NewGuid().ToString("N");
    }

    public void EnsureOpen()
    {
        if (Status == CycleStatus.Closed)
        {
            throw new InvalidStateException($"The cycle {Name} is closed; its plans are read-only.", "cycle");
        }
    }

    public IReadOnlyList<Quarter> Quarters => Quarter.Split(PeriodStart, PeriodEnd, Calendar);

    /// <summary>The fiscal months of the period, three to a quarter.</summary>
    public IReadOnlyList<FiscalMonth> Months => FiscalCalendars.Months(PeriodStart, PeriodEnd, Calendar);

    /// <summary>Days from kickoff to the draft due day: the time a rep who joins late gets from the day they join.</summary>
    public int DraftWindowDays => DraftDue.DayNumber - Kickoff.DayNumber;

    public bool Contains(DateOnly date) => date >= PeriodStart && date <= PeriodEnd;

    /// <summary>The instant the draft deadline passes: the end of the due day in the cycle's time zone.</summary>
    public DateTimeOffset DraftDeadline => Deadlines.EndOfDay(DraftDue, TimeZone);

    /// <summary>The instant the approval window after a first submission closes.</summary>
    public DateTimeOffset ApprovalDeadline(DateTimeOffset firstSubmittedAt)
    {
        var submittedDay = Deadlines.LocalDate(firstSubmittedAt, TimeZone);
        return Deadlines.EndOfDay(submittedDay.AddDays(ApprovalWindowDays), TimeZone);
    }
}

public sealed record CycleSchedule(
    string Name,
    DateOnly PeriodStart,
    DateOnly PeriodEnd,
    DateOnly Kickoff,
    DateOnly DraftDue,
    int ApprovalWindowDays = PlanningCycle.MaxApprovalWindowDays,
    string TimeZone = "UTC",
    FiscalCalendar Calendar = FiscalCalendar.Months)
{
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || Name.Trim().Length > 100)
        {
            throw new DomainException("A cycle needs a name of at most 100 characters, e.g. FY2027.", "name");
        }

        if (PeriodEnd <= PeriodStart)
        {
            throw new DomainException("The period must end after it starts.", "periodEnd");
        }

        if (!Enum.IsDefined(Calendar))
        {
            throw new DomainException($"Unknown fiscal calendar. Use one of {string.Join(", ", FiscalCalendars.Names)}.", "calendar");
        }

        if (Quarter.Split(PeriodStart, PeriodEnd, Calendar).Count == 0)
        {
            throw new DomainException(FiscalCalendars.WholeQuartersRule(PeriodStart, Calendar), "periodEnd");
        }

        if (DraftDue < Kickoff)
        {
            throw new DomainException("The draft cannot be due before the kickoff.", "draftDue");
        }

        if (DraftDue.DayNumber - Kickoff.DayNumber > PlanningCycle.MaxDraftDays)
        {
            throw new DomainException(
                $"Drafts are due at most {PlanningCycle.MaxDraftDays} days after kickoff; {DraftDue:yyyy-MM-dd} is {DraftDue.DayNumber - Kickoff.DayNumber} days after {Kickoff:yyyy-MM-dd}.",
                "draftDue");
        }

        if (ApprovalWindowDays is < 1 or > PlanningCycle.MaxApprovalWindowDays)
        {
            throw new DomainException(
                $"The approval window is 1 to {PlanningCycle.MaxApprovalWindowDays} days after the first submission.", "approvalWindowDays");
        }

        if (!Deadlines.IsKnownTimeZone(TimeZone))
        {
            throw new DomainException($"Unknown time zone '{TimeZone}'. Use an IANA name such as Europe/Berlin or America/Chicago.", "timeZone");
        }
    }
}

public sealed record Quarter(int Number, DateOnly Start, DateOnly End)
{
    public string Label => $"Q{Number}";

    /// <summary>Consecutive three-month quarters from the start; empty when the period is not whole quarters (1 to 4).</summary>
    public static IReadOnlyList<Quarter> Split(DateOnly start, DateOnly end) => Split(start, end, FiscalCalendar.Months);

    /// <summary>The quarters of the period by the fiscal calendar; empty when the period is not whole quarters (1 to 4).</summary>
    public static IReadOnlyList<Quarter> Split(DateOnly start, DateOnly end, FiscalCalendar calendar) =>
        FiscalCalendars.Quarters(start, end, calendar);
}

public static class Deadlines
{
    public static bool IsKnownTimeZone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);

    public static DateOnly LocalDate(DateTimeOffset instant, string timeZone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZoneInfo.FindSystemTimeZoneById(timeZone)).DateTime);

    /// <summary>The first instant of the next day in that zone: a deadline "on" a day lasts the whole day.</summary>
    public static DateTimeOffset EndOfDay(DateOnly day, string timeZone)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var nextMidnight = day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(nextMidnight))
        {
            nextMidnight = nextMidnight.AddMinutes(30);
        }

        return new DateTimeOffset(nextMidnight, zone.GetUtcOffset(nextMidnight)).ToUniversalTime();
    }

    /// <summary>Whole days left until a deadline, counted in the zone's calendar; negative once it has passed.</summary>
    public static int DaysLeft(DateTimeOffset now, DateTimeOffset deadline, string timeZone)
    {
        var today = LocalDate(now, timeZone);
        var lastDay = LocalDate(deadline.AddTicks(-1), timeZone);
        return lastDay.DayNumber - today.DayNumber;
    }
}
