using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Features.TerritoryDesign.Scenarios;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Territory;

/// <summary>
/// The accounts one may see on a map, coloured by territory (vacant territories under their own name, accounts in no
/// territory as "Unassigned"), with the same figures in a table beside it. The points come from
/// <see cref="OnGetPointsAsync"/> as compact JSON; the page itself works as a table without JavaScript.
/// </summary>
public sealed class MapModel(AccessPolicy access, Territories territories, IConfiguration configuration, ZipPlacement placement) : PageModel
{
    /// <summary>What the last placement by postal code did (ADR 0048), shown once.</summary>
    [TempData]
    public string? Placed { get; set; }

    /// <summary>Whether the caller may place accounts by postal code (leaders and admins).</summary>
    public bool MayPlace => access.May(Act.AssignAccounts);

    /// <summary>More points than this are not sent: the map says how many were left out and the filters narrow it.</summary>
    public const int MaxPoints = 20_000;

    /// <summary>How many of the accounts that are not on the map are listed (largest potential first).</summary>
    public const int MaxUnmappedListed = 100;

    public const string UnassignedName = "Unassigned";

    [BindProperty(SupportsGet = true)]
    public string? Segment { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Region { get; set; }

    /// <summary>A scenario whose proposed alignment the map shows instead of the live one, read-only (ADR 0045).</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? Scenario { get; set; }

    /// <summary>The name of the scenario shown, if any.</summary>
    public string? ScenarioName { get; private set; }

    public IReadOnlyList<TerritoryFigures> Territories { get; private set; } = [];

    public IReadOnlyList<string> Segments { get; private set; } = [];

    public IReadOnlyList<string> Regions { get; private set; } = [];

    public int WithoutCoordinates { get; private set; }

    /// <summary>The accounts with no coordinates and no known ZIP code, largest potential first (at most <see cref="MaxUnmappedListed"/>).</summary>
    public IReadOnlyList<UnmappedAccount> Unmapped { get; private set; } = [];

    /// <summary>Where selected accounts can be moved, for those who may move accounts (ADR 0039); empty otherwise.</summary>
    public IReadOnlyList<(Guid Id, string Label)> MoveTargets { get; private set; } = [];

    /// <summary>The configured tile server, if any (Terrain:Map:TileUrl).</summary>
    public MapTiles? Tiles { get; private set; }

    public int Total { get; private set; }

    public decimal TotalPotential { get; private set; }

    /// <summary>
    /// One territory's figures (TerritoryId null: the accounts in no territory, "Unassigned"): its rep (none when vacant),
    /// accounts, those on the map, those placed approximately by postal code, potential, and its colour (-1: grey).
    /// </summary>
    public sealed record TerritoryFigures(Guid? TerritoryId, string Name, Guid? RepId, string? RepName, bool Vacant, int Accounts, int Mapped,
        int Approximate, decimal Potential, int Colour);

    public sealed record UnmappedAccount(Guid Id, string Name, string PostalCode, string? Territory, decimal Potential);

    /// <summary>
    /// The points: territories (index = colour) and accounts as [id, name, lat, lon, potential, colour, approximate (1)
    /// or not (0)].
    /// </summary>
    public sealed record Points(IReadOnlyList<TerritoryFigures> Territories, IReadOnlyList<object[]> Accounts, int Total, int Shown);

    public async Task<IActionResult> OnGetAsync([FromServices] ScenarioMap scenarioMap, CancellationToken ct)
    {
        var all = access.VisibleAccounts();
        Segments = await all.Where(a => a.Segment != "").Select(a => a.Segment).Distinct().OrderBy(s => s).ToListAsync(ct);
        Regions = await all.Where(a => a.Region != "").Select(a => a.Region).Distinct().OrderBy(s => s).ToListAsync(ct);
        if (Scenario is { } scenarioId)
        {
            return await ShowScenarioAsync(scenarioMap, scenarioId, ct) ? Page() : NotFound();
        }

        var filtered = Filtered();
        Territories = await FiguresAsync(filtered, ct);
        Total = Territories.Sum(t => t.Accounts);
        TotalPotential = Territories.Sum(t => t.Potential);
        WithoutCoordinates = Total - Territories.Sum(t => t.Mapped);
        if (WithoutCoordinates > 0)
        {
            Unmapped = await filtered.Where(a => a.Latitude == null || a.Longitude == null)
                .OrderByDescending(a => a.AnnualPotential).ThenBy(a => a.Name).Take(MaxUnmappedListed)
                .Select(a => new UnmappedAccount(a.Id, a.Name, a.PostalCode, a.Territory!.Name, a.AnnualPotential))
                .ToListAsync(ct);
        }

        Tiles = MapTiles.From(configuration);
        if (access.May(Act.AssignAccounts))
        {
            MoveTargets = await territories.ChoicesAsync(ct);
        }

        return Page();
    }

    /// <summary>The scenario's figures instead of the live ones, with no move form; false when it is not one's to read.</summary>
    private async Task<bool> ShowScenarioAsync(ScenarioMap scenarioMap, Guid id, CancellationToken ct)
    {
        if (await scenarioMap.LoadAsync(id, Segment, Region, withPoints: false, ct) is not { } shown)
        {
            return false;
        }

        ScenarioName = shown.Name;
        Territories = shown.Territories;
        Total = Territories.Sum(t => t.Accounts);
        TotalPotential = Territories.Sum(t => t.Potential);
        WithoutCoordinates = Total - shown.Mapped;
        Unmapped = shown.Unmapped;
        Tiles = MapTiles.From(configuration);
        return true;
    }

    public async Task<IActionResult> OnGetPointsAsync([FromServices] ScenarioMap scenarioMap, CancellationToken ct)
    {
        if (Scenario is { } scenarioId)
        {
            return await scenarioMap.LoadAsync(scenarioId, Segment, Region, withPoints: true, ct) is { } shown
                ? new JsonResult(new Points(shown.Territories, shown.Points, shown.Mapped, shown.Points.Count))
                : NotFound();
        }

        var filtered = Filtered();
        var figures = await FiguresAsync(filtered, ct);
        var colour = figures.ToDictionary(t => t.TerritoryId ?? Guid.Empty, t => t.Colour);
        var rows = await filtered.Where(a => a.Latitude != null && a.Longitude != null)
            .OrderByDescending(a => a.AnnualPotential).ThenBy(a => a.Id).Take(MaxPoints)
            .Select(a => new { a.Id, a.Name, a.Latitude, a.Longitude, a.AnnualPotential, a.TerritoryId, a.LocationSource })
            .ToListAsync(ct);
        var points = rows.Select(a => new object[]
        {
            a.Id, a.Name, Math.Round(a.Latitude!.Value, 5), Math.Round(a.Longitude!.Value, 5), a.AnnualPotential,
            colour.GetValueOrDefault(a.TerritoryId ?? Guid.Empty, -1), a.LocationSource == LocationSource.PostalCode ? 1 : 0,
        }).ToList();
        return new JsonResult(new Points(figures, points, figures.Sum(t => t.Mapped), points.Count));
    }

    /// <summary>Places the accounts without coordinates that have a known US ZIP code at its centroid (ADR 0048).</summary>
    public async Task<IActionResult> OnPostPlaceByPostalCodeAsync(CancellationToken ct)
    {
        var outcome = await placement.PlaceAsync(ct);
        Placed = outcome.Placed == 0
            ? $"No account could be placed by its ZIP code; {outcome.StillWithoutPlace} still {(outcome.StillWithoutPlace == 1 ? "has" : "have")} no place."
            : $"Placed {outcome.Placed} {(outcome.Placed == 1 ? "account" : "accounts")} at their ZIP code's centre (approximately); {outcome.StillWithoutPlace} still {(outcome.StillWithoutPlace == 1 ? "has" : "have")} no place.";
        return RedirectToPage("Map", null, new { Segment, Region }, "unmapped-title");
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

    /// <summary>
    /// Per territory (Account.TerritoryId), summed in SQL, with every territory one sees even when it holds none of
    /// these accounts (a vacant one, say); ordered by name, the unassigned accounts last, which fixes each one's colour.
    /// </summary>
    private async Task<IReadOnlyList<TerritoryFigures>> FiguresAsync(IQueryable<Account> accounts, CancellationToken ct)
    {
        var groups = await accounts.GroupBy(a => a.TerritoryId)
            .Select(g => new
            {
                TerritoryId = g.Key,
                Accounts = g.Count(),
                Mapped = g.Count(a => a.Latitude != null && a.Longitude != null),
                Approximate = g.Count(a => a.Latitude != null && a.LocationSource == LocationSource.PostalCode),
                Potential = g.Sum(a => a.AnnualPotential),
            })
            .ToListAsync(ct);
        var byId = groups.Where(g => g.TerritoryId != null).ToDictionary(g => g.TerritoryId!.Value);
        var named = await territories.NamesAsync([.. byId.Keys], ct);
        var figures = named
            .OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ThenBy(t => t.Id)
            .Select((t, i) => byId.TryGetValue(t.Id, out var g)
                ? new TerritoryFigures(t.Id, t.Name, t.RepId, t.RepName, t.RepId is null, g.Accounts, g.Mapped, g.Approximate, g.Potential, i)
                : new TerritoryFigures(t.Id, t.Name, t.RepId, t.RepName, t.RepId is null, 0, 0, 0, 0, i))
            .ToList();
        if (groups.SingleOrDefault(g => g.TerritoryId is null) is { } loose)
        {
            figures.Add(new TerritoryFigures(null, UnassignedName, null, null, false, loose.Accounts, loose.Mapped, loose.Approximate, loose.Potential, -1));
        }

        return figures;
    }
}
