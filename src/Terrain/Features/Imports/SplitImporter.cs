using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Infrastructure;

namespace Terrain.Features.Imports;

/// <summary>
/// Imports revenue splits (ADR 0046): one row per opportunity and rep, whose percents total exactly 100.00 per
/// opportunity or the opportunity's rows are refused, naming its first line. The rows of an opportunity replace the
/// splits it had; opportunities the file does not name keep theirs. All or nothing unless a partial import is asked for.
/// </summary>
public sealed class SplitImporter(AppDbContext db, TimeProvider clock, IOptions<TerrainOptions> options, ILogger<SplitImporter> logger, ImportLease? lease = null)
{
    /// <summary>Terrain's own columns, which a JSON batch's records use as members.</summary>
    public static IReadOnlyList<string> Fields => [.. SplitLayouts.Terrain.Columns.Values.Select(names => names[0])];

    private sealed record Pending(int Line, string Opportunity, Guid RepId, decimal Percent);

    public async Task<ImportReport> ImportAsync(Stream csv, bool partial, Guid? actorId, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        progress?.Report(new ImportProgress("Reading", 0, 0));
        var rows = new Rows(await ActualsLookups.LoadAsync(db, options.Value.Currency, ct), new(SplitLayouts.BuiltIn, false, null));
        var read = new ActualsRead();
        ActualsSource.ReadCsv(csv, rows, read, "a revenue splits file (opportunity, rep, percent)", progress);
        return await FinishAsync(rows, read, partial, actorId, progress, ct);
    }

    /// <summary>A JSON batch from an integration: records with Terrain's columns as members.</summary>
    public async Task<ImportReport> ImportRecordsAsync(JsonElement records, bool partial, Guid? actorId, CancellationToken ct = default)
    {
        var rows = new Rows(await ActualsLookups.LoadAsync(db, options.Value.Currency, ct), new(SplitLayouts.BuiltIn, false, null));
        var read = new ActualsRead();
        ActualsSource.ReadJson(records, Fields, rows, read);
        return await FinishAsync(rows, read, partial, actorId, null, ct);
    }

    private async Task<ImportReport> FinishAsync(Rows rows, ActualsRead read, bool partial, Guid? actorId, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        rows.CheckTotals(read);
        return read.Refusal(ImportKind.Splits, partial)
               ?? await UnitOfWork.RunAsync(db, token => ApplyAsync(rows, read, partial, actorId, progress, token), ct, inTransaction: true);
    }

    private sealed class Rows(ActualsLookups lookups, MappedLayouts<ActualsLayout<SplitField>> layouts) : LayoutRows<SplitField>(layouts, "revenue splits")
    {
        private readonly Dictionary<(string, Guid), int> _firstLine = [];
        private readonly HashSet<string> _refused = new(StringComparer.Ordinal);

        public List<Pending> Kept { get; } = [];

        protected override SplitField Key => SplitField.Opportunity;

        public override void Discard() => Kept.Clear();

        protected override void Keep(int line, string[] cells, ActualsColumns<SplitField> columns, ActualsRead read)
        {
            var row = SplitLayouts.Read(columns, i => cells[i]);
            var rep = lookups.Owner(row.Rep, columns.Column(SplitField.Rep));
            if (!_firstLine.TryAdd((row.Opportunity, rep), line))
            {
                throw new DealRowException(columns.Column(SplitField.Rep),
                    $"The opportunity '{row.Opportunity}' splits to '{row.Rep}' on both line {_firstLine[(row.Opportunity, rep)]} and line {line}.");
            }

            Kept.Add(new Pending(line, row.Opportunity, rep, row.Percent));
        }

        /// <summary>
        /// Refuses every opportunity whose splits do not total 100.00%, or that has a row refused already (its other
        /// rows cannot total 100% without it), naming its first line; their rows are not kept.
        /// </summary>
        public void CheckTotals(ActualsRead read)
        {
            foreach (var deal in Kept.GroupBy(r => r.Opportunity, StringComparer.Ordinal))
            {
                var total = deal.Sum(r => r.Percent);
                var lines = deal.Select(r => r.Line).ToList();
                if (read.RejectedIds.Contains(deal.Key))
                {
                    read.Issues.Add(new ImportIssue(lines[0], null,
                        $"The splits of the opportunity '{deal.Key}' (lines {string.Join(", ", lines)}) are not imported because another of its rows was refused."));
                    _refused.Add(deal.Key);
                }
                else if (total != 100m)
                {
                    read.Issues.Add(new ImportIssue(lines[0], null,
                        $"The revenue splits of the opportunity '{deal.Key}' total {total:0.00}%, not 100% (lines {string.Join(", ", lines)}). Correct the percents so that they add up to exactly 100."));
                    read.RejectedIds.Add(deal.Key);
                    _refused.Add(deal.Key);
                }
            }

            Kept.RemoveAll(r => _refused.Contains(r.Opportunity));
        }
    }

    private async Task<ImportReport> ApplyAsync(Rows rows, ActualsRead read, bool partial, Guid? actorId, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var importId = Guid.CreateVersion7(now);
        progress?.Report(new ImportProgress("Checking", 0, rows.Kept.Count));
        int created = 0, updated = 0, unchanged = 0;
        foreach (var chunk in rows.Kept.GroupBy(r => r.Opportunity, StringComparer.Ordinal).Chunk(500))
        {
            var ids = chunk.Select(d => d.Key).ToList();
            var existing = (await db.DealSplits.Where(s => ids.Contains(s.OpportunityExternalId)).ToListAsync(ct))
                .ToLookup(s => s.OpportunityExternalId, StringComparer.Ordinal);
            foreach (var deal in chunk)
            {
                var before = existing[deal.Key].ToList();
                var same = before.Count == deal.Count() &&
                           deal.All(r => before.Any(s => s.RepId == r.RepId && s.Percent == r.Percent));
                if (same)
                {
                    unchanged += deal.Count();
                    continue;
                }

                // A row per rep and percent: a change replaces the opportunity's splits whole.
                db.DealSplits.RemoveRange(before);
                db.DealSplits.AddRange(deal.Select(r => DealSplit.Create(r.Opportunity, r.RepId, r.Percent, importId, now)));
                if (before.Count == 0)
                {
                    created += deal.Count();
                }
                else
                {
                    updated += deal.Count();
                }
            }
        }

        return await read.SaveAsync(db, ImportKind.Splits, (created, updated, unchanged), partial, actorId, now, logger, progress, lease, ct);
    }
}
