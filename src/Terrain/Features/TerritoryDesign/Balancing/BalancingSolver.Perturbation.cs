namespace Terrain.Features.TerritoryDesign.Balancing;

/// <summary>Perturbation: iterated local search with tabu kicks between neighbouring territories.</summary>
internal sealed partial class BalancingSolver
{
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
