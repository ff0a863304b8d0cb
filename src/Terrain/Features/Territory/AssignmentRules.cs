using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Territories;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Territory;

public sealed record AssignmentRuleView(
    Guid Id,
    int Priority,
    string PostalPrefix,
    string Region,
    string Segment,
    string Industry,
    Guid TerritoryId,
    string TerritoryName,
    string Description,
    string Version);

/// <summary>A rule to create or to change whole. Priority: 1 is tried first; left out, a new rule goes last.</summary>
public sealed record AssignmentRuleInput(string? PostalPrefix, string? Region, string? Segment, string? Industry, Guid? TerritoryId, int? Priority);

/// <summary>How many accounts that belong to nobody each rule would place now, in priority order (a rule lower down counts only what the ones above leave).</summary>
public sealed record RulePreview(int Unowned, int Placed, IReadOnlyDictionary<Guid, int> ByRule);

public enum RuleOutcome
{
    Saved,
    NotFound,
    PreconditionRequired,
    Stale,
}

public sealed record RuleResult(RuleOutcome Outcome, AssignmentRuleView? Current);

/// <summary>
/// The assignment rules (ADR 0039), kept by leaders and admins: tried in priority order, the first that an account
/// meets places it. They place the accounts that belong to nobody when asked, and unowned accounts an import brings in.
/// </summary>
public sealed class AssignmentRules(AppDbContext db, AccessPolicy access, AccountAssignments assignments, TimeProvider clock)
{
    public async Task<IReadOnlyList<AssignmentRuleView>> ListAsync(CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var names = await db.Territories.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var rules = await db.AssignmentRules.AsNoTracking().OrderBy(r => r.Priority).ThenBy(r => r.Id).ToListAsync(ct);
        return [.. rules.Select(r => View(r, names))];
    }

