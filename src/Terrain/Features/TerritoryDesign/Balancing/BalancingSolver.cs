using System.Diagnostics;

namespace Terrain.Features.TerritoryDesign.Balancing;

/// <summary>The search behind <see cref="TerritoryBalancer"/>. One instance solves one problem once.</summary>
internal sealed class BalancingSolver
{
    private readonly BalancingProblem _problem;
    private readonly BalancingOptions _options;
    private readonly IProgress<BalancingProgress>? _progress;
    private readonly CancellationToken _ct;
    private readonly Stopwatch _clock;
    private readonly Random _rng;

    private readonly int _n;
    private readonly int _k;
    private readonly double[] _x, _y, _z, _p, _w;
    private readonly int[] _cur;
    private readonly bool[] _movable;
    private readonly int[] _movableList;
    private readonly bool[] _terrLocked;
    private readonly bool[] _fixedCentre;
    private readonly int[] _free;
    private readonly double[] _cx, _cy, _cz;
    private readonly bool[] _hasCentre;

    private readonly int[] _assign;
    private readonly double[] _loadP, _loadW;
    private readonly List<int>[] _members;
    private readonly int[] _pos;

    private readonly int _c;
    private int[] _cand = [];
    private double[] _candDist = [];
    private int[][] _neighbours = [];

    private readonly double _meanP, _meanW, _lowP, _upP, _lowW, _upW, _invP, _invW;
    private readonly double _distWeight;
    private double _dbar = 1;
    private double _disCost;
    private double _alpha;

    private readonly int[] _tabuRound;
    private int _round = 1;

    private readonly int[] _best;
    private double _bestViolation = double.MaxValue;
    private double _bestCost = double.MaxValue;

    public bool StoppedEarly { get; private set; }

    public BalancingSolver(BalancingProblem problem, BalancingOptions options, IProgress<BalancingProgress>? progress,
        Stopwatch clock, CancellationToken ct)
    {
        _problem = problem;
        _options = options;
        _progress = progress;
        _ct = ct;
        _clock = clock;
        _rng = new Random(options.Seed);
        var accounts = problem.Accounts;
        var territories = problem.Territories;
        _n = accounts.Count;
        _k = territories.Count;
        _x = new double[_n];
        _y = new double[_n];
        _z = new double[_n];
        _p = new double[_n];
        _w = new double[_n];
        _cur = new int[_n];
        _movable = new bool[_n];
        _terrLocked = territories.Select(t => t.Locked).ToArray();
        _fixedCentre = territories.Select(t => problem.Goals.Centres == CentreMode.RepsStayInPlace && t.Base is not null).ToArray();
        _free = Enumerable.Range(0, _k).Where(t => !_terrLocked[t]).ToArray();
        _cx = new double[_k];
        _cy = new double[_k];
        _cz = new double[_k];
        _hasCentre = new bool[_k];
        _assign = new int[_n];
        _loadP = new double[_k];
        _loadW = new double[_k];
        _members = new List<int>[_k];
        for (var t = 0; t < _k; t++)
        {
            _members[t] = [];
        }
        _pos = new int[_n];
        _tabuRound = new int[_n];
        double totalP = 0, totalW = 0;
        var movable = new List<int>();
        for (var i = 0; i < _n; i++)
        {
            var a = accounts[i];
            Geo.ToVector(a.Location, out _x[i], out _y[i], out _z[i]);
            _p[i] = (double)a.Potential;
            _w[i] = a.Workload;
            totalP += _p[i];
            totalW += _w[i];
            _cur[i] = a.CurrentTerritory ?? -1;
            _movable[i] = !a.Locked && (_cur[i] < 0 || !_terrLocked[_cur[i]]) && _free.Length > 0;
            if (_movable[i])
            {
                movable.Add(i);
            }
        }
        _movableList = [.. movable];
        _meanP = totalP / _k;
        _meanW = totalW / _k;
        var goals = problem.Goals;
        _lowP = _meanP * (1 - goals.PotentialTolerance);
        _upP = _meanP * (1 + goals.PotentialTolerance);
        _lowW = _meanW * (1 - goals.WorkloadTolerance);
        _upW = _meanW * (1 + goals.WorkloadTolerance);
        _invP = _meanP > 0 ? 1 / _meanP : 0;
        _invW = _meanW > 0 ? 1 / _meanW : 0;
        _distWeight = goals.Compactness;
        _c = Math.Max(1, Math.Min(options.CandidateTerritories, _free.Length));
        for (var t = 0; t < _k; t++)
        {
            if (territories[t].Base is { } b && _fixedCentre[t])
            {
                Geo.ToVector(b, out _cx[t], out _cy[t], out _cz[t]);
                _hasCentre[t] = true;
            }
        }
        _best = new int[_n];
    }

