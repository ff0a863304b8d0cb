using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Terrain.Domain.Planning;

/// <summary>How a revenue target is shared out between reps (ADR 0038).</summary>
public enum AllocationMethod
{
    /// <summary>By the annual potential of the accounts each rep owns.</summary>
    Potential,

    /// <summary>By each rep's closed-won revenue in the same period a year before.</summary>
    Bookings,

    /// <summary>The same share for every rep.</summary>
    Equal,

    /// <summary>Potential, bookings and equal shares mixed by weights that sum to 100.</summary>
    Blend,
}

/// <summary>How a rep's year is spread over the quarters.</summary>
public enum Seasonality
{
    /// <summary>The shape of last year's closed-won revenue by quarter; even where there is none.</summary>
    LastYear,

    Even,

    /// <summary>Percentages the leader gives, one per quarter, summing to 100.</summary>
    Custom,
}

public enum AllocationStatus
{
    Draft,
    Published,
}

/// <summary>The weights of a blend, in whole percent summing to 100.</summary>
public sealed record BlendWeights(int Potential, int Bookings, int Equal);

/// <summary>What a leader asks for: the target, the method, the quarters' shape and the new hires' ramp.</summary>
public sealed record AllocationSettings(decimal Target, AllocationMethod Method, BlendWeights? Weights, Seasonality Seasonality,
    IReadOnlyList<decimal>? SeasonPercents, IReadOnlyList<int> Ramp)
{
    public static readonly IReadOnlyList<int> DefaultRamp = [25, 50, 75, 100];

    /// <summary>Just under a trillion: a target above it is a typo, not a plan (it would not fit the cents of a quarter per rep either).</summary>
    public const decimal MaxTarget = 999_999_999_999.99m;

    public const int MaxRampQuarters = 8;

    /// <summary>Every problem named by field: the target, the blend weights, the season's percentages, the ramp.</summary>
    public Dictionary<string, string> Problems(int quarters)
    {
        var problems = new Dictionary<string, string>();
        if (Target <= 0)
        {
            problems["target"] = $"The target must be more than zero ({Target.ToString(CultureInfo.InvariantCulture)}).";
        }
        else if (Target > MaxTarget)
        {
            problems["target"] = $"The target is too large: the largest is {MaxTarget.ToString("N2", CultureInfo.InvariantCulture)}.";
        }
        else if (decimal.Round(Target, 2) != Target)
        {
            problems["target"] = $"The target is in whole cents ({Target.ToString(CultureInfo.InvariantCulture)}).";
        }

        if (Method == AllocationMethod.Blend)
        {
            if (Weights is not { } w)
            {
                problems["weights"] = "A blend needs its weights: potential, bookings and equal, in percent.";
            }
            else if (w.Potential < 0 || w.Bookings < 0 || w.Equal < 0)
            {
                problems["weights"] = "A blend's weights cannot be negative.";
            }
            else if (w.Potential + w.Bookings + w.Equal != 100)
            {
                problems["weights"] = $"A blend's weights must sum to 100 (they sum to {w.Potential + w.Bookings + w.Equal}).";
            }
        }

        if (Seasonality == Seasonality.Custom)
        {
            if (SeasonPercents is not { } p || p.Count != quarters)
            {
                problems["seasonPercents"] = $"Give one percentage per quarter ({quarters}).";
            }
            else if (p.Any(x => x is < 0 or > 100))
            {
                problems["seasonPercents"] = "Each quarter's percentage is between 0 and 100.";
            }
            else if (p.Sum() != 100)
            {
                problems["seasonPercents"] = $"The quarters' percentages must sum to 100 (they sum to {p.Sum().ToString(CultureInfo.InvariantCulture)}).";
            }
        }

        if (Ramp.Count > MaxRampQuarters)
        {
            problems["ramp"] = $"A ramp has at most {MaxRampQuarters} steps.";
        }
        else if (Ramp.Any(r => r is < 0 or > 100))
        {
            problems["ramp"] = "Each ramp step is a percentage between 0 and 100.";
        }

        return problems;
    }
}

