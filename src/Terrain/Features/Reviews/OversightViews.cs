using Terrain.Domain.Reviews;
using Terrain.Features.Dashboards;

namespace Terrain.Features.Reviews;

/// <summary>
/// Are reviews happening and working (issue 11 §4–§5): for the whole organisation (<see cref="Team"/> null; leaders and
/// admins) or one manager's team (the manager themselves, or a leader preparing their review with that manager). Counts
/// are of the cycle's reviews; per manager for the organisation, per rep for a team (ADR 0029 defines each figure).
/// </summary>
public sealed record OversightView(
    DateOnly Today,
    OversightCycle? Cycle,
    TeamRef? Team,
    IReadOnlyList<TeamRef> Teams,
    IReadOnlyList<ComplianceRow> Compliance,
    ComplianceRow Total,
    ActionFollowUp Actions,
    IReadOnlyList<RepBehind> RepsBehind,
    int RepsBehindCount,
    IReadOnlyList<AccuracyRow> Accuracy,
    IReadOnlyList<ReasonCount> Reasons,
    IReadOnlyList<ActionEffect> Effects);

public sealed record OversightCycle(Guid Id, string Name, DateOnly Start, DateOnly End, bool Closed);

/// <summary>
/// A manager's (or, at team level, a rep's) reviews of the cycle by status (<see cref="ReviewStatus"/>): held by their
/// due day, late, missed, open now, upcoming, ended with the cycle. Shares are of the reviews due so far (held + late + missed).
/// </summary>
public sealed record ComplianceRow(Guid? PersonId, string Name, int Held, int Late, int Missed, int Open, int Upcoming, int Ended)
{
    public int Due => Held + Late + Missed;

    public decimal? HeldShare => Share(Held);

    public decimal? LateShare => Share(Late);

    public decimal? MissedShare => Share(Missed);

    private decimal? Share(int count) => Due == 0 ? null : Math.Round((decimal)count / Due, 4);
}

/// <summary>Open corrective actions (overdue: due before today; unconfirmed: not yet agreed by both), the oldest due first, at most <see cref="Listed"/>.</summary>
public sealed record ActionFollowUp(int Open, int Overdue, int Unconfirmed, IReadOnlyList<OpenAction> List)
{
    public const int Listed = 100;
}

public sealed record OpenAction(Guid Id, Guid ReviewId, string What, Guid RepId, string Rep, Guid OwnerId, string Owner, string? Manager, DateOnly Due,
    bool Overdue, bool Agreed);

/// <summary>
/// A rep whose latest <see cref="Reviews"/> (two or more) completed reviews in a row each recorded a variance reason:
/// behind at each. The view lists the <see cref="Listed"/> longest runs and counts them all.
/// </summary>
public sealed record RepBehind(Guid RepId, string Rep, string? Manager, int Reviews, DateOnly Since, DateOnly Latest)
{
    public const int Listed = 100;
}

/// <summary>
/// Forecast accuracy over the cycle's completed quarters: for each, the last call made in a completed review of that
/// quarter against the rep's revenue won in it; accuracy = max(0, 1 − |call − actual| ÷ actual), undefined when
/// nothing was won. Per rep at team level (with each quarter in <see cref="Calls"/>), per manager for the organisation.
/// </summary>
public sealed record AccuracyRow(Guid PersonId, string Name, int Quarters, decimal? RepCallAccuracy, decimal? ManagerCallAccuracy, IReadOnlyList<QuarterCall> Calls);

public sealed record QuarterCall(string Quarter, decimal? RepCall, decimal? ManagerCall, decimal Actual, decimal? RepCallAccuracy, decimal? ManagerCallAccuracy);

/// <summary>How many variance reasons of completed reviews fall in a category, and their share of all.</summary>
public sealed record ReasonCount(VarianceCategory Category, int Count, decimal Share);

/// <summary>
/// Agreed corrective actions (not dropped) tied to a goal whose variance reason is <see cref="Category"/>, by the kind
/// of effect they claimed (<see cref="Metric"/>), and what the actuals said of the claim.
/// </summary>
public sealed record ActionEffect(VarianceCategory Category, ClaimMetric Metric, int Achieved, int PartlyAchieved, int Missed, int Pending)
{
    public int Decided => Achieved + PartlyAchieved + Missed;

    /// <summary>Achieved ÷ decided; null before any claim is decided.</summary>
    public decimal? AchievedShare => Decided == 0 ? null : Math.Round((decimal)Achieved / Decided, 4);
}