    private bool OutOfTime => _clock.Elapsed >= _options.TimeBudget;

    public int[] Solve()
    {
        for (var i = 0; i < _n; i++)
        {
            _assign[i] = -1;
            if (!_movable[i] && _cur[i] >= 0)
            {
                Place(i, _cur[i]);
            }
        }
        if (_movableList.Length == 0)
        {
            return (int[])_assign.Clone();
        }
        SeedCentres();
        Construct();
        Remember();
        Improve();
        Iterate();
        return _best;
    }

    // ---- state -------------------------------------------------------------------------------------------------

    private void Place(int i, int t)
    {
        _assign[i] = t;
        _loadP[t] += _p[i];
        _loadW[t] += _w[i];
        _pos[i] = _members[t].Count;
        _members[t].Add(i);
    }

    private void Remove(int i)
    {
        var t = _assign[i];
        _loadP[t] -= _p[i];
        _loadW[t] -= _w[i];
        var list = _members[t];
        var last = list[^1];
        list[_pos[i]] = last;
        _pos[last] = _pos[i];
        list.RemoveAt(list.Count - 1);
        _assign[i] = -1;
    }

    private void Move(int i, int t)
    {
        Remove(i);
        Place(i, t);
    }

    private double Dist(int i, int t)
    {
        var dx = _x[i] - _cx[t];
        var dy = _y[i] - _cy[t];
        var dz = _z[i] - _cz[t];
        return Math.Sqrt(dx * dx + dy * dy + dz * dz);
    }

    private double Cost(int i, int t) => _distWeight * Dist(i, t) + (_cur[i] >= 0 && _cur[i] != t ? _disCost : 0);

    /// <summary>
    /// How far a territory lies outside the band, as fractions of the mean, plus their squares: the square spreads an
    /// unavoidable shortfall evenly (the closest balance when the tolerance cannot be met) and is zero inside the band.
    /// </summary>
    private double Violation(double p, double w)
    {
        var vp = (Math.Max(0, p - _upP) + Math.Max(0, _lowP - p)) * _invP;
        var vw = (Math.Max(0, w - _upW) + Math.Max(0, _lowW - w)) * _invW;
        return vp + vp * vp + vw + vw * vw;
    }

    private double TotalViolation()
    {
        double v = 0;
        for (var t = 0; t < _k; t++)
        {
            v += Violation(_loadP[t], _loadW[t]);
        }
        return v;
    }

    private double TotalCost()
    {
        double c = 0;
        foreach (var i in _movableList)
        {
            c += Cost(i, _assign[i]);
        }
        return c;
    }

    private double Objective() => TotalCost() + _alpha * TotalViolation();

    /// <summary>Keeps the assignment when it beats the best: less violation first (to a rounding), then less cost.</summary>
    private void Remember()
    {
        var v = TotalViolation();
        var c = TotalCost();
        if (v < _bestViolation - 1e-12 || (v <= _bestViolation + 1e-12 && c < _bestCost))
        {
            _bestViolation = v;
            _bestCost = c;
            Array.Copy(_assign, _best, _n);
        }
    }

    private void Report(BalancingPhase phase, int step, int steps)
    {
        if (_progress is null)
        {
            return;
        }
        double devP = 0, devW = 0;
        foreach (var t in Enumerable.Range(0, _k))
        {
            if (_meanP > 0)
            {
                devP = Math.Max(devP, Math.Abs(_loadP[t] - _meanP) / _meanP * 100);
            }
            if (_meanW > 0)
            {
                devW = Math.Max(devW, Math.Abs(_loadW[t] - _meanW) / _meanW * 100);
            }
        }
        _progress.Report(new BalancingProgress(phase, step, steps, devP, devW));
    }

    private void Check()
    {
        _ct.ThrowIfCancellationRequested();
    }

    // ---- centres and candidate lists ---------------------------------------------------------------------------

