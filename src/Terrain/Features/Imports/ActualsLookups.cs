using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.Actuals;
using Terrain.Domain.Planning;

namespace Terrain.Features.Imports;

/// <summary>
/// How every actuals import matches what a row names: owners by email or display name, accounts by external id or
/// exact name, products by the name of an offering of the strategy the open cycle executes, and amounts converted at
/// the company's dated exchange rates. Loaded once per import.
/// </summary>
internal sealed class ActualsLookups
{
    private readonly Dictionary<string, Guid> _usersByEmail;
    private readonly Dictionary<string, Guid?> _usersByName;
    private readonly Dictionary<string, Guid> _accountsByExternalId;
    private readonly Dictionary<string, Guid?> _accountsByName;
    private readonly Dictionary<string, string> _offerings;
    private readonly Dictionary<string, List<ExchangeRate>> _rates;

    private ActualsLookups(Dictionary<string, Guid> usersByEmail, Dictionary<string, Guid?> usersByName, Dictionary<string, Guid> accountsByExternalId,
        Dictionary<string, Guid?> accountsByName, Dictionary<string, string> offerings, Dictionary<string, List<ExchangeRate>> rates, string company)
    {
        (_usersByEmail, _usersByName, _accountsByExternalId, _accountsByName, _offerings, _rates) =
            (usersByEmail, usersByName, accountsByExternalId, accountsByName, offerings, rates);
        Company = company;
    }

    /// <summary>The company's currency, in which every amount is stored.</summary>
    public string Company { get; }

    public static async Task<ActualsLookups> LoadAsync(AppDbContext db, string companyCurrency, CancellationToken ct)
    {
        var users = await db.Users.AsNoTracking().Select(u => new { u.Id, u.Email, u.DisplayName }).ToListAsync(ct);
        var accounts = await db.Accounts.AsNoTracking().Select(a => new { a.Id, a.ExternalId, a.Name }).ToListAsync(ct);
        var rates = await db.ExchangeRates.AsNoTracking().ToListAsync(ct);

        // Products are the offerings of the strategy that the open cycle executes, when there is one.
        var strategyId = await db.Cycles.AsNoTracking().Where(c => c.Status == CycleStatus.Open && c.StrategyId != null)
            .OrderByDescending(c => c.CreatedAt).Select(c => c.StrategyId).FirstOrDefaultAsync(ct);
        var offerings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (strategyId is not null && await db.Strategies.AsNoTracking().SingleOrDefaultAsync(s => s.Id == strategyId, ct) is { } strategy)
        {
            foreach (var (id, name) in strategy.ReadContent().OfferingNames())
            {
                offerings.TryAdd(name.Trim(), id);
            }
        }

        return new ActualsLookups(
            users.Where(u => u.Email is not null).ToDictionary(u => u.Email!, u => u.Id, StringComparer.OrdinalIgnoreCase),
            Unique(users.Select(u => (u.DisplayName, u.Id))),
            accounts.ToDictionary(a => a.ExternalId, a => a.Id, StringComparer.Ordinal),
            Unique(accounts.Select(a => (a.Name, a.Id))),
            offerings,
            rates.GroupBy(r => r.Currency).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal),
            companyCurrency.Trim().ToUpperInvariant());
    }

    /// <summary>Names to ids; a name two records share maps to null, which matches neither.</summary>
    private static Dictionary<string, Guid?> Unique(IEnumerable<(string Name, Guid Id)> rows)
    {
        var byName = new Dictionary<string, Guid?>(StringComparer.Ordinal);
        foreach (var (name, id) in rows)
        {
            byName[name] = byName.ContainsKey(name) ? null : id;
        }

        return byName;
    }

    /// <summary>The user an email or display name names; throws naming the column when none or several do.</summary>
    public Guid Owner(string owner, string column) =>
        _usersByEmail.TryGetValue(owner, out var byEmail) ? byEmail
        : _usersByName.TryGetValue(owner, out var byName) ? byName ?? throw new DealRowException(column,
            $"More than one user is named '{owner}'. Use the owner's email instead.")
        : throw new DealRowException(column, $"No user has the email or display name '{owner}'. Import the users first.");

    /// <summary>The account an external id or exact name names; null (and noted in the report) when none does.</summary>
    public Guid? Account(string? account, ActualsRead read)
    {
        if (string.IsNullOrEmpty(account))
        {
            return null;
        }

        var id = _accountsByExternalId.TryGetValue(account, out var byId) ? byId : _accountsByName.GetValueOrDefault(account);
        if (id is null)
        {
            read.UnmatchedAccounts.Add(account);
        }

        return id;
    }

    /// <summary>The offering id of a product name, or null when the strategy has no such offering.</summary>
    public string? Product(string? name) => name is not null && _offerings.TryGetValue(name, out var id) ? id : null;

    /// <summary>The amount in the company's currency at the rate in force on <paramref name="on"/>; null without a rate.</summary>
    public decimal? Convert(decimal amount, string currency, DateOnly on) =>
        ExchangeRate.Convert(amount, currency, Company, on, _rates.GetValueOrDefault(currency) ?? []);

    public string NoRate(string currency, DateOnly on, string what) =>
        $"There is no exchange rate from {currency} to {Company} in force on {on:yyyy-MM-dd} ({what}). Add the rate, then import again.";
}