    public async Task<AssignmentRuleView?> GetAsync(Guid id, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var rule = await db.AssignmentRules.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        return rule is null ? null : View(rule, await db.Territories.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct));
    }

    public async Task<AssignmentRuleView> CreateAsync(AssignmentRuleInput input, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var now = clock.GetUtcNow();
        var territoryId = await TerritoryAsync(input.TerritoryId, ct);
        var last = await db.AssignmentRules.MaxAsync(r => (int?)r.Priority, ct) ?? 0;
        var priority = input.Priority ?? last + 1;
        var rule = AssignmentRule.Create(Conditions(input), territoryId, priority, now);
        if (input.Priority is { } p && p <= last)
        {
            // Inserted above others: those from its place down make room.
            await ShiftAsync(p, null, ct);
        }

        db.AssignmentRules.Add(rule);
        Audit("assignment-rule.created", rule, null, now);
        await db.SaveChangesAsync(ct);
        return (await GetAsync(rule.Id, ct))!;
    }

    public async Task<RuleResult> UpdateAsync(Guid id, AssignmentRuleInput input, string? expectedVersion, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var rule = await db.AssignmentRules.SingleOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return new(RuleOutcome.NotFound, null);
        }

        if (expectedVersion is null)
        {
            return new(RuleOutcome.PreconditionRequired, await GetAsync(id, ct));
        }

        if (expectedVersion != rule.Version.ToString("N"))
        {
            return new(RuleOutcome.Stale, await GetAsync(id, ct));
        }

        var before = await GetAsync(id, ct);
        var territoryId = await TerritoryAsync(input.TerritoryId, ct);
        var priority = input.Priority ?? rule.Priority;
        if (priority != rule.Priority)
        {
            await ShiftAsync(priority, rule.Id, ct);
        }

        rule.Change(Conditions(input), territoryId, priority);
        Audit("assignment-rule.changed", rule, before, clock.GetUtcNow());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var current = await GetAsync(id, ct);
            return current is null ? new(RuleOutcome.NotFound, null) : new(RuleOutcome.Stale, current);
        }

        return new(RuleOutcome.Saved, await GetAsync(id, ct));
    }

    public async Task<RuleResult> DeleteAsync(Guid id, string? expectedVersion, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var rule = await db.AssignmentRules.SingleOrDefaultAsync(r => r.Id == id, ct);
        if (rule is null)
        {
            return new(RuleOutcome.NotFound, null);
        }

        if (expectedVersion is not null && expectedVersion != rule.Version.ToString("N"))
        {
            return new(RuleOutcome.Stale, await GetAsync(id, ct));
        }

        var before = await GetAsync(id, ct);
        db.AssignmentRules.Remove(rule);
        Audit("assignment-rule.deleted", rule, before, clock.GetUtcNow(), deleted: true);
        await db.SaveChangesAsync(ct);
        return new(RuleOutcome.Saved, null);
    }

    /// <summary>Swaps a rule with its neighbour above (up) or below: the page's reordering.</summary>
    public async Task MoveAsync(Guid id, bool up, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var rules = await db.AssignmentRules.OrderBy(r => r.Priority).ThenBy(r => r.Id).ToListAsync(ct);
        var index = rules.FindIndex(r => r.Id == id);
        if (index < 0)
        {
            throw new DomainException("That rule no longer exists.", "id");
        }

        var other = up ? index - 1 : index + 1;
        if (other < 0 || other >= rules.Count)
        {
            return;
        }

        (rules[index], rules[other]) = (rules[other], rules[index]);
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i].Priority != i + 1)
            {
                rules[i].MoveTo(i + 1);
            }
        }

        db.AuditEntries.Add(AuditEntry.Record(clock.GetUtcNow(), access.Actor.Id, "assignment-rule.reordered", "AssignmentRule", id.ToString(),
            JsonSerializer.Serialize(new { order = rules.Select(r => r.Id) }, JsonSerializerOptions.Web)));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>What applying the rules now would do to the accounts that belong to nobody.</summary>
    public async Task<RulePreview> PreviewAsync(CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var (unowned, placed) = await MatchUnownedAsync(ct);
        return new RulePreview(unowned, placed.Count, placed.GroupBy(p => p.Rule.Id).ToDictionary(g => g.Key, g => g.Count()));
    }

    /// <summary>Places every account that belongs to nobody and meets a rule, now, each in its first rule's territory.</summary>
    public async Task<RulePreview> ApplyAsync(CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        return await UnitOfWork.RunAsync(db, async token =>
        {
            var (unowned, placed) = await MatchUnownedAsync(token);
            foreach (var group in placed.GroupBy(p => p.Rule.TerritoryId))
            {
                await assignments.MoveAsync([.. group.Select(p => p.AccountId)], group.Key, null, null, AssignmentSource.Rule, access.Actor.Id, token);
            }

            return new RulePreview(unowned, placed.Count, placed.GroupBy(p => p.Rule.Id).ToDictionary(g => g.Key, g => g.Count()));
        }, ct, inTransaction: true);
    }

    /// <summary>
    /// For an import: places the accounts it leaves without owner or territory by the rules, in its transaction;
    /// returns how many were placed. Each move is audited and recorded like any other.
    /// </summary>
    internal static async Task<int> PlaceImportedAsync(AppDbContext db, IReadOnlyCollection<Account> accounts, Guid? actorId, DateTimeOffset now, CancellationToken ct)
    {
        var unowned = accounts.Where(a => a.OwnerId is null && a.TerritoryId is null).ToList();
        if (unowned.Count == 0)
        {
            return 0;
        }

        var rules = await db.AssignmentRules.AsNoTracking().OrderBy(r => r.Priority).ThenBy(r => r.Id).ToListAsync(ct);
        if (rules.Count == 0)
        {
            return 0;
        }

        var territoryIds = rules.Select(r => r.TerritoryId).Distinct().ToList();
        var territories = await db.Territories.Include(t => t.Rep).Where(t => territoryIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ct);
        var batch = Guid.NewGuid();
        var today = await BusinessDay.TodayAsync(db, now, ct);
        var placed = 0;
        foreach (var account in unowned)
        {
            if (AssignmentRule.FirstMatch(rules, account.PostalCode, account.Region, account.Segment, account.Industry) is not { } rule)
            {
                continue;
            }

            var territory = territories[rule.TerritoryId];
            account.PlaceIn(territory);
            db.AccountAssignments.Add(AccountAssignment.Applied(batch, account, null, null, territory, today, AssignmentSource.Import, actorId, now));
            db.AuditEntries.Add(AccountAssignments.AuditOf(account, null, null, null, territory, today, AssignmentSource.Import, batch, actorId, now));
            placed++;
        }

        return placed;
    }

    private async Task<(int Unowned, List<(Guid AccountId, AssignmentRule Rule)> Placed)> MatchUnownedAsync(CancellationToken ct)
    {
        var rules = await db.AssignmentRules.AsNoTracking().OrderBy(r => r.Priority).ThenBy(r => r.Id).ToListAsync(ct);
        var unowned = await db.Accounts.AsNoTracking().Where(a => a.OwnerId == null && a.TerritoryId == null)
            .Select(a => new { a.Id, a.PostalCode, a.Region, a.Segment, a.Industry }).ToListAsync(ct);
        var placed = new List<(Guid, AssignmentRule)>();
        foreach (var a in unowned)
        {
            if (AssignmentRule.FirstMatch(rules, a.PostalCode, a.Region, a.Segment, a.Industry) is { } rule)
            {
                placed.Add((a.Id, rule));
            }
        }

        return (unowned.Count, placed);
    }

    private async Task<Guid> TerritoryAsync(Guid? id, CancellationToken ct)
    {
        var territoryId = id ?? throw new DomainException("Choose the territory the rule places accounts in.", "territoryId");
        return await db.Territories.AsNoTracking().AnyAsync(t => t.Id == territoryId, ct)
            ? territoryId
            : throw new DomainException($"No territory has the id {territoryId}.", "territoryId");
    }

    /// <summary>Makes room at <paramref name="priority"/>: that rule and the ones after it move down one.</summary>
    private async Task ShiftAsync(int priority, Guid? except, CancellationToken ct)
    {
        var after = await db.AssignmentRules.Where(r => r.Priority >= priority && r.Id != except).OrderBy(r => r.Priority).ToListAsync(ct);
        var next = priority + 1;
        foreach (var rule in after)
        {
            if (rule.Priority < next)
            {
                rule.MoveTo(next);
            }

            next = rule.Priority + 1;
        }
    }

    private static RuleConditions Conditions(AssignmentRuleInput input) => new(input.PostalPrefix, input.Region, input.Segment, input.Industry);

    private static AssignmentRuleView View(AssignmentRule r, IReadOnlyDictionary<Guid, string> names) => new(r.Id, r.Priority, r.PostalPrefix, r.Region, r.Segment,
        r.Industry, r.TerritoryId, names.TryGetValue(r.TerritoryId, out var n) ? n : "", r.Describe(), r.Version.ToString("N"));

    private void Audit(string action, AssignmentRule rule, AssignmentRuleView? before, DateTimeOffset now, bool deleted = false) =>
        db.AuditEntries.Add(AuditEntry.Record(now, access.Actor.Id, action, "AssignmentRule", rule.Id.ToString(),
            JsonSerializer.Serialize(new
            {
                before = before is null ? null : before with { Version = "" },
                after = deleted ? null : new { rule.Priority, rule.PostalPrefix, rule.Region, rule.Segment, rule.Industry, rule.TerritoryId },
            }, JsonSerializerOptions.Web)));
}