    /// <summary>Floating centres start at the centroid of the current accounts; the rest by k-means++ sampling.</summary>
    private void SeedCentres()
    {
        var sx = new double[_k];
        var sy = new double[_k];
        var sz = new double[_k];
        var count = new int[_k];
        for (var i = 0; i < _n; i++)
        {
            var t = _cur[i];
            if (t >= 0)
            {
                sx[t] += _x[i];
                sy[t] += _y[i];
                sz[t] += _z[i];
                count[t]++;
            }
        }
        foreach (var t in _free)
        {
            if (!_hasCentre[t] && count[t] > 0)
            {
                SetCentroid(t, sx[t], sy[t], sz[t]);
            }
        }
        var missing = _free.Where(t => !_hasCentre[t]).ToArray();
        if (missing.Length == 0)
        {
            return;
        }
        if (missing.Length * 2 > _free.Length)
        {
            Bisect(missing);
            return;
        }
        var minD2 = new double[_movableList.Length];
        Array.Fill(minD2, double.MaxValue);
        foreach (var t in _free.Where(t => _hasCentre[t]))
        {
            UpdateMin(t);
        }
        foreach (var t in missing)
        {
            Check();
            double total = 0;
            foreach (var d in minD2)
            {
                total += d == double.MaxValue ? 1 : d;
            }
            var r = _rng.NextDouble() * total;
            var pick = _movableList[^1];
            for (var j = 0; j < minD2.Length; j++)
            {
                r -= minD2[j] == double.MaxValue ? 1 : minD2[j];
                if (r <= 0)
                {
                    pick = _movableList[j];
                    break;
                }
            }
            _cx[t] = _x[pick];
            _cy[t] = _y[pick];
            _cz[t] = _z[pick];
            _hasCentre[t] = true;
            UpdateMin(t);
        }

        void UpdateMin(int t)
        {
            for (var j = 0; j < _movableList.Length; j++)
            {
                var i = _movableList[j];
                var dx = _x[i] - _cx[t];
                var dy = _y[i] - _cy[t];
                var dz = _z[i] - _cz[t];
                minD2[j] = Math.Min(minD2[j], dx * dx + dy * dy + dz * dz);
            }
        }
    }

    /// <summary>
    /// Recursive coordinate bisection (a classic start for districting): the accounts are cut across their widest
    /// extent at the weighted median, in proportion to the territories on each side, until each part is one
    /// territory's; each territory starts at the centroid of its part. The parts are balanced and compact.
    /// </summary>
    private void Bisect(int[] territories)
    {
        var weight = new double[_n];
        foreach (var i in _movableList)
        {
            weight[i] = _p[i] * _invP + _w[i] * _invW + 1e-9;
        }
        var items = (int[])_movableList.Clone();
        Split(items, 0, items.Length, territories, 0, territories.Length);

        void Split(int[] a, int lo, int hi, int[] ts, int tlo, int thi)
        {
            if (thi - tlo == 1 || hi - lo <= 1)
            {
                double sx = 0, sy = 0, sz = 0;
                for (var q = lo; q < hi; q++)
                {
                    sx += _x[a[q]];
                    sy += _y[a[q]];
                    sz += _z[a[q]];
                }
                for (var t = tlo; t < thi; t++)
                {
                    if (hi > lo)
                    {
                        SetCentroid(ts[t], sx, sy, sz);
                    }
                    if (!_hasCentre[ts[t]])
                    {
                        var pick = _movableList[_rng.Next(_movableList.Length)];
                        (_cx[ts[t]], _cy[ts[t]], _cz[ts[t]]) = (_x[pick], _y[pick], _z[pick]);
                        _hasCentre[ts[t]] = true;
                    }
                }
                return;
            }
            double minX = double.MaxValue, maxX = double.MinValue, minY = double.MaxValue, maxY = double.MinValue, minZ = double.MaxValue, maxZ = double.MinValue;
            double total = 0;
            for (var q = lo; q < hi; q++)
            {
                var i = a[q];
                minX = Math.Min(minX, _x[i]); maxX = Math.Max(maxX, _x[i]);
                minY = Math.Min(minY, _y[i]); maxY = Math.Max(maxY, _y[i]);
                minZ = Math.Min(minZ, _z[i]); maxZ = Math.Max(maxZ, _z[i]);
                total += weight[i];
            }
            var axis = maxX - minX >= maxY - minY && maxX - minX >= maxZ - minZ ? _x : maxY - minY >= maxZ - minZ ? _y : _z;
            Array.Sort(a, lo, hi - lo, Comparer<int>.Create((u, v) =>
            {
                var c = axis[u].CompareTo(axis[v]);
                return c != 0 ? c : u.CompareTo(v);
            }));
            var tmid = (tlo + thi) / 2;
            var share = total * (tmid - tlo) / (thi - tlo);
            var cut = lo;
            double run = 0;
            while (cut < hi - 1 && run + weight[a[cut]] / 2 < share)
            {
                run += weight[a[cut]];
                cut++;
            }
            Split(a, lo, cut, ts, tlo, tmid);
            Split(a, cut, hi, ts, tmid, thi);
        }
    }

    private void SetCentroid(int t, double sx, double sy, double sz)
    {
        var norm = Math.Sqrt(sx * sx + sy * sy + sz * sz);
        if (norm < 1e-12)
        {
            return;
        }
        _cx[t] = sx / norm * Geo.EarthRadiusKm;
        _cy[t] = sy / norm * Geo.EarthRadiusKm;
        _cz[t] = sz / norm * Geo.EarthRadiusKm;
        _hasCentre[t] = true;
    }

