using Terrain.Domain.Actuals;

namespace Terrain.Domain.Performance;

/// <summary>One state of a deal as an import saw it (an <c>OpportunityChange</c> row), with the business day of the import.</summary>
public sealed record DealVersion(Guid Deal, DateTimeOffset At, DateOnly Day, Guid Owner, string Stage, DealOutcome Outcome, bool Deleted);

/// <summary>How a deal left an open stage.</summary>
public enum StageExit
{
    /// <summary>A later import saw it open in another stage (forward or back: Terrain does not know the CRM's stage order).</summary>
    MovedOn,
    Won,
    Lost,

    /// <summary>Missing from a full extract: neither a conversion nor a loss.</summary>
    Removed,
}

/// <summary>
/// A deal's stay in one open stage: from the day an import first saw it there (<see cref="Entered"/>) to the day an
/// import saw it elsewhere (<see cref="Left"/>, null while it is still there), and how it left.
/// </summary>
public sealed record StageVisit(Guid Deal, Guid Owner, string Stage, DateOnly Entered, DateOnly? Left, StageExit? Exit)
{
    public int? Days => Left is { } left ? left.DayNumber - Entered.DayNumber : null;
}

/// <summary>
/// One stage's figures over the deals that entered it in a period (docs/metrics.md): how many entered, how each of
/// them left (or is still there), the conversion (moved on or won ÷ those that left, not counting removed deals)
/// and the median and average days in the stage of those that left.
/// </summary>
public sealed record StageFigures(string Stage, int Entered, int MovedOn, int Won, int Lost, int Removed, int StillIn, decimal? Conversion,
    decimal? MedianDays, decimal? AverageDays);

/// <summary>Stage conversion and days in stage from the imports' successive snapshots of each deal.</summary>
public static class StageFlow
{
    /// <summary>
    /// Each deal's stays in open stages: consecutive versions in the same stage (ignoring case) are one stay, whatever
    /// else changed; a deal first seen in a stage entered it on that import's day (nothing earlier is known).
    /// </summary>
    public static IReadOnlyList<StageVisit> Visits(IEnumerable<DealVersion> versions)
    {
        var visits = new List<StageVisit>();
        foreach (var deal in versions.GroupBy(v => v.Deal))
        {
            StageVisit? current = null;
            foreach (var v in deal.OrderBy(v => v.At))
            {
                var open = v.Outcome == DealOutcome.Open && !v.Deleted;
                if (current is not null && open && string.Equals(current.Stage, v.Stage, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (current is not null)
                {
                    var exit = v.Deleted ? StageExit.Removed
                        : v.Outcome == DealOutcome.Won ? StageExit.Won
                        : v.Outcome == DealOutcome.Lost ? StageExit.Lost
                        : StageExit.MovedOn;
                    visits.Add(current with { Left = v.Day, Exit = exit });
                    current = null;
                }

                if (open)
                {
                    current = new StageVisit(v.Deal, v.Owner, v.Stage.Trim(), v.Day, null, null);
                }
            }

            if (current is not null)
            {
                visits.Add(current);
            }
        }

        return visits;
    }

    /// <summary>
    /// The figures of every stage for the stays that began between <paramref name="start"/> and <paramref name="end"/>
    /// (of <paramref name="owner"/> at entry, when given), stages in funnel order: by their average position in the
    /// deals' paths, then by name.
    /// </summary>
    public static IReadOnlyList<StageFigures> Figures(IReadOnlyList<StageVisit> visits, DateOnly start, DateOnly end, Guid? owner = null)
    {
        var order = Order(visits);
        return visits.Where(v => v.Entered >= start && v.Entered <= end && (owner is null || v.Owner == owner))
            .GroupBy(v => v.Stage, StringComparer.OrdinalIgnoreCase)
            .Select(g =>
            {
                var list = g.ToList();
                int Count(StageExit exit) => list.Count(v => v.Exit == exit);
                var (moved, won, lost) = (Count(StageExit.MovedOn), Count(StageExit.Won), Count(StageExit.Lost));
                var days = list.Where(v => v.Days is not null).Select(v => v.Days!.Value).ToList();
                return new StageFigures(list.OrderBy(v => v.Entered).First().Stage, list.Count, moved, won, lost, Count(StageExit.Removed), list.Count(v => v.Exit is null),
                    moved + won + lost == 0 ? null : decimal.Round((decimal)(moved + won) / (moved + won + lost), 4, MidpointRounding.ToEven),
                    PaceMetrics.Median(days.Select(d => (d, 1))),
                    days.Count == 0 ? null : decimal.Round((decimal)days.Sum() / days.Count, 2, MidpointRounding.ToEven));
            })
            .OrderBy(s => order.GetValueOrDefault(s.Stage.ToUpperInvariant(), double.MaxValue)).ThenBy(s => s.Stage, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>Each stage's average index in the deals' paths of distinct stages: the funnel order the data shows.</summary>
    public static Dictionary<string, double> Order(IReadOnlyList<StageVisit> visits) =>
        visits.GroupBy(v => v.Deal)
            .SelectMany(d => d.OrderBy(v => v.Entered).Select(v => v.Stage.ToUpperInvariant()).Distinct().Select((stage, i) => (stage, i)))
            .GroupBy(x => x.stage).ToDictionary(g => g.Key, g => g.Average(x => x.i));
}
