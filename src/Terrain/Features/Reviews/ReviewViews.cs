using System.Text.Json.Serialization;
using Terrain.Domain.Performance;
using Terrain.Domain.Reviews;

namespace Terrain.Features.Reviews;

public sealed record ReviewRow(
    Guid Id,
    Guid CycleId,
    string CycleName,
    Guid RepId,
    string RepName,
    Guid? ManagerId,
    string? ManagerName,
    ReviewCadence Cadence,
    int Number,
    DateOnly WindowStart,
    DateOnly WindowEnd,
    DateOnly ScheduledOn,
    bool Moved,
    ReviewStatus Status,
    DateTimeOffset? CompletedAt);

/// <summary>"No action" on a goal off track: why, and the manager who signed it.</summary>
public sealed record NoActionDecision(string Reason, Guid SignedById, DateTimeOffset SignedAt);

/// <summary>
/// A review as one person may read it. <see cref="CoachingNotes"/> is the manager's and the leaders' only: for the rep
/// it is left out of the answer altogether.
/// </summary>
public sealed record ReviewDetail(
    Guid Id,
    Guid CycleId,
    string CycleName,
    Guid PlanId,
    Guid RepId,
    string RepName,
    Guid? ManagerId,
    string? ManagerName,
    ReviewCadence Cadence,
    int Number,
    DateOnly WindowStart,
    DateOnly WindowEnd,
    DateOnly ScheduledOn,
    bool Moved,
    DateOnly DueBy,
    ReviewStatus Status,
    string Agenda,
    string SharedNotes,
    string SelfAssessment,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CoachingNotes,
    ForecastCall RepCall,
    ForecastCall ManagerCall,
    IReadOnlyList<VarianceReason> VarianceReasons,
    NoActionDecision? NoAction,
    DateTimeOffset? CompletedAt,
    string? CompletedByName,
    bool Frozen,
    ReviewFigures? Figures,
    IReadOnlyList<CorrectiveActionRow> CorrectiveActions,
    string Version)
{
    /// <summary>What the caller may do here: hold it (its manager) or take part as its rep.</summary>
    public bool MayHold { get; init; }

    public bool MayJoin { get; init; }

    /// <summary>The goals off track in the period under review, which need a variance reason before completion.</summary>
    public IReadOnlyList<string> OffTrackGoals => Figures?.Goals.Where(g => g.Status == GoalStatus.OffTrack).Select(g => g.GoalKey).ToList() ?? [];
}

/// <summary>
/// What a review is prepared with, as of its date: each goal of the plan in force in the quarter under review, the
/// action-plan items due or overdue, the corrective actions still open from earlier reviews, the rep's deals that
/// changed since the last review or are at risk, and the accuracy of the calls made at earlier reviews. Frozen at
/// completion; snapshots frozen before deal changes and calls were prepared have neither (null).
/// </summary>
public sealed record ReviewFigures(
    DateOnly AsOf,
    string Period,
    int? Edition,
    IReadOnlyList<ReviewGoal> Goals,
    IReadOnlyList<ReviewActionItem> ActionItems,
    IReadOnlyList<CorrectiveActionRow> EarlierActions,
    DealChanges? DealChanges = null,
    IReadOnlyList<CallAccuracy>? Calls = null);

/// <summary>
/// A forecast call made at an earlier review beside what was won in the quarter it was made in, and its accuracy (the
/// call ÷ that actual, null while nothing is won); <see cref="Final"/> once the quarter has ended.
/// </summary>
public sealed record CallAccuracy(
    int Number,
    DateOnly HeldOn,
    string Period,
    decimal? RepCommit,
    decimal? ManagerCommit,
    decimal Actual,
    bool Final,
    decimal? RepAccuracy,
    decimal? ManagerAccuracy);

/// <summary>
/// One goal in the quarter under review (docs/metrics.md); attainment and coverage are ratios, null when not defined.
/// <see cref="Breakdown"/> splits the gap of a revenue goal off track by the plan's pipeline assumptions (ADR 0028).
/// </summary>
public sealed record ReviewGoal(
    string GoalKey,
    string Name,
    string? Metric,
    decimal Target,
    decimal Actual,
    decimal? Attainment,
    decimal Gap,
    decimal? Forecast,
    decimal? ForecastBestCase,
    decimal? Coverage,
    bool? CoverageMet,
    GoalStatus Status,
    decimal CycleTarget,
    decimal CycleActual,
    GapBreakdown? Breakdown = null);

public sealed record ReviewActionItem(Guid Id, string Title, DateOnly? Due, string Status, string? GoalKey, bool Overdue);

public sealed record CorrectiveActionRow(
    Guid Id,
    Guid ReviewId,
    Guid RepId,
    string What,
    Guid OwnerId,
    string OwnerName,
    DateOnly Due,
    string? GoalKey,
    EffectClaim Claim,
    ClaimOutcome ClaimOutcome,
    decimal? ClaimActual,
    DateTimeOffset? ClaimCheckedAt,
    CorrectiveStatus Status,
    string? DropReason,
    string Outcome,
    bool Overdue,
    Confirmation? RepConfirmed,
    Confirmation? ManagerConfirmed,
    bool Agreed,
    string Version);

public sealed record Confirmation(Guid ById, DateTimeOffset At);