/// <summary>A rep as the allocation sees them: the potential they own, last year's bookings and the day they started (null: long enough ago).</summary>
public sealed record AllocationRep(Guid RepId, string Name, Guid? ManagerId, decimal Potential, decimal Bookings, DateOnly? StartedOn);

/// <summary>
/// One rep's part: <see cref="Share"/> is the method's share (before ramp and rounding), <see cref="Ramp"/> the percent
/// of a full quarter applied to each quarter, <see cref="Quarters"/> the amounts in whole cents.
/// </summary>
public sealed record AllocatedRep(Guid RepId, string Name, Guid? ManagerId, decimal Potential, decimal Bookings, decimal Share,
    IReadOnlyList<int> Ramp, IReadOnlyList<decimal> Quarters)
{
    public decimal Total => Quarters.Sum();
}

/// <summary>An allocation's result: every rep's quarters (summing to the target to the cent), the shape used, and what was decided for the leader.</summary>
public sealed record AllocationResult(IReadOnlyList<AllocatedRep> Reps, IReadOnlyList<decimal> Season, Seasonality SeasonUsed,
    AllocationMethod MethodUsed, IReadOnlyList<string> Notes);

/// <summary>
/// Shares a revenue target out between reps and quarters (ADR 0038): each rep-quarter weighs the rep's share by the
/// method, times the quarter's season, times the rep's ramp that quarter; the target is split in proportion to those
/// weights in whole cents by the largest-remainder method (first between reps, then each rep's over their quarters), so
/// the parts sum to the target exactly. What a ramp holds
/// back from a new hire is carried by the others: the target is the organisation's.
/// </summary>
public static class QuotaAllocator
{
    public static AllocationResult Allocate(AllocationSettings settings, IReadOnlyList<AllocationRep> reps, IReadOnlyList<Quarter> quarters,
        IReadOnlyList<decimal>? lastYear, string lastYearName = "last year")
    {
        if (settings.Problems(quarters.Count) is { Count: > 0 } problems)
        {
            var (field, message) = problems.First();
            throw new DomainException(message, field);
        }

        if (reps.Count == 0)
        {
            throw new DomainException("There is no rep with a plan in this cycle to allocate to.", "target");
        }

        var notes = new List<string>();
        var potential = reps.Sum(r => Math.Max(0, r.Potential));
        var bookings = reps.Sum(r => Math.Max(0, r.Bookings));
        var method = settings.Method;
        var weights = settings.Method switch
        {
            AllocationMethod.Potential => new BlendWeights(100, 0, 0),
            AllocationMethod.Bookings => new BlendWeights(0, 100, 0),
            AllocationMethod.Equal => new BlendWeights(0, 0, 100),
            AllocationMethod.Blend => settings.Weights!,
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Method, "A method without a rule."),
        };
        if (weights.Bookings > 0 && bookings == 0)
        {
            notes.Add($"No closed-won revenue {lastYearName} for these reps: the bookings part was shared by potential instead.");
            weights = weights with { Potential = weights.Potential + weights.Bookings, Bookings = 0 };
            method = method == AllocationMethod.Bookings ? AllocationMethod.Potential : method;
        }

        if (weights.Potential > 0 && potential == 0)
        {
            notes.Add("None of these reps' accounts has any annual potential: the potential part was shared equally instead.");
            weights = weights with { Equal = weights.Equal + weights.Potential, Potential = 0 };
            method = method == AllocationMethod.Potential ? AllocationMethod.Equal : method;
        }

        var shares = reps.Select(r =>
                (weights.Potential == 0 ? 0 : weights.Potential * Math.Max(0, r.Potential) / potential)
                + (weights.Bookings == 0 ? 0 : weights.Bookings * Math.Max(0, r.Bookings) / bookings)
                + weights.Equal / (decimal)reps.Count)
            .Select(s => s / 100m).ToList();