    private bool AnyFloating => _free.Any(t => !_fixedCentre[t]);

    /// <summary>Moves every floating centre to the centroid of its accounts. Returns the largest move (km).</summary>
    private double UpdateCentroids(int[] assignment)
    {
        var sx = new double[_k];
        var sy = new double[_k];
        var sz = new double[_k];
        for (var i = 0; i < _n; i++)
        {
            var t = assignment[i];
            if (t >= 0)
            {
                sx[t] += _x[i];
                sy[t] += _y[i];
                sz[t] += _z[i];
            }
        }
        double moved = 0;
        foreach (var t in _free)
        {
            if (_fixedCentre[t])
            {
                continue;
            }
            var (ox, oy, oz) = (_cx[t], _cy[t], _cz[t]);
            SetCentroid(t, sx[t], sy[t], sz[t]);
            var (dx, dy, dz) = (ox - _cx[t], oy - _cy[t], oz - _cz[t]);
            moved = Math.Max(moved, Math.Sqrt(dx * dx + dy * dy + dz * dz));
        }
        return moved;
    }

    /// <summary>The C nearest unlocked territories of every movable account, and of every unlocked territory.</summary>
    private void BuildCandidates()
    {
        var tree = new KdTree(_cx, _cy, _cz, _free);
        if (_cand.Length != _n * _c)
        {
            _cand = new int[_n * _c];
            _candDist = new double[_n * _c];
        }
        var cand = _cand;
        var candDist = _candDist;
        var c = _c;
        Parallel.For(0, _movableList.Length, j =>
        {
            var i = _movableList[j];
            Span<int> ids = stackalloc int[c];
            Span<double> d2 = stackalloc double[c];
            var found = tree.Nearest(_x[i], _y[i], _z[i], ids, d2);
            for (var q = 0; q < c; q++)
            {
                cand[i * c + q] = q < found ? ids[q] : ids[0];
                candDist[i * c + q] = Math.Sqrt(q < found ? d2[q] : d2[0]);
            }
        });
        var neighbours = new int[_k][];
        var m = Math.Min(c + 1, _free.Length);
        var ids = new int[m];
        var d2 = new double[m];
        foreach (var t in _free)
        {
            var found = tree.Nearest(_cx[t], _cy[t], _cz[t], ids, d2);
            var list = new List<int>(found);
            for (var q = 0; q < found; q++)
            {
                if (ids[q] != t)
                {
                    list.Add(ids[q]);
                }
            }
            neighbours[t] = [.. list];
        }
        _neighbours = neighbours;
    }

    // ---- construction: assignment under prices ------------------------------------------------------------------

