using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Accounts;

public sealed record AccountRow(
    Guid Id,
    string ExternalId,
    string Name,
    string Industry,
    string Segment,
    string Region,
    string PostalCode,
    double? Latitude,
    double? Longitude,
    decimal AnnualPotential,
    Guid? OwnerId,
    string? OwnerEmail,
    string? OwnerName,
    Guid? TerritoryId,
    string? TerritoryName,
    Guid Version,
    bool LocationApproximate = false);

public sealed record AccountFilter
{
    /// <summary>"me", a user id, or an email.</summary>
    public string? Owner { get; init; }

    public string? Search { get; init; }

    public string? Industry { get; init; }

    public string? Segment { get; init; }

    public string? Region { get; init; }

    /// <summary>name, potential, industry, segment, region, postal; prefix with '-' for descending.</summary>
    public string? Sort { get; init; }

    public int Page { get; init; } = 1;

    public int PageSize { get; init; } = 50;

    public const int MaxPageSize = 1000;

    /// <summary>The choices for the page's filter drop-downs; the API does not return them.</summary>
    public bool IncludeFacets { get; init; } = true;

    public bool IsNarrowed => !string.IsNullOrWhiteSpace(Search) || !string.IsNullOrWhiteSpace(Industry)
        || !string.IsNullOrWhiteSpace(Segment) || !string.IsNullOrWhiteSpace(Region);

    public const int MaxPage = 100_000;

    public static readonly IReadOnlyList<string> SortKeys = ["name", "potential", "industry", "segment", "region", "postal", "owner"];
}

public sealed record AccountTotals(int Count, decimal Potential);

public sealed record AccountPage(IReadOnlyList<AccountRow> Items, int Total, decimal TotalPotential, int Page, int PageSize,
    IReadOnlyList<string> Industries, IReadOnlyList<string> Segments, IReadOnlyList<string> Regions);

public sealed class AccountQueries(AccessPolicy access, CurrentUser me, AppDbContext db, IMemoryCache cache)
{
    /// <summary>
    /// How long a summary stays in memory at most. Correctness does not depend on it (a change renews the stamp the
    /// summaries are keyed by); it only bounds the memory held by summaries of stamps that are gone.
    /// </summary>
    public static readonly TimeSpan SummaryLifetime = TimeSpan.FromMinutes(10);

    private sealed record TotalsKey(Guid Stamp, string Scope, Guid? Owner, string? Search, string? Industry, string? Segment, string? Region);

    private sealed record FacetsKey(Guid Stamp, string Scope, Guid? Owner);

    private sealed record Facets(List<string> Industries, List<string> Segments, List<string> Regions);

    /// <summary>Validates the filter; returns the field and message of the first problem.</summary>
    public static (string Field, string Message)? Validate(AccountFilter filter)
    {
        if (filter.Page is < 1 or > AccountFilter.MaxPage)
        {
            return ("page", $"The page must be between 1 and {AccountFilter.MaxPage:N0}.");
        }

        if (filter.PageSize is < 1 or > AccountFilter.MaxPageSize)
        {
            return ("pageSize", $"The page size must be between 1 and {AccountFilter.MaxPageSize}.");
        }

        var sortKey = filter.Sort?.TrimStart('-');
        if (!string.IsNullOrEmpty(sortKey) && !AccountFilter.SortKeys.Contains(sortKey))
        {
            return ("sort", $"Unknown sort '{filter.Sort}'. Use one of: {string.Join(", ", AccountFilter.SortKeys)} (prefix '-' for descending).");
        }

        return null;
    }

