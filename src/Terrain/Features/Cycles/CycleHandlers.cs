using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Cycles;

public sealed record QuarterRow(string Label, DateOnly Start, DateOnly End);

public sealed record CycleRow(
    Guid Id,
    string Name,
    DateOnly PeriodStart,
    DateOnly PeriodEnd,
    DateOnly Kickoff,
    DateOnly DraftDue,
    DateTimeOffset DraftDeadline,
    int ApprovalWindowDays,
    string TimeZone,
    string Status,
    IReadOnlyList<QuarterRow> Quarters,
    int Plans,
    string Version);

public sealed class CycleInput
{
    [Required, StringLength(100)]
    public string Name { get; init; } = "";

    public DateOnly PeriodStart { get; init; }

    public DateOnly PeriodEnd { get; init; }

    public DateOnly Kickoff { get; init; }

    public DateOnly DraftDue { get; init; }

    public int ApprovalWindowDays { get; init; } = PlanningCycle.MaxApprovalWindowDays;

    public string TimeZone { get; init; } = "UTC";

    /// <summary>Start from this earlier cycle's template instead of the default one.</summary>
    public Guid? CopyTemplateFrom { get; init; }

    public CycleSchedule ToSchedule() => new(Name ?? "", PeriodStart, PeriodEnd, Kickoff, DraftDue, ApprovalWindowDays, TimeZone ?? "");
}

/// <summary>A partial change to a cycle: any schedule field, or status "Closed".</summary>
public sealed class CyclePatch
{
    public string? Name { get; init; }

    public DateOnly? PeriodStart { get; init; }

    public DateOnly? PeriodEnd { get; init; }

    public DateOnly? Kickoff { get; init; }

    public DateOnly? DraftDue { get; init; }

    public int? ApprovalWindowDays { get; init; }

    public string? TimeZone { get; init; }

    public string? Status { get; init; }
}

public sealed class CycleHandlers(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    public IQueryable<CycleRow> Query(Guid? id = null) => db.Cycles.AsNoTracking()
        .Where(c => id == null || c.Id == id)
        .OrderByDescending(c => c.PeriodStart)
        .Select(c => new CycleRow(c.Id, c.Name, c.PeriodStart, c.PeriodEnd, c.Kickoff, c.DraftDue, default, c.ApprovalWindowDays,
            c.TimeZone, c.Status.ToString(), Array.Empty<QuarterRow>(), db.Plans.Count(p => p.CycleId == c.Id), c.Version));

    public static CycleRow Complete(CycleRow row) => row with
    {
        DraftDeadline = Deadlines.EndOfDay(row.DraftDue, row.TimeZone),
        Quarters = Quarter.Split(row.PeriodStart, row.PeriodEnd).Select(q => new QuarterRow(q.Label, q.Start, q.End)).ToList(),
    };

    public async Task<CycleRow?> GetAsync(Guid id, CancellationToken ct) =>
        await Query(id).FirstOrDefaultAsync(ct) is { } row ? Complete(row) : null;

    /// <summary>Opens a cycle and starts a draft plan for every active rep.</summary>
    public async Task<CycleRow> OpenAsync(CycleInput input, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var cycle = PlanningCycle.Open(input.ToSchedule(), access.Actor.Id, now);
        if (await db.Cycles.AnyAsync(c => c.Name == cycle.Name, ct))
        {
            throw new DomainException($"A cycle named {cycle.Name} already exists.", "name");
        }

        var template = DefaultTemplate.Sections;
        if (input.CopyTemplateFrom is { } source)
        {
            template = await db.TemplateSections.AsNoTracking().Where(t => t.CycleId == source).OrderBy(t => t.Order)
                .Select(t => new SectionSpec(t.Key, t.Title, t.Instructions, t.Kind, t.Required)).ToListAsync(ct);
            if (template.Count == 0)
            {
                throw new DomainException("There is no cycle with a template to copy from that id.", "copyTemplateFrom");
            }
        }

        db.Cycles.Add(cycle);
        db.TemplateSections.AddRange(template.Select((spec, i) => TemplateSection.Create(cycle.Id, i + 1, spec, now)));
        var reps = await db.Users.Where(u => u.Role == Role.Rep && u.IsActive).Select(u => u.Id).ToListAsync(ct);
        db.Plans.AddRange(reps.Select(rep => Plan.StartDraft(cycle.Id, rep, now)));
        db.AuditEntries.Add(AuditEntry.Record(now, access.Actor.Id, "cycle.opened", "Cycle", cycle.Id.ToString(),
            JsonSerializer.Serialize(new { cycle.Name, cycle.PeriodStart, cycle.PeriodEnd, cycle.Kickoff, cycle.DraftDue, cycle.ApprovalWindowDays, cycle.TimeZone, plans = reps.Count })));
        await db.SaveChangesAsync(ct);
        return (await GetAsync(cycle.Id, ct))!;
    }

    public async Task<CycleRow?> PatchAsync(Guid id, CyclePatch patch, string version, CancellationToken ct)
    {
        var cycle = await db.Cycles.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (cycle is null)
        {
            return null;
        }

        if (cycle.Version != version)
        {
            throw new InvalidStateException("Someone else changed this cycle since you read it. Reload it and apply your change again.", "version");
        }

        var now = clock.GetUtcNow();
        var before = cycle.Status;
        var reschedule = patch.Name is not null || patch.PeriodStart is not null || patch.PeriodEnd is not null || patch.Kickoff is not null
            || patch.DraftDue is not null || patch.ApprovalWindowDays is not null || patch.TimeZone is not null;
        if (reschedule)
        {
            cycle.Reschedule(new CycleSchedule(patch.Name ?? cycle.Name, patch.PeriodStart ?? cycle.PeriodStart, patch.PeriodEnd ?? cycle.PeriodEnd,
                patch.Kickoff ?? cycle.Kickoff, patch.DraftDue ?? cycle.DraftDue, patch.ApprovalWindowDays ?? cycle.ApprovalWindowDays,
                patch.TimeZone ?? cycle.TimeZone));
        }

        if (patch.Status is not null)
        {
            if (!Enum.TryParse<CycleStatus>(patch.Status, ignoreCase: true, out var status) || !Enum.IsDefined(status))
            {
                throw new DomainException("The status can only be set to Closed.", "status");
            }

            if (status == CycleStatus.Closed)
            {
                cycle.Close(now);
            }
            else if (cycle.Status == CycleStatus.Closed)
            {
                throw new InvalidStateException("A closed cycle stays closed; open a new cycle instead.");
            }
        }

        db.AuditEntries.Add(AuditEntry.Record(now, access.Actor.Id, cycle.Status != before ? "cycle.closed" : "cycle.updated", "Cycle", cycle.Id.ToString(),
            JsonSerializer.Serialize(patch)));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new InvalidStateException("Someone else changed this cycle while you saved. Reload it and apply your change again.", "version");
        }

        return await GetAsync(id, ct);
    }
}

