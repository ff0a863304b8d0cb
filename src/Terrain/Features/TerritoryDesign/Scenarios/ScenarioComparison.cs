using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.TerritoryDesign;
using Terrain.Features.Dashboards;
using Terrain.Features.TerritoryDesign.Balancing;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.TerritoryDesign.Scenarios;

/// <summary>
/// One territory, as it is at the scenario's base and as the scenario would make it. Moved in and out: accounts that
/// change territory; placed: accounts of no territory that the scenario gives this one (<see cref="ScenarioAssignment.IsMove"/>).
/// </summary>
public sealed record TerritoryComparison(
    Guid Id,
    string Name,
    string? Rep,
    bool Locked,
    decimal CurrentPotential,
    decimal ScenarioPotential,
    double CurrentWorkload,
    double ScenarioWorkload,
    int CurrentAccounts,
    int ScenarioAccounts,
    int MovedIn,
    int MovedOut,
    int Placed,
    double CurrentDistanceKm,
    double ScenarioDistanceKm,
    double CurrentFarthestKm,
    double ScenarioFarthestKm,
    bool PotentialWithinTolerance,
    bool WorkloadWithinTolerance);

/// <summary>The balance of one alignment: max deviation from the mean (%) and coefficient of variation, compactness (km).</summary>
public sealed record AlignmentTotals(
    decimal PotentialMean,
    double PotentialMaxDeviationPercent,
    double PotentialCoefficientOfVariation,
    double WorkloadMean,
    double WorkloadMaxDeviationPercent,
    double WorkloadCoefficientOfVariation,
    double CompactnessKm,
    double FarthestKm,
    bool WithinTolerance);

/// <summary>
/// The scenario side by side with the alignment it was based on (issue 13 §3): per territory, and in total, with the
/// accounts moved beside the fewest any alignment within the tolerance must move, and the accounts placed apart.
/// Accounts without coordinates count in no balance or distance (they are listed on the scenario), but a hand edit
/// that moves one counts as a move, as applying it moves it.
/// </summary>
public sealed record ScenarioComparisonView(
    Guid Id,
    string Name,
    double PotentialTolerancePercent,
    double WorkloadTolerancePercent,
    IReadOnlyList<TerritoryComparison> Territories,
    AlignmentTotals Current,
    AlignmentTotals Scenario,
    int AccountsMoved,
    int DisruptionLowerBound,
    int NotPlaced,
    int AccountsPlaced);

public sealed class ScenarioComparison(AppDbContext db, AccessPolicy access)
{
    public async Task<ScenarioComparisonView?> CompareAsync(Guid id, CancellationToken ct)
    {
        if (!await Scenarios.Visible(db, access).AnyAsync(s => s.Id == id, ct))
        {
            return null;
        }

        var snapshot = await ScenarioSnapshot.LoadAsync(db, id, ct);
        return snapshot is null ? null : Compare(snapshot);
    }

    /// <summary>Two scenarios one may read, side by side; null when either is not there (or not one's to read).</summary>
    public async Task<ScenarioPairView?> CompareAsync(Guid a, Guid b, CancellationToken ct)
    {
        var visible = await Scenarios.Visible(db, access).Where(s => s.Id == a || s.Id == b).CountAsync(ct);
        if (visible != (a == b ? 1 : 2))
        {
            return null;
        }

        var sa = await ScenarioSnapshot.LoadAsync(db, a, ct);
        var sb = await ScenarioSnapshot.LoadAsync(db, b, ct);
        return sa is null || sb is null ? null : ScenarioPairs.Compare(Compare(sa), sa, Compare(sb), sb);
    }

    public static ScenarioComparisonView Compare(ScenarioSnapshot snapshot)
    {
        var problem = snapshot.Problem();
        var baseline = snapshot.Base();
        var proposed = snapshot.Proposed();
        var current = AlignmentMetrics.Measure(problem, baseline);
        var scenario = AlignmentMetrics.Measure(problem, proposed);
        var k = snapshot.Territories.Count;
        var movedIn = new int[k];
        var movedOut = new int[k];
        var placedIn = new int[k];
        int moved = 0, placed = 0;
        int Index(Guid? territory) => territory is { } t && snapshot.TerritoryIndex.TryGetValue(t, out var i) ? i : -1;
        foreach (var (_, row) in snapshot.Placed.Concat(snapshot.NotPlaced))
        {
            // A territory outside the scope counts as none, as the snapshot does.
            var from = Index(row.BaseTerritoryId);
            var to = Index(row.TerritoryId);
            Guid? fromId = from >= 0 ? row.BaseTerritoryId : null;
            Guid? toId = to >= 0 ? row.TerritoryId : null;
            if (ScenarioAssignment.IsMove(fromId, toId))
            {
                moved++;
                movedOut[from]++;
                movedIn[to]++;
            }
            else if (ScenarioAssignment.IsPlacement(fromId, toId))
            {
                placed++;
                placedIn[to]++;
            }
        }

        var territories = snapshot.Territories.Select((t, i) =>
        {
            var c = current.Territories[i];
            var s = scenario.Territories[i];
            return new TerritoryComparison(t.Id, t.Name, t.RepName, snapshot.TerritoryLocked[i], c.Potential, s.Potential, c.Workload, s.Workload, c.Accounts,
                s.Accounts, movedIn[i], movedOut[i], placedIn[i], c.DistanceKm, s.DistanceKm, c.FarthestKm, s.FarthestKm, s.PotentialWithinTolerance, s.WorkloadWithinTolerance);
        }).ToList();
        return new ScenarioComparisonView(snapshot.Scenario.Id, snapshot.Scenario.Name, snapshot.Scenario.PotentialTolerance * 100,
            snapshot.Scenario.WorkloadTolerance * 100, territories, Totals(current), Totals(scenario), moved, AlignmentMetrics.DisruptionLowerBound(problem),
            snapshot.NotPlaced.Count, placed);
    }

