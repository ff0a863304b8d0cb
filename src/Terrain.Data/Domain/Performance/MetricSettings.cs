namespace Terrain.Domain.Performance;

/// <summary>
/// What a leader sets for goal performance (docs/metrics.md), one row for the organisation: where forecast ÷ target
/// turns a goal from on track to at risk to off track, the pipeline coverage considered healthy, the early stages
/// coverage leaves out and the idle days after which a deal is at risk. Ratios are stored as whole percents (100 =
/// 1.00), not as money.
/// </summary>
public sealed class MetricSettings
{
    /// <summary>The single row's key.</summary>
    public const int SingleId = 1;

    public const int MaxStages = 20;

    public const int MaxStageLength = 60;

    public const int DefaultDataAgeLimitHours = 48;

    /// <summary>A limit beyond a month would never warn in time to matter.</summary>
    public const int MaxDataAgeLimitHours = 24 * 31;

    private MetricSettings()
    {
    }

    public int Id { get; private set; }

    /// <summary>Forecast ÷ target at or above which a goal is on track, in percent.</summary>
    public int OnTrackPercent { get; private set; }

    /// <summary>Forecast ÷ target at or above which a goal is at risk (below: off track), in percent.</summary>
    public int AtRiskPercent { get; private set; }

    /// <summary>Open pipeline ÷ what remains to win at or above which coverage is healthy, in percent (300 = 3×).</summary>
    public int HealthyCoveragePercent { get; private set; }

    /// <summary>Stages (as the CRM names them, compared ignoring case) left out of coverage, one per line.</summary>
    public string EarlyStages { get; private set; } = "";

    /// <summary>Days without a held activity on its account after which an open deal is at risk.</summary>
    public int IdleDays { get; private set; }

    /// <summary>Days in one stage (by the imports' history) after which an open deal is at risk.</summary>
    public int StalledDays { get; private set; }
    /// <summary>Hours after the latest CRM import at which every page warns that the data is old; 0 turns the warning off.</summary>
    public int DataAgeLimitHours { get; private set; }

    public Guid Version { get; private set; }

    public DateTimeOffset? UpdatedAt { get; private set; }

    public Guid? UpdatedById { get; private set; }

    public IReadOnlyList<string> EarlyStageList => Split(EarlyStages);

    public StatusThresholds Thresholds => new(OnTrackPercent / 100m, AtRiskPercent / 100m, HealthyCoveragePercent / 100m);

    /// <summary>The values an organisation starts with, before a leader sets any.</summary>
    public static MetricSettings Default() => new()
    {
        Id = SingleId,
        OnTrackPercent = 100,
        AtRiskPercent = 85,
        HealthyCoveragePercent = 300,
        EarlyStages = "",
        IdleDays = 14,
        StalledDays = 30,
        DataAgeLimitHours = DefaultDataAgeLimitHours,
        Version = Guid.Empty,
    };

    /// <summary>
    /// Checks and applies a leader's values; a refusal names the field at fault and changes nothing. The stalled days
    /// stay as they are when not given.
    /// </summary>
    public void Change(int onTrackPercent, int atRiskPercent, int healthyCoveragePercent, IEnumerable<string>? earlyStages, int idleDays,
        Guid by, DateTimeOffset at, int? stalledDays = null, int? dataAgeLimitHours = null)
    {
        var dataAge = dataAgeLimitHours ?? DataAgeLimitHours;
        if (dataAge is < 0 or > MaxDataAgeLimitHours)
        {
            throw new DomainException($"The data age limit is a number of hours from 1 to {MaxDataAgeLimitHours}, or 0 for no warning.", "dataAgeLimitHours");
        }

        if (onTrackPercent is < 1 or > 500)
        {
            throw new DomainException("The on-track threshold is a percentage of the target from 1 to 500.", "onTrackPercent");
        }

        if (atRiskPercent < 1 || atRiskPercent > onTrackPercent)
        {
            throw new DomainException($"The at-risk threshold is a percentage from 1 up to the on-track threshold ({onTrackPercent}).", "atRiskPercent");
        }

        if (healthyCoveragePercent is < 1 or > 2000)
        {
            throw new DomainException("The healthy coverage is a percentage of what remains to win from 1 to 2000 (3× is 300).", "healthyCoveragePercent");
        }

        if (idleDays is < 1 or > 365)
        {
            throw new DomainException("The idle days are a number of days from 1 to 365.", "idleDays");
        }

        if (stalledDays is < 1 or > 365)
        {
            throw new DomainException("The stalled days are a number of days from 1 to 365.", "stalledDays");
        }

        var stages = (earlyStages ?? []).Select(s => s?.Trim() ?? "").Where(s => s.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (stages.Count > MaxStages)
        {
            throw new DomainException($"At most {MaxStages} early stages.", "earlyStages");
        }

        if (stages.FirstOrDefault(s => s.Length > MaxStageLength || s.Contains('\n', StringComparison.Ordinal) || s.Contains('\0', StringComparison.Ordinal)) is { } bad)
        {
            throw new DomainException($"The early stage '{(bad.Length > 40 ? bad[..40] + "…" : bad)}' is longer than {MaxStageLength} characters or holds a line break.", "earlyStages");
        }

        (OnTrackPercent, AtRiskPercent, HealthyCoveragePercent, EarlyStages, IdleDays, StalledDays, DataAgeLimitHours) =
            (onTrackPercent, atRiskPercent, healthyCoveragePercent, string.Join('\n', stages), idleDays, stalledDays ?? StalledDays, dataAge);
        (Version, UpdatedAt, UpdatedById) = (Guid.NewGuid(), at, by);
    }

    private static List<string> Split(string stages) =>
        stages.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
