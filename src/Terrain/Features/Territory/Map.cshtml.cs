using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Territory;

/// <summary>
/// The accounts one may see on a map, coloured by territory (the owning rep), with the same figures in a table beside
/// it. The points come from <see cref="OnGetPointsAsync"/> as compact JSON; the page itself works as a table without
/// JavaScript.
/// </summary>
public sealed class MapModel(AccessPolicy access, Territories territories) : PageModel
{
    /// <summary>More points than this are not sent: the map says how many were left out and the filters narrow it.</summary>
    public const int MaxPoints = 20_000;

    [BindProperty(SupportsGet = true)]
    public string? Segment { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Region { get; set; }

    public IReadOnlyList<TerritoryFigures> Territories { get; private set; } = [];

    public IReadOnlyList<string> Segments { get; private set; } = [];

    public IReadOnlyList<string> Regions { get; private set; } = [];

    public int WithoutCoordinates { get; private set; }

    /// <summary>Where selected accounts can be moved, for those who may move accounts (ADR 0039); empty otherwise.</summary>
    public IReadOnlyList<(Guid Id, string Label)> MoveTargets { get; private set; } = [];

    public int Total { get; private set; }

    public decimal TotalPotential { get; private set; }

    /// <summary>One territory's figures: the rep (null for accounts that belong to nobody), accounts, potential.</summary>
    public sealed record TerritoryFigures(Guid? RepId, string Name, int Accounts, int Mapped, decimal Potential, int Colour);

    /// <summary>The points: territories (index = colour) and accounts as [id, name, lat, lon, potential, territory].</summary>
    public sealed record Points(IReadOnlyList<TerritoryFigures> Territories, IReadOnlyList<object[]> Accounts, int Total, int Shown);

    public async Task OnGetAsync(CancellationToken ct)
    {
        var all = access.VisibleAccounts();
        Segments = await all.Where(a => a.Segment != "").Select(a => a.Segment).Distinct().OrderBy(s => s).ToListAsync(ct);
        Regions = await all.Where(a => a.Region != "").Select(a => a.Region).Distinct().OrderBy(s => s).ToListAsync(ct);
        var filtered = Filtered();
        Territories = await FiguresAsync(filtered, ct);
        Total = Territories.Sum(t => t.Accounts);
        TotalPotential = Territories.Sum(t => t.Potential);
        WithoutCoordinates = Total - Territories.Sum(t => t.Mapped);
        if (access.May(Act.AssignAccounts))
        {
            MoveTargets = await territories.ChoicesAsync(ct);
        }
    }

    public async Task<IActionResult> OnGetPointsAsync(CancellationToken ct)
    {
        var filtered = Filtered();
        var territories = await FiguresAsync(filtered, ct);
        var colour = territories.ToDictionary(t => t.RepId ?? Guid.Empty, t => t.Colour);
        var rows = await filtered.Where(a => a.Latitude != null && a.Longitude != null)
            .OrderByDescending(a => a.AnnualPotential).ThenBy(a => a.Id).Take(MaxPoints)
            .Select(a => new { a.Id, a.Name, a.Latitude, a.Longitude, a.AnnualPotential, a.OwnerId })
            .ToListAsync(ct);
        var points = rows.Select(a => new object[]
        {
            a.Id, a.Name, Math.Round(a.Latitude!.Value, 5), Math.Round(a.Longitude!.Value, 5), a.AnnualPotential,
            colour.GetValueOrDefault(a.OwnerId ?? Guid.Empty),
        }).ToList();
        return new JsonResult(new Points(territories, points, territories.Sum(t => t.Mapped), points.Count));
    }

    private IQueryable<Account> Filtered()
    {
        var query = access.VisibleAccounts();
        if (!string.IsNullOrWhiteSpace(Segment))
        {
            query = query.Where(a => a.Segment == Segment);
        }

        if (!string.IsNullOrWhiteSpace(Region))
        {
            query = query.Where(a => a.Region == Region);
        }

        return query;
    }

    /// <summary>Per territory, summed in SQL; ordered by name (nobody's accounts last), which fixes each one's colour.</summary>
    private static async Task<IReadOnlyList<TerritoryFigures>> FiguresAsync(IQueryable<Account> accounts, CancellationToken ct)
    {
        var groups = await accounts.GroupBy(a => a.OwnerId)
            .Select(g => new
            {
                RepId = g.Key,
                Accounts = g.Count(),
                Mapped = g.Count(a => a.Latitude != null && a.Longitude != null),
                Potential = g.Sum(a => a.AnnualPotential),
            })
            .ToListAsync(ct);
        var ids = groups.Where(g => g.RepId != null).Select(g => g.RepId!.Value).ToList();
        var names = await accounts.Where(a => a.OwnerId != null && ids.Contains(a.OwnerId.Value))
            .Select(a => new { a.OwnerId, a.Owner!.DisplayName }).Distinct().ToListAsync(ct);
        var nameOf = names.ToDictionary(n => n.OwnerId!.Value, n => n.DisplayName);
        return groups
            .Select(g => (g, Name: g.RepId is { } id ? nameOf.GetValueOrDefault(id, "?") : "Nobody (unassigned)"))
            .OrderBy(x => x.g.RepId is null).ThenBy(x => x.Name, StringComparer.OrdinalIgnoreCase)
            .Select((x, i) => new TerritoryFigures(x.g.RepId, x.Name, x.g.Accounts, x.g.Mapped, x.g.Potential, x.g.RepId is null ? -1 : i))
            .ToList();
    }
}
