namespace Terrain.Features.TerritoryDesign.Balancing;

/// <summary>Local search: shift and swap descents on the penalised objective, ejection chains for the territories outside the band.</summary>
internal sealed partial class BalancingSolver
{
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
}
