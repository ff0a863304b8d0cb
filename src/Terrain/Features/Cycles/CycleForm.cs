using System.Globalization;
using Terrain.Domain;
using Terrain.Domain.Planning;

namespace Terrain.Features.Cycles;

/// <summary>
/// A cycle's schedule as the open and edit pages post it: text as typed, read into the domain's names so that a
/// refusal ("draftDue": drafts are due at most 14 days after kickoff) lands beside the input it names.
/// </summary>
public sealed class CycleForm
{
    public string? Name { get; set; }

    public string? PeriodStart { get; set; }

    public string? PeriodEnd { get; set; }

    public string? Kickoff { get; set; }

    public string? DraftDue { get; set; }

    public string? ApprovalWindowDays { get; set; }

    public string? TimeZone { get; set; }

    public string? Calendar { get; set; }

    /// <summary>Time zones offered first; any IANA name is accepted.</summary>
    public static readonly IReadOnlyList<string> CommonTimeZones =
    [
        "UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York", "America/Chicago", "America/Denver",
        "America/Los_Angeles", "America/Toronto", "America/Sao_Paulo", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
    ];

    public static CycleForm Of(CycleRow c) => new()
    {
        Name = c.Name,
        PeriodStart = Iso(c.PeriodStart),
        PeriodEnd = Iso(c.PeriodEnd),
        Kickoff = Iso(c.Kickoff),
        DraftDue = Iso(c.DraftDue),
        ApprovalWindowDays = c.ApprovalWindowDays.ToString(CultureInfo.InvariantCulture),
        TimeZone = c.TimeZone,
        Calendar = c.Calendar,
    };

    /// <summary>The next cycle after <paramref name="latest"/>: the following year, kicking off today, drafts due in two weeks.</summary>
    public static CycleForm Next(CycleRow? latest, DateOnly today)
    {
        var start = latest is null ? new DateOnly(today.Year + 1, 1, 1) : latest.PeriodEnd.AddDays(1);
        var end = start.AddYears(1).AddDays(-1);
        var fiscalYear = end.Year;
        return new CycleForm
        {
            Name = $"FY{fiscalYear}",
            PeriodStart = Iso(start),
            PeriodEnd = Iso(end),
            Kickoff = Iso(today),
            DraftDue = Iso(today.AddDays(PlanningCycle.MaxDraftDays)),
            ApprovalWindowDays = PlanningCycle.MaxApprovalWindowDays.ToString(CultureInfo.InvariantCulture),
            TimeZone = latest?.TimeZone ?? "UTC",
            Calendar = latest?.Calendar ?? nameof(FiscalCalendar.Months),
        };
    }

    public CycleInput ToInput(Guid? strategyId, bool requireAcknowledgement, Guid? copyTemplateFrom) => new()
    {
        Name = Name?.Trim() ?? "",
        PeriodStart = Date(PeriodStart, "periodStart", "The period's start"),
        PeriodEnd = Date(PeriodEnd, "periodEnd", "The period's end"),
        Kickoff = Date(Kickoff, "kickoff", "The kickoff"),
        DraftDue = Date(DraftDue, "draftDue", "The draft deadline"),
        ApprovalWindowDays = Days(),
        TimeZone = TimeZone?.Trim() ?? "",
        Calendar = CalendarName(),
        StrategyId = strategyId,
        RequireAcknowledgement = requireAcknowledgement,
        CopyTemplateFrom = copyTemplateFrom,
    };

    public CyclePatch ToPatch() => new()
    {
        Name = Name?.Trim() ?? "",
        PeriodStart = Date(PeriodStart, "periodStart", "The period's start"),
        PeriodEnd = Date(PeriodEnd, "periodEnd", "The period's end"),
        Kickoff = Date(Kickoff, "kickoff", "The kickoff"),
        DraftDue = Date(DraftDue, "draftDue", "The draft deadline"),
        ApprovalWindowDays = Days(),
        TimeZone = TimeZone?.Trim() ?? "",
        Calendar = CalendarName(),
    };

    private string CalendarName() =>
        FiscalCalendars.TryParse(Calendar, out var calendar)
            ? calendar.ToString()
            : throw new DomainException($"Choose how the year splits into quarters: {string.Join(", ", FiscalCalendars.Names)}.", "calendar");

    private int Days() =>
        int.TryParse(ApprovalWindowDays?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var days)
            ? days
            : throw new DomainException($"The approval window is a whole number of days, 1 to {PlanningCycle.MaxApprovalWindowDays}.", "approvalWindowDays");

    private static DateOnly Date(string? text, string field, string what)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new DomainException($"{what} is missing.", field);
        }

        return DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new DomainException($"{what} '{text.Trim()}' is not a date; use the form 2027-01-31.", field);
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
