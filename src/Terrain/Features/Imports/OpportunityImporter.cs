using System.Data.Common;
using System.Diagnostics;
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
public sealed class OpportunityImporter(AppDbContext db, TimeProvider clock, IOptions<TerrainOptions> options, ILogger<OpportunityImporter> logger, ImportLease? lease = null)
{
    /// <summary>A close date further ahead than this is a typo (2062 for 2026), not a deal.</summary>
    public const int MaxYearsAhead = 5;

    /// <summary>Terrain's own columns, which a JSON batch's records use as members.</summary>
    public static IReadOnlyList<string> Fields => [.. DealLayout.Terrain.Columns.Values];

    public async Task<ImportReport> ImportAsync(Stream csv, bool partial, bool full, Guid? actorId,
        IProgress<ImportProgress>? progress = null, Guid? mappingId = null, CancellationToken ct = default)
    {
        progress?.Report(new ImportProgress("Reading", 0, 0));
        var layouts = await MappedLayouts.DealsAsync(db, mappingId, ct);
        if (layouts.Refusal is { } refused)
        {
            return MappedLayouts.Refused(ImportKind.Opportunities, refused, partial);
        }

        var lookups = await LoadAsync(ct);
        await using var stage = await DealStage.OpenAsync(db, ct);
        var rows = new Rows(lookups, clock, layouts, stage);
        var read = new ActualsRead();
        ActualsSource.ReadCsv(csv, rows, read, "a Terrain, Salesforce or HubSpot opportunities export", progress);
        return await FinishAsync(rows, stage, read, partial, full, actorId, progress, ct);
    }

    /// <summary>A JSON batch from an integration: records with Terrain's columns as members; always an increment.</summary>
    public async Task<ImportReport> ImportRecordsAsync(JsonElement records, bool partial, Guid? actorId, Guid? mappingId = null, CancellationToken ct = default)
    {
        var layouts = mappingId is null ? new MappedLayouts<DealLayout>(DealLayout.BuiltIn, false, null) : await MappedLayouts.DealsAsync(db, mappingId, ct);
        if (layouts.Refusal is { } refused)
        {
            return MappedLayouts.Refused(ImportKind.Opportunities, refused, partial);
        }

        // A mapping of stages alone has no headings of its own: its records use Terrain's columns.
        var fields = mappingId is { } id && await MappedLayouts.HeadingsAsync(db, id, ct) is { Count: > 0 } headings ? headings : Fields;
        var lookups = await LoadAsync(ct);
        await using var stage = await DealStage.OpenAsync(db, ct);
        var rows = new Rows(lookups, clock, layouts, stage);
        var read = new ActualsRead();
        ActualsSource.ReadJson(records, fields, rows, read);
        return await FinishAsync(rows, stage, read, partial, full: false, actorId, null, ct);
    }

    private Task<ActualsLookups> LoadAsync(CancellationToken ct) => ActualsLookups.LoadAsync(db, options.Value.Currency, ct);

    private async Task<ImportReport> FinishAsync(Rows rows, DealStage stage, ActualsRead read, bool partial, bool full, Guid? actorId,
        IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        await stage.CompleteAsync(ct);
        logger.LogInformation("Opportunities import: {Rows} rows read, checked and staged in {Elapsed} ms.", read.RowsRead,
            (int)Stopwatch.GetElapsedTime(rows.Started).TotalMilliseconds);
        if (read.Refusal(ImportKind.Opportunities, partial) is { } failed)
        {
            return failed;
        }

        try
        {
            // Checked against the database afresh when a transient failure runs it again, so the report says what was saved.
            return await UnitOfWork.RunAsync(db, token => ApplyAsync(rows, stage, read, partial, full, actorId, progress, token), ct, inTransaction: true);
        }
        catch (DbException e) when (DbConflicts.IsConflict(e))
        {
            // The set-based save writes with SQL, not SaveChanges: a lost race surfaces here, after the transaction rolled back.
            db.ChangeTracker.Clear();
            logger.LogWarning(e, "The opportunities import of {Rows} rows lost a race with another change; nothing was imported.", read.RowsRead);
            return read.Describe(ImportReport.Failed(ImportKind.Opportunities, read.RowsRead, [new ImportIssue(1, null, ImportFile.ConflictReason)], partial));
        }
    }

    /// <summary>The row checks of one import, fed by a CSV file or a JSON batch alike.</summary>
    private sealed class Rows(ActualsLookups lookups, TimeProvider clock, MappedLayouts<DealLayout> layouts, DealStage stage) : IActualsRows
    {
        private readonly DealKeys _firstLine = new();
        private readonly DateTimeOffset _now = clock.GetUtcNow();

        /// <summary>When reading began, for the log of where an import's time goes.</summary>
        public long Started { get; } = Stopwatch.GetTimestamp();
        private readonly DateOnly _today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        private IReadOnlyList<string> _header = [];
        private DealReader? _deals;

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

        /// <summary>Nothing to forget: an unreadable input is refused before the staged rows are merged.</summary>
        public void Discard()
        {
        }

        private int IndexOf(string column) => _header.ToList().FindIndex(h => DealLayout.Normalize(h) == DealLayout.Normalize(column));

        public void Check(int line, string[] cells, ActualsRead read)
        {
            try
            {
                var row = _deals!.Read(i => cells[i]);
                if (!_firstLine.TryAdd(row.ExternalId, row.LineId, line, out var first))
                {
                    var which = row.LineId.Length > 0 ? $"'{row.ExternalId}' (line id '{row.LineId}')" : $"'{row.ExternalId}'";
                    throw new DealRowException(Columns[DealField.ExternalId], $"The opportunity {which} appears on both line {first} and line {line}.");
                }

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
                stage.Add(line, facts, row.CreatedDate is not null, Guid.CreateVersion7(_now), Guid.CreateVersion7(_now));
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

    private async Task<ImportReport> ApplyAsync(Rows rows, DealStage stage, ActualsRead read, bool partial, bool full, Guid? actorId,
        IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var importId = Guid.CreateVersion7(now);
        progress?.Report(new ImportProgress("Saving", 0, stage.Count));
        var merging = Stopwatch.GetTimestamp();
        var merged = await stage.MergeAsync(partial, full, read.RejectedIds, importId, now, ColumnOf("closeDate", rows.Columns)!, ct);
        logger.LogInformation("Opportunities import: {Staged} staged rows merged in {Elapsed} ms.", stage.Count, (int)Stopwatch.GetElapsedTime(merging).TotalMilliseconds);
        List<ImportIssue> issues = [.. read.Issues.Concat(merged.Issues).OrderBy(i => i.Line)];
        if (issues.Count > 0 && !partial)
        {
            return read.Describe(ImportReport.Failed(ImportKind.Opportunities, read.RowsRead, issues, partial));
        }

        var report = read.Describe(new ImportReport(ImportKind.Opportunities, read.RowsRead, merged.Created, merged.Updated, merged.Unchanged, issues, partial,
            Applied: true)
        {
            Deleted = merged.Deleted,
        });
        report = await ImportFile.SaveAsync(db, report, actorId, now, logger, lease, ct);
        if (report.Applied)
        {
            progress?.Report(new ImportProgress("Saving", stage.Count, stage.Count));
        }
        else
        {
            report = read.Describe(report);
        }

        return report;
    }
}
