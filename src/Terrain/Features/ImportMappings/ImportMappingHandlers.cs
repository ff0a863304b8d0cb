using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.ImportMappings;

/// <summary>A saved mapping as the API and the pages show it: columns as column → field, the way it is entered.</summary>
public sealed record ImportMappingView(
    Guid Id,
    string Name,
    ImportKind Kind,
    IReadOnlyDictionary<string, string> Columns,
    IReadOnlyList<MappedStage> Stages,
    IReadOnlyList<string> DateFormats,
    string DecimalSeparator,
    string ThousandsSeparator,
    string Version,
    DateTimeOffset UpdatedAt)
{
    public static ImportMappingView Of(ImportMapping m) => new(m.Id, m.Name, m.Kind,
        m.Columns.ToDictionary(c => c.Value, c => c.Key), m.Stages, m.DateFormatList, m.DecimalSeparator.ToString(), m.ThousandsSeparator,
        m.Version.ToString("N"), m.UpdatedAt);
}

/// <summary>
/// A mapping to create or to replace whole: its name, kind (opportunities, activities or bookings; fixed once created),
/// each column of the file to the field it holds (a column left out or mapped to "" is ignored), the company's stages
/// (opportunities), the date formats and the separators.
/// </summary>
public sealed record ImportMappingInput(
    string? Name,
    ImportKind? Kind,
    IReadOnlyDictionary<string, string>? Columns,
    IReadOnlyList<MappedStage>? Stages,
    IReadOnlyList<string>? DateFormats,
    string? DecimalSeparator,
    string? ThousandsSeparator);

/// <summary>One column of a header and the field it most likely holds ("" when none), to start a mapping from.</summary>
public sealed record SuggestedColumn(string Heading, string Field);

public enum MappingOutcome
{
    Saved,
    NotFound,
    PreconditionRequired,
    Stale,
}

public sealed record MappingResult(MappingOutcome Outcome, ImportMappingView? Current);

