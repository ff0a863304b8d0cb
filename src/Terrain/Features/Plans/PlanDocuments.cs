using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Plans;

public sealed record AccountRef(Guid Id, string Name, string Industry, string Segment, string Region, decimal Potential);

/// <summary>One template section with the rep's content; <see cref="Version"/> is its ETag for If-Match.</summary>
public sealed record SectionView(
    int Order,
    string Key,
    string Title,
    string Instructions,
    SectionKind Kind,
    bool Required,
    string Version,
    DateTimeOffset? UpdatedAt,
    SectionContent Content)
{
    /// <summary>Who saved the section last; null before anything was saved.</summary>
    public Guid? UpdatedById { get; init; }

    public string? UpdatedByName { get; init; }
}

/// <summary>
/// The strategy the plan's cycle executes, as the plan pages use it: its objectives (goals link to them), its target
/// segments matched against the owner's accounts (<see cref="Targets"/>, account id → segment names), and the
/// acknowledgement gate.
/// </summary>
public sealed record CycleStrategy(
    Guid Id,
    string Name,
    bool RequireAcknowledgement,
    bool Acknowledged,
    StrategyContent Content,
    IReadOnlyDictionary<Guid, IReadOnlyList<string>> Targets)
{
    public IReadOnlyList<string> TargetsOf(Guid accountId) => Targets.TryGetValue(accountId, out var names) ? names : [];

    public StrategyGate Gate => new(Id, Name, RequireAcknowledgement, Acknowledged);

    /// <summary>The target segments an account matches, by name.</summary>
    public static IReadOnlyDictionary<Guid, IReadOnlyList<string>> Match(StrategyContent content, IEnumerable<AccountRef> accounts) =>
        accounts.Select(a => (a.Id, Names: content.SegmentsMatching(a.Industry, a.Segment, a.Region, a.Potential).Select(s => s.Name!).ToList()))
            .Where(a => a.Names.Count > 0)
            .ToDictionary(a => a.Id, a => (IReadOnlyList<string>)a.Names);
}

/// <summary>A whole plan as its readers see it: content, checks, quota gap, and what the reader may do.</summary>
public sealed record PlanDocument(
    PlanRow Plan,
    PlanningCycle Cycle,
    Guid? OwnerManagerId,
    IReadOnlyList<SectionView> Sections,
    IReadOnlyList<AccountRef> Accounts,
    PlanFacts Facts,
    PlanCheckResult Checks,
    bool CanEdit,
    bool CanReview)
{
    /// <summary>The strategy the cycle executes; null when it executes none.</summary>
    public CycleStrategy? Strategy { get; init; }

    /// <summary>The plan's own deadlines and how they turned out.</summary>
    public PlanDeadlines Deadlines { get; init; } = null!;

    /// <summary>After changes were requested: the reviewer's section comments still waiting for an answer (ADR 0033).</summary>
    public IReadOnlyList<UnansweredComment> Unanswered { get; init; } = [];

    /// <summary>Edits a reviewer proposed and the rep has not decided on yet, oldest first.</summary>
    public IReadOnlyList<ProposalView> Proposals { get; init; } = [];

    public SectionView? Section(string key) => Sections.FirstOrDefault(s => s.Key == key);
}

/// <summary>A pending proposal with its content read; <see cref="Stale"/> when its section has changed since.</summary>
public sealed record ProposalView(Guid Id, string SectionKey, Guid ProposedById, string ProposedByName, DateTimeOffset ProposedAt, string? Note,
    string BaseVersion, bool Stale, SectionContent Content);

public enum SaveOutcome
{
    Saved,
    Conflict,
    NotFound,

    /// <summary>The caller did not say which version they started from.</summary>
    PreconditionRequired,
}

/// <summary>The result of a section save. On a conflict, <see cref="Current"/> is what the other person saved.</summary>
public sealed record SectionSave(SaveOutcome Outcome, SectionView? Current);

