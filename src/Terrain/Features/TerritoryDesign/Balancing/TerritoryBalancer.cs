using System.Diagnostics;

namespace Terrain.Features.TerritoryDesign.Balancing;

/// <summary>
/// Proposes a balanced, compact alignment (issue 13 §3; ADR 0040): a price-guided (Lagrangian) assignment over
/// candidate lists of the nearest territories, then local search with shift and swap moves on a penalised objective
/// whose penalty weight rises while a territory is outside the tolerance, then iterated local search (random boundary
/// shifts kept tabu for the round, undone unless the objective does not get worse). Centres float to the centroid of
/// their accounts, or stay at the rep's base location. No database, no I/O.
/// </summary>
public static class TerritoryBalancer
{
    public static BalancingResult Balance(
        BalancingProblem problem,
        BalancingOptions? options = null,
        IProgress<BalancingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(problem);
        options ??= new BalancingOptions();
        Validate(problem, options);
        var clock = Stopwatch.StartNew();
        var reasons = InfeasibilityReasons(problem);
        var bound = AlignmentMetrics.DisruptionLowerBound(problem);
        var solver = new BalancingSolver(problem, options, progress, clock, cancellationToken);
        var assignment = solver.Solve();
        var figures = AlignmentMetrics.Measure(problem, assignment);
        var status = figures.WithinTolerance ? BalancingStatus.WithinTolerance
            : reasons.Count > 0 ? BalancingStatus.Infeasible
            : BalancingStatus.NotFound;
        progress?.Report(new BalancingProgress(BalancingPhase.Done, 1, 1, figures.Potential.MaxDeviationPercent, figures.Workload.MaxDeviationPercent));
        return new BalancingResult(assignment, figures, status, reasons, bound, solver.StoppedEarly, clock.Elapsed);
    }

    private static void Validate(BalancingProblem problem, BalancingOptions options)
    {
        var goals = problem.Goals ?? throw new ArgumentException("Goals are required.", nameof(problem));
        if (problem.Territories.Count == 0)
        {
            throw new ArgumentException("At least one territory is required.", nameof(problem));
        }
        if (!(goals.PotentialTolerance >= 0 && double.IsFinite(goals.PotentialTolerance)))
        {
            throw new ArgumentException("The potential tolerance must be zero or more.", nameof(problem));
        }
        if (!(goals.WorkloadTolerance >= 0 && double.IsFinite(goals.WorkloadTolerance)))
        {
            throw new ArgumentException("The workload tolerance must be zero or more.", nameof(problem));
        }
        if (!(goals.Compactness >= 0 && double.IsFinite(goals.Compactness)) || !(goals.Disruption >= 0 && double.IsFinite(goals.Disruption)))
        {
            throw new ArgumentException("The compactness and disruption weights must be zero or more.", nameof(problem));
        }
        if (options.CandidateTerritories < 1)
        {
            throw new ArgumentException("At least one candidate territory per account is required.", nameof(options));
        }
        foreach (var t in problem.Territories)
        {
            if (t.Base is { } b && !Geo.IsValid(b))
            {
                throw new ArgumentException($"Territory {t.Id} has an invalid base location.", nameof(problem));
            }
        }
        foreach (var a in problem.Accounts)
        {
            if (!Geo.IsValid(a.Location))
            {
                throw new ArgumentException($"Account {a.Id} has invalid coordinates.", nameof(problem));
            }
            if (a.Potential < 0 || !(a.Workload >= 0 && double.IsFinite(a.Workload)))
            {
                throw new ArgumentException($"Account {a.Id} has a negative potential or workload.", nameof(problem));
            }
            if (a.CurrentTerritory is { } c && (c < 0 || c >= problem.Territories.Count))
            {
                throw new ArgumentException($"Account {a.Id} names territory {c}, which does not exist.", nameof(problem));
            }
            if (a.Locked && a.CurrentTerritory is null)
            {
                throw new ArgumentException($"Account {a.Id} is locked but belongs to no territory.", nameof(problem));
            }
        }
    }