/// <summary>Saved mappings of actuals exports (ADR 0018): kept by those who import, every change audited.</summary>
public sealed class ImportMappingHandlers(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    public async Task<IReadOnlyList<ImportMappingView>> ListAsync(ImportKind? kind, CancellationToken ct)
    {
        access.Ensure(Act.Import);
        var mappings = await db.ImportMappings.AsNoTracking().Where(m => kind == null || m.Kind == kind).OrderBy(m => m.Name).ToListAsync(ct);
        return [.. mappings.Select(ImportMappingView.Of)];
    }

    public async Task<ImportMappingView?> GetAsync(Guid id, CancellationToken ct)
    {
        access.Ensure(Act.Import);
        return await db.ImportMappings.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct) is { } m ? ImportMappingView.Of(m) : null;
    }

    /// <summary>
    /// The mapping an import names by id or by name (ignoring case), checked against the kind imported; null when the
    /// import is to recognise its layout. A refusal names the field <c>mapping</c>.
    /// </summary>
    public static async Task<ImportMapping?> ResolveAsync(AppDbContext db, string? nameOrId, ImportKind kind, CancellationToken ct)
    {
        var text = nameOrId?.Trim() ?? "";
        if (text.Length == 0 || string.Equals(text, "auto", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!ImportMapping.Mappable(kind))
        {
            throw new DomainException($"{kind} are imported in Terrain's own format; a mapping is for opportunities, activities or bookings.", "mapping");
        }

        var lower = text.ToLowerInvariant();
        var mapping = Guid.TryParse(text, out var id)
            ? await db.ImportMappings.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct)
            : await db.ImportMappings.AsNoTracking().FirstOrDefaultAsync(m => m.Name.ToLower() == lower, ct);
        if (mapping is null)
        {
            var names = await db.ImportMappings.AsNoTracking().Where(m => m.Kind == kind).OrderBy(m => m.Name).Select(m => m.Name).ToListAsync(ct);
            throw new DomainException($"There is no saved mapping '{text}'. " + (names.Count == 0
                ? $"No mapping is saved for {Lower(kind)} yet: create one under Imports > Mappings, or leave the mapping out to recognise the layout."
                : $"The {Lower(kind)} mappings are: {string.Join(", ", names)}."), "mapping");
        }

        return mapping.Kind == kind
            ? mapping
            : throw new DomainException($"The mapping '{mapping.Name}' is for {Lower(mapping.Kind)}, not {Lower(kind)}.", "mapping");
    }

    public async Task<ImportMappingView> CreateAsync(ImportMappingInput input, CancellationToken ct)
    {
        access.Ensure(Act.Import);
        var kind = input.Kind ?? throw new DomainException("Say what the file holds: Opportunities, Activities or Bookings.", "kind");
        var now = clock.GetUtcNow();
        var mapping = ImportMapping.Create(input.Name, kind, input.Columns, input.Stages, input.DateFormats, input.DecimalSeparator,
            input.ThousandsSeparator, access.Actor.Id, now);
        await EnsureUniqueAsync(mapping.Name, mapping.Id, ct);
        db.ImportMappings.Add(mapping);
        Audit("import-mapping.created", mapping, null, now);
        await SaveAsync(mapping.Name, ct);
        return ImportMappingView.Of(mapping);
    }

    /// <summary>Replaces a mapping whole when <paramref name="expectedVersion"/> is its version; its kind stays.</summary>
    public async Task<MappingResult> UpdateAsync(Guid id, ImportMappingInput input, string? expectedVersion, CancellationToken ct)
    {
        access.Ensure(Act.Import);
        var mapping = await db.ImportMappings.SingleOrDefaultAsync(m => m.Id == id, ct);
        if (mapping is null)
        {
            return new(MappingOutcome.NotFound, null);
        }

        if (expectedVersion is null)
        {
            return new(MappingOutcome.PreconditionRequired, ImportMappingView.Of(mapping));
        }

        if (expectedVersion != mapping.Version.ToString("N"))
        {
            return new(MappingOutcome.Stale, ImportMappingView.Of(mapping));
        }

        if (input.Kind is { } kind && kind != mapping.Kind)
        {
            throw new DomainException($"The mapping is for {Lower(mapping.Kind)}; its kind cannot change. Create another mapping for {Lower(kind)}.", "kind");
        }

        var before = ImportMappingView.Of(mapping);
        var now = clock.GetUtcNow();
        mapping.Change(input.Name, input.Columns, input.Stages, input.DateFormats, input.DecimalSeparator, input.ThousandsSeparator, access.Actor.Id, now);
        await EnsureUniqueAsync(mapping.Name, mapping.Id, ct);
        Audit("import-mapping.changed", mapping, before, now);
        try
        {
            await SaveAsync(mapping.Name, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var current = await db.ImportMappings.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct);
            return current is null ? new(MappingOutcome.NotFound, null) : new(MappingOutcome.Stale, ImportMappingView.Of(current));
        }

        return new(MappingOutcome.Saved, ImportMappingView.Of(mapping));
    }

    /// <summary>Deletes a mapping; with a version, only that version. Jobs already queued with it fail saying it is gone.</summary>
    public async Task<MappingResult> DeleteAsync(Guid id, string? expectedVersion, CancellationToken ct)
    {
        access.Ensure(Act.Import);
        var mapping = await db.ImportMappings.SingleOrDefaultAsync(m => m.Id == id, ct);
        if (mapping is null)
        {
            return new(MappingOutcome.NotFound, null);
        }

        if (expectedVersion is not null && expectedVersion != mapping.Version.ToString("N"))
        {
            return new(MappingOutcome.Stale, ImportMappingView.Of(mapping));
        }

        db.ImportMappings.Remove(mapping);
        Audit("import-mapping.deleted", mapping, ImportMappingView.Of(mapping), clock.GetUtcNow(), deleted: true);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var current = await db.ImportMappings.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct);
            return current is null ? new(MappingOutcome.NotFound, null) : new(MappingOutcome.Stale, ImportMappingView.Of(current));
        }

        return new(MappingOutcome.Saved, null);
    }

    /// <summary>
    /// The columns of a header line (CSV, comma delimited), each with the field that a built-in layout or Terrain's own
    /// columns give that heading, as a start for a new mapping.
    /// </summary>
    public static IReadOnlyList<SuggestedColumn> Suggest(ImportKind kind, IReadOnlyList<string> header)
    {
        var fields = ImportMapping.FieldsOf(kind);
        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        void Know(string heading, string field) => known.TryAdd(DealLayout.Normalize(heading), field);
        foreach (var field in fields)
        {
            Know(field.Name, field.Name);
        }

        switch (kind)
        {
            case ImportKind.Opportunities:
                foreach (var layout in DealLayout.BuiltIn)
                {
                    foreach (var (field, heading) in layout.Columns)
                    {
                        Know(heading, DealLayout.Terrain.Columns[field]);
                    }
                }

                break;
            case ImportKind.Activities:
                KnowAll(ActivityLayouts.BuiltIn, Know);
                break;
            case ImportKind.Bookings:
                KnowAll(BookingLayouts.BuiltIn, Know);
                break;
            default:
                break;
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        return [.. header.Select(h => h.Trim().TrimStart('\uFEFF')).Where(h => h.Length > 0).Select(h =>
            known.TryGetValue(DealLayout.Normalize(h), out var field) && used.Add(field) ? new SuggestedColumn(h, field) : new SuggestedColumn(h, ""))];
    }

    private static void KnowAll<TField>(IEnumerable<ActualsLayout<TField>> layouts, Action<string, string> know)
        where TField : struct, Enum
    {
        foreach (var layout in layouts)
        {
            foreach (var (field, headings) in layout.Columns)
            {
                foreach (var heading in headings)
                {
                    know(heading, char.ToLowerInvariant(field.ToString()[0]) + field.ToString()[1..]);
                }
            }
        }
    }

    private async Task EnsureUniqueAsync(string name, Guid id, CancellationToken ct)
    {
        var lower = name.ToLowerInvariant();
        if (await db.ImportMappings.AsNoTracking().AnyAsync(m => m.Id != id && m.Name.ToLower() == lower, ct))
        {
            throw new DomainException($"A mapping named '{name}' already exists; choose another name or edit that one.", "name");
        }
    }

    private async Task SaveAsync(string name, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException && DbConflicts.IsConflict(e))
        {
            // Two people saved the same new name at once: the unique index said no to the second.
            db.ChangeTracker.Clear();
            throw new DomainException($"A mapping named '{name}' already exists; choose another name or edit that one.", "name");
        }
    }

    private void Audit(string action, ImportMapping mapping, ImportMappingView? before, DateTimeOffset now, bool deleted = false) =>
        db.AuditEntries.Add(AuditEntry.Record(now, access.Actor.Id, action, "ImportMapping", mapping.Id.ToString(),
            JsonSerializer.Serialize(new { before = before is null ? null : before with { Version = "" }, after = deleted ? null : ImportMappingView.Of(mapping) with { Version = "" } },
                JsonSerializerOptions.Web)));

    private static string Lower(ImportKind kind) => kind.ToString().ToLowerInvariant();
}
