using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Territories;
using Terrain.Domain.TerritoryDesign;
using Terrain.Features.Territory;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.TerritoryDesign.Scenarios;

/// <summary>
/// A new scenario: its name, scope (Organisation; Region with the region; Team with the manager's id) and goals.
/// Tolerances are percentages of the mean (5 = ±5%). Locked accounts stay where they are; locked territories keep
/// exactly their accounts.
/// </summary>
public sealed record ScenarioInput(
    string? Name,
    ScenarioScope? Scope = null,
    string? Region = null,
    Guid? ManagerId = null,
    double? PotentialTolerancePercent = null,
    double? WorkloadTolerancePercent = null,
    WorkloadMeasure? Workload = null,
    string? SegmentWeights = null,
    bool? Compact = null,
    bool? MinimalDisruption = null,
    ScenarioCentres? Centres = null,
    IReadOnlyList<Guid>? LockedAccountIds = null,
    IReadOnlyList<Guid>? LockedTerritoryIds = null);

/// <summary>
/// A hand edit: move <paramref name="AccountIds"/> to <paramref name="TerritoryId"/>, and/or lock or unlock them
/// (<paramref name="Lock"/>), and/or lock or unlock territories.
/// </summary>
public sealed record ScenarioEdit(
    IReadOnlyList<Guid>? AccountIds = null,
    Guid? TerritoryId = null,
    bool? Lock = null,
    IReadOnlyList<Guid>? LockTerritoryIds = null,
    IReadOnlyList<Guid>? UnlockTerritoryIds = null);

/// <summary>Apply the scenario's moves from this day (today when left out).</summary>
public sealed record ScenarioApply(DateOnly? EffectiveFrom);

/// <summary>
/// What the optimizer reached: its status, the reasons an infeasible tolerance cannot be met, and the balance it came to;
/// accounts moved (from one territory to another) and placed (from none into one), counted as <see cref="ScenarioAssignment.IsMove"/> does.
/// </summary>
public sealed record ScenarioOutcome(
    string SolverStatus,
    IReadOnlyList<string> Reasons,
    bool WithinTolerance,
    double PotentialMaxDeviationPercent,
    double WorkloadMaxDeviationPercent,
    double PotentialCoefficientOfVariation,
    double WorkloadCoefficientOfVariation,
    double CompactnessKm,
    int AccountsMoved,
    int DisruptionLowerBound,
    bool StoppedEarly,
    double Seconds,
    int AccountsPlaced = 0);

public sealed record ScenarioAccountRef(Guid Id, string Name);

public sealed record ScenarioSummary(Guid Id, string Name, ScenarioScope Scope, string ScopeLabel, ScenarioStatus Status, int Percent, DateTimeOffset CreatedAt,
    string CreatedBy, DateOnly? AppliedFrom);

/// <summary>
/// One scenario: settings, state and progress, the optimizer's outcome, and the accounts it could not place.
/// <paramref name="AccountsMoved"/>: accounts that had a territory and get another; <paramref name="AccountsPlaced"/>:
/// accounts that had none and get one (<see cref="ScenarioAssignment.IsMove"/>).
/// </summary>
public sealed record ScenarioView(
    Guid Id,
    string Name,
    ScenarioScope Scope,
    string ScopeLabel,
    string Region,
    Guid? ManagerId,
    double PotentialTolerancePercent,
    double WorkloadTolerancePercent,
    WorkloadMeasure Workload,
    string SegmentWeights,
    bool Compact,
    bool MinimalDisruption,
    ScenarioCentres Centres,
    ScenarioStatus Status,
    string Phase,
    int Percent,
    bool CancelRequested,
    ScenarioOutcome? Outcome,
    string? FailureReason,
    int Accounts,
    int Territories,
    int AccountsMoved,
    IReadOnlyList<Guid> LockedAccountIds,
    IReadOnlyList<Guid> LockedTerritoryIds,
    IReadOnlyList<ScenarioAccountRef> NotPlaced,
    DateTimeOffset BasedAt,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateOnly? AppliedFrom,
    string Version,
    int AccountsPlaced);

