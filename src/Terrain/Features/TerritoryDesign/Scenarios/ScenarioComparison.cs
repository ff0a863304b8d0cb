using Terrain.Data;
using Terrain.Domain;
using Terrain.Features.Dashboards;
using Terrain.Features.TerritoryDesign.Balancing;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.TerritoryDesign.Scenarios;

/// <summary>One territory, as it is at the scenario's base and as the scenario would make it.</summary>
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
/// accounts moved beside the fewest any alignment within the tolerance must move. Accounts without coordinates are
/// not counted (they are listed on the scenario and stay where they are).
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
    int NotPlaced);

public sealed class ScenarioComparison(AppDbContext db, AccessPolicy access)
{
    public async Task<ScenarioComparisonView?> CompareAsync(Guid id, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var snapshot = await ScenarioSnapshot.LoadAsync(db, id, ct);
        return snapshot is null ? null : Compare(snapshot);
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
        var moved = 0;
        for (var i = 0; i < baseline.Length; i++)
        {
            if (baseline[i] == proposed[i])
            {
                continue;
            }

            if (baseline[i] >= 0)
            {
                moved++;
                movedOut[baseline[i]]++;
            }

            if (proposed[i] >= 0)
            {
                movedIn[proposed[i]]++;
            }
        }

        var territories = snapshot.Territories.Select((t, i) =>
        {
            var c = current.Territories[i];
            var s = scenario.Territories[i];
            return new TerritoryComparison(t.Id, t.Name, t.RepName, snapshot.TerritoryLocked[i], c.Potential, s.Potential, c.Workload, s.Workload, c.Accounts,
                s.Accounts, movedIn[i], movedOut[i], c.DistanceKm, s.DistanceKm, c.FarthestKm, s.FarthestKm, s.PotentialWithinTolerance, s.WorkloadWithinTolerance);
        }).ToList();
        return new ScenarioComparisonView(snapshot.Scenario.Id, snapshot.Scenario.Name, snapshot.Scenario.PotentialTolerance * 100,
            snapshot.Scenario.WorkloadTolerance * 100, territories, Totals(current), Totals(scenario), moved, AlignmentMetrics.DisruptionLowerBound(problem),
            snapshot.NotPlaced.Count);
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
                "Moved in", "Moved out", "Distance now (km)", "Distance scenario (km)", "Farthest now (km)", "Farthest scenario (km)", "Within tolerance"],
            [.. view.Territories.Select(t => new object?[]
            {
                t.Name, t.Rep ?? "Vacant", t.Locked ? "yes" : "no", t.CurrentPotential, t.ScenarioPotential, R(t.CurrentWorkload, 2), R(t.ScenarioWorkload, 2),
                t.CurrentAccounts, t.ScenarioAccounts, t.MovedIn, t.MovedOut, R(t.CurrentDistanceKm), R(t.ScenarioDistanceKm), R(t.CurrentFarthestKm),
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
            ["Accounts moved", 0, view.AccountsMoved],
            ["Fewest accounts any alignment within the tolerance must move", null, view.DisruptionLowerBound],
        ]);
        return [territories, totals];
    }
}
