using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Infrastructure;

namespace Terrain.Features.Imports;

/// <summary>
/// Imports opportunities from a CRM export (Terrain, Salesforce or HubSpot layout, recognised from the header), keyed by
/// external id and line id. The file is streamed: only the checked facts of each row are kept for the save, never its
/// text. Every change is written as an <see cref="OpportunityChange"/> (ADR 0018); an unchanged deal writes none.
/// All or nothing unless a partial import is asked for.
/// </summary>
public sealed class OpportunityImporter(AppDbContext db, TimeProvider clock, IOptions<TerrainOptions> options, ILogger<OpportunityImporter> logger)
{
    /// <summary>A close date further ahead than this is a typo (2062 for 2026), not a deal.</summary>
    public const int MaxYearsAhead = 5;

    /// <summary>Terrain's own columns, which a JSON batch's records use as members.</summary>
    public static IReadOnlyList<string> Fields => [.. DealLayout.Terrain.Columns.Values];

    private sealed record Pending(int Line, DealFacts Facts, bool CreatedKnown);

    public async Task<ImportReport> ImportAsync(Stream csv, bool partial, bool full, Guid? actorId,
        IProgress<ImportProgress>? progress = null, Guid? mappingId = null, CancellationToken ct = default)
    {
        progress?.Report(new ImportProgress("Reading", 0, 0));
        var layouts = await MappedLayouts.DealsAsync(db, mappingId, ct);
        if (layouts.Refusal is { } refused)
        {
            return MappedLayouts.Refused(ImportKind.Opportunities, refused, partial);
        }

        var rows = new Rows(await LoadAsync(ct), clock, layouts);
        var read = new ActualsRead();
        ActualsSource.ReadCsv(csv, rows, read, "a Terrain, Salesforce or HubSpot opportunities export", progress);
        return await FinishAsync(rows, read, partial, full, actorId, progress, ct);
    }

    /// <summary>A JSON batch from an integration: records with Terrain's columns as members; always an increment.</summary>
    public async Task<ImportReport> ImportRecordsAsync(JsonElement records, bool partial, Guid? actorId, CancellationToken ct = default)
    {
        var rows = new Rows(await LoadAsync(ct), clock, new MappedLayouts<DealLayout>(DealLayout.BuiltIn, false, null));
        var read = new ActualsRead();
        ActualsSource.ReadJson(records, Fields, rows, read);
        return await FinishAsync(rows, read, partial, full: false, actorId, null, ct);
    }

    private Task<ActualsLookups> LoadAsync(CancellationToken ct) => ActualsLookups.LoadAsync(db, options.Value.Currency, ct);

    private async Task<ImportReport> FinishAsync(Rows rows, ActualsRead read, bool partial, bool full, Guid? actorId,
        IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        if (read.Refusal(ImportKind.Opportunities, partial) is { } failed)
        {
            return failed;
        }

        // Checked against the database afresh when a transient failure runs it again, so the report says what was saved.
        return await UnitOfWork.RunAsync(db, token => ApplyAsync(rows, read, partial, full, actorId, progress, token), ct, inTransaction: true);
    }

    /// <summary>The row checks of one import, fed by a CSV file or a JSON batch alike.</summary>
    private sealed class Rows(ActualsLookups lookups, TimeProvider clock, MappedLayouts<DealLayout> layouts) : IActualsRows
    {
        private readonly Dictionary<(string, string), int> _firstLine = [];
        private readonly DateOnly _today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        private IReadOnlyList<string> _header = [];
        private DealReader? _deals;

        public List<Pending> Kept { get; } = [];

        public Dictionary<DealField, string> Columns { get; private set; } = [];

        public int KeyColumn { get; private set; } = -1;

        public string? Begin(IReadOnlyList<string> header, ActualsRead read)
        {
            var layout = layouts.Layouts.FirstOrDefault(l => l.Missing(header).Count == 0);
            if (layout is null)
            {
                return Unrecognised(header, layouts);
            }

            _header = header;
            _deals = new DealReader(layout, header);
            read.Layout = layout.Name;
            read.Ignored = _deals.Ignored;
            Columns = ColumnsOf(layout, header);
            KeyColumn = IndexOf(Columns[DealField.ExternalId]);
            return null;
        }