        var (season, seasonUsed) = Season(settings, quarters.Count, lastYear);
        if (settings.Seasonality == Seasonality.LastYear && seasonUsed == Seasonality.Even)
        {
            notes.Add($"No closed-won revenue {lastYearName}: the quarters are even.");
        }

        var ramps = reps.Select(r => quarters.Select(q => RampOf(r.StartedOn, q, settings.Ramp)).ToList()).ToList();
        var cells = new List<decimal>();
        for (var i = 0; i < reps.Count; i++)
        {
            for (var q = 0; q < quarters.Count; q++)
            {
                cells.Add(shares[i] * season[q] * ramps[i][q]);
            }
        }

        if (cells.Sum() == 0)
        {
            throw new DomainException("Nothing to share the target by: every rep's weight is zero in every quarter (check the season and the ramp).", "ramp");
        }

        // Two rounds: the reps' totals first, so no rep is a cent further from their share than rounding needs, then each
        // rep's total over their quarters. Both rounds sum exactly, so the cells sum to the target.
        var n = quarters.Count;
        var totals = LargestRemainder(Money.ToCents(settings.Target), Enumerable.Range(0, reps.Count).Select(i => cells.Skip(i * n).Take(n).Sum()).ToList());
        var result = reps.Select((r, i) =>
        {
            var own = cells.Skip(i * n).Take(n).ToList();
            var cents = totals[i] == 0 ? new long[n] : LargestRemainder(totals[i], own);
            return new AllocatedRep(r.RepId, r.Name, r.ManagerId, r.Potential, r.Bookings, decimal.Round(shares[i], 6), ramps[i],
                cents.Select(Money.FromCents).ToList());
        }).ToList();
        return new AllocationResult(result, season.Select(s => decimal.Round(s * 100, 2)).ToList(), seasonUsed, method, notes);
    }

    /// <summary>Each quarter's part of the year, summing to one.</summary>
    private static (IReadOnlyList<decimal> Season, Seasonality Used) Season(AllocationSettings settings, int count, IReadOnlyList<decimal>? lastYear)
    {
        switch (settings.Seasonality)
        {
            case Seasonality.Custom:
                return (settings.SeasonPercents!.Select(p => p / 100m).ToList(), Seasonality.Custom);
            case Seasonality.LastYear when lastYear is { } history && history.Count == count && history.All(h => h >= 0) && history.Sum() > 0:
                var sum = history.Sum();
                return (history.Select(h => h / sum).ToList(), Seasonality.LastYear);
            default:
                return (Enumerable.Repeat(1m / count, count).ToList(), Seasonality.Even);
        }
    }

    /// <summary>
    /// The percent of a full quarter a rep carries in <paramref name="quarter"/>: 0 before they start, the ramp's first step in the
    /// quarter they start, the next in the one after, and 100 once the ramp is over (or without a start date).
    /// </summary>
    public static int RampOf(DateOnly? startedOn, Quarter quarter, IReadOnlyList<int> ramp)
    {
        if (startedOn is not { } start)
        {
            return 100;
        }

        if (start > quarter.End)
        {
            return 0;
        }

        if (start >= quarter.Start)
        {
            return ramp.Count > 0 ? ramp[0] : 100;
        }

        var months = (quarter.Start.Year * 12 + quarter.Start.Month) - (start.Year * 12 + start.Month);
        var step = (months + 2) / 3;
        return step < ramp.Count ? ramp[step] : 100;
    }

    /// <summary>
    /// Splits <paramref name="total"/> cents in proportion to <paramref name="weights"/>: each part is first rounded down, and
    /// the cents left over go one each to the parts with the largest remainders (ties to the earlier part). The parts
    /// always sum to the total.
    /// </summary>
    public static long[] LargestRemainder(long total, IReadOnlyList<decimal> weights)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        var sum = weights.Sum();
        if (sum <= 0 || weights.Any(w => w < 0))
        {
            throw new ArgumentException("The weights must be non-negative and not all zero.", nameof(weights));
        }

        var parts = new long[weights.Count];
        var remainders = new decimal[weights.Count];
        for (var i = 0; i < weights.Count; i++)
        {
            // total * (w / sum) keeps within decimal's range for any total under 10^15 cents.
            var exact = total * (weights[i] / sum);
            parts[i] = (long)decimal.Floor(exact);
            remainders[i] = exact - parts[i];
        }

        var left = total - parts.Sum();
        foreach (var i in Enumerable.Range(0, weights.Count).OrderByDescending(i => remainders[i]).ThenBy(i => i).Take((int)Math.Max(0, left)))
        {
            parts[i]++;
        }

        // Rounding of w / sum can leave the floors a cent over or under; settle it on the largest parts.
        var off = total - parts.Sum();
        for (var k = 0; off != 0 && k < weights.Count * 2; k++)
        {
            var i = Enumerable.Range(0, weights.Count).Where(j => weights[j] > 0 && (off > 0 || parts[j] > 0)).OrderByDescending(j => weights[j]).First();
            parts[i] += Math.Sign(off);
            off -= Math.Sign(off);
        }

        return parts;
    }
}