public sealed record TemplateSectionRow(int Order, string Key, string Title, string Instructions, string Kind, bool Required);

/// <summary>The cycle's plan template: read by everyone, replaced by leaders until the first plan is submitted.</summary>
public sealed class CycleTemplate(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    public async Task<IReadOnlyList<TemplateSectionRow>?> GetAsync(Guid cycleId, CancellationToken ct)
    {
        if (!await db.Cycles.AnyAsync(c => c.Id == cycleId, ct))
        {
            return null;
        }

        return await db.TemplateSections.AsNoTracking().Where(t => t.CycleId == cycleId).OrderBy(t => t.Order)
            .Select(t => new TemplateSectionRow(t.Order, t.Key, t.Title, t.Instructions, t.Kind.ToString(), t.Required))
            .ToListAsync(ct);
    }

    public async Task<IReadOnlyList<TemplateSectionRow>?> ReplaceAsync(Guid cycleId, IReadOnlyList<SectionInput> sections, CancellationToken ct)
    {
        var cycle = await db.Cycles.FirstOrDefaultAsync(c => c.Id == cycleId, ct);
        if (cycle is null)
        {
            return null;
        }

        cycle.EnsureOpen();
        if (await db.Plans.AnyAsync(p => p.CycleId == cycleId && p.FirstSubmittedAt != null, ct))
        {
            throw new InvalidStateException("Plans of this cycle have been submitted against the current template; it can no longer change.", "sections");
        }

        var specs = sections.Select((s, i) => s.ToSpec(i)).ToList();
        SectionSpec.ValidateTemplate(specs);
        var now = clock.GetUtcNow();
        db.TemplateSections.RemoveRange(await db.TemplateSections.Where(t => t.CycleId == cycleId).ToListAsync(ct));
        db.TemplateSections.AddRange(specs.Select((spec, i) => TemplateSection.Create(cycleId, i + 1, spec, now)));
        db.AuditEntries.Add(AuditEntry.Record(now, access.Actor.Id, "cycle.template-replaced", "Cycle", cycleId.ToString(),
            JsonSerializer.Serialize(specs.Select(s => new { s.Key, s.Title, Kind = s.Kind.ToString(), s.Required }))));
        await db.SaveChangesAsync(ct);
        return await GetAsync(cycleId, ct);
    }
}

public sealed record SectionInput(string? Key, string? Title, string? Instructions, string? Kind, bool? Required)
{
    public SectionSpec ToSpec(int index)
    {
        if (!Enum.TryParse<SectionKind>(Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || int.TryParse(Kind, out _))
        {
            throw new DomainException($"Section {index + 1} has an unknown kind '{Kind}'. Use one of: {string.Join(", ", Enum.GetNames<SectionKind>())}.", "kind");
        }

        return new SectionSpec(Key?.Trim() ?? "", Title ?? "", Instructions ?? "", kind, Required ?? true);
    }
}