/// <summary>Loads plans with their content and checks, and saves sections with optimistic concurrency.</summary>
public sealed class PlanDocuments(AppDbContext db, AccessPolicy access, TimeProvider clock, PlanHandlers plans)
{
    /// <summary>Null when the plan does not exist or the caller may not see it.</summary>
    public async Task<PlanDocument?> LoadAsync(Guid id, CancellationToken ct)
    {
        var row = await plans.GetAsync(id, ct);
        if (row is null)
        {
            return null;
        }

        var cycle = await db.Cycles.AsNoTracking().SingleAsync(c => c.Id == row.CycleId, ct);
        var managerId = await db.Users.Where(u => u.Id == row.OwnerId).Select(u => u.ManagerId).SingleAsync(ct);
        var template = await db.TemplateSections.AsNoTracking().Where(t => t.CycleId == row.CycleId).OrderBy(t => t.Order).ToListAsync(ct);
        var saved = await db.PlanSections.AsNoTracking().Where(s => s.PlanId == id).ToDictionaryAsync(s => s.Key, ct);
        var accounts = await db.Accounts.AsNoTracking().Where(a => a.OwnerId == row.OwnerId).OrderBy(a => a.Name)
            .Select(a => new AccountRef(a.Id, a.Name, a.Industry, a.Segment, a.Region, a.AnnualPotential)).ToListAsync(ct);
        var quota = await QuotaOfAsync(row.CycleId, row.OwnerId, cycle.Quarters.Count, ct);

        var sections = SectionsOf(template, saved);
        var editors = saved.Values.Select(v => v.UpdatedById).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => editors.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        sections = sections.Select(v => saved.TryGetValue(v.Key, out var x) ? v with { UpdatedById = x.UpdatedById, UpdatedByName = names.GetValueOrDefault(x.UpdatedById) } : v).ToList();
        var strategy = await StrategyOfAsync(cycle, row.OwnerId, accounts, ct);
        var facts = FactsOf(cycle, accounts, sections, strategy?.Content);
        var checks = PlanChecks.Evaluate(Filled(sections), facts, quota, strategy?.Gate);
        var actor = access.Actor;
        var entity = await db.Plans.AsNoTracking().SingleAsync(p => p.Id == id, ct);
        var canEdit = entity.MayEdit(actor, cycle, managerId);
        var canReview = cycle.Status == CycleStatus.Open && Plan.MayReview(actor, row.OwnerId, managerId);
        var deadlines = PlanDeadlines.Of(entity, cycle, clock.GetUtcNow(), await PlanDeadlines.ExtensionsOfAsync(db, id, ct));
        return new PlanDocument(row, cycle, managerId, sections, accounts, facts, checks, canEdit, canReview)
        {
            Strategy = strategy,
            Deadlines = deadlines,
            Unanswered = await UnansweredAsync(entity, sections, ct),
            Proposals = await ProposalsAsync(id, sections, ct),
        };
    }

    private async Task<IReadOnlyList<UnansweredComment>> UnansweredAsync(Plan plan, IReadOnlyList<SectionView> sections, CancellationToken ct)
    {
        if (plan.Status != PlanStatus.ChangesRequested || plan.LastSubmittedAt is not { } since)
        {
            return [];
        }

        var comments = await (from c in db.PlanComments.AsNoTracking().Where(c => c.PlanId == plan.Id && c.SectionKey != null)
                              join u in db.Users on c.AuthorId equals u.Id
                              select new CommentFact(c.ThreadId, c.SectionKey, c.AuthorId, u.DisplayName, c.At)).ToListAsync(ct);
        return ReviewAnswers.Unanswered(comments, plan.OwnerId, since, sections.ToDictionary(s => s.Key, s => (s.Title, s.UpdatedAt)));
    }

    private async Task<IReadOnlyList<ProposalView>> ProposalsAsync(Guid planId, IReadOnlyList<SectionView> sections, CancellationToken ct)
    {
        var pending = await (from p in db.PlanProposals.AsNoTracking().Where(p => p.PlanId == planId && p.Status == ProposalStatus.Pending)
                             join u in db.Users on p.ProposedById equals u.Id
                             select new { p.Id, p.SectionKey, p.ProposedById, u.DisplayName, p.ProposedAt, p.Note, p.BaseVersion, p.Content }).ToListAsync(ct);
        return pending.OrderBy(p => p.ProposedAt).ThenBy(p => p.Id)
            .Select(p => (Proposal: p, Section: sections.FirstOrDefault(s => s.Key == p.SectionKey)))
            .Where(p => p.Section is not null)
            .Select(p => new ProposalView(p.Proposal.Id, p.Proposal.SectionKey, p.Proposal.ProposedById, p.Proposal.DisplayName, p.Proposal.ProposedAt,
                p.Proposal.Note, p.Proposal.BaseVersion, p.Section!.Version != p.Proposal.BaseVersion, SectionContents.Read(p.Section.Kind, p.Proposal.Content)))
            .ToList();
    }

