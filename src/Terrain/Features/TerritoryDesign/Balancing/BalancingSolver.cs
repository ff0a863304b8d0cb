using System.Diagnostics;

namespace Terrain.Features.TerritoryDesign.Balancing;

/// <summary>The search behind <see cref="TerritoryBalancer"/>. One instance solves one problem once.</summary>
internal sealed partial class BalancingSolver
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
        Stopwatch clock, CancellationToken ct, double? meanPotential = null, double? meanWorkload = null)
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
        _meanP = meanPotential ?? totalP / _k;
        _meanW = meanWorkload ?? totalW / _k;
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

    /// <summary>When the current start must end (the time budget, or a start's share of it).</summary>
    private TimeSpan _deadline = TimeSpan.MaxValue;

    private TimeSpan _startedAt;

    private bool OutOfTime => _clock.Elapsed >= _deadline || _clock.Elapsed >= _options.TimeBudget;

    /// <summary>Starts of the whole search: several for floating centres below the size of a region, else one.</summary>
    private int Restarts => Math.Max(1, _options.Restarts ?? (AnyFloating && _movableList.Length <= DefaultAccountsPerRegion ? 4 : 1));

    public int[] Solve()
    {
        if (UseRegions)
        {
            return SolveByRegions();
        }
        PlaceFixed();
        if (_movableList.Length == 0)
        {
            return (int[])_assign.Clone();
        }
        var restarts = Restarts;
        if (restarts == 1)
        {
            _deadline = _options.TimeBudget;
            SeedCentres();
            Construct();
            Remember();
            Improve();
            Iterate();
            return _best;
        }
        // Several starts, each with an equal share of the time left: the first from the usual seeds (current centroids,
        // or recursive bisection), the others from k-means++ samples; the best by violation, then cost at centroids.
        var overall = new int[_n];
        var overallViolation = double.MaxValue;
        var overallCost = double.MaxValue;
        for (var start = 0; start < restarts; start++)
        {
            Check();
            _startedAt = _clock.Elapsed;
            _deadline = _startedAt + (_options.TimeBudget - _startedAt) / (restarts - start);
            if (start > 0)
            {
                if (_clock.Elapsed >= _options.TimeBudget)
                {
                    StoppedEarly = true;
                    break;
                }
                foreach (var i in _movableList)
                {
                    Remove(i);
                }
                _bestViolation = double.MaxValue;
                _bestCost = double.MaxValue;
            }
            SeedCentres(sample: start > 0);
            Construct();
            Remember();
            Improve();
            Iterate();
            var (violation, cost) = Score(_best);
            if (violation < overallViolation - 1e-12 || (violation <= overallViolation + 1e-12 && cost < overallCost))
            {
                overallViolation = violation;
                overallCost = cost;
                Array.Copy(_best, overall, _n);
            }
        }
        return overall;
    }

    /// <summary>An alignment's violation and cost with floating centres at its centroids (comparable across starts).</summary>
    private (double Violation, double Cost) Score(int[] assignment)
    {
        var saved = (int[])_assign.Clone();
        foreach (var i in _movableList)
        {
            Move(i, assignment[i]);
        }
        if (AnyFloating)
        {
            UpdateCentroids(_assign);
        }
        var result = (TotalViolation(), TotalCost());
        foreach (var i in _movableList)
        {
            Move(i, saved[i]);
        }
        return result;
    }

    /// <summary>Places the accounts that may not move (locked, or in a locked territory) in their territories.</summary>
    private void PlaceFixed()
    {
        for (var i = 0; i < _n; i++)
        {
            _assign[i] = -1;
            if (!_movable[i] && _cur[i] >= 0)
            {
                Place(i, _cur[i]);
            }
        }
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
}