    /// <summary>Null when the owner filter names someone the current user may not see, or no one.</summary>
    public async Task<AccountPage?> ListAsync(AccountFilter filter, CancellationToken ct)
    {
        // One connection for the request's queries rather than an open and close around each.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await ListOpenAsync(filter, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<AccountPage?> ListOpenAsync(AccountFilter filter, CancellationToken ct)
    {
        var query = access.VisibleAccounts();
        Guid? ownerId = null;
        if (!string.IsNullOrWhiteSpace(filter.Owner))
        {
            ownerId = await ResolveOwnerAsync(filter.Owner.Trim(), ct);
            if (ownerId is null)
            {
                return null;
            }

            query = query.Where(a => a.OwnerId == ownerId);
        }

        var facets = query;
        var search = SearchTerm(filter);
        var industry = string.IsNullOrWhiteSpace(filter.Industry) ? null : filter.Industry;
        var segment = string.IsNullOrWhiteSpace(filter.Segment) ? null : filter.Segment;
        var region = string.IsNullOrWhiteSpace(filter.Region) ? null : filter.Region;
        query = Narrow(query, filter);

        var items = await Sort(query, filter.Sort)
            .Skip((filter.Page - 1) * filter.PageSize)
            .Take(filter.PageSize)
            .Select(a => new AccountRow(a.Id, a.ExternalId, a.Name, a.Industry, a.Segment, a.Region, a.PostalCode,
                a.Latitude, a.Longitude, a.AnnualPotential, a.OwnerId, a.Owner!.Email, a.Owner.DisplayName,
                a.TerritoryId, a.Territory!.Name, a.Version, a.LocationSource == LocationSource.PostalCode))
            .ToListAsync(ct);

        // A first page that is not full holds every match, so totals (and, unfiltered, the filter choices)
        // follow from it without another query. A rep's whole territory is usually one such page.
        var complete = filter.Page == 1 && items.Count < filter.PageSize;
        var needsTotals = !complete;
        var needsFacets = filter.IncludeFacets && !(complete && !filter.IsNarrowed);

        // Otherwise totals and filter choices cover every matching account, which at 200,000 accounts is a read of
        // all of them: they are kept in memory per visible set and filter, keyed by the accounts stamp, which every
        // change to accounts or teams renews in its own transaction (ADR 0021). No stamp row: no caching.
        var stamp = needsTotals || needsFacets ? await StampAsync(ct) : null;
        var scope = access.VisibleAccountsKey;
        var totals = !needsTotals
            ? new AccountTotals(items.Count, items.Sum(i => i.AnnualPotential))
            : await CachedAsync(stamp, new TotalsKey(stamp.GetValueOrDefault(), scope, ownerId, search, industry, segment, region),
                async () => await query.GroupBy(_ => 1)
                    .Select(g => new AccountTotals(g.Count(), g.Sum(a => a.AnnualPotential)))
                    .SingleOrDefaultAsync(ct) ?? new AccountTotals(0, 0));
        var choices = !filter.IncludeFacets
            ? new Facets([], [], [])
            : !needsFacets
                ? ToFacets(items.Select(i => (i.Industry, i.Segment, i.Region)))
                : await CachedAsync(stamp, new FacetsKey(stamp.GetValueOrDefault(), scope, ownerId), async () =>
                    ToFacets((await facets.Select(a => new { a.Industry, a.Segment, a.Region }).Distinct().ToListAsync(ct))
                        .Select(f => (f.Industry, f.Segment, f.Region))));
        return new AccountPage(items, totals.Count, totals.Potential, filter.Page, filter.PageSize,
            choices.Industries, choices.Segments, choices.Regions);
    }

    /// <summary>
    /// The ids of every account the filter matches (the page's "all matching the filter"), at most <paramref name="limit"/>;
    /// null when the owner filter names someone the caller may not see.
    /// </summary>
    public async Task<List<Guid>?> MatchingIdsAsync(AccountFilter filter, int limit, CancellationToken ct)
    {
        var query = access.VisibleAccounts();
        if (!string.IsNullOrWhiteSpace(filter.Owner))
        {
            var ownerId = await ResolveOwnerAsync(filter.Owner.Trim(), ct);
            if (ownerId is null)
            {
                return null;
            }

            query = query.Where(a => a.OwnerId == ownerId);
        }

        return await Narrow(query, filter).OrderBy(a => a.Id).Select(a => a.Id).Take(limit).ToListAsync(ct);
    }

    private static string? SearchTerm(AccountFilter filter) => string.IsNullOrWhiteSpace(filter.Search) ? null : filter.Search.Trim().ToLower();

    private static IQueryable<Account> Narrow(IQueryable<Account> query, AccountFilter filter)
    {
        var search = SearchTerm(filter);
        if (search is not null)
        {
            query = query.Where(a => a.Name.ToLower().Contains(search) || a.ExternalId.ToLower().Contains(search) || a.PostalCode.ToLower().StartsWith(search));
        }

        if (!string.IsNullOrWhiteSpace(filter.Industry))
        {
            var industry = filter.Industry;
            query = query.Where(a => a.Industry == industry);
        }

        if (!string.IsNullOrWhiteSpace(filter.Segment))
        {
            var segment = filter.Segment;
            query = query.Where(a => a.Segment == segment);
        }

        if (!string.IsNullOrWhiteSpace(filter.Region))
        {
            var region = filter.Region;
            query = query.Where(a => a.Region == region);
        }

        return query;
    }

    private async Task<Guid?> StampAsync(CancellationToken ct) =>
        await db.DataVersions.AsNoTracking().Where(v => v.Name == DataVersion.Accounts)
            .Select(v => (Guid?)v.Stamp).SingleOrDefaultAsync(ct);

    private async Task<T> CachedAsync<T>(Guid? stamp, object key, Func<Task<T>> compute)
    {
        if (stamp is null)
        {
            return await compute();
        }

        if (cache.TryGetValue(key, out T? found) && found is not null)
        {
            return found;
        }

        var value = await compute();
        cache.Set(key, value, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = SummaryLifetime, Size = 1 });
        return value;
    }

