using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Infrastructure;

namespace Terrain.Features.Imports;

/// <summary>
/// Imports finance bookings: revenue lines keyed by external id and line id, negative for downgrades and
/// cancellations, converted into the company's currency at the rate of the booking date (a currency without a rate
/// refuses the row). Products match the strategy's offerings as opportunities do. All or nothing unless a partial
/// import is asked for; re-importing updates and never duplicates.
/// </summary>
public sealed class BookingImporter(AppDbContext db, TimeProvider clock, IOptions<TerrainOptions> options, ILogger<BookingImporter> logger, ImportLease? lease = null)
{
    /// <summary>Terrain's own columns, which a JSON batch's records use as members.</summary>
    public static IReadOnlyList<string> Fields => [.. BookingLayouts.Terrain.Columns.Values.Select(names => names[0])];

    private sealed record Pending(int Line, string ExternalId, string LineId, Guid OwnerId, Guid? AccountId, DateOnly Date, decimal Amount,
        string Currency, decimal OriginalAmount, string? ProductId, string? Opportunity);

    public async Task<ImportReport> ImportAsync(Stream csv, bool partial, Guid? actorId, IProgress<ImportProgress>? progress = null,
        Guid? mappingId = null, CancellationToken ct = default)
    {
        progress?.Report(new ImportProgress("Reading", 0, 0));
        var layouts = await MappedLayouts.OfAsync(db, ImportKind.Bookings, BookingLayouts.BuiltIn, mappingId, ct);
        if (layouts.Refusal is { } refused)
        {
            return MappedLayouts.Refused(ImportKind.Bookings, refused, partial);
        }

        var rows = new Rows(await ActualsLookups.LoadAsync(db, options.Value.Currency, ct), Today(), layouts);
        var read = new ActualsRead();
        ActualsSource.ReadCsv(csv, rows, read, "a bookings file (externalId, owner, date, amount, ...)", progress);
        return await FinishAsync(rows, read, partial, actorId, progress, ct);
    }

    /// <summary>A JSON batch from an integration: records with Terrain's columns as members.</summary>
    public async Task<ImportReport> ImportRecordsAsync(JsonElement records, bool partial, Guid? actorId, Guid? mappingId = null, CancellationToken ct = default)
    {
        var layouts = mappingId is null ? new(BookingLayouts.BuiltIn, false, null)
            : await MappedLayouts.OfAsync(db, ImportKind.Bookings, BookingLayouts.BuiltIn, mappingId, ct);
        if (layouts.Refusal is { } refused)
        {
            return MappedLayouts.Refused(ImportKind.Bookings, refused, partial);
        }

        var rows = new Rows(await ActualsLookups.LoadAsync(db, options.Value.Currency, ct), Today(), layouts);
        var read = new ActualsRead();
        ActualsSource.ReadJson(records, mappingId is { } id ? await MappedLayouts.HeadingsAsync(db, id, ct) : Fields, rows, read);
        return await FinishAsync(rows, read, partial, actorId, null, ct);
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private async Task<ImportReport> FinishAsync(Rows rows, ActualsRead read, bool partial, Guid? actorId, IProgress<ImportProgress>? progress, CancellationToken ct) =>
        read.Refusal(ImportKind.Bookings, partial)
        ?? await UnitOfWork.RunAsync(db, token => ApplyAsync(rows, read, partial, actorId, progress, token), ct, inTransaction: true);

    /// <summary>The row checks of one import, fed by a CSV file or a JSON batch alike.</summary>
    private sealed class Rows(ActualsLookups lookups, DateOnly today, MappedLayouts<ActualsLayout<BookingField>> layouts) : LayoutRows<BookingField>(layouts, "bookings")
    {
        private readonly Dictionary<(string, string), int> _firstLine = [];

        public List<Pending> Kept { get; } = [];

        protected override BookingField Key => BookingField.ExternalId;

        public override void Discard() => Kept.Clear();

        protected override void Keep(int line, string[] cells, ActualsColumns<BookingField> columns, ActualsRead read)
        {
            var row = BookingLayouts.Read(columns, i => cells[i]);
            if (!_firstLine.TryAdd((row.ExternalId, row.LineId), line))
            {
                var which = row.LineId.Length > 0 ? $"'{row.ExternalId}' (line id '{row.LineId}')" : $"'{row.ExternalId}'";
                throw new DealRowException(columns.Column(BookingField.ExternalId),
                    $"The booking {which} appears on both line {_firstLine[(row.ExternalId, row.LineId)]} and line {line}.");
            }

            foreach (var (field, value) in new[] { (BookingField.ExternalId, row.ExternalId), (BookingField.LineId, row.LineId), (BookingField.Opportunity, row.Opportunity ?? "") })
            {
                if (value.Length > DealFacts.MaxId)
                {
                    throw new DealRowException(columns.Column(field), $"'{columns.Column(field)}' is longer than {DealFacts.MaxId} characters.");
                }
            }

            if (row.Date > today.AddYears(OpportunityImporter.MaxYearsAhead))
            {
                throw new DealRowException(columns.Column(BookingField.Date),
                    $"The booking date {row.Date:yyyy-MM-dd} is more than {OpportunityImporter.MaxYearsAhead} years ahead. Check the year.");
            }

            var owner = lookups.Owner(row.Owner, columns.Column(BookingField.Owner));
            var account = lookups.Account(row.Account, read);
            var currency = row.Currency ?? lookups.Company;
            if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
            {
                throw new DealRowException(columns.Column(BookingField.Currency), $"'{currency}' is not a currency code (three letters, e.g. EUR).");
            }

            var original = Booking.ValidateSigned(row.Amount, "amount");
            var converted = lookups.Convert(original, currency, row.Date) ?? throw new DealRowException(
                columns.Optional(i => cells[i], BookingField.Currency) is null ? columns.Column(BookingField.Amount) : columns.Column(BookingField.Currency),
                lookups.NoRate(currency, row.Date, "the booking date"));
            Kept.Add(new Pending(line, row.ExternalId, row.LineId, owner, account, row.Date, Booking.ValidateSigned(converted, "amount"), currency, original,
                lookups.Product(row.Product), row.Opportunity));
        }
    }

    private async Task<ImportReport> ApplyAsync(Rows rows, ActualsRead read, bool partial, Guid? actorId, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var importId = Guid.CreateVersion7(now);
        progress?.Report(new ImportProgress("Checking", 0, rows.Kept.Count));
        var existing = new Dictionary<(string, string), Booking>();
        foreach (var chunk in rows.Kept.Select(r => r.ExternalId).Distinct().Chunk(500))
        {
            foreach (var booking in await db.Bookings.Where(b => chunk.Contains(b.ExternalId)).ToListAsync(ct))
            {
                existing[(booking.ExternalId, booking.LineId)] = booking;
            }
        }

        int created = 0, updated = 0, unchanged = 0;
        foreach (var row in rows.Kept)
        {
            var isNew = !existing.TryGetValue((row.ExternalId, row.LineId), out var booking);
            if (isNew)
            {
                booking = Booking.Create(row.ExternalId, row.LineId, importId, now);
                db.Bookings.Add(booking);
            }

            var changed = booking!.Apply(row.OwnerId, row.AccountId, row.Date, row.Amount, row.Currency, row.OriginalAmount, row.ProductId, row.Opportunity, importId);
            if (isNew)
            {
                created++;
            }
            else if (changed)
            {
                updated++;
            }
            else
            {
                unchanged++;
            }
        }

        return await read.SaveAsync(db, ImportKind.Bookings, (created, updated, unchanged), partial, actorId, now, logger, progress, lease, ct);
    }
}
