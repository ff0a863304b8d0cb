using Terrain.Domain.Reviews;

namespace Terrain.Features.Reviews;

/// <summary>How the review page names a deal's change.</summary>
public static class DealChangeLabels
{
    public static string Kind(DealChangeKind kind) => kind switch
    {
        DealChangeKind.Won => "won",
        DealChangeKind.Lost => "lost",
        DealChangeKind.New => "new",
        DealChangeKind.Pushed => "pushed",
        DealChangeKind.PulledIn => "pulled in",
        DealChangeKind.AmountUp => "amount up",
        DealChangeKind.AmountDown => "amount down",
        DealChangeKind.StageBack => "moved back a stage",
        DealChangeKind.CloseDatePassed => "close date passed",
        DealChangeKind.Stalled => "stalled in a stage",
        DealChangeKind.NoActivity => "without recent activity",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string Describe(DealChangeKind kind, DealChange deal) => kind switch
    {
        DealChangeKind.Won => "Won",
        DealChangeKind.Lost => deal.LossReason is { Length: > 0 } reason ? $"Lost: {reason}" : "Lost (no reason given)",
        DealChangeKind.New => "New",
        DealChangeKind.Pushed => deal.Pushes == 1 ? "Pushed (once so far)" : $"Pushed ({deal.Pushes} times so far)",
        DealChangeKind.PulledIn => "Pulled in",
        DealChangeKind.AmountUp => "Amount up",
        DealChangeKind.AmountDown => "Amount down",
        DealChangeKind.StageBack => "Moved back a stage",
        DealChangeKind.CloseDatePassed => "Close date passed",
        DealChangeKind.Stalled => $"Stalled: {deal.DaysInStage} days in {deal.Stage}",
        DealChangeKind.NoActivity => deal.DaysSinceActivity is { } days ? $"No activity in {days} days" : "No recent activity on the account",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