/// <summary>
/// One allocation of a cycle's revenue target (ADR 0038, amended by ADR 0041): the settings as asked, what they came to
/// for each rep and the draft as adjusted by hand (<see cref="Lines"/>, JSON), and whether it was published. A draft
/// touches no quota: publishing writes its amounts into the quota rows, which from then on are the published quota.
/// </summary>
public sealed class QuotaAllocation
{
    private QuotaAllocation()
    {
    }

    public Guid Id { get; private set; }

    public Guid CycleId { get; private set; }

    public decimal Target { get; private set; }

    public AllocationMethod Method { get; private set; }

    public int PotentialWeight { get; private set; }

    public int BookingsWeight { get; private set; }

    public int EqualWeight { get; private set; }

    public Seasonality Seasonality { get; private set; }

    /// <summary>The quarters' shape used, percent per quarter, separated by ';'.</summary>
    public string Season { get; private set; } = "";

    /// <summary>The ramp's steps, percent per quarter since a rep started, separated by ';'.</summary>
    public string Ramp { get; private set; } = "";

    /// <summary>What was decided for the leader (a fallback when there was no history), one per line.</summary>
    public string Notes { get; private set; } = "";

    /// <summary>Each rep's part as computed: <see cref="AllocationLine"/>s as JSON.</summary>
    public string Lines { get; private set; } = "[]";

    public AllocationStatus Status { get; private set; }

