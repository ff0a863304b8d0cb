using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Cycles;

public sealed record QuarterRow(string Label, DateOnly Start, DateOnly End);

public sealed record MonthRow(string Label, string Quarter, DateOnly Start, DateOnly End);

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
    string Version,
    Guid? StrategyId,
    string? StrategyName,
    bool RequireAcknowledgement,
    string Calendar,
    IReadOnlyList<MonthRow> Months)
{
    /// <summary>How the segmentation worksheets of the cycle's plans suggest tiers from potential.</summary>
    public TierRule TierRule { get; init; } = TierRule.Default;
}

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

    /// <summary>How the period splits into quarters: Months (default), Weeks445, Weeks454 or Weeks544.</summary>
    public string? Calendar { get; init; }

    /// <summary>Start from this earlier cycle's template instead of the default one.</summary>
    public Guid? CopyTemplateFrom { get; init; }

    /// <summary>The published strategy the cycle executes.</summary>
    public Guid? StrategyId { get; init; }

    /// <summary>Reps cannot submit before acknowledging the strategy (needs <see cref="StrategyId"/>).</summary>
    public bool RequireAcknowledgement { get; init; }

    public CycleSchedule ToSchedule() =>
        new(Name ?? "", PeriodStart, PeriodEnd, Kickoff, DraftDue, ApprovalWindowDays, TimeZone ?? "", CycleHandlers.ParseCalendar(Calendar));
}

/// <summary>
/// A partial change to a cycle: any schedule field, the strategy it executes ("strategyId": null unties it) and the
/// acknowledgement gate, or status "Closed".
/// </summary>
public sealed class CyclePatch
{
    private readonly Guid? _strategyId;

    public string? Name { get; init; }

    public DateOnly? PeriodStart { get; init; }

    public DateOnly? PeriodEnd { get; init; }

    public DateOnly? Kickoff { get; init; }

    public DateOnly? DraftDue { get; init; }

    public int? ApprovalWindowDays { get; init; }

    public string? TimeZone { get; init; }

    /// <summary>How the period splits into quarters: Months, Weeks445, Weeks454 or Weeks544.</summary>
    public string? Calendar { get; init; }

    public string? Status { get; init; }

    /// <summary>The published strategy the cycle executes; an explicit null unties the cycle from its strategy.</summary>
    public Guid? StrategyId
    {
        get => _strategyId;
        init
        {
            _strategyId = value;
            HasStrategyId = true;
        }
    }

    /// <summary>True when the request named <see cref="StrategyId"/>, even as null: null alone cannot tell.</summary>
    [JsonIgnore]
    public bool HasStrategyId { get; private init; }

    /// <summary>When true, reps cannot submit before acknowledging the cycle's strategy.</summary>
    public bool? RequireAcknowledgement { get; init; }

    [JsonIgnore]
    public bool ChangesStrategy => HasStrategyId || RequireAcknowledgement is not null;

    /// <summary>How the segmentation worksheet suggests tiers: the shares of potential (percent) that make up A, B and C.</summary>
    public TierRule? TierRule { get; init; }
}