    private static AlignmentTotals Totals(AlignmentFigures f) => new((decimal)Math.Round(f.Potential.Mean, 2), f.Potential.MaxDeviationPercent,
        f.Potential.CoefficientOfVariation, f.Workload.Mean, f.Workload.MaxDeviationPercent, f.Workload.CoefficientOfVariation, f.CompactnessKm, f.FarthestKm,
        f.WithinTolerance);

    /// <summary>The comparison as tables: per territory, and the totals.</summary>
    public static IReadOnlyList<ExportTable> Tables(ScenarioComparisonView view)
    {
        static decimal R(double v, int digits = 1) => Math.Round((decimal)v, digits);
        var territories = new ExportTable("territories",
            ["Territory", "Rep", "Locked", "Potential now", "Potential scenario", "Workload now", "Workload scenario", "Accounts now", "Accounts scenario",
                "Moved in", "Moved out", "Placed", "Distance now (km)", "Distance scenario (km)", "Farthest now (km)", "Farthest scenario (km)", "Within tolerance"],
            [.. view.Territories.Select(t => new object?[]
            {
                t.Name, t.Rep ?? "Vacant", t.Locked ? "yes" : "no", t.CurrentPotential, t.ScenarioPotential, R(t.CurrentWorkload, 2), R(t.ScenarioWorkload, 2),
                t.CurrentAccounts, t.ScenarioAccounts, t.MovedIn, t.MovedOut, t.Placed, R(t.CurrentDistanceKm), R(t.ScenarioDistanceKm), R(t.CurrentFarthestKm),
                R(t.ScenarioFarthestKm), t.PotentialWithinTolerance && t.WorkloadWithinTolerance ? "yes" : "no",
            })]);
        var totals = new ExportTable("totals", ["Measure", "Now", "Scenario"],
        [
            ["Potential: max deviation from the mean (%)", R(view.Current.PotentialMaxDeviationPercent), R(view.Scenario.PotentialMaxDeviationPercent)],
            ["Potential: coefficient of variation", R(view.Current.PotentialCoefficientOfVariation, 3), R(view.Scenario.PotentialCoefficientOfVariation, 3)],
            ["Workload: max deviation from the mean (%)", R(view.Current.WorkloadMaxDeviationPercent), R(view.Scenario.WorkloadMaxDeviationPercent)],
            ["Workload: coefficient of variation", R(view.Current.WorkloadCoefficientOfVariation, 3), R(view.Scenario.WorkloadCoefficientOfVariation, 3)],
            ["Compactness: sum of distances to centres (km)", R(view.Current.CompactnessKm), R(view.Scenario.CompactnessKm)],
            ["Farthest account from its centre (km)", R(view.Current.FarthestKm), R(view.Scenario.FarthestKm)],
            ["Accounts moved (from one territory to another)", 0, view.AccountsMoved],
            ["Accounts placed (from no territory into one)", 0, view.AccountsPlaced],
            ["Fewest accounts any alignment within the tolerance must move", null, view.DisruptionLowerBound],
        ]);
        return [territories, totals];
    }
}

/// <summary>One scenario's side of a comparison of two: its balance and compactness, and the accounts it moves and places.</summary>
public sealed record ScenarioSide(
    Guid Id,
    string Name,
    ScenarioStatus Status,
    double PotentialTolerancePercent,
    double WorkloadTolerancePercent,
    WorkloadMeasure Workload,
    AlignmentTotals Totals,
    int AccountsMoved,
    int AccountsPlaced,
    int Territories);