    public Guid CreatedById { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public Guid? PublishedById { get; private set; }

    public DateTimeOffset? PublishedAt { get; private set; }

    public int Version { get; private set; }

    /// <summary>Why the leader allocated, kept in each rep's quota history when the draft is published (null: the method is said instead).</summary>
    public string? Reason { get; private set; }

    public const int MaxReason = 500;

    /// <summary>
    /// Each team's number (<see cref="AllocationTeamLine"/>s as JSON, ADR 0048): the first step of the allocation, which
    /// the reps' draft is shared out within. Empty for an allocation made before teams came first.
    /// </summary>
    public string Teams { get; private set; } = "[]";

    public static QuotaAllocation Draft(Guid cycleId, AllocationSettings settings, AllocationResult result, Guid actorId, DateTimeOffset now,
        string? reason = null)
    {
        if (reason?.Length > MaxReason)
        {
            throw new DomainException($"The reason is limited to {MaxReason} characters.", "reason");
        }

        var weights = settings.Method == AllocationMethod.Blend ? settings.Weights! : new BlendWeights(0, 0, 0);
        return new QuotaAllocation
        {
            Id = Guid.CreateVersion7(now),
            CycleId = cycleId,
            Target = settings.Target,
            Method = result.MethodUsed,
            PotentialWeight = weights.Potential,
            BookingsWeight = weights.Bookings,
            EqualWeight = weights.Equal,
            Seasonality = result.SeasonUsed,
            Season = string.Join(';', result.Season.Select(s => s.ToString(CultureInfo.InvariantCulture))),
            Ramp = string.Join(';', settings.Ramp.Select(r => r.ToString(CultureInfo.InvariantCulture))),
            Notes = string.Join('\n', result.Notes),
            Lines = JsonSerializer.Serialize(result.Reps.Select(r => new AllocationLine(r.RepId, r.Potential, r.Bookings, r.Share, r.Ramp, r.Quarters, null, r.ManagerId)).ToList()),
            Teams = JsonSerializer.Serialize(result.Reps.GroupBy(r => r.ManagerId)
                .Select(g => new AllocationTeamLine(g.Key, Enumerable.Range(0, g.First().Quarters.Count).Select(q => g.Sum(r => r.Quarters[q])).ToList())).ToList()),
            Status = AllocationStatus.Draft,
            CreatedById = actorId,
            CreatedAt = now,
            Version = 1,
            Reason = reason,
        };
    }

    public IReadOnlyList<AllocationLine> ReadLines() => JsonSerializer.Deserialize<List<AllocationLine>>(Lines) ?? [];

    /// <summary>The teams' numbers; empty for an allocation made before teams came first (its reps are then checked against the target only).</summary>
    public IReadOnlyList<AllocationTeamLine> ReadTeams() => JsonSerializer.Deserialize<List<AllocationTeamLine>>(Teams) ?? [];

    /// <summary>The teams' numbers summed over every team and quarter.</summary>
    public decimal TeamsTotal() => ReadTeams().Sum(t => t.Draft.Sum());

    /// <summary>
    /// The first step, by hand (ADR 0048): the leader sets the named teams' quarters (whole cents, zero or more), and the
    /// reps of each team changed are shared out again within its new number, each quarter in proportion to what the
    /// method computed for them (their share, season and ramp), by the largest remainder, so they sum to it exactly; a
    /// hand adjustment of those reps is replaced. Refused once published, for a stale <paramref name="version"/>, for a
    /// team that is not in the allocation, and for bad amounts, named by field (<c>teams[i].quarters[q]</c>). The teams
    /// need not sum to the target until the allocation is published.
    /// </summary>
    /// <returns>The managers of the teams whose number changed.</returns>
    public IReadOnlyList<Guid?> SetTeams(IReadOnlyList<(Guid? ManagerId, IReadOnlyList<decimal> Quarters)> teams, int version)
    {
        EnsureDraft(version);
        var current = ReadTeams().ToList();
        if (current.Count == 0)
        {
            throw new InvalidStateException("This allocation was made before teams came first: allocate again to set the teams' quotas.", "teams");
        }

        var quarters = current[0].Quarters.Count;
        var problems = new Problems();
        if (teams.Count == 0)
        {
            problems.Add("teams", "Give at least one team and its quarters.");
        }

        var seen = new HashSet<Guid?>();
        for (var i = 0; i < teams.Count; i++)
        {
            var (managerId, amounts) = teams[i];
            if (current.FindIndex(t => t.ManagerId == managerId) < 0)
            {
                problems.Add($"teams[{i}].managerId", "This team is not in the allocation.");
            }
            else if (!seen.Add(managerId))
            {
                problems.Add($"teams[{i}].managerId", "This team is given twice.");
            }
            else if (amounts.Count != quarters)
            {
                problems.Add($"teams[{i}].quarters", $"Give one amount per quarter ({quarters}).");
            }
            else
            {
                for (var q = 0; q < amounts.Count; q++)
                {
                    CheckAmount(problems, $"teams[{i}].quarters[{q}]", amounts[q]);
                }
            }
        }

        problems.ThrowIfAny("The teams' quotas break a rule");
        var lines = ReadLines().ToList();
        var changed = new List<Guid?>();
        foreach (var (managerId, amounts) in teams)
        {
            var index = current.FindIndex(t => t.ManagerId == managerId);
            if (current[index].Draft.SequenceEqual(amounts))
            {
                continue;
            }

            current[index] = current[index] with { Adjusted = current[index].Quarters.SequenceEqual(amounts) ? null : [.. amounts] };
            changed.Add(managerId);
            var members = lines.Select((l, n) => (Line: l, Index: n)).Where(x => x.Line.ManagerId == managerId).ToList();
            var spread = members.Select(_ => new decimal[quarters]).ToList();
            for (var q = 0; q < quarters; q++)
            {
                var weights = members.Select(m => m.Line.Quarters[q]).ToList();
                if (weights.Sum() <= 0)
                {
                    weights = members.Select(m => m.Line.Share).ToList();
                }

                if (weights.Sum() <= 0)
                {
                    weights = members.Select(_ => 1m).ToList();
                }

                var cents = members.Count == 0 ? Array.Empty<long>() : QuotaAllocator.LargestRemainder(Money.ToCents(amounts[q]), weights);
                for (var m = 0; m < members.Count; m++)
                {
                    spread[m][q] = Money.FromCents(cents[m]);
                }
            }

            for (var m = 0; m < members.Count; m++)
            {
                var line = members[m].Line;
                lines[members[m].Index] = line with { Adjusted = line.Quarters.SequenceEqual(spread[m]) ? null : [.. spread[m]] };
            }
        }

        Teams = JsonSerializer.Serialize(current);
        Lines = JsonSerializer.Serialize(lines);
        Version++;
        return changed;
    }

    private void EnsureDraft(int version)
    {
        if (Status != AllocationStatus.Draft)
        {
            throw new InvalidStateException("This allocation is published: change a published quota in the quota grid, or allocate again.", "status");
        }

        if (version != Version)
        {
            throw new InvalidStateException($"Someone adjusted this allocation after you read it (version {version}, now {Version}). Reload it and adjust again.", "version");
        }
    }

    private static void CheckAmount(Problems problems, string field, decimal amount)
    {
        if (amount < 0)
        {
            problems.Add(field, "A quota cannot be negative.");
        }
        else if (amount > AllocationSettings.MaxTarget)
        {
            problems.Add(field, $"The amount is too large: the largest is {AllocationSettings.MaxTarget.ToString("N2", CultureInfo.InvariantCulture)}.");
        }
        else if (decimal.Round(amount, 2) != amount)
        {
            problems.Add(field, "A quota is in whole cents.");
        }
    }

    /// <summary>Problems named by field, thrown together: one as itself, several under a summary, the first field named.</summary>
    private sealed class Problems
    {
        private readonly List<(string Field, string Message)> _list = [];

        public int Count => _list.Count;

        public void Add(string field, string message) => _list.Add((field, message));

        public void ThrowIfAny(string summary)
        {
            if (_list.Count == 1)
            {
                throw new DomainException(_list[0].Message, _list[0].Field);
            }

            if (_list.Count > 1)
            {
                throw new DomainException(summary, _list.Select(p => $"{p.Field}: {p.Message}").ToList(), _list[0].Field);
            }
        }
    }

    public IReadOnlyList<decimal> SeasonPercents() => Season.Split(';', StringSplitOptions.RemoveEmptyEntries)
        .Select(s => decimal.Parse(s, CultureInfo.InvariantCulture)).ToList();

    public IReadOnlyList<int> RampSteps() => Ramp.Split(';', StringSplitOptions.RemoveEmptyEntries)
        .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();

    public BlendWeights? Weights => Method == AllocationMethod.Blend ? new BlendWeights(PotentialWeight, BookingsWeight, EqualWeight) : null;

    /// <summary>The draft's amounts summed over every rep and quarter.</summary>
    public decimal DraftTotal() => ReadLines().Sum(l => l.Draft.Sum());

    /// <summary>
    /// Adjusts a draft by hand: each named rep's quarters replace the draft's (in whole cents, zero or more). Refused
    /// once published (a published quota is changed in the grid, or by a new allocation), for a version that is not
    /// the one read (the <c>version</c> error), for a rep who is not in the allocation, and for bad amounts, every
    /// problem named by field (<c>reps[i].quarters[q]</c>).
    /// </summary>
    public void Adjust(IReadOnlyList<(Guid RepId, IReadOnlyList<decimal> Quarters)> reps, int version)
    {
        EnsureDraft(version);

        var lines = ReadLines().ToList();
        var quarters = lines.FirstOrDefault()?.Quarters.Count ?? 0;
        var problems = new List<string>();
        string? first = null;
        void Problem(string field, string message)
        {
            first ??= field;
            problems.Add($"{field}: {message}");
        }

        if (reps.Count == 0)
        {
            Problem("reps", "Give at least one rep and their quarters.");
        }

        var seen = new HashSet<Guid>();
        for (var i = 0; i < reps.Count; i++)
        {
            var (repId, amounts) = reps[i];
            var index = lines.FindIndex(l => l.RepId == repId);
            if (index < 0)
            {
                Problem($"reps[{i}].repId", "This rep is not in the allocation.");
                continue;
            }

            if (!seen.Add(repId))
            {
                Problem($"reps[{i}].repId", "This rep is given twice.");
                continue;
            }

            if (amounts.Count != quarters)
            {
                Problem($"reps[{i}].quarters", $"Give one amount per quarter ({quarters}).");
                continue;
            }

            for (var q = 0; q < amounts.Count; q++)
            {
                var amount = amounts[q];
                if (amount < 0)
                {
                    Problem($"reps[{i}].quarters[{q}]", "A quota cannot be negative.");
                }
                else if (amount > AllocationSettings.MaxTarget)
                {
                    Problem($"reps[{i}].quarters[{q}]", $"The amount is too large: the largest is {AllocationSettings.MaxTarget.ToString("N2", CultureInfo.InvariantCulture)}.");
                }
                else if (decimal.Round(amount, 2) != amount)
                {
                    Problem($"reps[{i}].quarters[{q}]", "A quota is in whole cents.");
                }
            }

            if (problems.Count == 0)
            {
                lines[index] = lines[index] with { Adjusted = lines[index].Quarters.SequenceEqual(amounts) ? null : [.. amounts] };
            }
        }

        if (problems.Count > 0)
        {
            throw problems.Count == 1
                ? new DomainException(problems[0][(problems[0].IndexOf(": ", StringComparison.Ordinal) + 2)..], first)
                : new DomainException("The adjustment breaks a rule", problems, first);
        }

        Lines = JsonSerializer.Serialize(lines);
        Version++;
    }

    /// <summary>
    /// Publishes the draft when its amounts sum to its target to the cent; otherwise refuses, naming the difference
    /// (the <c>allocation-does-not-sum</c> error). The caller writes the amounts into the quotas in the same save.
    /// </summary>
    public void Publish(Guid actorId, DateTimeOffset now, Func<Guid?, string>? teamName = null)
    {
        if (Status != AllocationStatus.Draft)
        {
            throw new InvalidStateException("This allocation is already published: allocate again to change the quotas this way.", "status");
        }

        var total = DraftTotal();
        if (total != Target)
        {
            var difference = total - Target;
            throw new InvalidStateException(
                $"The quotas sum to {total.ToString("N2", CultureInfo.InvariantCulture)}, {Math.Abs(difference).ToString("N2", CultureInfo.InvariantCulture)} {(difference < 0 ? "short of" : "over")} the target of {Target.ToString("N2", CultureInfo.InvariantCulture)}: adjust them until the difference is zero before publishing.",
                NotSummingField);
        }

        var teams = ReadTeams();
        if (teams.Count > 0 && TeamsTotal() is var teamsTotal && teamsTotal != Target)
        {
            var difference = teamsTotal - Target;
            throw new InvalidStateException(
                $"The teams' quotas sum to {teamsTotal.ToString("N2", CultureInfo.InvariantCulture)}, {Math.Abs(difference).ToString("N2", CultureInfo.InvariantCulture)} {(difference < 0 ? "short of" : "over")} the target of {Target.ToString("N2", CultureInfo.InvariantCulture)}: adjust the teams until the difference is zero before publishing.",
                NotSummingField);
        }

        var lines = ReadLines();
        foreach (var team in teams)
        {
            var reps = lines.Where(l => l.ManagerId == team.ManagerId).Sum(l => l.Draft.Sum());
            if (reps != team.Draft.Sum())
            {
                var difference = reps - team.Draft.Sum();
                throw new InvalidStateException(
                    $"The reps of {teamName?.Invoke(team.ManagerId) ?? "a team"} sum to {reps.ToString("N2", CultureInfo.InvariantCulture)}, {Math.Abs(difference).ToString("N2", CultureInfo.InvariantCulture)} {(difference < 0 ? "short of" : "over")} the team's quota of {team.Draft.Sum().ToString("N2", CultureInfo.InvariantCulture)}: share the team's quota out between them before publishing.",
                    TeamNotSummingField);
            }
        }

        (Status, PublishedById, PublishedAt) = (AllocationStatus.Published, actorId, now);
        Version++;
    }

    /// <summary>The field named when an allocation that does not sum to its target is published.</summary>
    public const string NotSummingField = "allocation-does-not-sum";

    /// <summary>The field named when a team's reps do not sum to the team's quota at publication.</summary>
    public const string TeamNotSummingField = "team-does-not-sum";

    public string Describe() => Method switch
    {
        AllocationMethod.Potential => "by potential share (the annual potential of the accounts each rep owns)",
        AllocationMethod.Bookings => "by last year's bookings (each rep's closed-won revenue in the same period a year before)",
        AllocationMethod.Equal => "equally between the reps",
        AllocationMethod.Blend => $"by a blend: {PotentialWeight}% potential share, {BookingsWeight}% last year's bookings, {EqualWeight}% equal",
        _ => throw new ArgumentOutOfRangeException(nameof(Method), Method, "A method without a description."),
    };
}

/// <summary>
/// One rep's part of an allocation: <see cref="Quarters"/> as computed, <see cref="Adjusted"/> as changed by hand in the
/// draft (null: not changed), and <see cref="Draft"/> the amounts that publishing writes.
/// </summary>
public sealed record AllocationLine(Guid RepId, decimal Potential, decimal Bookings, decimal Share, IReadOnlyList<int> Ramp, IReadOnlyList<decimal> Quarters,
    IReadOnlyList<decimal>? Adjusted = null, Guid? ManagerId = null)
{
    [JsonIgnore]
    public IReadOnlyList<decimal> Draft => Adjusted ?? Quarters;
}

/// <summary>
/// One team's part of an allocation (ADR 0048): the team of <see cref="ManagerId"/> (null: the reps without a manager),
/// its quarters as computed (the sum of its reps' computed quarters: the same basis as theirs), the leader's adjustment,
/// and <see cref="Draft"/>, the team's number that its reps' draft must sum to and that publishing writes as the team quota.
/// </summary>
public sealed record AllocationTeamLine(Guid? ManagerId, IReadOnlyList<decimal> Quarters, IReadOnlyList<decimal>? Adjusted = null)
{
    [JsonIgnore]
    public IReadOnlyList<decimal> Draft => Adjusted ?? Quarters;
}