    private static Facets ToFacets(IEnumerable<(string Industry, string Segment, string Region)> rows)
    {
        var list = rows.ToList();
        return new Facets(Distinct(list.Select(f => f.Industry)), Distinct(list.Select(f => f.Segment)), Distinct(list.Select(f => f.Region)));
    }

    public Task<AccountRow?> GetAsync(Guid id, CancellationToken ct) =>
        access.VisibleAccounts().Where(a => a.Id == id)
            .Select(a => new AccountRow(a.Id, a.ExternalId, a.Name, a.Industry, a.Segment, a.Region, a.PostalCode,
                a.Latitude, a.Longitude, a.AnnualPotential, a.OwnerId, a.Owner!.Email, a.Owner.DisplayName,
                a.TerritoryId, a.Territory!.Name, a.Version, a.LocationSource == LocationSource.PostalCode))
            .FirstOrDefaultAsync(ct);

    private async Task<Guid?> ResolveOwnerAsync(string owner, CancellationToken ct)
    {
        if (string.Equals(owner, "me", StringComparison.OrdinalIgnoreCase))
        {
            return me.Id;
        }

        var visible = access.VisibleUsers();
        if (Guid.TryParse(owner, out var id))
        {
            return await visible.AnyAsync(u => u.Id == id, ct) ? id : null;
        }

        var normalized = owner.ToUpperInvariant();
        var found = await visible.Where(u => u.NormalizedEmail == normalized).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct);
        return found;
    }

    private static IQueryable<Account> Sort(IQueryable<Account> query, string? sort)
    {
        var descending = sort?.StartsWith('-') == true;
        var key = sort?.TrimStart('-') ?? "name";
        return (key, descending) switch
        {
            ("potential", false) => query.OrderBy(a => a.AnnualPotential).ThenBy(a => a.Name),
            ("potential", true) => query.OrderByDescending(a => a.AnnualPotential).ThenBy(a => a.Name),
            ("industry", false) => query.OrderBy(a => a.Industry).ThenBy(a => a.Name),
            ("industry", true) => query.OrderByDescending(a => a.Industry).ThenBy(a => a.Name),
            ("segment", false) => query.OrderBy(a => a.Segment).ThenBy(a => a.Name),
            ("segment", true) => query.OrderByDescending(a => a.Segment).ThenBy(a => a.Name),
            ("region", false) => query.OrderBy(a => a.Region).ThenBy(a => a.Name),
            ("region", true) => query.OrderByDescending(a => a.Region).ThenBy(a => a.Name),
            ("postal", false) => query.OrderBy(a => a.PostalCode).ThenBy(a => a.Name),
            ("postal", true) => query.OrderByDescending(a => a.PostalCode).ThenBy(a => a.Name),
            ("owner", false) => query.OrderBy(a => a.Owner!.DisplayName).ThenBy(a => a.Name),
            ("owner", true) => query.OrderByDescending(a => a.Owner!.DisplayName).ThenBy(a => a.Name),
            (_, true) => query.OrderByDescending(a => a.Name).ThenBy(a => a.Id),
            _ => query.OrderBy(a => a.Name).ThenBy(a => a.Id),
        };
    }

    private static List<string> Distinct(IEnumerable<string> values) =>
        values.Where(v => v.Length > 0).Distinct().Order(StringComparer.OrdinalIgnoreCase).ToList();
}
