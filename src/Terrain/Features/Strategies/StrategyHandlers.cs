using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Strategies;

/// <summary>One revision of a strategy as a list shows it; <see cref="Version"/> is its ETag.</summary>
public sealed record StrategyRow(
    Guid Id,
    Guid LineageId,
    int Revision,
    string Name,
    DateOnly PeriodStart,
    DateOnly PeriodEnd,
    string Status,
    DateTimeOffset? PublishedAt,
    DateTimeOffset UpdatedAt,
    string Version);

/// <summary>One revision of the same strategy, for the revision history.</summary>
public sealed record RevisionRow(Guid Id, int Revision, string Status, DateTimeOffset? PublishedAt);

/// <summary>What a reader may know about the comprehension check before taking it: its size and pass mark, never the answers.</summary>
public sealed record CheckSummary(int Questions, int PassPercent);

public sealed record CycleRef(Guid Id, string Name);

/// <summary>A whole revision: the row, its parts, the change note, every revision of its lineage, the check's size and the cycles executing it.</summary>
public sealed record StrategyDetail(
    Guid Id,
    Guid LineageId,
    int Revision,
    string Name,
    DateOnly PeriodStart,
    DateOnly PeriodEnd,
    string Status,
    DateTimeOffset? PublishedAt,
    DateTimeOffset UpdatedAt,
    string Version,
    string? ChangeNote,
    StrategyContent Content,
    IReadOnlyList<RevisionRow> Revisions,
    CheckSummary Check,
    IReadOnlyList<CycleRef> Cycles)
{
    [JsonIgnore]
    public bool IsDraft => Status == nameof(StrategyStatus.Draft);

    [JsonIgnore]
    public bool IsPublished => Status == nameof(StrategyStatus.Published);

    /// <summary>The draft of the next revision, when one is being written.</summary>
    [JsonIgnore]
    public RevisionRow? OpenDraft => Revisions.FirstOrDefault(r => r.Status == nameof(StrategyStatus.Draft) && r.Id != Id);
}

/// <summary>A new strategy: revision 1, as a draft.</summary>
public sealed class StrategyInput
{
    public string? Name { get; init; }

    public DateOnly? PeriodStart { get; init; }

    public DateOnly? PeriodEnd { get; init; }

    public StrategyContent? Content { get; init; }
}

/// <summary>A change to a draft: any of its fields; <see cref="Content"/> replaces all the parts at once.</summary>
public sealed class StrategyPatch
{
    public string? Name { get; init; }

    public DateOnly? PeriodStart { get; init; }

    public DateOnly? PeriodEnd { get; init; }

    public StrategyContent? Content { get; init; }

    public string? ChangeNote { get; init; }
}

