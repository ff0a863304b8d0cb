using Terrain.Domain.Actuals;
using Terrain.Domain.Performance;

namespace Terrain.Domain.Reviews;

/// <summary>What happened to a deal between two reviews, or why it is at risk now (issue 11 §2).</summary>
public enum DealChangeKind
{
    Won,
    Lost,
    New,
    Pushed,
    PulledIn,
    AmountUp,
    AmountDown,
    StageBack,
    CloseDatePassed,
    Stalled,
    NoActivity,
}

/// <summary>One import's snapshot of a deal (an <c>OpportunityChanges</c> row).</summary>
public sealed record DealSnapshot(DateTimeOffset At, Guid Owner, string Stage, DealOutcome Outcome, decimal Amount, DateOnly CloseDate, bool Deleted);

/// <summary>A deal and every snapshot of it up to the review's date, oldest first or not.</summary>
public sealed record DealHistory(Guid Id, string ExternalId, string Name, string AccountName, Guid? AccountId, string? LossReason, IReadOnlyList<DealSnapshot> Snapshots);

/// <summary>One deal that changed since the last review or is at risk: how it stands now, and how it stood then.</summary>
public sealed record DealChange(
    Guid Id,
    string ExternalId,
    string Name,
    string AccountName,
    string Stage,
    DealOutcome Outcome,
    decimal Amount,
    DateOnly CloseDate,
    IReadOnlyList<DealChangeKind> Kinds,
    string? StageBefore,
    decimal? AmountBefore,
    DateOnly? CloseDateBefore,
    int Pushes,
    string? LossReason,
    int? DaysInStage,
    int? DaysSinceActivity)
{
    /// <summary>The rep's credited share of the deal when it is not all of it (a revenue split, ADR 0046), in percent; null otherwise.</summary>
    public decimal? CreditPercent { get; init; }

    /// <summary>The credited amount that goes with <see cref="CreditPercent"/>.</summary>
    public decimal? Credited { get; init; }
}

/// <summary>
/// The rep's deals deal by deal between the last review's date (<see cref="Since"/>) and this one's (<see cref="AsOf"/>),
/// read from the imports' snapshots as known at the end of each day: new, won, lost (with the reason), pushed (and how
/// many times across every snapshot), pulled in, amount up or down, moved back a stage (in the funnel order the data
/// shows); and the open deals at risk: close date passed, in the same stage more than <see cref="StalledAfterDays"/>
/// days, no held activity on the account in <see cref="QuietAfterDays"/> days.
/// </summary>
public sealed record DealChanges(DateOnly Since, DateOnly AsOf, int StalledAfterDays, int QuietAfterDays, IReadOnlyList<DealChange> Deals)
{
    public const int DefaultStalledAfterDays = 45;
    public const int DefaultQuietAfterDays = 21;