/// <summary>What applying did: the moves made now, the moves dated later, and the day.</summary>
public sealed record ScenarioApplied(Guid Id, DateOnly EffectiveFrom, int Moved, int Scheduled, int Territories);

/// <summary>
/// The scenarios of issue 13 §3 (ADR 0044), for the API and the pages: made from the current alignment, run by
/// <see cref="ScenarioWorker"/>, edited by hand, and applied through <see cref="AccountAssignments"/> in one
/// transaction, refused when the alignment has changed since the scenario's base. Leaders and admins only
/// (Act.AssignAccounts: applying moves accounts).
/// </summary>
public sealed class Scenarios(AppDbContext db, AccessPolicy access, TimeProvider clock, AccountAssignments assignments, ScenarioWorker worker)
{
    public const string Stale = "The alignment has changed since this scenario was made; refresh it.";

    /// <summary>
    /// The scenarios one may read: leaders and admins every one; a manager those whose scope is their own team, read-only
    /// (ADR 0045). Whoever may not read one is answered as if it did not exist.
    /// </summary>
    public static IQueryable<TerritoryScenario> Visible(AppDbContext db, AccessPolicy access)
    {
        access.Ensure(Act.ReadScenarios);
        var scenarios = db.TerritoryScenarios.AsNoTracking();
        if (access.May(Act.AssignAccounts))
        {
            return scenarios;
        }

        var me = access.Actor.Id;
        return scenarios.Where(s => s.Scope == ScenarioScope.Team && s.ManagerId == me);
    }

    public async Task<IReadOnlyList<ScenarioSummary>> ListAsync(CancellationToken ct)
    {
        var rows = await Visible(db, access).OrderByDescending(s => s.CreatedAt).ThenBy(s => s.Id).Take(500)
            .Select(s => new
            {
                s.Id,
                s.Name,
                s.Scope,
                s.Region,
                s.ManagerId,
                s.Status,
                s.Percent,
                s.CreatedAt,
                s.AppliedFrom,
                CreatedBy = db.Users.Where(u => u.Id == s.CreatedById).OrderBy(u => u.Id).Select(u => u.DisplayName).FirstOrDefault(),
                Manager = db.Users.Where(u => u.Id == s.ManagerId).OrderBy(u => u.Id).Select(u => u.DisplayName).FirstOrDefault(),
            }).ToListAsync(ct);
        return [.. rows.Select(r => new ScenarioSummary(r.Id, r.Name, r.Scope, ScopeLabel(r.Scope, r.Region, r.Manager), r.Status, r.Percent, r.CreatedAt,
            r.CreatedBy ?? "", r.AppliedFrom))];
    }