    /// <summary>
    /// Lagrangian construction: each account goes to the candidate of least distance + price × its share of the mean,
    /// the price of a territory rising while it holds more than the mean and falling while it holds less (a subgradient
    /// step on the balance constraints), floating centres following their accounts as in Lloyd's method.
    /// </summary>
    private void Construct()
    {
        BuildCandidates();
        var prices = new double[_k];
        var pricesW = new double[_k];
        var next = new int[_n];
        var fixedP = (double[])_loadP.Clone();
        var fixedW = (double[])_loadW.Clone();
        var avgP = _movableList.Length > 0 ? _movableList.Sum(i => _p[i]) / _movableList.Length : 0;
        var avgW = _movableList.Length > 0 ? _movableList.Sum(i => _w[i]) / _movableList.Length : 0;
        var scaleP = avgP > 0 ? 1 / avgP : 0;
        var scaleW = avgW > 0 ? 1 / avgW : 0;
        var tolP = _problem.Goals.PotentialTolerance;
        var tolW = _problem.Goals.WorkloadTolerance;
        var floating = AnyFloating;
        var iterations = _options.ImprovementRounds is 0 ? 30 : 3000;
        int inner = 0, outer = 0;
        var disruption = _problem.Goals.Disruption;
        var stepP = new double[_k];
        var stepW = new double[_k];
        var signP = new int[_k];
        var signW = new int[_k];
        var calm = 0;
        for (var it = 0; it < iterations; it++)
        {
            Check();
            var disCost = _disCost;
            Parallel.For(0, _movableList.Length, j =>
            {
                var i = _movableList[j];
                var best = -1;
                var bestCost = double.MaxValue;
                var pi = _p[i] * scaleP;
                var wi = _w[i] * scaleW;
                for (var q = 0; q < _c; q++)
                {
                    var t = _cand[i * _c + q];
                    var cost = _distWeight * _candDist[i * _c + q] + prices[t] * pi + pricesW[t] * wi + (_cur[i] >= 0 && _cur[i] != t ? disCost : 0);
                    if (cost < bestCost)
                    {
                        bestCost = cost;
                        best = t;
                    }
                }
                var home = _cur[i];
                if (home >= 0 && !_terrLocked[home])
                {
                    var cost = _distWeight * Dist(i, home) + prices[home] * pi + pricesW[home] * wi;
                    if (cost < bestCost)
                    {
                        best = home;
                    }
                }
                next[i] = best;
            });
            Array.Copy(fixedP, _loadP, _k);
            Array.Copy(fixedW, _loadW, _k);
            foreach (var i in _movableList)
            {
                _loadP[next[i]] += _p[i];
                _loadW[next[i]] += _w[i];
            }
            if (it == 0)
            {
                double sum = 0;
                foreach (var i in _movableList)
                {
                    sum += Dist(i, next[i]);
                }
                _dbar = sum > 0 ? sum / _movableList.Length : 1;
                _disCost = disruption * _dbar;
                Array.Fill(stepP, 0.05 * _dbar);
                Array.Fill(stepW, 0.05 * _dbar);
            }
            // Rprop on each price: the step grows while the territory stays on one side of the mean and halves when
            // it crosses, so dense cities and empty plains both settle; a territory well inside the band keeps its price.
            var outside = 0;
            foreach (var t in _free)
            {
                outside += Rprop(t, _loadP[t], _meanP, tolP, prices, stepP, signP);
                outside += Rprop(t, _loadW[t], _meanW, tolW, pricesW, stepW, signW);
            }
            calm = outside == 0 ? calm + 1 : 0;
            inner++;
            Report(BalancingPhase.Construction, it + 1, iterations);
            if (OutOfTime)
            {
                StoppedEarly = true;
                break;
            }
            if (_clock.Elapsed >= _options.TimeBudget * 0.45)
            {
                break;
            }
            var settled = calm >= 2 || inner >= 60;
            if (!settled)
            {
                continue;
            }
            if (!floating || outer >= 20)
            {
                break;
            }
            // Prices settled for these centres: move floating centres to their centroids (Lloyd) and settle again.
            for (var i = 0; i < _n; i++)
            {
                if (_movable[i])
                {
                    _assign[i] = next[i];
                }
            }
            var shift = UpdateCentroids(_assign);
            outer++;
            inner = 0;
            calm = 0;
            Array.Clear(signP);
            Array.Clear(signW);
            if (shift < 0.01 * _dbar)
            {
                break;
            }
            BuildCandidates();
        }
        foreach (var i in _movableList)
        {
            _assign[i] = -1;
        }
        Array.Copy(fixedP, _loadP, _k);
        Array.Copy(fixedW, _loadW, _k);
        foreach (var i in _movableList)
        {
            Place(i, next[i]);
        }
        var perTerritory = (double)_movableList.Length / Math.Max(1, _free.Length);
        _alpha = 10 * _dbar * Math.Max(1, perTerritory);
    }

    private int Rprop(int t, double load, double mean, double tolerance, double[] prices, double[] step, int[] sign)
    {
        if (mean <= 0)
        {
            return 0;
        }
        var deviation = (load - mean) / mean;
        var outside = Math.Abs(deviation) > tolerance ? 1 : 0;
        if (Math.Abs(deviation) <= tolerance * 0.5)
        {
            sign[t] = 0;
            return outside;
        }
        var s = Math.Sign(deviation);
        if (sign[t] != 0)
        {
            step[t] = s == sign[t] ? Math.Min(step[t] * 1.3, 10 * _dbar) : Math.Max(step[t] * 0.5, 1e-6 * _dbar);
        }
        sign[t] = s;
        prices[t] += s * step[t];
        return outside;
    }

    // ---- local search -------------------------------------------------------------------------------------------

    private double ShiftDelta(int i, int a, int b)
    {
        var pi = _p[i];
        var wi = _w[i];
        return Cost(i, b) - Cost(i, a)
            + _alpha * (Violation(_loadP[a] - pi, _loadW[a] - wi) - Violation(_loadP[a], _loadW[a])
                + Violation(_loadP[b] + pi, _loadW[b] + wi) - Violation(_loadP[b], _loadW[b]));
    }

    private double SwapDelta(int i, int a, int j, int b)
    {
        var dp = _p[j] - _p[i];
        var dw = _w[j] - _w[i];
        return Cost(i, b) + Cost(j, a) - Cost(i, a) - Cost(j, b)
            + _alpha * (Violation(_loadP[a] + dp, _loadW[a] + dw) - Violation(_loadP[a], _loadW[a])
                + Violation(_loadP[b] - dp, _loadW[b] - dw) - Violation(_loadP[b], _loadW[b]));
    }