    private async Task<CycleStrategy?> StrategyOfAsync(PlanningCycle cycle, Guid ownerId, IReadOnlyList<AccountRef> accounts, CancellationToken ct)
    {
        if (cycle.StrategyId is not { } strategyId)
        {
            return null;
        }

        var strategy = await db.Strategies.AsNoTracking().Where(s => s.Id == strategyId)
            .Select(s => new
            {
                s.Name,
                s.Content,
                Acknowledged = db.Acknowledgements.Any(a => a.StrategyId == s.Id && a.RepId == ownerId),
            })
            .SingleOrDefaultAsync(ct);
        if (strategy is null)
        {
            return null;
        }

        var content = StrategyContent.Read(strategy.Content);
        return new CycleStrategy(strategyId, strategy.Name, cycle.RequireAcknowledgement, strategy.Acknowledged, content,
            CycleStrategy.Match(content, accounts));
    }

    /// <summary>
    /// Saves one section. <paramref name="ifMatch"/> must be the version the caller started from; when someone saved
    /// in between, nothing is written and the other person's version comes back so that the two can be merged.
    /// With <paramref name="merge"/> the payload is a JSON merge patch (RFC 7396) over the saved content.
    /// </summary>
    public async Task<SectionSave> SaveAsync(Guid id, string key, JsonElement payload, string? ifMatch, bool merge, CancellationToken ct)
    {
        var document = await LoadAsync(id, ct);
        if (document?.Section(key) is not { } current)
        {
            return new SectionSave(SaveOutcome.NotFound, null);
        }

        var plan = await db.Plans.SingleAsync(p => p.Id == id, ct);
        plan.EnsureEditable(access.Actor, document.Cycle, document.OwnerManagerId);
        if (ifMatch is null)
        {
            return new SectionSave(SaveOutcome.PreconditionRequired, null);
        }

        if (ifMatch != current.Version)
        {
            return new SectionSave(SaveOutcome.Conflict, current);
        }

        if (merge)
        {
            var merged = MergePatch(JsonSerializer.SerializeToNode(current.Content, current.Content.GetType(), SectionContents.Json), payload);
            payload = JsonSerializer.SerializeToElement(merged);
        }

        var content = Validated(document, current, payload);
        var actorId = access.Actor.Id;
        if (actorId != document.Plan.OwnerId)
        {
            await TellOwnerAsync(document, current, actorId, "edited", ct);
        }

        return await WriteAsync(document, plan, current, content, ifMatch, actorId, null, ct);
    }

    /// <summary>The content of a section as posted, read, checked and normalized against the plan's facts; throws when invalid.</summary>
    public static SectionContent Validated(PlanDocument document, SectionView section, JsonElement payload)
    {
        var content = SectionContents.Parse(section.Kind, payload);
        content.Normalize(document.Facts);
        return content;
    }

