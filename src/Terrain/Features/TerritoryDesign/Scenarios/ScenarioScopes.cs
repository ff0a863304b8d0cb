using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.Territories;
using Terrain.Domain.TerritoryDesign;
using Terrain.Features.TerritoryDesign.Balancing;

namespace Terrain.Features.TerritoryDesign.Scenarios;

/// <summary>An account as a scenario sees it.</summary>
public sealed record ScopeAccount(Guid Id, string Name, string Segment, double? Latitude, double? Longitude, decimal Potential, Guid? TerritoryId);

/// <summary>A territory as a scenario sees it.</summary>
public sealed record ScopeTerritory(Guid Id, string Name, Guid? RepId, string? RepName, double? BaseLatitude, double? BaseLongitude);

/// <summary>
/// What a scope holds now, and its fingerprint: a hash of every (account, territory) pair of the scope, its
/// territories, and the pending dated moves of its accounts. Any move, new account or new territory in the scope
/// changes it, so a scenario made before cannot be applied over it (ADR 0044).
/// </summary>
public static class ScenarioScopes
{
    public static async Task<(List<ScopeAccount> Accounts, List<ScopeTerritory> Territories)> LoadLiveAsync(
        AppDbContext db, ScenarioScope scope, string region, Guid? managerId, CancellationToken ct)
    {
        var territories = db.Territories.AsNoTracking();
        var accounts = db.Accounts.AsNoTracking();
        switch (scope)
        {
            case ScenarioScope.Organisation:
                break;
            case ScenarioScope.Region:
                accounts = accounts.Where(a => a.Region == region);
                territories = territories.Where(t => db.Accounts.Any(a => a.Region == region && a.TerritoryId == t.Id));
                break;
            case ScenarioScope.Team:
                territories = territories.Where(t => t.Rep != null && t.Rep.ManagerId == managerId);
                accounts = accounts.Where(a => a.TerritoryId != null && territories.Any(t => t.Id == a.TerritoryId));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scope), scope, "A scope without a query.");
        }

        var t = await territories.OrderBy(x => x.Name).ThenBy(x => x.Id)
            .Select(x => new ScopeTerritory(x.Id, x.Name, x.RepId, x.Rep == null ? null : x.Rep.DisplayName, x.BaseLatitude, x.BaseLongitude))
            .ToListAsync(ct);
        var a = await accounts.OrderBy(x => x.Id)
            .Select(x => new ScopeAccount(x.Id, x.Name, x.Segment, x.Latitude, x.Longitude, x.AnnualPotential, x.TerritoryId))
            .ToListAsync(ct);
        return (a, t);
    }

    public static Task<(List<ScopeAccount> Accounts, List<ScopeTerritory> Territories)> LoadLiveAsync(AppDbContext db, TerritoryScenario s, CancellationToken ct) =>
        LoadLiveAsync(db, s.Scope, s.Region, s.ManagerId, ct);

    /// <summary>The fingerprint of the scope as it is now.</summary>
    public static async Task<string> HashAsync(AppDbContext db, IReadOnlyList<ScopeAccount> accounts, IReadOnlyList<ScopeTerritory> territories, CancellationToken ct)
    {
        var pending = await db.AccountAssignments.AsNoTracking().Where(p => p.Status == AssignmentStatus.Pending)
            .Select(p => new { p.AccountId, p.ToTerritoryId, p.EffectiveFrom }).ToListAsync(ct);
        var inScope = accounts.Select(a => a.Id).ToHashSet();
        var text = new StringBuilder();
        foreach (var t in territories.OrderBy(t => t.Id))
        {
            text.Append('T').Append(t.Id.ToString("N")).Append(t.RepId?.ToString("N")).Append('\n');
        }

        foreach (var a in accounts.OrderBy(a => a.Id))
        {
            text.Append('A').Append(a.Id.ToString("N")).Append(a.TerritoryId?.ToString("N")).Append('\n');
        }

        foreach (var p in pending.Where(p => inScope.Contains(p.AccountId)).OrderBy(p => p.AccountId).ThenBy(p => p.EffectiveFrom))
        {
            text.Append('P').Append(p.AccountId.ToString("N")).Append(p.ToTerritoryId.ToString("N")).Append(p.EffectiveFrom.DayNumber).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Whether the account has coordinates the optimizer can use.</summary>
    public static bool Placed(ScopeAccount a) =>
        a.Latitude is { } lat && a.Longitude is { } lon && double.IsFinite(lat) && double.IsFinite(lon) && lat is >= -90 and <= 90 && lon is >= -180 and <= 180;
}

/// <summary>A scenario read for the optimizer or for a comparison: its accounts, territories and rows.</summary>
public sealed class ScenarioSnapshot
{
    public required TerritoryScenario Scenario { get; init; }

    public required IReadOnlyList<ScopeTerritory> Territories { get; init; }

    public required IReadOnlyList<bool> TerritoryLocked { get; init; }

    /// <summary>The accounts with coordinates, in the order of the problem.</summary>
    public required IReadOnlyList<(ScopeAccount Account, ScenarioRow Row)> Placed { get; init; }

    /// <summary>The accounts without coordinates: listed, left where they are.</summary>
    public required IReadOnlyList<(ScopeAccount Account, ScenarioRow Row)> NotPlaced { get; init; }

    public required Dictionary<Guid, int> TerritoryIndex { get; init; }

    public sealed record ScenarioRow(Guid AccountId, Guid? BaseTerritoryId, Guid? TerritoryId, bool Locked);

    public static async Task<ScenarioSnapshot?> LoadAsync(AppDbContext db, Guid id, CancellationToken ct)
    {
        var scenario = await db.TerritoryScenarios.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (scenario is null)
        {
            return null;
        }

        var territories = await db.ScenarioTerritories.AsNoTracking().Where(st => st.ScenarioId == id)
            .Join(db.Territories, st => st.TerritoryId, t => t.Id, (st, t) => new { st.Locked, t.Id, t.Name, t.RepId, RepName = t.Rep == null ? null : t.Rep.DisplayName, t.BaseLatitude, t.BaseLongitude })
            .OrderBy(x => x.Name).ThenBy(x => x.Id).ToListAsync(ct);
        var rows = (await db.ScenarioAssignments.AsNoTracking().Where(r => r.ScenarioId == id)
            .Join(db.Accounts, r => r.AccountId, a => a.Id, (r, a) => new
            {
                r.AccountId,
                r.BaseTerritoryId,
                r.TerritoryId,
                r.Locked,
                a.Name,
                a.Segment,
                a.Latitude,
                a.Longitude,
                a.AnnualPotential,
                Current = a.TerritoryId,
            })
            .OrderBy(x => x.AccountId).ToListAsync(ct))
            .Select(x => new
            {
                Account = new ScopeAccount(x.AccountId, x.Name, x.Segment, x.Latitude, x.Longitude, x.AnnualPotential, x.Current),
                Row = new ScenarioRow(x.AccountId, x.BaseTerritoryId, x.TerritoryId, x.Locked),
            }).ToList();
        var index = territories.Select((t, i) => (t.Id, i)).ToDictionary(x => x.Id, x => x.i);
        return new ScenarioSnapshot
        {
            Scenario = scenario,
            Territories = [.. territories.Select(t => new ScopeTerritory(t.Id, t.Name, t.RepId, t.RepName, t.BaseLatitude, t.BaseLongitude))],
            TerritoryLocked = [.. territories.Select(t => t.Locked)],
            Placed = [.. rows.Where(r => ScenarioScopes.Placed(r.Account)).Select(r => (r.Account, r.Row))],
            NotPlaced = [.. rows.Where(r => !ScenarioScopes.Placed(r.Account)).Select(r => (r.Account, r.Row))],
            TerritoryIndex = index,
        };
    }

    /// <summary>The optimizer's problem: the placed accounts at their base territories, with the scenario's goals and locks.</summary>
    public BalancingProblem Problem()
    {
        var s = Scenario;
        var weights = ScenarioGoals.ParseWeights(s.SegmentWeights);
        var accounts = Placed.Select(p =>
        {
            int? current = p.Row.BaseTerritoryId is { } b && TerritoryIndex.TryGetValue(b, out var i) ? i : null;
            var workload = s.Workload == WorkloadMeasure.SegmentWeights && weights.TryGetValue(p.Account.Segment, out var w) ? w : 1;
            return new BalancingAccount(p.Account.Id, new GeoPoint(p.Account.Latitude!.Value, p.Account.Longitude!.Value), Math.Max(0, p.Account.Potential),
                workload, current, p.Row.Locked && current is not null);
        }).ToList();
        var territories = Territories.Select((t, i) => new BalancingTerritory(t.Id,
            t.BaseLatitude is { } lat && t.BaseLongitude is { } lon ? new GeoPoint(lat, lon) : null, TerritoryLocked[i])).ToList();
        var goals = new BalancingGoals
        {
            PotentialTolerance = s.PotentialTolerance,
            WorkloadTolerance = s.WorkloadTolerance,
            Compactness = s.Compact ? 1 : 0,
            Disruption = s.MinimalDisruption ? 10 : 0,
            Centres = s.Centres == ScenarioCentres.RepsInPlace ? CentreMode.RepsStayInPlace : CentreMode.Floating,
        };
        return new BalancingProblem(accounts, territories, goals);
    }

    /// <summary>The scenario's alignment as territory indexes, in the problem's order (-1: in no territory of the scope).</summary>
    public int[] Proposed() => [.. Placed.Select(p => p.Row.TerritoryId is { } t && TerritoryIndex.TryGetValue(t, out var i) ? i : -1)];

    /// <summary>The base alignment as territory indexes.</summary>
    public int[] Base() => [.. Placed.Select(p => p.Row.BaseTerritoryId is { } t && TerritoryIndex.TryGetValue(t, out var i) ? i : -1)];
}