    private bool IsCandidate(int i, int t)
    {
        if (_cur[i] == t)
        {
            return true;
        }
        var start = i * _c;
        for (var q = 0; q < _c; q++)
        {
            if (_cand[start + q] == t)
            {
                return true;
            }
        }
        return false;
    }

    private double Epsilon => 1e-9 * Math.Max(1, _dbar);

    /// <summary>One pass of best-shift moves over the accounts. Returns the change of the objective (≤ 0).</summary>
    private double ShiftPass(IReadOnlyList<int> accounts, List<(int Account, int From)>? log)
    {
        double change = 0;
        var eps = Epsilon;
        for (var q = 0; q < accounts.Count; q++)
        {
            if ((q & 4095) == 4095)
            {
                Check();
            }
            var i = accounts[q];
            if (!_movable[i] || _tabuRound[i] == _round)
            {
                continue;
            }
            var a = _assign[i];
            var best = -eps;
            var to = -1;
            var start = i * _c;
            var costA = Cost(i, a);
            var pi = _p[i];
            var wi = _w[i];
            var leave = Violation(_loadP[a] - pi, _loadW[a] - wi) - Violation(_loadP[a], _loadW[a]);
            for (var r = 0; r < _c; r++)
            {
                var b = _cand[start + r];
                if (b == a)
                {
                    continue;
                }
                var d = _distWeight * _candDist[start + r] + (_cur[i] >= 0 && _cur[i] != b ? _disCost : 0) - costA
                    + _alpha * (leave + Violation(_loadP[b] + pi, _loadW[b] + wi) - Violation(_loadP[b], _loadW[b]));
                if (d < best)
                {
                    best = d;
                    to = b;
                }
            }
            var home = _cur[i];
            if (home >= 0 && home != a && !_terrLocked[home])
            {
                var d = ShiftDelta(i, a, home);
                if (d < best)
                {
                    best = d;
                    to = home;
                }
            }
            if (to >= 0)
            {
                log?.Add((i, a));
                Move(i, to);
                change += best;
            }
        }
        return change;
    }

    /// <summary>
    /// One pass of swap moves: each account against the accounts of its candidate territories that may come back
    /// the other way, when the account lies near the border (its candidate is at most 2 mean distances farther).
    /// </summary>
    private double SwapPass(IReadOnlyList<int> accounts, List<(int Account, int From)>? log, int onlyA = -1, int onlyB = -1)
    {
        double change = 0;
        var eps = Epsilon;
        var radius = 2 * _dbar;
        for (var q = 0; q < accounts.Count; q++)
        {
            if ((q & 1023) == 1023)
            {
                Check();
                if (OutOfTime)
                {
                    StoppedEarly = true;
                    break;
                }
            }
            var i = accounts[q];
            if (!_movable[i] || _tabuRound[i] == _round)
            {
                continue;
            }
            var a = _assign[i];
            var da = Dist(i, a);
            var best = -eps;
            int partner = -1, partnerTerritory = -1;
            var start = i * _c;
            for (var r = 0; r < _c; r++)
            {
                var b = _cand[start + r];
                if (b == a || (_distWeight > 0 && Dist(i, b) - da > radius) || (onlyA >= 0 && !((a == onlyA && b == onlyB) || (a == onlyB && b == onlyA))))
                {
                    continue;
                }
                foreach (var j in _members[b])
                {
                    if (!_movable[j] || _tabuRound[j] == _round || !IsCandidate(j, a))
                    {
                        continue;
                    }
                    var d = SwapDelta(i, a, j, b);
                    if (d < best)
                    {
                        best = d;
                        partner = j;
                        partnerTerritory = b;
                    }
                }
            }
            if (partner >= 0)
            {
                log?.Add((i, a));
                log?.Add((partner, partnerTerritory));
                Move(i, partnerTerritory);
                Move(partner, a);
                change += best;
            }
        }
        return change;
    }

    /// <summary>Shift passes until none improves, then a swap pass, until neither improves.</summary>
    private double Descend(IReadOnlyList<int> accounts, List<(int Account, int From)>? log, int maxPasses, int onlyA = -1, int onlyB = -1)
    {
        double change = 0;
        for (var pass = 0; pass < maxPasses; pass++)
        {
            var shift = ShiftPass(accounts, log);
            change += shift;
            if (shift < -Epsilon)
            {
                continue;
            }
            if (OutOfTime)
            {
                StoppedEarly = true;
                break;
            }
            var swap = SwapPass(accounts, log, onlyA, onlyB);
            change += swap;
            if (swap >= -Epsilon)
            {
                break;
            }
        }
        return change;
    }

