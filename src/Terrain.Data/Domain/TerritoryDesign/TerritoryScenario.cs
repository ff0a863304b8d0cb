using System.Globalization;
using System.Linq.Expressions;

namespace Terrain.Domain.TerritoryDesign;

/// <summary>Which part of the organisation a scenario redraws.</summary>
public enum ScenarioScope
{
    /// <summary>Every territory and every account.</summary>
    Organisation = 0,

    /// <summary>The accounts of one region, among the territories that hold them.</summary>
    Region = 1,

    /// <summary>The territories of one manager's reps and their accounts.</summary>
    Team = 2,
}

/// <summary>How an account's workload is counted.</summary>
public enum WorkloadMeasure
{
    /// <summary>Every account weighs 1.</summary>
    AccountCount = 0,

    /// <summary>An account weighs its segment's weight (1 for a segment not listed).</summary>
    SegmentWeights = 1,
}

/// <summary>Where a territory's centre is: the rep's base location, or the centroid of its accounts.</summary>
public enum ScenarioCentres
{
    RepsInPlace = 0,
    Floating = 1,
}

/// <summary>Where a scenario is in its life (ADR 0044).</summary>
public enum ScenarioStatus
{
    /// <summary>Made from the current alignment; not run yet (or edited by hand only).</summary>
    Draft = 0,

    /// <summary>Waiting for the background worker.</summary>
    Queued = 1,

    /// <summary>The optimizer is working on it.</summary>
    Running = 2,

    /// <summary>The optimizer proposed an alignment; it can be edited by hand and applied.</summary>
    Proposed = 3,

    /// <summary>The run stopped with an error.</summary>
    Failed = 4,

    /// <summary>The run was cancelled.</summary>
    Cancelled = 5,

    /// <summary>Applied as dated account moves; read-only from then on.</summary>
    Applied = 6,
}

