using System.Diagnostics;

namespace Terrain.Features.TerritoryDesign.Balancing;

/// <summary>
/// Decomposition by region for large problems: the territories and the accounts are cut together by recursive
/// coordinate bisection (territories by count at their centres, accounts by weight along the same axis), each region
/// is balanced on its own against the organisation's mean (in parallel, one region per core), and the whole alignment
/// is then repaired and polished across the region borders by the ordinary local search.
/// </summary>
internal sealed partial class BalancingSolver
{
    /// <summary>Accounts per region when <see cref="BalancingOptions.AccountsPerRegion"/> is not set.</summary>
    internal const int DefaultAccountsPerRegion = 12_000;

    /// <summary>The share of the time budget the regions get; the rest repairs and polishes across their borders.</summary>
    private const double RegionShare = 0.6;

    private int AccountsPerRegion => _options.AccountsPerRegion ?? DefaultAccountsPerRegion;

    /// <summary>Regions are worth it when the movable accounts fill more than three of them and there are territories to share.</summary>
    private bool UseRegions => AccountsPerRegion > 0 && _movableList.Length > 3 * AccountsPerRegion && _free.Length >= 8;

    private int[] SolveByRegions()
    {
        PlaceFixed();
        SeedCentres();
        var regions = Regions();
        var initial = new int[_n];
        Array.Fill(initial, -1);
        var done = 0;
        var gate = new object();
        var stoppedEarly = false;
        var started = 0;
        var cores = Environment.ProcessorCount;
        var order = Enumerable.Range(0, regions.Count).OrderByDescending(r => regions[r].Accounts.Count).ThenBy(r => r).ToArray();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = _ct };
        Parallel.For(0, order.Length, parallel, q =>
        {
            var r = order[q];
            var (territories, accounts) = regions[r];
            var local = new int[_k];
            for (var t = 0; t < territories.Count; t++)
            {
                local[territories[t]] = t + 1;
            }
            var subAccounts = new BalancingAccount[accounts.Count];
            var source = _problem.Accounts;
            for (var q2 = 0; q2 < accounts.Count; q2++)
            {
                var a = source[accounts[q2]];
                var current = a.CurrentTerritory is { } c && local[c] > 0 ? local[c] - 1 : (int?)null;
                subAccounts[q2] = a with { CurrentTerritory = current, Locked = a.Locked && current is not null };
            }
            var subTerritories = territories.Select(t => _problem.Territories[t] with { Locked = false }).ToArray();
            var sub = new BalancingProblem(subAccounts, subTerritories, _problem.Goals);
            // Each region gets its share of the time left to the regions when it starts (the regions still to start
            // share it, as many at a time as there are cores), so the last ones are not starved by the first.
            var waiting = regions.Count - Interlocked.Increment(ref started) + 1;
            var left = _options.TimeBudget * RegionShare - _clock.Elapsed;
            var share = left > TimeSpan.Zero ? left * Math.Min(cores, waiting) / waiting : TimeSpan.Zero;
            var options = _options with
            {
                Seed = unchecked(_options.Seed * 7919 + r),
                TimeBudget = share,
                AccountsPerRegion = 0,
                Restarts = _options.Restarts ?? 1,
            };
            var solver = new BalancingSolver(sub, options, null, Stopwatch.StartNew(), _ct, _meanP, _meanW);
            var result = solver.Solve();
            lock (gate)
            {
                for (var q2 = 0; q2 < accounts.Count; q2++)
                {
                    if (result[q2] >= 0 && _movable[accounts[q2]])
                    {
                        initial[accounts[q2]] = territories[result[q2]];
                    }
                }
                stoppedEarly |= solver.StoppedEarly;
                done++;
                Report(BalancingPhase.Construction, done, regions.Count, initial);
            }
        });
        StoppedEarly |= stoppedEarly;
        return SolveFrom(initial);
    }

    /// <summary>
    /// Continues from a given alignment of the movable accounts (the regions' answers put together): centres from it,
    /// then the local search (balance repair across the region borders first) and iterated local search.
    /// </summary>
    private int[] SolveFrom(int[] initial)
    {
        foreach (var i in _movableList)
        {
            if (_assign[i] >= 0)
            {
                Remove(i);
            }
        }
        foreach (var i in _movableList)
        {
            var t = initial[i];
            Place(i, t >= 0 && !_terrLocked[t] ? t : _cur[i] >= 0 && !_terrLocked[_cur[i]] ? _cur[i] : _free[0]);
        }
        if (AnyFloating)
        {
            UpdateCentroids(_assign);
        }
        BuildCandidates();
        double sum = 0;
        foreach (var i in _movableList)
        {
            sum += Dist(i, _assign[i]);
        }
        _dbar = sum > 0 ? sum / _movableList.Length : 1;
        _disCost = _problem.Goals.Disruption * _dbar;
        // The penalty starts above what moving one account home can save (the disruption cost), so that the repair
        // across the borders does not undo the regions' balance to bring accounts back to their current territory.
        _alpha = 10 * (_dbar + _disCost) * Math.Max(1, (double)_movableList.Length / Math.Max(1, _free.Length));
        Remember();
        Improve();
        Iterate();
        return _best;
    }

    /// <summary>
    /// Cuts the unlocked territories and the movable accounts into regions of about <see cref="AccountsPerRegion"/>
    /// accounts: across the widest extent of the accounts, the territories by count at their centres and the accounts
    /// at the point where the left side's weight (potential and workload as shares of their means, with the accounts
    /// that may not move counted in their territories) matches its territories' share.
    /// </summary>
    private List<(List<int> Territories, List<int> Accounts)> Regions()
    {
        var count = Math.Max(2, (int)Math.Ceiling((double)_movableList.Length / AccountsPerRegion));
        var groupSize = Math.Max(2, (int)Math.Ceiling((double)_free.Length / count));
        var weight = new double[_n];
        var fixedWeight = new double[_k];
        for (var i = 0; i < _n; i++)
        {
            weight[i] = _p[i] * _invP + _w[i] * _invW + 1e-9;
            if (!_movable[i] && _assign[i] >= 0)
            {
                fixedWeight[_assign[i]] += weight[i];
            }
        }
        var regions = new List<(List<int>, List<int>)>();
        Split([.. _free], [.. _movableList]);
        // The accounts that may not move go with their territory's region, where they count in its balance.
        var regionOf = new int[_k];
        Array.Fill(regionOf, -1);
        for (var r = 0; r < regions.Count; r++)
        {
            foreach (var t in regions[r].Item1)
            {
                regionOf[t] = r;
            }
        }
        for (var i = 0; i < _n; i++)
        {
            if (!_movable[i] && _assign[i] >= 0 && regionOf[_assign[i]] >= 0)
            {
                regions[regionOf[_assign[i]]].Item2.Add(i);
            }
        }
        return regions;

        void Split(int[] territories, int[] accounts)
        {
            if (territories.Length <= groupSize || accounts.Length < 2)
            {
                regions.Add(([.. territories], [.. accounts]));
                return;
            }
            double minX = double.MaxValue, maxX = double.MinValue, minY = double.MaxValue, maxY = double.MinValue, minZ = double.MaxValue, maxZ = double.MinValue;
            double total = 0;
            foreach (var i in accounts)
            {
                minX = Math.Min(minX, _x[i]); maxX = Math.Max(maxX, _x[i]);
                minY = Math.Min(minY, _y[i]); maxY = Math.Max(maxY, _y[i]);
                minZ = Math.Min(minZ, _z[i]); maxZ = Math.Max(maxZ, _z[i]);
                total += weight[i];
            }
            var (axis, centre) = maxX - minX >= maxY - minY && maxX - minX >= maxZ - minZ ? (_x, _cx)
                : maxY - minY >= maxZ - minZ ? (_y, _cy) : (_z, _cz);
            foreach (var t in territories)
            {
                total += fixedWeight[t];
            }
            Array.Sort(accounts, Comparer<int>.Create((u, v) =>
            {
                var c = axis[u].CompareTo(axis[v]);
                return c != 0 ? c : u.CompareTo(v);
            }));
            Array.Sort(territories, Comparer<int>.Create((u, v) =>
            {
                var c = centre[u].CompareTo(centre[v]);
                return c != 0 ? c : u.CompareTo(v);
            }));
            var half = territories.Length / 2;
            var share = total * half / territories.Length;
            for (var t = 0; t < half; t++)
            {
                share -= fixedWeight[territories[t]];
            }
            var cut = 0;
            double run = 0;
            while (cut < accounts.Length - 1 && run + weight[accounts[cut]] / 2 < share)
            {
                run += weight[accounts[cut]];
                cut++;
            }
            Split(territories[..half], accounts[..cut]);
            Split(territories[half..], accounts[cut..]);
        }
    }

    /// <summary>Progress while the regions are solved: regions done, and the balance of the territories placed so far.</summary>
    private void Report(BalancingPhase phase, int step, int steps, int[] assignment)
    {
        if (_progress is null)
        {
            return;
        }
        var p = new double[_k];
        var w = new double[_k];
        var seen = new bool[_k];
        for (var i = 0; i < _n; i++)
        {
            var t = _movable[i] ? assignment[i] : _assign[i];
            if (t >= 0)
            {
                p[t] += _p[i];
                w[t] += _w[i];
                seen[t] = true;
            }
        }
        double devP = 0, devW = 0;
        for (var t = 0; t < _k; t++)
        {
            if (seen[t])
            {
                devP = _meanP > 0 ? Math.Max(devP, Math.Abs(p[t] - _meanP) / _meanP * 100) : devP;
                devW = _meanW > 0 ? Math.Max(devW, Math.Abs(w[t] - _meanW) / _meanW * 100) : devW;
            }
        }
        _progress.Report(new BalancingProgress(phase, step, steps, devP, devW));
    }
}
