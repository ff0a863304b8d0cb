using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Features.Imports;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.ExchangeRates;

public sealed record ExchangeRateRow(string Currency, DateOnly ValidFrom, decimal Rate);

/// <summary>The company's currency and every dated rate into it, by currency then date.</summary>
public sealed record ExchangeRatesView(string CompanyCurrency, IReadOnlyList<ExchangeRateRow> Rates);

public sealed class ExchangeRateInput
{
    /// <summary>What one unit of the currency is worth in the company's currency, from that day on (at most six decimals).</summary>
    public decimal? Rate { get; init; }
}

/// <summary>What a rates file did: all of it, or nothing when any row was wrong.</summary>
public sealed record ExchangeRateImportReport(bool Applied, int RowsRead, int Created, int Updated, int Unchanged, IReadOnlyList<ImportIssue> Rejected);

/// <summary>
/// Dated exchange rates into the company's currency, which the actuals imports convert with at each deal's close date
/// (ADR 0018). Admins maintain them one by one or load a file; every change is audited. Everyone signed in may read them:
/// they explain the converted amounts people see.
/// </summary>
public sealed class ExchangeRateHandlers(AppDbContext db, AccessPolicy access, TimeProvider clock, IOptions<TerrainOptions> options)
{
    private static readonly CsvColumn Currency = new("currency", true, "currency code", "iso code", "from currency");
    private static readonly CsvColumn ValidFrom = new("validFrom", true, "valid from", "date", "effective date", "start date");
    private static readonly CsvColumn Rate = new("rate", true, "exchange rate", "conversion rate");

    public static readonly IReadOnlyList<CsvColumn> Columns = [Currency, ValidFrom, Rate];

    public string CompanyCurrency => options.Value.Currency.Trim().ToUpperInvariant();

    public async Task<ExchangeRatesView> ListAsync(string? currency, CancellationToken ct)
    {
        var code = currency?.Trim().ToUpperInvariant();
        var rows = await db.ExchangeRates.AsNoTracking()
            .Where(r => code == null || code == "" || r.Currency == code)
            .OrderBy(r => r.Currency).ThenByDescending(r => r.ValidFrom)
            .Select(r => new ExchangeRateRow(r.Currency, r.ValidFrom, r.Rate))
            .ToListAsync(ct);
        return new ExchangeRatesView(CompanyCurrency, rows);
    }

    /// <summary>Sets the rate of a currency from a day on (creating or changing it); true when it was created.</summary>
    public async Task<(ExchangeRateRow Row, bool Created)> SetAsync(string currency, DateOnly validFrom, decimal? rate, CancellationToken ct)
    {
        access.Ensure(Act.Import);
        if (rate is not { } value)
        {
            throw new DomainException("Give the rate: what one unit of the currency is worth in the company's currency.", "rate");
        }

        var now = clock.GetUtcNow();
        var fresh = ExchangeRate.Create(currency, validFrom, value, now);
        EnsureForeign(fresh.Currency, "currency");
        var existing = await db.ExchangeRates.FirstOrDefaultAsync(r => r.Currency == fresh.Currency && r.ValidFrom == validFrom, ct);
        var before = existing?.Rate;
        if (existing is null)
        {
            db.ExchangeRates.Add(fresh);
        }
        else if (!existing.Reprice(value))
        {
            return (new ExchangeRateRow(fresh.Currency, validFrom, value), false);
        }

        db.AuditEntries.Add(AuditEntry.Record(now, access.Actor.Id, "exchange-rate.set", "ExchangeRate", Key(fresh.Currency, validFrom),
            JsonSerializer.Serialize(new { currency = fresh.Currency, validFrom, before, rate = value })));
        await db.SaveChangesAsync(ct);
        return (new ExchangeRateRow(fresh.Currency, validFrom, value), existing is null);
    }