        public void Discard() => Kept.Clear();

        private int IndexOf(string column) => _header.ToList().FindIndex(h => DealLayout.Normalize(h) == DealLayout.Normalize(column));

        public void Check(int line, string[] cells, ActualsRead read)
        {
            try
            {
                var row = _deals!.Read(i => cells[i]);
                var key = (row.ExternalId, row.LineId);
                if (_firstLine.TryGetValue(key, out var first))
                {
                    var which = row.LineId.Length > 0 ? $"'{row.ExternalId}' (line id '{row.LineId}')" : $"'{row.ExternalId}'";
                    throw new DealRowException(Columns[DealField.ExternalId], $"The opportunity {which} appears on both line {first} and line {line}.");
                }

                _firstLine[key] = line;
                var owner = lookups.Owner(row.Owner, Columns[DealField.Owner]);
                var accountId = lookups.Account(row.Account, read);
                if (row.CloseDate > _today.AddYears(MaxYearsAhead))
                {
                    throw new DealRowException(Columns[DealField.CloseDate],
                        $"The close date {row.CloseDate:yyyy-MM-dd} is more than {MaxYearsAhead} years ahead. Check the year.");
                }

                var currency = row.Currency ?? lookups.Company;
                var converted = lookups.Convert(row.Amount, currency, row.CloseDate);
                if (converted is null)
                {
                    var currencyIndex = IndexOf(Columns[DealField.Currency]);
                    throw new DealRowException(currencyIndex >= 0 && cells[currencyIndex].Trim().Length > 0 ? Columns[DealField.Currency] : Columns[DealField.Amount],
                        lookups.NoRate(currency, row.CloseDate, "the close date"));
                }

                // Without a created date, a deal first seen now was created no later than today or its close date.
                var created = row.CreatedDate ?? (row.CloseDate < _today ? row.CloseDate : _today);
                var facts = new DealFacts(row.ExternalId, row.LineId, row.Name, accountId, row.Account, owner, row.Stage, row.Outcome, row.Forecast,
                    converted.Value, currency, row.Amount, row.Probability, row.CloseDate, created, row.Type, lookups.Product(row.Product), row.Product, row.LossReason)
                    .Validated();
                Kept.Add(new Pending(line, facts, row.CreatedDate is not null));
                return;
            }
            catch (DealRowException e)
            {
                read.Issues.Add(new ImportIssue(line, e.Column, e.Message));
            }
            catch (DomainException e)
            {
                read.Issues.Add(new ImportIssue(line, ColumnOf(e.Field, Columns), e.Message));
            }

            if (KeyColumn >= 0)
            {
                read.RejectedIds.Add(cells[KeyColumn].Trim());
            }
        }
    }

    /// <summary>Names what the closest layout (or the chosen mapping) lacks, and the likely cause when the header is one field.</summary>
    private static string Unrecognised(IReadOnlyList<string> header, MappedLayouts<DealLayout> layouts)
    {
        var closest = layouts.Layouts.Select(l => (Layout: l, Missing: l.Missing(header))).MinBy(l => l.Missing.Count);
        var missing = string.Join(", ", closest.Missing.Select(f => $"'{closest.Layout.Columns[f]}'"));
        return (layouts.Chosen
            ? $"The header lacks the required column(s) {missing} of the mapping '{closest.Layout.Name}'."
            : $"The header matches no known opportunities layout ({string.Join(", ", layouts.Names(l => l.Name))}). "
                + $"The closest, {closest.Layout.Name}, lacks the required column(s) {missing}.") + ActualsLayout.DelimiterHint(header);
    }

    /// <summary>The file's own heading of each field the layout reads, for naming the column at fault.</summary>
    private static Dictionary<DealField, string> ColumnsOf(DealLayout layout, IReadOnlyList<string> header)
    {
        var columns = new Dictionary<DealField, string>();
        foreach (var (field, name) in layout.Columns)
        {
            var found = header.FirstOrDefault(h => DealLayout.Normalize(h) == DealLayout.Normalize(name));
            columns[field] = (found ?? name).Trim().TrimStart('\uFEFF');
        }

        return columns;
    }