    /// <summary>
    /// Local search to a local optimum; while a territory stays outside the tolerance the penalty weight triples
    /// (up to eight times), and floating centres move to their centroids between descents.
    /// </summary>
    private void Improve()
    {
        var order = (int[])_movableList.Clone();
        Shuffle(order);
        var floating = AnyFloating;
        var large = _movableList.Length > 20000;
        var raises = 0;
        var steps = 30;
        var previous = double.MaxValue;
        for (var step = 0; step < steps; step++)
        {
            Check();
            // Balance first (cheap shift passes everywhere, then shifts, chains and swaps around the territories
            // still outside the band), so that a short budget still ends within the tolerance; then, below the
            // scale where it costs seconds, swap passes everywhere for compactness.
            for (var pass = 0; pass < 20 && !OutOfTime; pass++)
            {
                if (ShiftPass(order, null) >= -Epsilon)
                {
                    break;
                }
            }
            for (var repair = 0; repair < 5 && !OutOfTime && TotalViolation() > 1e-12; repair++)
            {
                RepairByChains();
                Descend(ViolatedArea(), null, 10);
            }
            if (!large && !OutOfTime)
            {
                Descend(order, null, 50);
            }
            Remember();
            Report(BalancingPhase.LocalSearch, step + 1, steps);
            if (OutOfTime)
            {
                StoppedEarly = true;
                return;
            }
            var violated = TotalViolation() > 1e-12;
            if (violated && raises < 8)
            {
                _alpha *= 3;
                raises++;
                continue;
            }
            if (!floating)
            {
                return;
            }
            UpdateCentroids(_assign);
            BuildCandidates();
            var objective = Objective();
            if (objective > previous * (1 - 1e-4))
            {
                if (!large)
                {
                    Descend(order, null, 50);
                }
                else
                {
                    ShiftPass(order, null);
                }
                Remember();
                return;
            }
            previous = objective;
        }
    }

    /// <summary>
    /// Ejection chains for the territories a single shift cannot fix (every neighbour at the edge of the band): for a
    /// territory under the band, the nearest territory (by neighbour hops) that can spare an account passes one along
    /// the path, each territory giving its cheapest border account to the next; for one over it, the path runs to
    /// the nearest territory with room. Each territory on the way gives one and gets one.
    /// </summary>
    private void RepairByChains()
    {
        var n = _movableList.Length;
        var avgP = _movableList.Sum(i => _p[i]) / Math.Max(1, n);
        var avgW = _movableList.Sum(i => _w[i]) / Math.Max(1, n);
        var adjacent = Adjacency();
        var parent = new int[_k];
        var queue = new Queue<int>();
        var visited = new List<int>();
        Array.Fill(parent, -2);
        foreach (var t in _free)
        {
            Check();
            if (OutOfTime)
            {
                return;
            }
            var under = _loadP[t] < _lowP || _loadW[t] < _lowW;
            var over = _loadP[t] > _upP || _loadW[t] > _upW;
            if (under == over)
            {
                continue;
            }
            foreach (var v in visited)
            {
                parent[v] = -2;
            }
            visited.Clear();
            queue.Clear();
            parent[t] = -1;
            visited.Add(t);
            queue.Enqueue(t);
            var end = -1;
            while (queue.Count > 0 && end < 0 && visited.Count < 400)
            {
                var x = queue.Dequeue();
                foreach (var y in adjacent[x])
                {
                    if (parent[y] != -2 || _terrLocked[y])
                    {
                        continue;
                    }
                    parent[y] = x;
                    visited.Add(y);
                    var fits = under
                        ? _loadP[y] - avgP >= _lowP && _loadW[y] - avgW >= _lowW
                        : _loadP[y] + avgP <= _upP && _loadW[y] + avgW <= _upW;
                    if (fits)
                    {
                        end = y;
                        break;
                    }
                    queue.Enqueue(y);
                }
            }
            if (end < 0)
            {
                continue;
            }
            // Path end → ... → t (under: accounts flow towards t) or t → ... → end (over: away from t).
            for (var x = end; parent[x] >= 0; x = parent[x])
            {
                var (from, to) = under ? (x, parent[x]) : (parent[x], x);
                var best = -1;
                var bestCost = double.MaxValue;
                foreach (var i in _members[from])
                {
                    if (!_movable[i] || !IsCandidate(i, to))
                    {
                        continue;
                    }
                    var cost = Cost(i, to) - Cost(i, from);
                    if (cost < bestCost)
                    {
                        bestCost = cost;
                        best = i;
                    }
                }
                if (best < 0)
                {
                    break;
                }
                Move(best, to);
            }
        }
    }