    /// <summary>Removes one dated rate; false when there is none. Amounts already imported keep their conversion.</summary>
    public async Task<bool> DeleteAsync(string currency, DateOnly validFrom, CancellationToken ct)
    {
        access.Ensure(Act.Import);
        var code = currency.Trim().ToUpperInvariant();
        var existing = await db.ExchangeRates.FirstOrDefaultAsync(r => r.Currency == code && r.ValidFrom == validFrom, ct);
        if (existing is null)
        {
            return false;
        }

        db.ExchangeRates.Remove(existing);
        db.AuditEntries.Add(AuditEntry.Record(clock.GetUtcNow(), access.Actor.Id, "exchange-rate.deleted", "ExchangeRate", Key(code, validFrom),
            JsonSerializer.Serialize(new { currency = code, validFrom, rate = existing.Rate })));
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Loads a CSV of rates (currency, validFrom as yyyy-MM-dd, rate with a point for decimals): all rows or none. A rate
    /// already held for that currency and day is changed; a row repeating another row's currency and day is refused.
    /// </summary>
    public async Task<ExchangeRateImportReport> ImportAsync(Stream csv, CancellationToken ct)
    {
        access.Ensure(Act.Import);
        var (rows, issues) = CsvTable.Read(csv, Columns);
        if (rows.Count == 0 && issues.Count == 0)
        {
            issues.Add(new ImportIssue(1, null, "The file has a header but no rows."));
        }

        var now = clock.GetUtcNow();
        var parsed = new Dictionary<(string, DateOnly), (int Line, ExchangeRate Rate)>();
        foreach (var row in rows)
        {
            if (!DateOnly.TryParseExact(row.Get(ValidFrom), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                issues.Add(new ImportIssue(row.Line, ValidFrom.Name, $"'{row.Get(ValidFrom)}' is not a date as yyyy-MM-dd."));
                continue;
            }

            if (!decimal.TryParse(row.Get(Rate), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                issues.Add(new ImportIssue(row.Line, Rate.Name, $"'{row.Get(Rate)}' is not a rate (digits with a point for decimals, e.g. 1.0825)."));
                continue;
            }

            try
            {
                var rate = ExchangeRate.Create(row.Get(Currency), day, value, now);
                EnsureForeign(rate.Currency, "currency");
                if (!parsed.TryAdd((rate.Currency, day), (row.Line, rate)))
                {
                    issues.Add(new ImportIssue(row.Line, ValidFrom.Name,
                        $"{rate.Currency} on {day:yyyy-MM-dd} is also on line {parsed[(rate.Currency, day)].Line}; keep one."));
                }
            }
            catch (DomainException e)
            {
                issues.Add(new ImportIssue(row.Line, e.Field == "rate" ? Rate.Name : Currency.Name, e.Message));
            }
        }

        if (issues.Count > 0)
        {
            return new ExchangeRateImportReport(false, rows.Count, 0, 0, 0, issues.OrderBy(i => i.Line).ToList());
        }

        var currencies = parsed.Keys.Select(k => k.Item1).Distinct().ToList();
        var existing = (await db.ExchangeRates.Where(r => currencies.Contains(r.Currency)).ToListAsync(ct))
            .ToDictionary(r => (r.Currency, r.ValidFrom));
        int created = 0, updated = 0, unchanged = 0;
        foreach (var (key, (_, rate)) in parsed)
        {
            if (!existing.TryGetValue(key, out var held))
            {
                db.ExchangeRates.Add(rate);
                created++;
            }
            else if (held.Reprice(rate.Rate))
            {
                updated++;
            }
            else
            {
                unchanged++;
            }
        }

        db.AuditEntries.Add(AuditEntry.Record(now, access.Actor.Id, "exchange-rate.imported", "ExchangeRate", now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            JsonSerializer.Serialize(new { rows = rows.Count, created, updated, unchanged })));
        await db.SaveChangesAsync(ct);
        return new ExchangeRateImportReport(true, rows.Count, created, updated, unchanged, []);
    }

    private void EnsureForeign(string currency, string field)
    {
        if (currency == CompanyCurrency)
        {
            throw new DomainException($"{currency} is the company's currency: its amounts are never converted.", field);
        }
    }

    private static string Key(string currency, DateOnly day) => $"{currency}:{day:yyyy-MM-dd}";
}
