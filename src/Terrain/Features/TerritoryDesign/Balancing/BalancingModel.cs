namespace Terrain.Features.TerritoryDesign.Balancing;

/// <summary>A point on the earth in decimal degrees.</summary>
public readonly record struct GeoPoint(double Latitude, double Longitude);

/// <summary>
/// One account to place. <paramref name="CurrentTerritory"/> is an index into <see cref="BalancingProblem.Territories"/>
/// (null: it belongs to nobody yet). A locked account stays in its current territory.
/// </summary>
public sealed record BalancingAccount(
    Guid Id,
    GeoPoint Location,
    decimal Potential,
    double Workload = 1,
    int? CurrentTerritory = null,
    bool Locked = false);

/// <summary>
/// One territory. <paramref name="Base"/> is the rep's base location (the centre when reps stay in place). A locked
/// territory keeps exactly its current accounts and receives no new ones.
/// </summary>
public sealed record BalancingTerritory(Guid Id, GeoPoint? Base = null, bool Locked = false);

public enum CentreMode
{
    /// <summary>A territory's centre is its rep's base location (territories without one use their centroid).</summary>
    RepsStayInPlace,

    /// <summary>A territory's centre is the centroid of its accounts.</summary>
    Floating,
}

/// <summary>
/// What a good alignment looks like. Tolerances are fractions of the mean over all territories (0.05 = ±5%).
/// <see cref="Compactness"/> weighs the sum of distances to the centres; <see cref="Disruption"/> is the cost of moving
/// one account away from its current territory, in multiples of the mean account-to-centre distance (0: ignore;
/// 10 or more: keep as many accounts with their current territory as the tolerance allows).
/// </summary>
public sealed record BalancingGoals
{
    public double PotentialTolerance { get; init; } = 0.05;

    public double WorkloadTolerance { get; init; } = 0.05;

    public double Compactness { get; init; } = 1;

    public double Disruption { get; init; }

    public CentreMode Centres { get; init; } = CentreMode.Floating;
}

public sealed record BalancingProblem(
    IReadOnlyList<BalancingAccount> Accounts,
    IReadOnlyList<BalancingTerritory> Territories,
    BalancingGoals Goals);

/// <summary>
/// How hard to search. The result is deterministic for a seed when the time budget does not cut the search short
/// (<see cref="BalancingResult.StoppedEarly"/>). <see cref="ImprovementRounds"/>: rounds of iterated local search
/// after the first local optimum (null: chosen from the size of the problem).
/// </summary>
public sealed record BalancingOptions
{
    public int Seed { get; init; } = 1;

    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromSeconds(60);

    public int CandidateTerritories { get; init; } = 16;

    public int? ImprovementRounds { get; init; }

    /// <summary>
    /// Large problems are cut into regions of about this many accounts, solved in parallel and then repaired across
    /// their borders, when the movable accounts fill more than three regions (null: 12,000; 0: never).
    /// </summary>
    public int? AccountsPerRegion { get; init; }

    /// <summary>
    /// Independent starts of the whole search (construction, local search, iterated local search), the best kept
    /// (null: chosen from the size of the problem; the budget is shared between them).
    /// </summary>
    public int? Restarts { get; init; }
}

public enum BalancingPhase
{
    Construction,
    LocalSearch,
    IteratedLocalSearch,
    Done,
}

/// <summary>Progress: the phase, the step within it and the balance of the best alignment so far.</summary>
public sealed record BalancingProgress(
    BalancingPhase Phase,
    int Step,
    int Steps,
    double PotentialMaxDeviationPercent,
    double WorkloadMaxDeviationPercent);

public enum BalancingStatus
{
    /// <summary>Every territory is within the tolerance on potential and workload.</summary>
    WithinTolerance,

    /// <summary>No alignment within the tolerance was found; the result is the closest found.</summary>
    NotFound,

    /// <summary>No alignment can meet the tolerance (see the reasons); the result is the closest found.</summary>
    Infeasible,
}

/// <summary>Spread of one measure over the territories: the mean, the largest deviation from it and the coefficient of variation.</summary>
public sealed record BalanceMeasure(double Mean, double Min, double Max, double MaxDeviationPercent, double CoefficientOfVariation);

/// <summary>
/// One territory's figures. Distances are haversine kilometres from each account to the territory's centre.
/// </summary>
public sealed record TerritoryFigures(
    int Index,
    Guid Id,
    decimal Potential,
    double Workload,
    int Accounts,
    GeoPoint? Centre,
    double DistanceKm,
    double FarthestKm,
    bool PotentialWithinTolerance,
    bool WorkloadWithinTolerance);

/// <summary>The figures of one alignment, whoever made it (the current one, a proposal, a hand-edited scenario).</summary>
public sealed record AlignmentFigures(
    IReadOnlyList<TerritoryFigures> Territories,
    BalanceMeasure Potential,
    BalanceMeasure Workload,
    double CompactnessKm,
    double FarthestKm,
    int AccountsMoved,
    int AccountsPlaced,
    int AccountsUnassigned,
    bool WithinTolerance);

/// <summary>
/// The proposal. <see cref="Assignment"/> holds a territory index per account, in the order of the problem's
/// accounts (-1: unassigned, only when no territory may take it). <see cref="DisruptionLowerBound"/>: the fewest
/// accounts any alignment within the tolerance must move (taking the fewest accounts off each territory over the
/// band, or onto each under it).
/// </summary>
public sealed record BalancingResult(
    int[] Assignment,
    AlignmentFigures Figures,
    BalancingStatus Status,
    IReadOnlyList<string> Reasons,
    int DisruptionLowerBound,
    bool StoppedEarly,
    TimeSpan Elapsed);
