namespace Terrain.Features.TerritoryDesign.Balancing;

/// <summary>Construction: an assignment under per-territory prices (Lagrangian / Rprop), floating centres following as in Lloyd.</summary>
internal sealed partial class BalancingSolver
{
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
            if (_clock.Elapsed >= _startedAt + ((_deadline < _options.TimeBudget ? _deadline : _options.TimeBudget) - _startedAt) * 0.45)
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
}