    public static string ScopeLabel(ScenarioScope scope, string region, string? manager) => scope switch
    {
        ScenarioScope.Organisation => "Whole organisation",
        ScenarioScope.Region => $"Region {region}",
        ScenarioScope.Team => $"{manager ?? "A manager"}'s team",
        _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "A scope without a label."),
    };

    public async Task<ScenarioView?> GetAsync(Guid id, CancellationToken ct)
    {
        var s = await Visible(db, access).SingleOrDefaultAsync(x => x.Id == id, ct);
        if (s is null)
        {
            return null;
        }

        var names = await db.Users.AsNoTracking().Where(u => u.Id == s.CreatedById || u.Id == s.ManagerId).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var accounts = await db.ScenarioAssignments.CountAsync(r => r.ScenarioId == id, ct);
        var rows = db.ScenarioAssignments.Where(r => r.ScenarioId == id);
        var moved = await rows.Where(ScenarioAssignment.Moved).CountAsync(ct);
        var placed = await rows.Where(ScenarioAssignment.Placed).CountAsync(ct);
        var lockedAccounts = await db.ScenarioAssignments.AsNoTracking().Where(r => r.ScenarioId == id && r.Locked).OrderBy(r => r.AccountId)
            .Select(r => r.AccountId).Take(10_000).ToListAsync(ct);
        var territories = await db.ScenarioTerritories.AsNoTracking().Where(t => t.ScenarioId == id).OrderBy(t => t.TerritoryId)
            .Select(t => new { t.TerritoryId, t.Locked }).ToListAsync(ct);
        var notPlaced = await db.ScenarioAssignments.AsNoTracking().Where(r => r.ScenarioId == id)
            .Join(db.Accounts, r => r.AccountId, a => a.Id, (r, a) => a)
            .Where(a => a.Latitude == null || a.Longitude == null).OrderBy(a => a.Name).ThenBy(a => a.Id).Take(1_000)
            .Select(a => new ScenarioAccountRef(a.Id, a.Name)).ToListAsync(ct);
        return new ScenarioView(s.Id, s.Name, s.Scope, ScopeLabel(s.Scope, s.Region, s.ManagerId is { } m ? names.GetValueOrDefault(m) : null), s.Region, s.ManagerId,
            Math.Round(s.PotentialTolerance * 100, 4), Math.Round(s.WorkloadTolerance * 100, 4), s.Workload, s.SegmentWeights, s.Compact, s.MinimalDisruption, s.Centres,
            s.Status, s.Phase, s.Percent, s.CancelRequested, Outcome(s.Result), s.FailureReason, accounts, territories.Count, moved,
            lockedAccounts, [.. territories.Where(t => t.Locked).Select(t => t.TerritoryId)], notPlaced, s.BasedAt, s.CreatedAt,
            names.GetValueOrDefault(s.CreatedById) ?? "", s.AppliedFrom, s.Version.ToString("N"), placed);
    }

    public static ScenarioOutcome? Outcome(string? json) => json is null ? null : JsonSerializer.Deserialize<ScenarioOutcome>(json, JsonSerializerOptions.Web);

    public async Task<ScenarioView> CreateAsync(ScenarioInput input, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var scope = input.Scope ?? ScenarioScope.Organisation;
        if (!Enum.IsDefined(scope))
        {
            throw new DomainException("Choose the scope: Organisation, Region or Team.", "scope");
        }

        if (scope == ScenarioScope.Team && input.ManagerId is { } managerId
            && !await db.Users.AnyAsync(u => u.Id == managerId && u.Role == Role.Manager, ct))
        {
            throw new DomainException($"No manager has the id {managerId}.", "managerId");
        }

        var goals = Goals(input);
        var now = clock.GetUtcNow();
        var id = await UnitOfWork.RunAsync(db, async token =>
        {
            var region = input.Region?.Trim() ?? "";
            var (accounts, territories) = await ScenarioScopes.LoadLiveAsync(db, scope, region, input.ManagerId, token);
            var hash = await ScenarioScopes.HashAsync(db, accounts, territories, token);
            var scenario = TerritoryScenario.Create(input.Name, scope, input.Region, input.ManagerId, goals, access.Actor.Id, hash, now);
            if (territories.Count == 0)
            {
                throw new DomainException(scope switch
                {
                    ScenarioScope.Region => $"No territory holds an account of region '{region}'.",
                    ScenarioScope.Team => "This manager's reps cover no territory.",
                    _ => "There is no territory yet: create territories first.",
                }, scope == ScenarioScope.Team ? "managerId" : scope == ScenarioScope.Region ? "region" : "scope");
            }

            db.TerritoryScenarios.Add(scenario);
            Snapshot(scenario.Id, accounts, territories, input.LockedAccountIds, input.LockedTerritoryIds);
            db.AuditEntries.Add(Audit(scenario, "territory-scenario.created", new { scenario.Name, scope = scope.ToString(), accounts = accounts.Count, territories = territories.Count }, now));
            await db.SaveChangesAsync(token);
            return scenario.Id;
        }, ct, inTransaction: true);
        db.ChangeTracker.Clear();
        return (await GetAsync(id, ct))!;
    }

    private static ScenarioGoals Goals(ScenarioInput input)
    {
        static double Fraction(double? percent, string field) => percent switch
        {
            null => 0.05,
            { } p when double.IsFinite(p) && p >= 0.1 && p <= 100 => p / 100,
            _ => throw new DomainException("The tolerance must be between 0.1% and 100% of the mean.", field),
        };

        return new ScenarioGoals(Fraction(input.PotentialTolerancePercent, "potentialTolerancePercent"),
            Fraction(input.WorkloadTolerancePercent, "workloadTolerancePercent"), input.Workload ?? WorkloadMeasure.AccountCount,
            input.SegmentWeights ?? "", input.Compact ?? true, input.MinimalDisruption ?? true, input.Centres ?? ScenarioCentres.Floating);
    }

    /// <summary>The scenario's rows: every account of the scope where it is now, with the locks asked for.</summary>
    private void Snapshot(Guid scenarioId, IReadOnlyList<ScopeAccount> accounts, IReadOnlyList<ScopeTerritory> territories,
        IReadOnlyCollection<Guid>? lockedAccounts, IReadOnlyCollection<Guid>? lockedTerritories)
    {
        var inScope = accounts.Select(a => a.Id).ToHashSet();
        var territoryIds = territories.Select(t => t.Id).ToHashSet();
        var strayAccounts = (lockedAccounts ?? []).Where(a => !inScope.Contains(a)).ToList();
        if (strayAccounts.Count > 0)
        {
            throw new DomainException($"{strayAccounts.Count} locked account(s) are not in this scenario's scope", [.. strayAccounts.Take(20).Select(a => a.ToString())], "lockedAccountIds");
        }

        var strayTerritories = (lockedTerritories ?? []).Where(t => !territoryIds.Contains(t)).ToList();
        if (strayTerritories.Count > 0)
        {
            throw new DomainException($"{strayTerritories.Count} locked territory(ies) are not in this scenario's scope", [.. strayTerritories.Take(20).Select(t => t.ToString())], "lockedTerritoryIds");
        }

        var locked = (lockedAccounts ?? []).ToHashSet();
        var unplaceable = accounts.Where(a => locked.Contains(a.Id) && a.TerritoryId is null).Select(a => a.Name).ToList();
        if (unplaceable.Count > 0)
        {
            throw new DomainException($"An account that belongs to no territory cannot be locked where it is: {string.Join(", ", unplaceable.Take(10))}.", "lockedAccountIds");
        }

        var lockedT = (lockedTerritories ?? []).ToHashSet();
        db.ScenarioTerritories.AddRange(territories.Select(t => ScenarioTerritory.Of(scenarioId, t.Id, lockedT.Contains(t.Id))));
        // An account of a territory outside the scope (a region's account in another region's territory cannot happen,
        // but a deleted territory can) starts in no territory of the scenario.
        db.ScenarioAssignments.AddRange(accounts.Select(a => ScenarioAssignment.Of(scenarioId, a.Id,
            a.TerritoryId is { } t && territoryIds.Contains(t) ? t : null, locked.Contains(a.Id))));
    }

    /// <summary>Queues the scenario for the optimizer (again, after a run, a failure or a cancel); the edits by hand are replaced by its proposal.</summary>
    public async Task<ScenarioView?> RunAsync(Guid id, string? version, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var scenario = await FindAsync(id, version, ct);
        if (scenario is null)
        {
            return null;
        }

        scenario.Queue(clock.GetUtcNow());
        await SaveAsync(ct);
        worker.Wake();
        return await GetAsync(id, ct);
    }

    public async Task<ScenarioView?> CancelAsync(Guid id, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var scenario = await FindAsync(id, null, ct);
        if (scenario is null)
        {
            return null;
        }

        scenario.RequestCancel(clock.GetUtcNow());
        await SaveAsync(ct);
        worker.CancelHere(id);
        return await GetAsync(id, ct);
    }

    /// <summary>Bases the scenario anew on the alignment as it is now, keeping its goals and the locks still in scope, and runs it again.</summary>
    public async Task<ScenarioView?> RefreshAsync(Guid id, string? version, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var now = clock.GetUtcNow();
        var found = await UnitOfWork.RunAsync(db, async token =>
        {
            var scenario = await FindAsync(id, version, token);
            if (scenario is null)
            {
                return false;
            }

            scenario.EnsureEditable();
            var lockedAccounts = await db.ScenarioAssignments.Where(r => r.ScenarioId == id && r.Locked).Select(r => r.AccountId).ToListAsync(token);
            var lockedTerritories = await db.ScenarioTerritories.Where(t => t.ScenarioId == id && t.Locked).Select(t => t.TerritoryId).ToListAsync(token);
            var (accounts, territories) = await ScenarioScopes.LoadLiveAsync(db, scenario, token);
            var inScope = accounts.Where(a => a.TerritoryId is not null).Select(a => a.Id).ToHashSet();
            var territoryIds = territories.Select(t => t.Id).ToHashSet();
            await db.ScenarioAssignments.Where(r => r.ScenarioId == id).ExecuteDeleteAsync(token);
            await db.ScenarioTerritories.Where(t => t.ScenarioId == id).ExecuteDeleteAsync(token);
            scenario.Rebase(await ScenarioScopes.HashAsync(db, accounts, territories, token), now);
            Snapshot(id, accounts, territories, [.. lockedAccounts.Where(inScope.Contains)], [.. lockedTerritories.Where(territoryIds.Contains)]);
            if (territories.Count > 0)
            {
                scenario.Queue(now);
            }

            db.AuditEntries.Add(Audit(scenario, "territory-scenario.refreshed", new { accounts = accounts.Count, territories = territories.Count }, now));
            await db.SaveChangesAsync(token);
            return true;
        }, ct, inTransaction: true);
        db.ChangeTracker.Clear();
        if (!found)
        {
            return null;
        }

        worker.Wake();
        return await GetAsync(id, ct);
    }

    /// <summary>Moves accounts to another territory of the scenario, locks or unlocks accounts or territories.</summary>
    public async Task<ScenarioView?> EditAsync(Guid id, ScenarioEdit edit, string? version, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var scenario = await FindAsync(id, version, ct);
        if (scenario is null)
        {
            return null;
        }

        scenario.EnsureEditable();
        var ids = edit.AccountIds?.Distinct().ToList() ?? [];
        if (ids.Count > AccountAssignments.MaxAccounts)
        {
            throw new DomainException($"At most {AccountAssignments.MaxAccounts:N0} accounts change at once.", "accountIds");
        }

        if (ids.Count == 0 && edit.TerritoryId is not null)
        {
            throw new DomainException("Choose the accounts to move.", "accountIds");
        }

        if (ids.Count == 0 && (edit.LockTerritoryIds?.Count ?? 0) + (edit.UnlockTerritoryIds?.Count ?? 0) == 0)
        {
            throw new DomainException("Choose the accounts to move or lock, or the territories to lock.", "accountIds");
        }

        var territories = await db.ScenarioTerritories.Where(t => t.ScenarioId == id).ToDictionaryAsync(t => t.TerritoryId, ct);
        var rows = new List<ScenarioAssignment>();
        foreach (var chunk in ids.Chunk(2_000))
        {
            rows.AddRange(await db.ScenarioAssignments.Where(r => r.ScenarioId == id && chunk.Contains(r.AccountId)).ToListAsync(ct));
        }

        var missing = ids.Except(rows.Select(r => r.AccountId)).ToList();
        if (missing.Count > 0)
        {
            throw new DomainException($"{missing.Count} of the accounts are not in this scenario", [.. missing.Take(20).Select(m => m.ToString())], "accountIds");
        }

        foreach (var t in (edit.LockTerritoryIds ?? []).Concat(edit.UnlockTerritoryIds ?? []))
        {
            if (!territories.ContainsKey(t))
            {
                throw new DomainException($"The territory {t} is not in this scenario.", "lockTerritoryIds");
            }
        }

        if (edit.Lock is { } lockIt)
        {
            foreach (var row in rows)
            {
                row.Lock(lockIt);
            }
        }

        if (edit.TerritoryId is { } to)
        {
            if (!territories.TryGetValue(to, out var target))
            {
                throw new DomainException("That territory is not in this scenario: choose one of its territories.", "territoryId");
            }

            if (target.Locked)
            {
                throw new DomainException("That territory is locked: it keeps exactly its accounts. Unlock it first.", "territoryId");
            }

            var lockedRows = rows.Where(r => r.Locked && r.BaseTerritoryId != to).ToList();
            if (lockedRows.Count > 0)
            {
                throw new DomainException($"{lockedRows.Count} of the accounts are locked where they are; unlock them first.", "accountIds");
            }

            var fromLocked = rows.Where(r => r.TerritoryId is { } from && territories.TryGetValue(from, out var f) && f.Locked && from != to).ToList();
            if (fromLocked.Count > 0)
            {
                throw new DomainException($"{fromLocked.Count} of the accounts are in a locked territory; unlock it first.", "accountIds");
            }

            foreach (var row in rows)
            {
                row.MoveTo(to);
            }
        }

        foreach (var t in edit.LockTerritoryIds ?? [])
        {
            territories[t].Lock(true);
        }

        foreach (var t in edit.UnlockTerritoryIds ?? [])
        {
            territories[t].Lock(false);
        }

        if (edit.LockTerritoryIds is { Count: > 0 } newlyLocked)
        {
            // A locked territory keeps exactly its accounts of the base: what the proposal moved in or out goes back.
            var back = newlyLocked.Select(t => (Guid?)t).ToList();
            await db.ScenarioAssignments.Where(r => r.ScenarioId == id && (back.Contains(r.BaseTerritoryId) || back.Contains(r.TerritoryId))
                    && r.TerritoryId != r.BaseTerritoryId)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.TerritoryId, r => r.BaseTerritoryId), ct);
        }

        var now = clock.GetUtcNow();
        scenario.Edited(now);
        db.AuditEntries.Add(Audit(scenario, "territory-scenario.edited", new
        {
            accounts = ids.Count,
            territoryId = edit.TerritoryId,
            edit.Lock,
            lockTerritories = edit.LockTerritoryIds,
            unlockTerritories = edit.UnlockTerritoryIds,
        }, now));
        await SaveAsync(ct);
        return await GetAsync(id, ct);
    }

    /// <summary>
    /// Applies the scenario's moves on a date, all or nothing, through <see cref="AccountAssignments"/> (one batch per
    /// territory gaining accounts, each audited, the reps told). Refused (409) when the alignment of the scope has changed
    /// since the scenario's base.
    /// </summary>
    public async Task<ScenarioApplied?> ApplyAsync(Guid id, ScenarioApply input, string? version, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var now = clock.GetUtcNow();
        try
        {
            var result = await UnitOfWork.RunAsync(db, async token =>
            {
                var scenario = await FindAsync(id, version, token);
                if (scenario is null)
                {
                    return null;
                }

                scenario.EnsureEditable();
                var effective = input.EffectiveFrom ?? await BusinessDay.TodayAsync(db, now, token);
                var (accounts, territories) = await ScenarioScopes.LoadLiveAsync(db, scenario, token);
                if (await ScenarioScopes.HashAsync(db, accounts, territories, token) != scenario.BaseHash)
                {
                    throw new InvalidStateException(Stale, "baseHash");
                }

                var moves = await db.ScenarioAssignments.AsNoTracking().Where(r => r.ScenarioId == id && r.TerritoryId != null && r.TerritoryId != r.BaseTerritoryId)
                    .OrderBy(r => r.TerritoryId).ThenBy(r => r.AccountId).Select(r => new { r.AccountId, TerritoryId = r.TerritoryId!.Value }).ToListAsync(token);
                int moved = 0, scheduled = 0;
                var groups = moves.GroupBy(m => m.TerritoryId).ToList();
                foreach (var group in groups)
                {
                    var outcome = await assignments.MoveAsync([.. group.Select(m => m.AccountId)], group.Key, effective, null, AssignmentSource.Scenario, access.Actor.Id, token);
                    moved += outcome.Moved;
                    scheduled += outcome.Scheduled;
                }

                scenario.MarkApplied(effective, now);
                db.AuditEntries.Add(Audit(scenario, "territory-scenario.applied", new
                {
                    effectiveFrom = effective.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    moved,
                    scheduled,
                    territories = groups.Count,
                }, now));
                await db.SaveChangesAsync(token);
                return new ScenarioApplied(id, effective, moved, scheduled, groups.Count);
            }, ct, inTransaction: true);
            return result;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            throw new InvalidStateException("The scenario or some of its accounts changed while it was being applied. Nothing was moved: read it again and retry.", "version");
        }
        catch (DomainException)
        {
            db.ChangeTracker.Clear();
            throw;
        }
    }

    /// <summary>
    /// Deletes the scenario and its rows (not while it runs; an applied one too: its moves stay in the accounts' history
    /// and the audit trail). If-Match is required by the API; false when there is no such scenario.
    /// </summary>
    public async Task<bool> DeleteAsync(Guid id, string? version, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var now = clock.GetUtcNow();
        try
        {
            var found = await UnitOfWork.RunAsync(db, async token =>
            {
                var scenario = await FindAsync(id, version, token);
                if (scenario is null)
                {
                    return false;
                }

                scenario.EnsureDeletable();
                var accounts = await db.ScenarioAssignments.CountAsync(r => r.ScenarioId == id, token);
                await db.ScenarioAssignments.Where(r => r.ScenarioId == id).ExecuteDeleteAsync(token);
                await db.ScenarioTerritories.Where(t => t.ScenarioId == id).ExecuteDeleteAsync(token);
                db.TerritoryScenarios.Remove(scenario);
                db.AuditEntries.Add(Audit(scenario, "territory-scenario.deleted", new
                {
                    scenario.Name,
                    status = scenario.Status.ToString(),
                    accounts,
                }, now));
                // The version read is the version deleted: a run queued meanwhile changes it and refuses the delete.
                await db.SaveChangesAsync(token);
                return true;
            }, ct, inTransaction: true);
            return found;
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new StaleScenarioException();
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private async Task<TerritoryScenario?> FindAsync(Guid id, string? version, CancellationToken ct)
    {
        var scenario = await db.TerritoryScenarios.SingleOrDefaultAsync(s => s.Id == id, ct);
        if (scenario is not null && version is not null && !(Guid.TryParse(version, out var v) && v == scenario.Version))
        {
            throw new StaleScenarioException();
        }

        return scenario;
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            throw new StaleScenarioException();
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private AuditEntry Audit(TerritoryScenario scenario, string action, object details, DateTimeOffset now) =>
        AuditEntry.Record(now, access.Actor.Id, action, "TerritoryScenario", scenario.Id.ToString(), JsonSerializer.Serialize(details, JsonSerializerOptions.Web));
}

/// <summary>The scenario changed since it was read (If-Match, or a concurrent save): 412 on the API, a form error on the page.</summary>
public sealed class StaleScenarioException() : DomainException("This scenario has changed since you read it. Read it again and retry.", "version");