    /// <summary>
    /// Territories that touch: a territory's nearest centres and every candidate of its accounts. Nearest centres alone
    /// leave a city of a dozen territories without a way out; its border accounts know the territories beyond.
    /// </summary>
    private int[][] Adjacency()
    {
        var result = new int[_k][];
        var mark = new int[_k];
        Array.Fill(mark, -1);
        var list = new List<int>();
        foreach (var t in _free)
        {
            list.Clear();
            mark[t] = t;
            foreach (var u in _neighbours[t])
            {
                if (mark[u] != t)
                {
                    mark[u] = t;
                    list.Add(u);
                }
            }
            foreach (var i in _members[t])
            {
                if (!_movable[i])
                {
                    continue;
                }
                for (var q = 0; q < _c; q++)
                {
                    var u = _cand[i * _c + q];
                    if (mark[u] != t)
                    {
                        mark[u] = t;
                        list.Add(u);
                    }
                }
            }
            result[t] = [.. list];
        }
        return result;
    }

    /// <summary>The accounts of the territories outside the band and of their neighbours.</summary>
    private List<int> ViolatedArea()
    {
        var mark = new bool[_k];
        foreach (var t in _free)
        {
            if (Violation(_loadP[t], _loadW[t]) > 0)
            {
                mark[t] = true;
                foreach (var u in _neighbours[t])
                {
                    mark[u] = true;
                }
            }
        }
        var area = new List<int>();
        foreach (var t in _free)
        {
            if (mark[t])
            {
                area.AddRange(_members[t]);
            }
        }
        return area;
    }

    private void Shuffle(int[] a)
    {
        for (var i = a.Length - 1; i > 0; i--)
        {
            var j = _rng.Next(i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
    }

    // ---- iterated local search ---------------------------------------------------------------------------------

    /// <summary>
    /// Iterated local search: a round shifts one to three border accounts between two neighbouring territories, keeps
    /// them there for the round (tabu), descends over the accounts of both territories and their neighbours, and
    /// undoes it all unless the objective did not get worse. Floating centres are refreshed every few hundred rounds.
    /// </summary>
    private void Iterate()
    {
        var rounds = _options.ImprovementRounds ?? Math.Max(3000, 20 * _free.Length);
        if (rounds <= 0 || _free.Length < 2 || OutOfTime)
        {
            return;
        }
        var floating = AnyFloating;
        var refresh = Math.Max(300, 2 * _free.Length);
        var log = new List<(int Account, int From)>();
        var local = new List<int>();
        var seen = new bool[_k];
        var area = new List<int>();
        var report = Math.Max(1, rounds / 100);
        for (var r = 0; r < rounds; r++)
        {
            if ((r & 63) == 0)
            {
                Check();
                if (OutOfTime)
                {
                    StoppedEarly = true;
                    break;
                }
            }
            _round++;
            log.Clear();
            var a = _free[_rng.Next(_free.Length)];
            if (_members[a].Count == 0 || _neighbours[a].Length == 0)
            {
                continue;
            }
            var b = _neighbours[a][_rng.Next(_neighbours[a].Length)];
            double change = 0;
            var kicks = 1 + _rng.Next(3);
            for (var kick = 0; kick < kicks; kick++)
            {
                var (from, to) = _rng.Next(2) == 0 ? (a, b) : (b, a);
                var members = _members[from];
                if (members.Count == 0)
                {
                    continue;
                }
                for (var attempt = 0; attempt < 8; attempt++)
                {
                    var i = members[_rng.Next(members.Count)];
                    if (!_movable[i] || _tabuRound[i] == _round || !IsCandidate(i, to))
                    {
                        continue;
                    }
                    change += ShiftDelta(i, from, to);
                    log.Add((i, from));
                    Move(i, to);
                    _tabuRound[i] = _round;
                    break;
                }
            }
            if (log.Count == 0)
            {
                continue;
            }
            area.Clear();
            AddArea(a);
            AddArea(b);
            foreach (var t in _neighbours[a])
            {
                AddArea(t);
            }
            local.Clear();
            foreach (var t in area)
            {
                local.AddRange(_members[t]);
                seen[t] = false;
            }
            change += Descend(local, log, 6, a, b);
            if (change > Epsilon)
            {
                for (var u = log.Count - 1; u >= 0; u--)
                {
                    Move(log[u].Account, log[u].From);
                }
            }
            if (floating && (r + 1) % refresh == 0)
            {
                UpdateCentroids(_assign);
                BuildCandidates();
                Remember();
            }
            if ((r + 1) % report == 0)
            {
                Report(BalancingPhase.IteratedLocalSearch, r + 1, rounds);
            }
        }
        if (floating)
        {
            UpdateCentroids(_assign);
            BuildCandidates();
            _round++;
            Descend(_movableList, null, 10);
        }
        Remember();

        void AddArea(int t)
        {
            if (!seen[t])
            {
                seen[t] = true;
                area.Add(t);
            }
        }
    }
}
