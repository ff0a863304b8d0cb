using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;

namespace Terrain.Features.Imports;

/// <summary>
/// The layouts a file of one kind may be read by: the saved mapping the person chose, alone; or, to recognise the
/// layout from the header, the built-in ones first and then the kind's saved mappings by name.
/// </summary>
internal sealed record MappedLayouts<TLayout>(IReadOnlyList<TLayout> Layouts, bool Chosen, string? Refusal)
{
    public IEnumerable<string> Names(Func<TLayout, string> name) => Layouts.Select(name);
}

internal static class MappedLayouts
{
    public static async Task<MappedLayouts<DealLayout>> DealsAsync(AppDbContext db, Guid? mappingId, CancellationToken ct)
    {
        var (saved, chosen, refusal) = await LoadAsync(db, ImportKind.Opportunities, mappingId, ct);
        return chosen
            ? new([.. saved.SelectMany(m => m.ToDealLayouts())], true, refusal)
            : new([.. DealLayout.BuiltIn, .. saved.SelectMany(m => m.ToDealLayouts())], false, refusal);
    }

    public static async Task<MappedLayouts<ActualsLayout<TField>>> OfAsync<TField>(AppDbContext db, ImportKind kind,
        IReadOnlyList<ActualsLayout<TField>> builtIn, Guid? mappingId, CancellationToken ct)
        where TField : struct, Enum
    {
        var (saved, chosen, refusal) = await LoadAsync(db, kind, mappingId, ct);
        return chosen
            ? new([.. saved.Select(m => m.ToLayout<TField>())], true, refusal)
            : new([.. builtIn, .. saved.Select(m => m.ToLayout<TField>())], false, refusal);
    }

    /// <summary>
    /// The column headings of a saved mapping, in its fields' order: the members of a JSON batch's records when the
    /// batch names the mapping (an integration that sends the CRM's own field names).
    /// </summary>
    public static async Task<IReadOnlyList<string>> HeadingsAsync(AppDbContext db, Guid mappingId, CancellationToken ct) =>
        (await db.ImportMappings.AsNoTracking().Where(m => m.Id == mappingId).Select(m => m.ColumnsJson).SingleOrDefaultAsync(ct)) is { } json
            ? [.. (System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(json, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)) ?? []).Values]
            : [];

    /// <summary>The failed report of an import whose chosen mapping cannot be used.</summary>
    public static ImportReport Refused(ImportKind kind, string reason, bool partial) =>
        ImportReport.Failed(kind, 0, [new ImportIssue(1, null, reason)], partial);

    private static async Task<(List<ImportMapping> Saved, bool Chosen, string? Refusal)> LoadAsync(AppDbContext db, ImportKind kind, Guid? mappingId,
        CancellationToken ct)
    {
        if (mappingId is { } id)
        {
            var mapping = await db.ImportMappings.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct);
            return mapping is null
                ? ([], true, "The saved mapping chosen for this import has been deleted since it was queued. Choose another mapping and import the file again.")
                : mapping.Kind != kind
                    ? ([], true, $"The mapping '{mapping.Name}' is for {mapping.Kind.ToString().ToLowerInvariant()}, not {kind.ToString().ToLowerInvariant()}.")
                    : ([mapping], true, null);
        }

        var saved = await db.ImportMappings.AsNoTracking().Where(m => m.Kind == kind).OrderBy(m => m.Name).ToListAsync(ct);
        return (saved, false, null);
    }
}