    /// <summary>Reasons no alignment can meet the tolerance, found without searching (empty: none found).</summary>
    public static IReadOnlyList<string> InfeasibilityReasons(BalancingProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var reasons = new List<string>();
        var territories = problem.Territories;
        var k = territories.Count;
        var goals = problem.Goals;
        var fixedP = new double[k];
        var fixedW = new double[k];
        double totalP = 0, totalW = 0, maxP = 0, maxW = 0;
        var movable = 0;
        foreach (var a in problem.Accounts)
        {
            var p = (double)a.Potential;
            totalP += p;
            totalW += a.Workload;
            if (a.CurrentTerritory is { } c && (a.Locked || territories[c].Locked))
            {
                fixedP[c] += p;
                fixedW[c] += a.Workload;
            }
            else
            {
                movable++;
                maxP = Math.Max(maxP, p);
                maxW = Math.Max(maxW, a.Workload);
            }
        }
        var meanP = totalP / k;
        var meanW = totalW / k;
        var upP = meanP * (1 + goals.PotentialTolerance);
        var upW = meanW * (1 + goals.WorkloadTolerance);
        var freeCount = territories.Count(t => !t.Locked);
        for (var t = 0; t < k; t++)
        {
            var name = $"territory {t + 1}";
            if (territories[t].Locked)
            {
                if (!AlignmentMetrics.Within(fixedP[t], meanP, goals.PotentialTolerance) || !AlignmentMetrics.Within(fixedW[t], meanW, goals.WorkloadTolerance))
                {
                    reasons.Add($"The locked {name} is outside the tolerance and may not change.");
                }
            }
            else if (fixedP[t] > upP && !AlignmentMetrics.Within(fixedP[t], meanP, goals.PotentialTolerance))
            {
                reasons.Add($"The locked accounts of {name} alone are above the potential tolerance.");
            }
            else if (fixedW[t] > upW && !AlignmentMetrics.Within(fixedW[t], meanW, goals.WorkloadTolerance))
            {
                reasons.Add($"The locked accounts of {name} alone are above the workload tolerance.");
            }
        }
        if (freeCount > 0 && movable > 0)
        {
            if (maxP > upP - fixedP.Where((_, t) => !territories[t].Locked).DefaultIfEmpty().Min() + 1e-9 * Math.Max(1, meanP))
            {
                reasons.Add("An account's potential alone is larger than a territory may hold within the tolerance.");
            }
            if (maxW > upW - fixedW.Where((_, t) => !territories[t].Locked).DefaultIfEmpty().Min() + 1e-9 * Math.Max(1, meanW))
            {
                reasons.Add("An account's workload alone is larger than a territory may hold within the tolerance.");
            }
        }
        var lockedP = fixedP.Where((_, t) => territories[t].Locked).Sum();
        var lockedW = fixedW.Where((_, t) => territories[t].Locked).Sum();
        if (freeCount > 0)
        {
            var lowP = meanP * (1 - goals.PotentialTolerance);
            var lowW = meanW * (1 - goals.WorkloadTolerance);
            var eps = 1e-9 * Math.Max(1, totalP);
            if ((totalP - lockedP) > freeCount * upP + eps || (totalP - lockedP) < freeCount * lowP - eps)
            {
                reasons.Add("The potential left to the unlocked territories cannot be shared within the tolerance.");
            }
            if ((totalW - lockedW) > freeCount * upW + 1e-9 * Math.Max(1, totalW) || (totalW - lockedW) < freeCount * lowW - 1e-9 * Math.Max(1, totalW))
            {
                reasons.Add("The workload left to the unlocked territories cannot be shared within the tolerance.");
            }
            if (goals.WorkloadTolerance < 1 && IsAccountCount(problem) && Math.Floor(meanW * (1 + goals.WorkloadTolerance) + 1e-9) < Math.Ceiling(meanW * (1 - goals.WorkloadTolerance) - 1e-9))
            {
                reasons.Add("No whole number of accounts lies within the workload tolerance.");
            }
        }
        return reasons;
    }

    private static bool IsAccountCount(BalancingProblem problem) => problem.Accounts.All(a => a.Workload == 1);
}
