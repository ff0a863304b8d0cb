namespace Terrain.Features.TerritoryDesign.Balancing;

/// <summary>
/// The figures of an alignment, measured one way everywhere (issue 13 §3): per territory potential, workload, accounts,
/// and the haversine distance from each account to the territory's centre (the rep's base location when reps stay in
/// place and the territory has one, else the centroid of its accounts), with the farthest account.
/// </summary>
public static class AlignmentMetrics
{
    private const double Slack = 1e-9;

    public static AlignmentFigures Measure(BalancingProblem problem, IReadOnlyList<int> assignment)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(assignment);
        var accounts = problem.Accounts;
        var k = problem.Territories.Count;
        if (assignment.Count != accounts.Count)
        {
            throw new ArgumentException("One territory index per account is expected.", nameof(assignment));
        }
        var potential = new decimal[k];
        var workload = new double[k];
        var count = new int[k];
        var sx = new double[k];
        var sy = new double[k];
        var sz = new double[k];
        int moved = 0, placed = 0, unassigned = 0;
        for (var i = 0; i < accounts.Count; i++)
        {
            var t = assignment[i];
            var a = accounts[i];
            if (t < 0)
            {
                unassigned++;
                continue;
            }
            if (t >= k)
            {
                throw new ArgumentException($"Account {i} is assigned to territory {t}, which does not exist.", nameof(assignment));
            }
            if (a.CurrentTerritory is null)
            {
                placed++;
            }
            else if (a.CurrentTerritory != t)
            {
                moved++;
            }
            potential[t] += a.Potential;
            workload[t] += a.Workload;
            count[t]++;
            Geo.ToVector(a.Location, out var x, out var y, out var z);
            sx[t] += x;
            sy[t] += y;
            sz[t] += z;
        }
        var centres = new GeoPoint?[k];
        for (var t = 0; t < k; t++)
        {
            centres[t] = Centre(problem, t, count[t], sx[t], sy[t], sz[t]);
        }
        var distance = new double[k];
        var farthest = new double[k];
        for (var i = 0; i < accounts.Count; i++)
        {
            var t = assignment[i];
            if (t < 0 || centres[t] is not { } c)
            {
                continue;
            }
            var d = Geo.HaversineKm(accounts[i].Location, c);
            distance[t] += d;
            farthest[t] = Math.Max(farthest[t], d);
        }
        var potentialMeasure = Spread(potential.Select(v => (double)v).ToArray());
        var workloadMeasure = Spread(workload);
        var goals = problem.Goals;
        var territories = new TerritoryFigures[k];
        var within = true;
        for (var t = 0; t < k; t++)
        {
            var pOk = Within((double)potential[t], potentialMeasure.Mean, goals.PotentialTolerance);
            var wOk = Within(workload[t], workloadMeasure.Mean, goals.WorkloadTolerance);
            within &= pOk && wOk;
            territories[t] = new TerritoryFigures(t, problem.Territories[t].Id, potential[t], workload[t], count[t], centres[t],
                distance[t], farthest[t], pOk, wOk);
        }
        return new AlignmentFigures(territories, potentialMeasure, workloadMeasure, distance.Sum(), farthest.DefaultIfEmpty().Max(),
            moved, placed, unassigned, within);
    }

    /// <summary>The current alignment's figures (every account in its current territory).</summary>
    public static AlignmentFigures MeasureCurrent(BalancingProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return Measure(problem, problem.Accounts.Select(a => a.CurrentTerritory ?? -1).ToArray());
    }

    internal static bool Within(double value, double mean, double tolerance) =>
        Math.Abs(value - mean) <= tolerance * Math.Abs(mean) + Slack * Math.Max(1, Math.Abs(mean));

    private static GeoPoint? Centre(BalancingProblem problem, int t, int count, double sx, double sy, double sz)
    {
        if (problem.Goals.Centres == CentreMode.RepsStayInPlace && problem.Territories[t].Base is { } home)
        {
            return home;
        }
        return count == 0 ? null : Geo.ToPoint(sx, sy, sz);
    }

    internal static BalanceMeasure Spread(double[] values)
    {
        if (values.Length == 0)
        {
            return new BalanceMeasure(0, 0, 0, 0, 0);
        }
        var mean = values.Average();
        var min = values.Min();
        var max = values.Max();
        if (mean == 0)
        {
            return new BalanceMeasure(0, min, max, 0, 0);
        }
        var variance = values.Sum(v => (v - mean) * (v - mean)) / values.Length;
        var deviation = Math.Max(max - mean, mean - min) / Math.Abs(mean) * 100;
        return new BalanceMeasure(mean, min, max, deviation, Math.Sqrt(variance) / Math.Abs(mean));
    }

    /// <summary>
    /// The fewest accounts any alignment within the tolerance must move from the current one: the larger of (a) the
    /// accounts to take off each territory above the band, largest first, and (b) the accounts to bring onto each
    /// territory below it, largest movable accounts first, less the unassigned accounts that can be placed without
    /// counting as moved. Each bound is the larger of the potential and the workload count.
    /// </summary>
    public static int DisruptionLowerBound(BalancingProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var accounts = problem.Accounts;
        var territories = problem.Territories;
        var k = territories.Count;
        if (k == 0)
        {
            return 0;
        }
        var p = new double[k];
        var w = new double[k];
        var movableP = new List<double>[k];
        var movableW = new List<double>[k];
        for (var t = 0; t < k; t++)
        {
            movableP[t] = [];
            movableW[t] = [];
        }
        var allP = new List<double>();
        var allW = new List<double>();
        double totalP = 0, totalW = 0;
        var unassigned = 0;
        foreach (var a in accounts)
        {
            totalP += (double)a.Potential;
            totalW += a.Workload;
            var movable = !a.Locked && (a.CurrentTerritory is not { } c0 || !territories[c0].Locked);
            if (movable)
            {
                allP.Add((double)a.Potential);
                allW.Add(a.Workload);
            }
            if (a.CurrentTerritory is { } c)
            {
                p[c] += (double)a.Potential;
                w[c] += a.Workload;
                if (movable)
                {
                    movableP[c].Add((double)a.Potential);
                    movableW[c].Add(a.Workload);
                }
            }
            else if (movable)
            {
                unassigned++;
            }
        }
        var meanP = totalP / k;
        var meanW = totalW / k;
        var tolP = problem.Goals.PotentialTolerance;
        var tolW = problem.Goals.WorkloadTolerance;
        allP.Sort((x, y) => y.CompareTo(x));
        allW.Sort((x, y) => y.CompareTo(x));
        var off = 0;
        var on = 0;
        for (var t = 0; t < k; t++)
        {
            if (territories[t].Locked)
            {
                continue;
            }
            movableP[t].Sort((x, y) => y.CompareTo(x));
            movableW[t].Sort((x, y) => y.CompareTo(x));
            off += Math.Max(
                Fewest(p[t] - (meanP + tolP * meanP) - Slack * Math.Max(1, meanP), movableP[t]),
                Fewest(w[t] - (meanW + tolW * meanW) - Slack * Math.Max(1, meanW), movableW[t]));
            on += Math.Max(
                Fewest(meanP - tolP * meanP - p[t] - Slack * Math.Max(1, meanP), allP),
                Fewest(meanW - tolW * meanW - w[t] - Slack * Math.Max(1, meanW), allW));
        }
        return Math.Max(off, Math.Max(0, on - unassigned));
    }

    /// <summary>How many of the values, largest first, it takes to cover the excess (all of them when they cannot).</summary>
    private static int Fewest(double excess, List<double> descending)
    {
        if (excess <= 0)
        {
            return 0;
        }
        var n = 0;
        foreach (var v in descending)
        {
            if (excess <= 0 || v <= 0)
            {
                break;
            }
            excess -= v;
            n++;
        }
        return n;
    }
}