/// <summary>One territory in one scenario: as <see cref="TerritoryComparison"/>'s scenario columns.</summary>
public sealed record TerritorySide(
    decimal Potential,
    double Workload,
    int Accounts,
    int MovedIn,
    int MovedOut,
    int Placed,
    double DistanceKm,
    double FarthestKm,
    bool WithinTolerance);

/// <summary>One territory in both scenarios; null on the side of a scenario whose scope does not hold it.</summary>
public sealed record TerritoryPair(Guid Id, string Name, string? Rep, TerritorySide? A, TerritorySide? B);

/// <summary>
/// Two scenarios side by side (ADR 0045): per territory (the union of their territories, by name) and in total. Each
/// side is measured with its own goals (its workload measure and tolerances), as on its own page.
/// </summary>
public sealed record ScenarioPairView(ScenarioSide A, ScenarioSide B, IReadOnlyList<TerritoryPair> Territories);

public static class ScenarioPairs
{
    public static ScenarioPairView Compare(ScenarioComparisonView a, ScenarioSnapshot sa, ScenarioComparisonView b, ScenarioSnapshot sb)
    {
        static TerritorySide Side(TerritoryComparison t) => new(t.ScenarioPotential, t.ScenarioWorkload, t.ScenarioAccounts, t.MovedIn, t.MovedOut, t.Placed,
            t.ScenarioDistanceKm, t.ScenarioFarthestKm, t.PotentialWithinTolerance && t.WorkloadWithinTolerance);
        var left = a.Territories.ToDictionary(t => t.Id);
        var right = b.Territories.ToDictionary(t => t.Id);
        var territories = a.Territories.Concat(b.Territories).DistinctBy(t => t.Id)
            .OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ThenBy(t => t.Id)
            .Select(t => new TerritoryPair(t.Id, t.Name, t.Rep, left.TryGetValue(t.Id, out var l) ? Side(l) : null,
                right.TryGetValue(t.Id, out var r) ? Side(r) : null))
            .ToList();
        return new ScenarioPairView(SideOf(a, sa), SideOf(b, sb), territories);
    }

    private static ScenarioSide SideOf(ScenarioComparisonView view, ScenarioSnapshot snapshot) => new(view.Id, view.Name, snapshot.Scenario.Status,
        view.PotentialTolerancePercent, view.WorkloadTolerancePercent, snapshot.Scenario.Workload, view.Scenario, view.AccountsMoved, view.AccountsPlaced,
        view.Territories.Count);

    /// <summary>The comparison of two as tables: per territory, and the totals.</summary>
    public static IReadOnlyList<ExportTable> Tables(ScenarioPairView view)
    {
        static decimal R(double v, int digits = 1) => Math.Round((decimal)v, digits);
        static object?[] Cells(TerritorySide? s) => s is null
            ? [null, null, null, null, null, null]
            : [s.Potential, R(s.Workload, 2), s.Accounts, s.MovedIn + s.MovedOut, s.Placed, R(s.DistanceKm)];
        var territories = new ExportTable("territories",
            ["Territory", "Rep", "Potential A", "Workload A", "Accounts A", "Moved in or out A", "Placed A", "Distance A (km)",
                "Potential B", "Workload B", "Accounts B", "Moved in or out B", "Placed B", "Distance B (km)"],
            [.. view.Territories.Select(t => new object?[] { t.Name, t.Rep ?? "Vacant" }.Concat(Cells(t.A)).Concat(Cells(t.B)).ToArray())]);
        var a = view.A.Totals;
        var b = view.B.Totals;
        var totals = new ExportTable("totals", ["Measure", "A: " + view.A.Name, "B: " + view.B.Name],
        [
            ["Potential: max deviation from the mean (%)", R(a.PotentialMaxDeviationPercent), R(b.PotentialMaxDeviationPercent)],
            ["Potential: coefficient of variation", R(a.PotentialCoefficientOfVariation, 3), R(b.PotentialCoefficientOfVariation, 3)],
            ["Workload: max deviation from the mean (%)", R(a.WorkloadMaxDeviationPercent), R(b.WorkloadMaxDeviationPercent)],
            ["Workload: coefficient of variation", R(a.WorkloadCoefficientOfVariation, 3), R(b.WorkloadCoefficientOfVariation, 3)],
            ["Compactness: sum of distances to centres (km)", R(a.CompactnessKm), R(b.CompactnessKm)],
            ["Farthest account from its centre (km)", R(a.FarthestKm), R(b.FarthestKm)],
            ["Accounts moved (from one territory to another)", view.A.AccountsMoved, view.B.AccountsMoved],
            ["Accounts placed (from no territory into one)", view.A.AccountsPlaced, view.B.AccountsPlaced],
        ]);
        return [territories, totals];
    }

    public static string FileName(ScenarioPairView view) => $"scenarios-{view.A.Id.ToString("N")[..8]}-{view.B.Id.ToString("N")[..8]}";
}