/// <summary>
/// The strategy document: list, read, draft, change, publish and revise. Publishing supersedes the lineage's
/// published revision and moves the open cycles executing it onto the new one, in the same save.
/// </summary>
public sealed class StrategyHandlers(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    public IQueryable<StrategyRow> Query(StrategyStatus? status = null) => access.VisibleStrategies()
        .Where(s => status == null || s.Status == status)
        .OrderByDescending(s => s.PeriodStart).ThenBy(s => s.Name).ThenByDescending(s => s.Revision)
        .Select(s => new StrategyRow(s.Id, s.LineageId, s.Revision, s.Name, s.PeriodStart, s.PeriodEnd, s.Status.ToString(), s.PublishedAt,
            s.UpdatedAt, s.Version));

    /// <summary>Reads "Draft", "published", ...; numbers and unknown names are refused naming the field.</summary>
    public static StrategyStatus ParseStatus(string text, string field = "status") =>
        Enum.TryParse<StrategyStatus>(text.Trim(), ignoreCase: true, out var status) && Enum.IsDefined(status) && !int.TryParse(text, out _)
            ? status
            : throw new DomainException($"Unknown status '{text}'. Use one of: {string.Join(", ", Enum.GetNames<StrategyStatus>())}.", field);

    public async Task<IReadOnlyList<StrategyRow>> ListAsync(StrategyStatus? status, CancellationToken ct) =>
        await Query(status).ToListAsync(ct);

    public async Task<StrategyDetail?> GetAsync(Guid id, CancellationToken ct)
    {
        var s = await access.VisibleStrategies().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (s is null)
        {
            return null;
        }

        var revisions = await access.VisibleStrategies().Where(r => r.LineageId == s.LineageId).OrderBy(r => r.Revision)
            .Select(r => new RevisionRow(r.Id, r.Revision, r.Status.ToString(), r.PublishedAt)).ToListAsync(ct);
        var cycles = await db.Cycles.AsNoTracking().Where(c => c.StrategyId == id).OrderByDescending(c => c.PeriodStart)
            .Select(c => new CycleRef(c.Id, c.Name)).ToListAsync(ct);
        var check = s.ReadCheck();
        return new StrategyDetail(s.Id, s.LineageId, s.Revision, s.Name, s.PeriodStart, s.PeriodEnd, s.Status.ToString(), s.PublishedAt,
            s.UpdatedAt, s.Version, s.ChangeNote, s.ReadContent(), revisions, new CheckSummary(check.Questions.Count, check.PassPercent), cycles);
    }

    /// <summary>Drafts revision 1 of a new strategy (leaders).</summary>
    public async Task<StrategyDetail> CreateAsync(StrategyInput input, CancellationToken ct)
    {
        access.Ensure(Act.WriteStrategy);
        var now = clock.GetUtcNow();
        var actor = access.Actor;
        var strategy = Strategy.Draft(actor, input.Name ?? "", input.PeriodStart ?? default, input.PeriodEnd ?? default,
            input.Content ?? new StrategyContent(), now);
        db.Strategies.Add(strategy);
        db.AuditEntries.Add(AuditEntry.Record(now, actor.Id, "strategy.created", "Strategy", strategy.Id.ToString(),
            JsonSerializer.Serialize(new { strategy.Name, strategy.PeriodStart, strategy.PeriodEnd, strategy.Revision })));
        await db.SaveChangesAsync(ct);
        return (await GetAsync(strategy.Id, ct))!;
    }

    /// <summary>Changes a draft, against the version the caller read. A published revision only changes through a new revision.</summary>
    public async Task<StrategyDetail?> PatchAsync(Guid id, StrategyPatch patch, string version, CancellationToken ct)
    {
        access.Ensure(Act.WriteStrategy);
        if (await TrackedAsync(id, ct) is not { } strategy)
        {
            return null;
        }

        EnsureVersion(strategy, version);
        var now = clock.GetUtcNow();
        var before = (strategy.Name, strategy.PeriodStart, strategy.PeriodEnd, strategy.ChangeNote, Content: strategy.ReadContent());
        strategy.Edit(access.Actor, patch.Name, patch.PeriodStart, patch.PeriodEnd, patch.Content, patch.ChangeNote, now);

        var changed = new List<string>();
        if (before.Name != strategy.Name)
        {
            changed.Add("name");
        }

        if (before.PeriodStart != strategy.PeriodStart || before.PeriodEnd != strategy.PeriodEnd)
        {
            changed.Add("period");
        }

        if (before.ChangeNote != strategy.ChangeNote)
        {
            changed.Add("changeNote");
        }

        changed.AddRange(ChangedParts(before.Content, strategy.ReadContent()).Select(p => "content." + p));
        db.AuditEntries.Add(AuditEntry.Record(now, access.Actor.Id, "strategy.updated", "Strategy", strategy.Id.ToString(),
            JsonSerializer.Serialize(new { strategy.Revision, changed })));
        await SaveAsync("Someone else changed this strategy while you saved. Reload it and apply your change again.", ct);
        return await GetAsync(id, ct);
    }

    /// <summary>
    /// Publishes a draft. In the same save the lineage's published revision is superseded, the open cycles executing
    /// it move to this one, and every active rep and manager is told to read and acknowledge it.
    /// </summary>
    public async Task<StrategyDetail?> PublishAsync(Guid id, string? version, CancellationToken ct)
    {
        access.Ensure(Act.WriteStrategy);
        if (await TrackedAsync(id, ct) is not { } strategy)
        {
            return null;
        }

        if (version is not null)
        {
            EnsureVersion(strategy, version);
        }

        var now = clock.GetUtcNow();
        var actor = access.Actor;
        strategy.Publish(actor, now);

        var superseded = await db.Strategies
            .Where(s => s.LineageId == strategy.LineageId && s.Id != strategy.Id && s.Status == StrategyStatus.Published)
            .ToListAsync(ct);
        var supersededIds = superseded.Select(s => s.Id).ToList();
        var cycles = await db.Cycles.Where(c => c.StrategyId != null && supersededIds.Contains(c.StrategyId.Value) && c.Status == CycleStatus.Open)
            .ToListAsync(ct);
        foreach (var old in superseded)
        {
            old.Supersede(now);
            db.AuditEntries.Add(AuditEntry.Record(now, actor.Id, "strategy.superseded", "Strategy", old.Id.ToString(),
                JsonSerializer.Serialize(new { old.Revision, by = strategy.Id, byRevision = strategy.Revision })));
        }

        foreach (var cycle in cycles)
        {
            cycle.FollowRevision(strategy.Id);
        }

        db.AuditEntries.Add(AuditEntry.Record(now, actor.Id, "strategy.published", "Strategy", strategy.Id.ToString(),
            JsonSerializer.Serialize(new
            {
                strategy.Revision,
                strategy.ChangeNote,
                superseded = supersededIds,
                cycles = cycles.Select(c => c.Id),
            })));
        await NotifyAsync(strategy, now, ct);
        await SaveAsync("The strategy changed while you published it. Reload it and try again.", ct);
        return await GetAsync(id, ct);
    }

    /// <summary>Starts the next revision as a draft copy of the published one (leaders); one draft per strategy at a time.</summary>
    public async Task<StrategyDetail?> ReviseAsync(Guid id, CancellationToken ct)
    {
        access.Ensure(Act.WriteStrategy);
        var strategy = await access.VisibleStrategies().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (strategy is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var next = strategy.Revise(access.Actor, now);
        var draft = await db.Strategies.AsNoTracking().Where(s => s.LineageId == strategy.LineageId && s.Status == StrategyStatus.Draft)
            .Select(s => (int?)s.Revision).FirstOrDefaultAsync(ct);
        if (draft is { } revision)
        {
            throw new InvalidStateException(
                $"Revision {revision} of {strategy.Name} is already being drafted: change that draft, or publish it, before starting another.", "revision");
        }

        db.Strategies.Add(next);
        db.AuditEntries.Add(AuditEntry.Record(now, access.Actor.Id, "strategy.revised", "Strategy", next.Id.ToString(),
            JsonSerializer.Serialize(new { next.Revision, from = strategy.Id, fromRevision = strategy.Revision })));
        await SaveAsync($"Someone else has just started drafting revision {next.Revision} of {strategy.Name}: change that draft instead.", ct, "revision");
        return await GetAsync(next.Id, ct);
    }

    /// <summary>The parts whose content differs, by their JSON names (for the audit trail).</summary>
    public static IReadOnlyList<string> ChangedParts(StrategyContent before, StrategyContent after)
    {
        var a = JsonSerializer.SerializeToElement(before, StrategyContent.Json);
        var b = JsonSerializer.SerializeToElement(after, StrategyContent.Json);
        return a.EnumerateObject()
            .Where(p => !b.TryGetProperty(p.Name, out var other) || p.Value.GetRawText() != other.GetRawText())
            .Select(p => p.Name)
            .ToList();
    }

    private async Task NotifyAsync(Strategy strategy, DateTimeOffset now, CancellationToken ct)
    {
        var readers = await db.Users.AsNoTracking().Where(u => u.IsActive && (u.Role == Role.Rep || u.Role == Role.Manager))
            .Select(u => u.Id).ToListAsync(ct);
        var title = $"The {strategy.Name} is published — read it and acknowledge it";
        var body = strategy.Revision == 1
            ? $"Revision 1 of the {strategy.Name} is published. Read what we sell, to whom and why, and acknowledge it."
            : $"Revision {strategy.Revision} of the {strategy.Name} is published. What changed: {strategy.ChangeNote}";
        foreach (var user in readers)
        {
            db.Notifications.Add(Notification.Create(user, $"strategy-published:{strategy.Id}:{user}", title[..Math.Min(title.Length, 200)],
                body[..Math.Min(body.Length, 2000)], $"/Strategies/{strategy.Id}", now));
        }
    }

    private Task<Strategy?> TrackedAsync(Guid id, CancellationToken ct) =>
        access.VisibleStrategies().AsTracking().FirstOrDefaultAsync(s => s.Id == id, ct);

    private static void EnsureVersion(Strategy strategy, string version)
    {
        if (strategy.Version != version)
        {
            throw new InvalidStateException("Someone else changed this strategy since you read it. Reload it and apply your change again.", "version");
        }
    }

    private async Task SaveAsync(string conflict, CancellationToken ct, string field = "version")
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbConflicts.IsConflict(e))
        {
            db.ChangeTracker.Clear();
            throw new InvalidStateException(conflict, field);
        }
    }
}
