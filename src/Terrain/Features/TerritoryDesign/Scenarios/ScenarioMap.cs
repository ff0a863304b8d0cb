using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Features.Territory;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.TerritoryDesign.Scenarios;

/// <summary>
/// A scenario's proposed alignment for the map (ADR 0045): the accounts of the scenario one may see, coloured by the
/// territory the scenario puts them in, with the same figures per territory as the live map. Read-only.
/// </summary>
public sealed class ScenarioMap(AppDbContext db, AccessPolicy access)
{
    /// <summary>What the map shows of a scenario; null when there is no such scenario one may read.</summary>
    public sealed record Shown(string Name, IReadOnlyList<MapModel.TerritoryFigures> Territories, IReadOnlyList<object[]> Points, int Mapped,
        IReadOnlyList<MapModel.UnmappedAccount> Unmapped);

    public async Task<Shown?> LoadAsync(Guid id, string? segment, string? region, bool withPoints, CancellationToken ct)
    {
        if (!access.May(Act.ReadScenarios))
        {
            return null;
        }

        var scenario = await Scenarios.Visible(db, access).Where(s => s.Id == id).Select(s => new { s.Name }).SingleOrDefaultAsync(ct);
        if (scenario is null)
        {
            return null;
        }

        var accounts = access.VisibleAccounts();
        if (!string.IsNullOrWhiteSpace(segment))
        {
            accounts = accounts.Where(a => a.Segment == segment);
        }

        if (!string.IsNullOrWhiteSpace(region))
        {
            accounts = accounts.Where(a => a.Region == region);
        }

        var rows = db.ScenarioAssignments.AsNoTracking().Where(r => r.ScenarioId == id)
            .Join(accounts, r => r.AccountId, a => a.Id, (r, a) => new { r.TerritoryId, a });
        var groups = await rows.GroupBy(x => x.TerritoryId)
            .Select(g => new
            {
                TerritoryId = g.Key,
                Accounts = g.Count(),
                Mapped = g.Count(x => x.a.Latitude != null && x.a.Longitude != null),
                Approximate = g.Count(x => x.a.Latitude != null && x.a.LocationSource == LocationSource.PostalCode),
                Potential = g.Sum(x => x.a.AnnualPotential),
            })
            .ToListAsync(ct);
        var territories = await db.ScenarioTerritories.AsNoTracking().Where(t => t.ScenarioId == id)
            .Join(db.Territories, st => st.TerritoryId, t => t.Id, (st, t) => new { t.Id, t.Name, t.RepId, RepName = t.Rep == null ? null : t.Rep.DisplayName })
            .ToListAsync(ct);
        var byId = groups.Where(g => g.TerritoryId != null).ToDictionary(g => g.TerritoryId!.Value);
        var figures = territories.OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ThenBy(t => t.Id)
            .Select((t, i) => byId.TryGetValue(t.Id, out var g)
                ? new MapModel.TerritoryFigures(t.Id, t.Name, t.RepId, t.RepName, t.RepId is null, g.Accounts, g.Mapped, g.Approximate, g.Potential, i)
                : new MapModel.TerritoryFigures(t.Id, t.Name, t.RepId, t.RepName, t.RepId is null, 0, 0, 0, 0, i))
            .ToList();
        var known = figures.Select(f => f.TerritoryId!.Value).ToHashSet();
        var loose = groups.Where(g => g.TerritoryId is null || !known.Contains(g.TerritoryId.Value)).ToList();
        if (loose.Count > 0)
        {
            figures.Add(new MapModel.TerritoryFigures(null, MapModel.UnassignedName, null, null, false, loose.Sum(g => g.Accounts), loose.Sum(g => g.Mapped),
                loose.Sum(g => g.Approximate), loose.Sum(g => g.Potential), -1));
        }

        IReadOnlyList<object[]> points = [];
        if (withPoints)
        {
            var colour = figures.Where(f => f.TerritoryId is not null).ToDictionary(f => f.TerritoryId!.Value, f => f.Colour);
            var mapped = await rows.Where(x => x.a.Latitude != null && x.a.Longitude != null)
                .OrderByDescending(x => x.a.AnnualPotential).ThenBy(x => x.a.Id).Take(MapModel.MaxPoints)
                .Select(x => new { x.a.Id, x.a.Name, x.a.Latitude, x.a.Longitude, x.a.AnnualPotential, x.TerritoryId, x.a.LocationSource })
                .ToListAsync(ct);
            points = [.. mapped.Select(a => new object[]
            {
                a.Id, a.Name, Math.Round(a.Latitude!.Value, 5), Math.Round(a.Longitude!.Value, 5), a.AnnualPotential,
                a.TerritoryId is { } t && colour.TryGetValue(t, out var c) ? c : -1, a.LocationSource == LocationSource.PostalCode ? 1 : 0,
            })];
        }

        var names = figures.Where(f => f.TerritoryId is not null).ToDictionary(f => f.TerritoryId!.Value, f => f.Name);
        List<MapModel.UnmappedAccount> unmapped = [];
        if (!withPoints)
        {
            var rowsUnmapped = await rows.Where(x => x.a.Latitude == null || x.a.Longitude == null)
                .OrderByDescending(x => x.a.AnnualPotential).ThenBy(x => x.a.Name).Take(MapModel.MaxUnmappedListed)
                .Select(x => new { x.a.Id, x.a.Name, x.a.PostalCode, x.TerritoryId, x.a.AnnualPotential }).ToListAsync(ct);
            unmapped = [.. rowsUnmapped.Select(x => new MapModel.UnmappedAccount(x.Id, x.Name, x.PostalCode,
                x.TerritoryId is { } t ? names.GetValueOrDefault(t) : null, x.AnnualPotential))];
        }

        return new Shown(scenario.Name, figures, points, figures.Sum(f => f.Mapped), unmapped);
    }
}
