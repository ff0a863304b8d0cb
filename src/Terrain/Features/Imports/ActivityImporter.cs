using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Infrastructure;

namespace Terrain.Features.Imports;

/// <summary>
/// Imports activities (calls, meetings, emails, demos, visits, tasks) from Terrain's columns, a Salesforce activity
/// report or a HubSpot activities export, keyed by external id; re-importing updates and never duplicates. A row
/// that does not say whether the activity was held counts it held when its date is today or earlier, planned when
/// later. All or nothing unless a partial import is asked for.
/// </summary>
public sealed class ActivityImporter(AppDbContext db, TimeProvider clock, IOptions<TerrainOptions> options, ILogger<ActivityImporter> logger, ImportLease? lease = null)
{
    /// <summary>Terrain's own columns, which a JSON batch's records use as members.</summary>
    public static IReadOnlyList<string> Fields => [.. ActivityLayouts.Terrain.Columns.Values.Select(names => names[0])];

    private sealed record Pending(int Line, string ExternalId, Guid OwnerId, string Type, DateOnly Date, Guid? AccountId, bool Held);

    public async Task<ImportReport> ImportAsync(Stream csv, bool partial, Guid? actorId, IProgress<ImportProgress>? progress = null,
        Guid? mappingId = null, CancellationToken ct = default)
    {
        progress?.Report(new ImportProgress("Reading", 0, 0));
        var layouts = await MappedLayouts.OfAsync(db, ImportKind.Activities, ActivityLayouts.BuiltIn, mappingId, ct);
        if (layouts.Refusal is { } refused)
        {
            return MappedLayouts.Refused(ImportKind.Activities, refused, partial);
        }

        var rows = new Rows(await ActualsLookups.LoadAsync(db, options.Value.Currency, ct), Today(), layouts);
        var read = new ActualsRead();
        ActualsSource.ReadCsv(csv, rows, read, "a Terrain, Salesforce or HubSpot activities export", progress);
        return await FinishAsync(rows, read, partial, actorId, progress, ct);
    }

    /// <summary>A JSON batch from an integration: records with Terrain's columns as members.</summary>
    public async Task<ImportReport> ImportRecordsAsync(JsonElement records, bool partial, Guid? actorId, Guid? mappingId = null, CancellationToken ct = default)
    {
        var layouts = mappingId is null ? new(ActivityLayouts.BuiltIn, false, null)
            : await MappedLayouts.OfAsync(db, ImportKind.Activities, ActivityLayouts.BuiltIn, mappingId, ct);
        if (layouts.Refusal is { } refused)
        {
            return MappedLayouts.Refused(ImportKind.Activities, refused, partial);
        }

        var rows = new Rows(await ActualsLookups.LoadAsync(db, options.Value.Currency, ct), Today(), layouts);
        var read = new ActualsRead();
        ActualsSource.ReadJson(records, mappingId is { } id ? await MappedLayouts.HeadingsAsync(db, id, ct) : Fields, rows, read);
        return await FinishAsync(rows, read, partial, actorId, null, ct);
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private async Task<ImportReport> FinishAsync(Rows rows, ActualsRead read, bool partial, Guid? actorId, IProgress<ImportProgress>? progress, CancellationToken ct) =>
        read.Refusal(ImportKind.Activities, partial)
        ?? await UnitOfWork.RunAsync(db, token => ApplyAsync(rows, read, partial, actorId, progress, token), ct, inTransaction: true);

    /// <summary>The row checks of one import, fed by a CSV file or a JSON batch alike.</summary>
    private sealed class Rows(ActualsLookups lookups, DateOnly today, MappedLayouts<ActualsLayout<ActivityField>> layouts) : LayoutRows<ActivityField>(layouts, "activities")
    {
        private readonly Dictionary<string, int> _firstLine = new(StringComparer.Ordinal);

        public List<Pending> Kept { get; } = [];

        protected override ActivityField Key => ActivityField.ExternalId;

        public override void Discard() => Kept.Clear();

        protected override void Keep(int line, string[] cells, ActualsColumns<ActivityField> columns, ActualsRead read)
        {
            var row = ActivityLayouts.Read(columns, i => cells[i]);
            if (!_firstLine.TryAdd(row.ExternalId, line))
            {
                throw new DealRowException(columns.Column(ActivityField.ExternalId),
                    $"The activity '{row.ExternalId}' appears on both line {_firstLine[row.ExternalId]} and line {line}.");
            }

            if (row.ExternalId.Length > DealFacts.MaxId)
            {
                throw new DealRowException(columns.Column(ActivityField.ExternalId), $"The external id is longer than {DealFacts.MaxId} characters.");
            }

            if (row.Date > today.AddYears(OpportunityImporter.MaxYearsAhead))
            {
                throw new DealRowException(columns.Column(ActivityField.Date),
                    $"The date {row.Date:yyyy-MM-dd} is more than {OpportunityImporter.MaxYearsAhead} years ahead. Check the year.");
            }

            var owner = lookups.Owner(row.Owner, columns.Column(ActivityField.Owner));
            var account = lookups.Account(row.Account, read);
            // A row that does not say: what is dated today or earlier took place, what is later is planned.
            Kept.Add(new Pending(line, row.ExternalId, owner, row.Type, row.Date, account, row.Held ?? row.Date <= today));
        }
    }

    private async Task<ImportReport> ApplyAsync(Rows rows, ActualsRead read, bool partial, Guid? actorId, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var importId = Guid.CreateVersion7(now);
        progress?.Report(new ImportProgress("Checking", 0, rows.Kept.Count));
        // Only the activities the file names are loaded, a chunk at a time: the table grows to millions.
        var existing = new Dictionary<string, SalesActivity>(StringComparer.Ordinal);
        foreach (var chunk in rows.Kept.Select(r => r.ExternalId).Chunk(500))
        {
            foreach (var activity in await db.Activities.Where(a => chunk.Contains(a.ExternalId)).ToListAsync(ct))
            {
                existing[activity.ExternalId] = activity;
            }
        }

        int created = 0, updated = 0, unchanged = 0;
        foreach (var row in rows.Kept)
        {
            if (existing.TryGetValue(row.ExternalId, out var activity))
            {
                if (activity.Apply(row.OwnerId, row.Type, row.Date, row.AccountId, row.Held, importId))
                {
                    updated++;
                }
                else
                {
                    unchanged++;
                }
            }
            else
            {
                db.Activities.Add(SalesActivity.Create(row.ExternalId, row.OwnerId, row.Type, row.Date, row.AccountId, row.Held, importId, now));
                created++;
            }
        }

        return await read.SaveAsync(db, ImportKind.Activities, (created, updated, unchanged), partial, actorId, now, logger, progress, lease, ct);
    }
}