/// <summary>What a scenario aims for (issue 13 §3). Tolerances are fractions of the mean (0.05 = ±5%).</summary>
public sealed record ScenarioGoals(
    double PotentialTolerance,
    double WorkloadTolerance,
    WorkloadMeasure Workload,
    string SegmentWeights,
    bool Compact,
    bool MinimalDisruption,
    ScenarioCentres Centres)
{
    public const int MaxSegmentWeights = 1000;

    /// <summary>"Enterprise=3, Mid-Market=2": the weight of each listed segment, compared ignoring case.</summary>
    public static IReadOnlyDictionary<string, double> ParseWeights(string? text)
    {
        var weights = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in (text ?? "").Split([',', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !double.TryParse(part[(eq + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var w)
                || !double.IsFinite(w) || w < 0 || w > 1000)
            {
                throw new DomainException($"'{part}' is not a segment weight: write Segment=weight (a number from 0 to 1000), separated by commas.", "segmentWeights");
            }

            weights[part[..eq].Trim()] = w;
        }

        return weights;
    }
}

/// <summary>
/// A proposed redrawing of territories, made from the alignment as it was when the scenario was made or refreshed
/// (its base, kept as one row per account in <see cref="ScenarioAssignment"/> and a fingerprint in <see cref="BaseHash"/>),
/// run by the optimizer in the background, edited by hand and applied on a date, all or nothing (ADR 0044).
/// </summary>
public sealed class TerritoryScenario
{
    public const int MaxName = 100;

    public const int MaxRegion = 100;

    public const int MaxReason = 4000;

    private TerritoryScenario()
    {
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public ScenarioScope Scope { get; private set; }

    /// <summary>The region of a region scope, else empty.</summary>
    public string Region { get; private set; } = "";

    /// <summary>The manager of a team scope.</summary>
    public Guid? ManagerId { get; private set; }

    public double PotentialTolerance { get; private set; }

    public double WorkloadTolerance { get; private set; }

    public WorkloadMeasure Workload { get; private set; }

    public string SegmentWeights { get; private set; } = "";

    public bool Compact { get; private set; }

    public bool MinimalDisruption { get; private set; }

    public ScenarioCentres Centres { get; private set; }

    /// <summary>A fingerprint of the alignment of the scope when the scenario was based on it: a change since refuses apply.</summary>
    public string BaseHash { get; private set; } = "";

    public DateTimeOffset BasedAt { get; private set; }

    public ScenarioStatus Status { get; private set; }

    /// <summary>What the run is doing ("Construction", "Local search", ...), while it runs.</summary>
    public string Phase { get; private set; } = "";

    public int Percent { get; private set; }

    public bool CancelRequested { get; private set; }

    public DateTimeOffset? HeartbeatAt { get; private set; }

    /// <summary>The optimizer's outcome as JSON (status, reasons, figures reached, disruption bound, time).</summary>
    public string? Result { get; private set; }

    public string? FailureReason { get; private set; }

    public Guid CreatedById { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public DateOnly? AppliedFrom { get; private set; }

    public DateTimeOffset? AppliedAt { get; private set; }

    public Guid Version { get; private set; }

    public ScenarioGoals Goals => new(PotentialTolerance, WorkloadTolerance, Workload, SegmentWeights, Compact, MinimalDisruption, Centres);

    public bool IsBusy => Status is ScenarioStatus.Queued or ScenarioStatus.Running;

    /// <summary>
    /// A scenario is deleted with its rows, whatever its status but while it runs: an applied one too, since what it
    /// did stays in the accounts' assignment history and the audit trail (ADR 0045).
    /// </summary>
    public void EnsureDeletable()
    {
        if (IsBusy)
        {
            throw new InvalidStateException($"This scenario is {Describe(Status)}; cancel the run before deleting it.");
        }
    }

    public static TerritoryScenario Create(string? name, ScenarioScope scope, string? region, Guid? managerId, ScenarioGoals goals, Guid createdById,
        string baseHash, DateTimeOffset now)
    {
        var scenario = new TerritoryScenario
        {
            Id = Guid.CreateVersion7(now),
            Scope = scope,
            CreatedById = createdById,
            CreatedAt = now,
            Status = ScenarioStatus.Draft,
        };
        switch (scope)
        {
            case ScenarioScope.Organisation:
                break;
            case ScenarioScope.Region:
                var r = region?.Trim() ?? "";
                if (r.Length == 0)
                {
                    throw new DomainException("Name the region this scenario redraws.", "region");
                }

                scenario.Region = r.Length <= MaxRegion ? r : throw new DomainException($"The region is longer than {MaxRegion} characters.", "region");
                break;
            case ScenarioScope.Team:
                scenario.ManagerId = managerId ?? throw new DomainException("Choose the manager whose team this scenario redraws.", "managerId");
                break;
            default:
                throw new DomainException($"'{scope}' is not a scope: choose Organisation, Region or Team.", "scope");
        }

        scenario.Rename(name);
        scenario.SetGoals(goals);
        scenario.Rebase(baseHash, now);
        return scenario;
    }

    public void Rename(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            throw new DomainException("The scenario needs a name.", "name");
        }

        if (trimmed.Length > MaxName)
        {
            throw new DomainException($"The name is longer than {MaxName} characters.", "name");
        }

        Name = Text.EnsurePrintable(trimmed, "name");
    }

    public void SetGoals(ScenarioGoals goals)
    {
        EnsureEditable();
        CheckTolerance(goals.PotentialTolerance, "potentialTolerance");
        CheckTolerance(goals.WorkloadTolerance, "workloadTolerance");
        if (!Enum.IsDefined(goals.Workload))
        {
            throw new DomainException("Choose how workload is counted: AccountCount or SegmentWeights.", "workload");
        }

        if (!Enum.IsDefined(goals.Centres))
        {
            throw new DomainException("Choose the centres: RepsInPlace or Floating.", "centres");
        }

        var weights = (goals.SegmentWeights ?? "").Trim();
        if (weights.Length > ScenarioGoals.MaxSegmentWeights)
        {
            throw new DomainException($"The segment weights are longer than {ScenarioGoals.MaxSegmentWeights} characters.", "segmentWeights");
        }

        var parsed = ScenarioGoals.ParseWeights(weights);
        if (goals.Workload == WorkloadMeasure.SegmentWeights && parsed.Count == 0)
        {
            throw new DomainException("List the segment weights (for example Enterprise=3, Mid-Market=2, SMB=1), or count accounts instead.", "segmentWeights");
        }

        PotentialTolerance = goals.PotentialTolerance;
        WorkloadTolerance = goals.WorkloadTolerance;
        Workload = goals.Workload;
        SegmentWeights = Text.EnsurePrintable(weights, "segmentWeights");
        Compact = goals.Compact;
        MinimalDisruption = goals.MinimalDisruption;
        Centres = goals.Centres;
        Touch(UpdatedAt);
    }

    private static void CheckTolerance(double value, string field)
    {
        if (!double.IsFinite(value) || value < 0.001 || value > 1)
        {
            throw new DomainException("The tolerance must be between 0.1% and 100% of the mean.", field);
        }
    }

    /// <summary>Based anew on the alignment as it is now: the proposal is dropped (the rows are rebuilt by the caller).</summary>
    public void Rebase(string baseHash, DateTimeOffset now)
    {
        EnsureEditable();
        BaseHash = baseHash;
        BasedAt = now;
        Status = ScenarioStatus.Draft;
        Result = null;
        FailureReason = null;
        Phase = "";
        Percent = 0;
        CancelRequested = false;
        Touch(now);
    }

    /// <summary>Queued for the optimizer.</summary>
    public void Queue(DateTimeOffset now)
    {
        EnsureEditable();
        Status = ScenarioStatus.Queued;
        Phase = "Queued";
        Percent = 0;
        CancelRequested = false;
        FailureReason = null;
        HeartbeatAt = now;
        Touch(now);
    }

    /// <summary>A queued scenario is withdrawn at once; a running one is asked to stop (the worker stops it at its next step).</summary>
    public void RequestCancel(DateTimeOffset now)
    {
        switch (Status)
        {
            case ScenarioStatus.Queued:
                Status = ScenarioStatus.Cancelled;
                Phase = "Cancelled";
                break;
            case ScenarioStatus.Running:
                CancelRequested = true;
                break;
            default:
                throw new InvalidStateException($"This scenario is {Describe(Status)}: only a queued or running one can be cancelled.");
        }

        Touch(now);
    }

    /// <summary>Hand edits (moves, locks) keep a proposal a proposal and make a draft's edits the proposal to apply.</summary>
    public void Edited(DateTimeOffset now)
    {
        EnsureEditable();
        if (Status is ScenarioStatus.Failed or ScenarioStatus.Cancelled)
        {
            Status = ScenarioStatus.Draft;
        }

        Touch(now);
    }

    public void MarkApplied(DateOnly effectiveFrom, DateTimeOffset now)
    {
        if (Status is not (ScenarioStatus.Proposed or ScenarioStatus.Draft))
        {
            throw new InvalidStateException($"This scenario is {Describe(Status)}: only a proposed (or hand-edited) scenario can be applied.");
        }

        Status = ScenarioStatus.Applied;
        AppliedFrom = effectiveFrom;
        AppliedAt = now;
        Touch(now);
    }

    public void EnsureEditable()
    {
        if (Status == ScenarioStatus.Applied)
        {
            throw new InvalidStateException("This scenario has been applied; make a new one to redraw the territories again.");
        }

        if (IsBusy)
        {
            throw new InvalidStateException($"This scenario is {Describe(Status)}; wait for the run to end or cancel it.");
        }
    }

    public static string Describe(ScenarioStatus status) => status switch
    {
        ScenarioStatus.Draft => "a draft",
        ScenarioStatus.Queued => "queued",
        ScenarioStatus.Running => "running",
        ScenarioStatus.Proposed => "proposed",
        ScenarioStatus.Failed => "failed",
        ScenarioStatus.Cancelled => "cancelled",
        ScenarioStatus.Applied => "applied",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "A status without a description."),
    };

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version = Guid.NewGuid();
    }
}

/// <summary>
/// One account of a scenario: the territory it was in when the scenario was based (<see cref="BaseTerritoryId"/>),
/// the territory the scenario puts it in, and whether it is locked where it is.
/// </summary>
public sealed class ScenarioAssignment
{
    private ScenarioAssignment()
    {
    }

    public Guid ScenarioId { get; private set; }

    public Guid AccountId { get; private set; }

    public Guid? BaseTerritoryId { get; private set; }

    public Guid? TerritoryId { get; private set; }

    public bool Locked { get; private set; }

    public static ScenarioAssignment Of(Guid scenarioId, Guid accountId, Guid? territoryId, bool locked = false) => new()
    {
        ScenarioId = scenarioId,
        AccountId = accountId,
        BaseTerritoryId = territoryId,
        TerritoryId = territoryId,
        Locked = locked && territoryId is not null,
    };

    public void MoveTo(Guid? territoryId) => TerritoryId = territoryId;

    /// <summary>
    /// Moved: the account had a territory at the base and the scenario gives it another. Placed: it had none and the
    /// scenario gives it one. Counted this one way everywhere (the scenario, its comparisons, the pages and exports).
    /// </summary>
    public static bool IsMove(Guid? from, Guid? to) => from is not null && to is not null && from != to;

    /// <inheritdoc cref="IsMove"/>
    public static bool IsPlacement(Guid? from, Guid? to) => from is null && to is not null;

    /// <summary><see cref="IsMove"/> for a query.</summary>
    public static readonly Expression<Func<ScenarioAssignment, bool>> Moved =
        r => r.BaseTerritoryId != null && r.TerritoryId != null && r.TerritoryId != r.BaseTerritoryId;

    /// <summary><see cref="IsPlacement"/> for a query.</summary>
    public static readonly Expression<Func<ScenarioAssignment, bool>> Placed = r => r.BaseTerritoryId == null && r.TerritoryId != null;

    /// <summary>A locked account stays in the territory it had at the base; an account of no territory cannot be locked.</summary>
    public void Lock(bool locked)
    {
        if (locked && BaseTerritoryId is null)
        {
            throw new DomainException("An account that belongs to no territory cannot be locked where it is.", "accountIds");
        }

        Locked = locked;
        if (locked)
        {
            TerritoryId = BaseTerritoryId;
        }
    }
}

/// <summary>One territory of a scenario; a locked one keeps exactly its accounts of the base.</summary>
public sealed class ScenarioTerritory
{
    private ScenarioTerritory()
    {
    }

    public Guid ScenarioId { get; private set; }

    public Guid TerritoryId { get; private set; }

    public bool Locked { get; private set; }

    public static ScenarioTerritory Of(Guid scenarioId, Guid territoryId, bool locked = false) =>
        new() { ScenarioId = scenarioId, TerritoryId = territoryId, Locked = locked };

    public void Lock(bool locked) => Locked = locked;
}