    /// <summary>
    /// Writes a section's new content, authored by <paramref name="authorId"/>, if it still has version
    /// <paramref name="ifMatch"/> and the plan is unchanged since <paramref name="document"/> was read; else a conflict.
    /// The one write path of section content: an edit, and an accepted proposal (<paramref name="acceptedProposal"/>).
    /// Anything else the caller added to the unit of work is saved with it, or not at all.
    /// </summary>
    public async Task<SectionSave> WriteAsync(PlanDocument document, Plan plan, SectionView current, SectionContent content, string ifMatch, Guid authorId,
        Guid? acceptedProposal, CancellationToken ct)
    {
        var id = document.Plan.Id;
        var key = current.Key;
        var now = clock.GetUtcNow();
        var actorId = authorId;
        var section = await db.PlanSections.SingleOrDefaultAsync(s => s.PlanId == id && s.Key == key, ct);
        if ((section?.Version ?? PlanSection.NewVersion) != ifMatch)
        {
            db.ChangeTracker.Clear();
            return new SectionSave(SaveOutcome.Conflict, (await LoadAsync(id, ct))?.Section(key));
        }

        // The writes only go through if nothing changed since the caller's version and the document's checks:
        // both rows are updated where their version is still the one read, else the save is a conflict.
        db.Entry(plan).Property(p => p.ConcurrencyToken).OriginalValue = document.Plan.Version;
        if (section is null)
        {
            section = PlanSection.Create(id, key, content, actorId, now);
            db.PlanSections.Add(section);
        }
        else
        {
            db.Entry(section).Property(s => s.Version).OriginalValue = ifMatch;
            section.Replace(content, actorId, now);
        }

        // Touching the plan makes a save and a concurrent submission exclude each other: one of them fails.
        plan.Touch(now);
        db.AuditEntries.Add(AuditEntry.Record(now, actorId, "plan.section-saved", "Plan", id.ToString(), acceptedProposal is { } accepted
            ? JsonSerializer.Serialize(new { section = key, version = section.Version, edition = plan.WorkingVersion, proposal = accepted, acceptedBy = access.Actor.Id })
            : JsonSerializer.Serialize(new { section = key, version = section.Version, edition = plan.WorkingVersion })));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbConflicts.IsConflict(e))
        {
            db.ChangeTracker.Clear();
            var latest = await LoadAsync(id, ct);
            return new SectionSave(SaveOutcome.Conflict, latest?.Section(key));
        }