public sealed class CycleHandlers(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    public IQueryable<CycleRow> Query(Guid? id = null) => db.Cycles.AsNoTracking()
        .Where(c => id == null || c.Id == id)
        .OrderByDescending(c => c.PeriodStart)
        .Select(c => new CycleRow(c.Id, c.Name, c.PeriodStart, c.PeriodEnd, c.Kickoff, c.DraftDue, default, c.ApprovalWindowDays,
            c.TimeZone, c.Status.ToString(), Array.Empty<QuarterRow>(), db.Plans.Count(p => p.CycleId == c.Id), c.Version,
            c.StrategyId, db.Strategies.Where(s => s.Id == c.StrategyId).Select(s => s.Name).FirstOrDefault(), c.RequireAcknowledgement,
            c.Calendar.ToString(), Array.Empty<MonthRow>())
        { TierRule = new TierRule(c.TierAShare, c.TierBShare, c.TierCShare) });

    public static CycleRow Complete(CycleRow row)
    {
        var calendar = Enum.Parse<FiscalCalendar>(row.Calendar);
        return row with
        {
            DraftDeadline = Deadlines.EndOfDay(row.DraftDue, row.TimeZone),
            Quarters = Quarter.Split(row.PeriodStart, row.PeriodEnd, calendar).Select(q => new QuarterRow(q.Label, q.Start, q.End)).ToList(),
            Months = FiscalCalendars.Months(row.PeriodStart, row.PeriodEnd, calendar).Select(m => new MonthRow(m.Label, $"Q{m.Quarter}", m.Start, m.End)).ToList(),
        };
    }

    /// <summary>The calendar a request names (Months when it names none); an unknown name is refused on its field.</summary>
    public static FiscalCalendar ParseCalendar(string? text) => FiscalCalendars.TryParse(text, out var calendar)
        ? calendar
        : throw new DomainException($"Unknown fiscal calendar '{text}'. Use one of {string.Join(", ", FiscalCalendars.Names)}.", "calendar");

    public async Task<CycleRow?> GetAsync(Guid id, CancellationToken ct) =>
        await Query(id).FirstOrDefaultAsync(ct) is { } row ? Complete(row) : null;

    /// <summary>Opens a cycle and starts a draft plan for every active rep.</summary>
    public async Task<CycleRow> OpenAsync(CycleInput input, CancellationToken ct)
    {
        access.Ensure(Act.RunCycles);
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

        if (input.StrategyId is not null || input.RequireAcknowledgement)
        {
            await EnsurePublishedAsync(input.StrategyId, ct);
            cycle.Execute(input.StrategyId, input.RequireAcknowledgement);
        }

        db.Cycles.Add(cycle);
        db.TemplateSections.AddRange(template.Select((spec, i) => TemplateSection.Create(cycle.Id, i + 1, spec, now)));
        var reps = await db.Users.Where(u => u.Role == Role.Rep && u.IsActive).Select(u => u.Id).ToListAsync(ct);
        db.Plans.AddRange(reps.Select(rep => Plan.StartDraft(cycle.Id, rep, now)));
        db.AuditEntries.Add(AuditEntry.Record(now, access.Actor.Id, "cycle.opened", "Cycle", cycle.Id.ToString(),
            JsonSerializer.Serialize(new { cycle.Name, cycle.PeriodStart, cycle.PeriodEnd, cycle.Kickoff, cycle.DraftDue, cycle.ApprovalWindowDays, cycle.TimeZone, calendar = cycle.Calendar.ToString(), plans = reps.Count, cycle.StrategyId, cycle.RequireAcknowledgement })));
        await db.SaveChangesAsync(ct);
        return (await GetAsync(cycle.Id, ct))!;
    }

    public async Task<CycleRow?> PatchAsync(Guid id, CyclePatch patch, string version, CancellationToken ct)
    {
        access.Ensure(Act.RunCycles);
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
            || patch.DraftDue is not null || patch.ApprovalWindowDays is not null || patch.TimeZone is not null || patch.Calendar is not null;
        if (reschedule)
        {
            cycle.Reschedule(new CycleSchedule(patch.Name ?? cycle.Name, patch.PeriodStart ?? cycle.PeriodStart, patch.PeriodEnd ?? cycle.PeriodEnd,
                patch.Kickoff ?? cycle.Kickoff, patch.DraftDue ?? cycle.DraftDue, patch.ApprovalWindowDays ?? cycle.ApprovalWindowDays,
                patch.TimeZone ?? cycle.TimeZone, patch.Calendar is null ? cycle.Calendar : ParseCalendar(patch.Calendar)));
        }

        if (patch.ChangesStrategy)
        {
            var strategyId = patch.HasStrategyId ? patch.StrategyId : cycle.StrategyId;
            if (strategyId != cycle.StrategyId)
            {
                await EnsurePublishedAsync(strategyId, ct);
            }

            // Untying the strategy lifts the gate with it, unless the request says otherwise (and is refused).
            cycle.Execute(strategyId, patch.RequireAcknowledgement ?? (strategyId is not null && cycle.RequireAcknowledgement));
        }

        if (patch.TierRule is { } rule)
        {
            cycle.SetTierRule(rule);
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

        var action = cycle.Status != before ? "cycle.closed"
            : patch.ChangesStrategy && !reschedule ? "cycle.strategy-set"
            : patch.TierRule is not null && !reschedule ? "cycle.tier-rule-set" : "cycle.updated";
        db.AuditEntries.Add(AuditEntry.Record(now, access.Actor.Id, action, "Cycle", cycle.Id.ToString(),
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

    /// <summary>The published revisions a cycle can execute, for the leader's choice.</summary>
    public async Task<IReadOnlyList<StrategyOption>> PublishedStrategiesAsync(CancellationToken ct) =>
        await db.Strategies.AsNoTracking().Where(s => s.Status == StrategyStatus.Published).OrderByDescending(s => s.PeriodStart).ThenBy(s => s.Name)
            .Select(s => new StrategyOption(s.Id, s.Name, s.Revision, s.PeriodStart, s.PeriodEnd)).ToListAsync(ct);

    /// <summary>A cycle executes a published revision: not a draft, not one already superseded, not an unknown id.</summary>
    private async Task EnsurePublishedAsync(Guid? strategyId, CancellationToken ct)
    {
        if (strategyId is not { } id)
        {
            return;
        }

        var status = await db.Strategies.Where(s => s.Id == id).Select(s => (StrategyStatus?)s.Status).SingleOrDefaultAsync(ct);
        if (status != StrategyStatus.Published)
        {
            throw new DomainException(status is null
                ? "There is no strategy with that id."
                : $"A cycle executes a published strategy; this revision is {status.Value.ToString().ToLowerInvariant()}.", "strategyId");
        }
    }
}

public sealed record StrategyOption(Guid Id, string Name, int Revision, DateOnly PeriodStart, DateOnly PeriodEnd);

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
        access.Ensure(Act.RunCycles);
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