    /// <summary>
    /// Compares each deal's snapshot at <paramref name="since"/> (the end of the last review's day) with its snapshot
    /// at <paramref name="asOf"/> (the end of this review's day); <paramref name="dayOf"/> gives an import's business
    /// day, <paramref name="lastActivity"/> the day of the rep's last held activity on each account.
    /// </summary>
    public static DealChanges Compare(IEnumerable<DealHistory> deals, Guid rep, DateTimeOffset since, DateTimeOffset asOf, DateOnly sinceDay, DateOnly asOfDay,
        Func<DateTimeOffset, DateOnly> dayOf, IReadOnlyDictionary<Guid, DateOnly> lastActivity,
        int stalledAfterDays = DefaultStalledAfterDays, int quietAfterDays = DefaultQuietAfterDays)
    {
        var histories = deals.Select(d => d with { Snapshots = d.Snapshots.Where(s => s.At < asOf).OrderBy(s => s.At).ToList() })
            .Where(d => d.Snapshots.Count > 0).ToList();
        var order = StageFlow.Order(StageFlow.Visits(histories.SelectMany(d => d.Snapshots.Select(s =>
            new DealVersion(d.Id, s.At, dayOf(s.At), s.Owner, s.Stage, s.Outcome, s.Deleted)))));
        var changes = new List<DealChange>();
        foreach (var deal in histories)
        {
            var now = deal.Snapshots[^1];
            if (now.Deleted || now.Owner != rep)
            {
                continue;
            }

            var then = deal.Snapshots.LastOrDefault(s => s.At < since) is { Deleted: false } t && t.Owner == rep ? t : null;
            var open = now.Outcome == DealOutcome.Open;
            var kinds = new List<DealChangeKind>();
            if (now.Outcome == DealOutcome.Won && then?.Outcome != DealOutcome.Won)
            {
                kinds.Add(DealChangeKind.Won);
            }

            if (now.Outcome == DealOutcome.Lost && then?.Outcome != DealOutcome.Lost)
            {
                kinds.Add(DealChangeKind.Lost);
            }

            if (then is null)
            {
                kinds.Add(DealChangeKind.New);
            }

            var pushes = 0;
            var pushedSince = false;
            for (var i = 1; i < deal.Snapshots.Count; i++)
            {
                var (before, after) = (deal.Snapshots[i - 1], deal.Snapshots[i]);
                if (before.Outcome == DealOutcome.Open && after.CloseDate > before.CloseDate)
                {
                    pushes++;
                    pushedSince |= after.At >= since;
                }
            }

            if (then is not null)
            {
                if (open && pushedSince && now.CloseDate > then.CloseDate)
                {
                    kinds.Add(DealChangeKind.Pushed);
                }

                if (open && then.Outcome == DealOutcome.Open && now.CloseDate < then.CloseDate)
                {
                    kinds.Add(DealChangeKind.PulledIn);
                }

                if (now.Amount != then.Amount)
                {
                    kinds.Add(now.Amount > then.Amount ? DealChangeKind.AmountUp : DealChangeKind.AmountDown);
                }

                if (open && then.Outcome == DealOutcome.Open && order.TryGetValue(now.Stage.Trim().ToUpperInvariant(), out var at)
                    && order.TryGetValue(then.Stage.Trim().ToUpperInvariant(), out var was) && at < was)
                {
                    kinds.Add(DealChangeKind.StageBack);
                }
            }

            int? daysInStage = null;
            int? quiet = null;
            if (open)
            {
                var entered = deal.Snapshots.Count - 1;
                while (entered > 0 && deal.Snapshots[entered - 1].Outcome == DealOutcome.Open
                       && string.Equals(deal.Snapshots[entered - 1].Stage.Trim(), now.Stage.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    entered--;
                }

                daysInStage = asOfDay.DayNumber - dayOf(deal.Snapshots[entered].At).DayNumber;
                if (now.CloseDate < asOfDay)
                {
                    kinds.Add(DealChangeKind.CloseDatePassed);
                }

                if (daysInStage > stalledAfterDays)
                {
                    kinds.Add(DealChangeKind.Stalled);
                }

                if (deal.AccountId is { } account)
                {
                    quiet = lastActivity.TryGetValue(account, out var last) ? asOfDay.DayNumber - last.DayNumber : null;
                    if (quiet is null || quiet > quietAfterDays)
                    {
                        kinds.Add(DealChangeKind.NoActivity);
                    }
                }
            }

            if (kinds.Count > 0)
            {
                changes.Add(new DealChange(deal.Id, deal.ExternalId, deal.Name, deal.AccountName, now.Stage, now.Outcome, now.Amount, now.CloseDate, kinds,
                    then?.Stage, then?.Amount, then?.CloseDate, pushes, now.Outcome == DealOutcome.Lost ? deal.LossReason : null, daysInStage, quiet));
            }
        }

        return new DealChanges(sinceDay, asOfDay, stalledAfterDays, quietAfterDays,
            changes.OrderBy(c => c.Kinds.Min()).ThenByDescending(c => c.Amount).ThenBy(c => c.ExternalId, StringComparer.Ordinal).ToList());
    }
}