        return new SectionSave(SaveOutcome.Saved, current with { Version = section.Version, UpdatedAt = now, Content = content, UpdatedById = actorId });
    }

    /// <summary>
    /// Tells the rep that a reviewer changed (or proposes to change) a section: one notification per section, reviewer
    /// and submission for edits, however often an edit is saved; one per proposal.
    /// </summary>
    public async Task TellOwnerAsync(PlanDocument document, SectionView section, Guid reviewerId, string what, CancellationToken ct, Guid? proposalId = null)
    {
        var plan = document.Plan;
        var key = proposalId is { } p
            ? $"proposal:{p}"
            : $"plan-edited:{plan.Id}:{section.Key}:{reviewerId:N}:{plan.LastSubmittedAt?.UtcTicks ?? 0}";
        if (await db.Notifications.AnyAsync(n => n.UserId == plan.OwnerId && n.Key == key, ct))
        {
            return;
        }

        var reviewer = await db.Users.Where(u => u.Id == reviewerId).Select(u => u.DisplayName).SingleAsync(ct);
        var (title, body) = what == "edited"
            ? ($"{reviewer} edited {section.Title}", $"{reviewer} changed the {section.Title} section of your {plan.CycleName} plan while reviewing it. See what changed in the plan's versions.")
            : ($"{reviewer} proposes an edit to {section.Title}", $"Accept or reject {reviewer}'s proposed change to the {section.Title} section of your {plan.CycleName} plan.");
        db.Notifications.Add(Notification.Create(plan.OwnerId, key, title, body, $"/Plans/{plan.Id}#section-{section.Key}", clock.GetUtcNow()));
    }

    /// <summary>Stores the plan as submitted, with its goals and action items as rows; called in the submission's unit of work.</summary>
    public async Task SnapshotAsync(PlanDocument document, Plan plan, DateTimeOffset now, CancellationToken ct)
    {
        var number = await db.PlanSnapshots.Where(s => s.PlanId == plan.Id).MaxAsync(s => (int?)s.Number, ct) ?? 0;
        var snapshot = Snapshot(plan, number + 1, document.Sections.Select(s => (s.Key, s.Title, s.Kind, s.Content)),
            document.Facts.Accounts, document.Facts.Goals, access.Actor.Id, now);
        db.PlanSnapshots.Add(snapshot);
        db.RecordSubmission(snapshot, document.Cycle.Quarters, document.Strategy?.Content);
    }

    /// <summary>A snapshot of the given sections, with the account and goal names they refer to as they are now.</summary>
    public static PlanSnapshot Snapshot(Plan plan, int number, IEnumerable<(string Key, string Title, SectionKind Kind, SectionContent Content)> sections,
        IReadOnlyDictionary<Guid, string> accounts, IReadOnlyDictionary<string, string> goals, Guid actorId, DateTimeOffset now)
    {
        var stored = sections.Select(s => new SnapshotSection(s.Key, s.Title, s.Kind, SectionContents.Write(s.Content))).ToList();
        var names = new SnapshotNames(accounts.ToDictionary(), goals.ToDictionary());
        return PlanSnapshot.Take(plan.Id, number, plan.WorkingVersion, JsonSerializer.Serialize(stored, SectionContents.Json),
            JsonSerializer.Serialize(names, SectionContents.Json), actorId, now);
    }

    public static IReadOnlyList<FilledSection> Filled(IEnumerable<SectionView> sections) =>
        sections.Select(s => new FilledSection(s.Key, s.Title, s.Kind, s.Required, s.Content)).ToList();

    /// <summary>The facts the content rules check against; with the cycle's strategy, the objectives goals may link to.</summary>
    public static PlanFacts FactsOf(PlanningCycle cycle, IReadOnlyList<AccountRef> accounts, IEnumerable<SectionView> sections,
        StrategyContent? strategy = null) =>
        new(cycle.PeriodStart, cycle.PeriodEnd, cycle.Quarters,
            accounts.ToDictionary(a => a.Id, a => a.Name),
            sections.Select(s => s.Content).OfType<GoalsContent>().SelectMany(g => g.Goals)
                .Where(g => g.Id is not null).DistinctBy(g => g.Id).ToDictionary(g => g.Id!, g => g.Title),
            strategy?.ObjectiveFacts(), strategy?.OfferingNames(), strategy?.SegmentNames(),
            strategy is null ? null : CycleStrategy.Match(strategy, accounts).Keys.ToHashSet());

    private async Task<IReadOnlyList<decimal?>?> QuotaOfAsync(Guid cycleId, Guid repId, int quarters, CancellationToken ct) =>
        QuotaOf(await db.Quotas.AsNoTracking().Where(q => q.CycleId == cycleId && q.RepId == repId).ToListAsync(ct), quarters);

    /// <summary>A rep's quota per quarter of the cycle; null when none is set.</summary>
    public static IReadOnlyList<decimal?>? QuotaOf(IReadOnlyCollection<Quota> rows, int quarters) => rows.Count == 0
        ? null
        : Enumerable.Range(1, quarters).Select(n => rows.FirstOrDefault(r => r.Quarter == n)?.Amount).ToList();

    /// <summary>The template's sections with what the rep saved in each (empty content where nothing is saved yet).</summary>
    public static List<SectionView> SectionsOf(IEnumerable<TemplateSection> template, IReadOnlyDictionary<string, PlanSection> saved) =>
        template.Select(t => saved.TryGetValue(t.Key, out var s)
            ? new SectionView(t.Order, t.Key, t.Title, t.Instructions, t.Kind, t.Required, s.Version, s.UpdatedAt, SectionContents.Read(t.Kind, s.Content))
            : new SectionView(t.Order, t.Key, t.Title, t.Instructions, t.Kind, t.Required, PlanSection.NewVersion, null, SectionContents.Empty(t.Kind)))
            .ToList();

    private static JsonNode? MergePatch(JsonNode? target, JsonElement patch)
    {
        if (patch.ValueKind != JsonValueKind.Object)
        {
            return JsonNode.Parse(patch.GetRawText());
        }

        var result = target as JsonObject ?? [];
        foreach (var property in patch.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                result.Remove(property.Name);
            }
            else
            {
                var existing = result[property.Name];
                result.Remove(property.Name);
                result[property.Name] = MergePatch(existing?.DeepClone(), property.Value);
            }
        }

        return result;
    }
}

/// <summary>The names a snapshot's content refers to, as they were when it was taken.</summary>
public sealed record SnapshotNames(Dictionary<Guid, string> Accounts, Dictionary<string, string> Goals);
