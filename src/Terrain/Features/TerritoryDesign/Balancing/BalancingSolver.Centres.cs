namespace Terrain.Features.TerritoryDesign.Balancing;

/// <summary>Centres and candidate lists: seeding (k-means++ sampling, recursive bisection), centroids, the k-d tree candidates.</summary>
internal sealed partial class BalancingSolver
{
    /// <summary>Floating centres start at the centroid of the current accounts; the rest by k-means++ sampling.</summary>
    private void SeedCentres(bool sample = false)
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
        if (sample)
        {
            foreach (var t in _free)
            {
                _hasCentre[t] = _fixedCentre[t] && _hasCentre[t];
            }
        }
        foreach (var t in _free)
        {
            if (!sample && !_hasCentre[t] && count[t] > 0)
            {
                SetCentroid(t, sx[t], sy[t], sz[t]);
            }
        }
        var missing = _free.Where(t => !_hasCentre[t]).ToArray();
        if (missing.Length == 0)
        {
            return;
        }
        if (!sample && missing.Length * 2 > _free.Length)
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
}