    private static string? ColumnOf(string? field, Dictionary<DealField, string> columns)
    {
        DealField? dealField = field switch
        {
            "externalId" => DealField.ExternalId,
            "lineId" => DealField.LineId,
            "name" => DealField.Name,
            "account" => DealField.Account,
            "stage" => DealField.Stage,
            "product" => DealField.Product,
            "lossReason" => DealField.LossReason,
            "amount" => DealField.Amount,
            "currency" => DealField.Currency,
            "probability" => DealField.Probability,
            "closeDate" => DealField.CloseDate,
            "createdDate" => DealField.CreatedDate,
            _ => null,
        };
        return dealField is { } f && columns.TryGetValue(f, out var column) ? column : field;
    }

    private async Task<ImportReport> ApplyAsync(Rows rows, ActualsRead read, bool partial, bool full, Guid? actorId,
        IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var importId = Guid.CreateVersion7(now);
        progress?.Report(new ImportProgress("Checking", 0, rows.Kept.Count));
        var existing = await db.Opportunities.ToDictionaryAsync(o => (o.ExternalId, o.LineId), ct);
        var inFile = new HashSet<(string, string)>();
        var changes = new List<OpportunityChange>();
        int created = 0, updated = 0, unchanged = 0, deleted = 0;
        var issues = new List<ImportIssue>(read.Issues);
        foreach (var row in rows.Kept)
        {
            var key = (row.Facts.ExternalId, row.Facts.LineId);
            inFile.Add(key);
            if (existing.TryGetValue(key, out var deal))
            {
                var facts = row.Facts;
                if (!row.CreatedKnown)
                {
                    // A file without created dates keeps the date the deal was first seen.
                    facts = facts with { CreatedDate = deal.CreatedDate };
                    try
                    {
                        facts.Validated();
                    }
                    catch (DomainException e)
                    {
                        issues.Add(new ImportIssue(row.Line, ColumnOf(e.Field, rows.Columns), e.Message));
                        continue;
                    }
                }

                if (deal.Apply(facts, importId, now) is { } change)
                {
                    changes.Add(change);
                    updated++;
                }
                else
                {
                    unchanged++;
                }
            }
            else
            {
                var (fresh, change) = Opportunity.Create(row.Facts, importId, now);
                db.Opportunities.Add(fresh);
                db.OpportunityChanges.Add(change);
                created++;
            }
        }

        if (full)
        {
            // A deal whose row was rejected is still in the CRM: only deals missing from the file are deleted.
            foreach (var (key, deal) in existing)
            {
                if (!inFile.Contains(key) && !read.RejectedIds.Contains(key.ExternalId) && deal.MarkDeleted(importId, now) is { } change)
                {
                    changes.Add(change);
                    deleted++;
                }
            }
        }

        issues = [.. issues.OrderBy(i => i.Line)];
        if (issues.Count > 0 && !partial)
        {
            db.ChangeTracker.Clear();
            return read.Describe(ImportReport.Failed(ImportKind.Opportunities, read.RowsRead, issues, partial));
        }

        await EndPreviousAsync(changes, now, ct);
        db.OpportunityChanges.AddRange(changes);
        progress?.Report(new ImportProgress("Saving", 0, 0));
        var report = read.Describe(new ImportReport(ImportKind.Opportunities, read.RowsRead, created, updated, unchanged, issues, partial, Applied: true)
        {
            Deleted = deleted,
        });
        report = await ImportFile.SaveAsync(db, report, actorId, now, logger, ct);
        if (report.Applied)
        {
            progress?.Report(new ImportProgress("Saving", 1, 1));
        }
        else
        {
            report = read.Describe(report);
        }

        return report;
    }

    /// <summary>Ends the current change of each deal that changed, loading only those, a chunk at a time.</summary>
    private async Task EndPreviousAsync(List<OpportunityChange> changes, DateTimeOffset at, CancellationToken ct)
    {
        foreach (var chunk in changes.Select(c => c.OpportunityId).Chunk(500))
        {
            var current = await db.OpportunityChanges.Where(c => chunk.Contains(c.OpportunityId) && c.ValidTo == null).ToListAsync(ct);
            foreach (var change in current)
            {
                change.End(at);
            }
        }
    }
}
