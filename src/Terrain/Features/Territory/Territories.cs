using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Territories;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Territory;

/// <summary>A territory as the API and the pages show it, with its book of business: how many accounts, what potential.</summary>
public sealed record TerritoryView(
    Guid Id,
    string Name,
    Guid? RepId,
    string? RepName,
    string? RepEmail,
    string BaseAddress,
    double? BaseLatitude,
    double? BaseLongitude,
    int Accounts,
    decimal Potential,
    string Version);

/// <summary>A territory to create or to change whole: its name, its rep (none: vacant) and where the rep works from.</summary>
public sealed record TerritoryInput(string? Name, Guid? RepId, string? BaseAddress, double? BaseLatitude, double? BaseLongitude);

public enum TerritoryOutcome
{
    Saved,
    NotFound,
    PreconditionRequired,
    Stale,
}

public sealed record TerritoryResult(TerritoryOutcome Outcome, TerritoryView? Current);

/// <summary>
/// The territories (ADR 0039): read by everyone for the reps they see, kept by leaders and admins (Act.AssignAccounts).
/// Naming a rep moves the territory's whole book to that rep in the same transaction; every change is audited.
/// </summary>
public sealed class Territories(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    /// <summary>The territories whose rep the caller sees; leaders and admins also see the vacant ones.</summary>
    public async Task<IReadOnlyList<TerritoryView>> ListAsync(CancellationToken ct)
    {
        var territories = Visible();
        var books = await db.Accounts.AsNoTracking().Where(a => a.TerritoryId != null)
            .Where(a => territories.Select(t => (Guid?)t.Id).Contains(a.TerritoryId))
            .GroupBy(a => a.TerritoryId)
            .Select(g => new { Id = g.Key!.Value, Count = g.Count(), Potential = g.Sum(a => a.AnnualPotential) })
            .ToDictionaryAsync(g => g.Id, ct);
        var rows = await territories.OrderBy(t => t.Name)
            .Select(t => new { t.Id, t.Name, t.RepId, RepName = t.Rep!.DisplayName, RepEmail = t.Rep.Email, t.BaseAddress, t.BaseLatitude, t.BaseLongitude, t.Version })
            .ToListAsync(ct);
        return [.. rows.Select(t => new TerritoryView(t.Id, t.Name, t.RepId, t.RepId is null ? null : t.RepName, t.RepId is null ? null : t.RepEmail,
            t.BaseAddress, t.BaseLatitude, t.BaseLongitude,
            books.TryGetValue(t.Id, out var b) ? b.Count : 0, books.TryGetValue(t.Id, out var p) ? p.Potential : 0, t.Version.ToString("N")))];
    }

    public async Task<TerritoryView?> GetAsync(Guid id, CancellationToken ct)
    {
        if (!await Visible().AnyAsync(t => t.Id == id, ct))
        {
            return null;
        }

        return await ViewAsync(id, ct);
    }

    /// <summary>The territory a rep covers, if the caller sees the rep.</summary>
    public async Task<Guid?> OfRepAsync(Guid repId, CancellationToken ct) =>
        await Visible().Where(t => t.RepId == repId).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(ct);

    public async Task<TerritoryView> CreateAsync(TerritoryInput input, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var now = clock.GetUtcNow();
        return await UnitOfWork.RunAsync(db, async token =>
        {
            var rep = await RepAsync(input.RepId, null, token);
            var territory = Domain.Territories.Territory.Create(input.Name, rep, Base(input), now);
            db.Territories.Add(territory);
            var adopted = rep is null ? 0 : await AdoptLooseAccountsAsync(territory, token);
            Audit("territory.created", territory, null, now, adopted);
            await SaveAsync(token);
            return (await ViewAsync(territory.Id, token))!;
        }, ct, inTransaction: true);
    }

    /// <summary>
    /// Changes a territory whole when <paramref name="expectedVersion"/> is its version. A new rep (or none) becomes the
    /// owner of every account in it, at once: the old rep loses the book and the new one gains it, both are told.
    /// </summary>
    public async Task<TerritoryResult> UpdateAsync(Guid id, TerritoryInput input, string? expectedVersion, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var now = clock.GetUtcNow();
        try
        {
            return await UnitOfWork.RunAsync(db, async token =>
            {
                var territory = await db.Territories.Include(t => t.Rep).SingleOrDefaultAsync(t => t.Id == id, token);
                if (territory is null)
                {
                    return new TerritoryResult(TerritoryOutcome.NotFound, null);
                }

                if (expectedVersion is null)
                {
                    return new TerritoryResult(TerritoryOutcome.PreconditionRequired, await ViewAsync(id, token));
                }

                if (expectedVersion != territory.Version.ToString("N"))
                {
                    return new TerritoryResult(TerritoryOutcome.Stale, await ViewAsync(id, token));
                }

                var before = await ViewAsync(id, token);
                var oldRep = territory.RepId;
                var rep = await RepAsync(input.RepId, territory.Id, token);
                var adopted = 0;
                if (territory.Change(input.Name, rep, Base(input)))
                {
                    adopted = await HandOverAsync(territory, oldRep, now, token);
                }

                Audit("territory.changed", territory, before, now, adopted);
                await SaveAsync(token);
                return new TerritoryResult(TerritoryOutcome.Saved, await ViewAsync(id, token));
            }, ct, inTransaction: true);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var current = await ViewAsync(id, ct);
            return current is null ? new(TerritoryOutcome.NotFound, null) : new(TerritoryOutcome.Stale, current);
        }
    }

    /// <summary>
    /// The territories the caller sees (vacant ones too, for leaders and admins) and those of <paramref name="alsoIds"/>:
    /// id, name and rep, for the map's legend and table.
    /// </summary>
    public async Task<IReadOnlyList<(Guid Id, string Name, Guid? RepId, string? RepName)>> NamesAsync(IReadOnlyCollection<Guid> alsoIds, CancellationToken ct)
    {
        var visible = Visible().Select(t => t.Id);
        var rows = await db.Territories.AsNoTracking().Where(t => visible.Contains(t.Id) || alsoIds.Contains(t.Id))
            .Select(t => new { t.Id, t.Name, t.RepId, RepName = t.Rep!.DisplayName }).ToListAsync(ct);
        return [.. rows.Select(r => (r.Id, r.Name, r.RepId, r.RepId is null ? null : r.RepName))];
    }

    /// <summary>Territories to choose from when moving accounts (leaders and admins), by name.</summary>
    public async Task<IReadOnlyList<(Guid Id, string Label)>> ChoicesAsync(CancellationToken ct)
    {
        var rows = await db.Territories.AsNoTracking().OrderBy(t => t.Name)
            .Select(t => new { t.Id, t.Name, t.RepId, Rep = t.Rep!.DisplayName }).ToListAsync(ct);
        return [.. rows.Select(r => (r.Id, r.RepId is null ? $"{r.Name} (vacant)" : $"{r.Name} ({r.Rep})"))];
    }

    private IQueryable<Domain.Territories.Territory> Visible()
    {
        var territories = db.Territories.AsNoTracking();
        if (access.SeesEveryone)
        {
            return territories;
        }

        var reps = access.VisibleUsers().Select(u => (Guid?)u.Id);
        return territories.Where(t => reps.Contains(t.RepId));
    }

    private async Task<TerritoryView?> ViewAsync(Guid id, CancellationToken ct)
    {
        var t = await db.Territories.AsNoTracking().Where(t => t.Id == id)
            .Select(t => new { t.Id, t.Name, t.RepId, RepName = t.Rep!.DisplayName, RepEmail = t.Rep.Email, t.BaseAddress, t.BaseLatitude, t.BaseLongitude, t.Version })
            .SingleOrDefaultAsync(ct);
        if (t is null)
        {
            return null;
        }

        var book = await db.Accounts.AsNoTracking().Where(a => a.TerritoryId == id).GroupBy(_ => 1)
            .Select(g => new { Count = g.Count(), Potential = g.Sum(a => a.AnnualPotential) }).SingleOrDefaultAsync(ct);
        return new TerritoryView(t.Id, t.Name, t.RepId, t.RepId is null ? null : t.RepName, t.RepId is null ? null : t.RepEmail,
            t.BaseAddress, t.BaseLatitude, t.BaseLongitude, book?.Count ?? 0, book?.Potential ?? 0, t.Version.ToString("N"));
    }

    /// <summary>The rep named, checked: an active rep who covers no other territory.</summary>
    private async Task<AppUser?> RepAsync(Guid? repId, Guid? territoryId, CancellationToken ct)
    {
        if (repId is not { } id)
        {
            return null;
        }

        var rep = await db.Users.SingleOrDefaultAsync(u => u.Id == id, ct)
            ?? throw new DomainException($"No user has the id {id}.", "repId");
        Domain.Territories.Territory.EnsureCanCover(rep);
        var other = await db.Territories.AsNoTracking().Where(t => t.RepId == id && t.Id != territoryId).Select(t => t.Name).FirstOrDefaultAsync(ct);
        return other is null
            ? rep
            : throw new DomainException($"{rep.DisplayName} already covers {other}. Make that territory vacant first, or move its accounts.", "repId");
    }

    /// <summary>A rep's accounts from before territories (owned, in none) join the rep's new territory.</summary>
    private Task<int> AdoptLooseAccountsAsync(Domain.Territories.Territory territory, CancellationToken ct) => AdoptLooseAccountsAsync(db, territory, ct);

    private static async Task<int> AdoptLooseAccountsAsync(AppDbContext db, Domain.Territories.Territory territory, CancellationToken ct)
    {
        var loose = await db.Accounts.Where(a => a.OwnerId == territory.RepId && a.TerritoryId == null).ToListAsync(ct);
        foreach (var account in loose)
        {
            account.PlaceIn(territory);
        }

        return loose.Count;
    }

    /// <summary>The territory's accounts follow its new rep (or none): each move is recorded as the book's history.</summary>
    private Task<int> HandOverAsync(Domain.Territories.Territory territory, Guid? oldRep, DateTimeOffset now, CancellationToken ct) =>
        HandOverAsync(db, territory, oldRep, access.Actor.Id, now, ct);

    private static async Task<int> HandOverAsync(AppDbContext db, Domain.Territories.Territory territory, Guid? oldRep, Guid? actorId, DateTimeOffset now,
        CancellationToken ct)
    {
        var adopted = territory.RepId is null ? 0 : await AdoptLooseAccountsAsync(db, territory, ct);
        var accounts = await db.Accounts.Where(a => a.TerritoryId == territory.Id && a.OwnerId == oldRep).ToListAsync(ct);
        var batch = Guid.NewGuid();
        var today = await BusinessDay.TodayAsync(db, now, ct);
        foreach (var account in accounts)
        {
            account.PlaceIn(territory);
            db.AccountAssignments.Add(AccountAssignment.Applied(batch, account, territory.Id, oldRep, territory, today, AssignmentSource.RepChange, actorId, now));
            db.AuditEntries.Add(AccountAssignments.AuditOf(account, territory.Id, territory.Name, oldRep, territory, today, AssignmentSource.RepChange, batch, actorId, now));
        }

        if (accounts.Count > 0)
        {
            var names = accounts.Select(a => a.Name).ToList();
            if (oldRep is { } lost)
            {
                db.Notifications.Add(AccountAssignments.Told(lost, batch, today, today, [], names, now));
            }

            if (territory.RepId is { } gained)
            {
                db.Notifications.Add(AccountAssignments.Told(gained, batch, today, today, names, [], now));
            }
        }

        return adopted;
    }

    /// <summary>
    /// A deactivated rep's territory becomes vacant, in the caller's transaction: its accounts stay in it without an
    /// owner, each change kept in the book's history (dated today, like any rep change) and audited, and the territory
    /// change audited with the reason. Returns the territory's name, or null when the rep covered none.
    /// </summary>
    internal static async Task<string?> VacateAsync(AppDbContext db, Guid repId, Guid? actorId, DateTimeOffset now, CancellationToken ct)
    {
        var territory = await db.Territories.Include(t => t.Rep).SingleOrDefaultAsync(t => t.RepId == repId, ct);
        if (territory is null)
        {
            return null;
        }

        territory.Change(territory.Name, null, new TerritoryBase(territory.BaseAddress, territory.BaseLatitude, territory.BaseLongitude));
        var accounts = await db.Accounts.CountAsync(a => a.TerritoryId == territory.Id && a.OwnerId == repId, ct);
        await HandOverAsync(db, territory, repId, actorId, now, ct);
        db.AuditEntries.Add(AuditEntry.Record(now, actorId, "territory.vacated", "Territory", territory.Id.ToString(),
            JsonSerializer.Serialize(
                new
                {
                    territory.Name,
                    formerRepId = repId,
                    reason = "rep deactivated",
                    accounts,
                    effectiveFrom = (await BusinessDay.TodayAsync(db, now, ct)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                },
                JsonSerializerOptions.Web)));
        return territory.Name;
    }

    /// <summary>
    /// A reactivated rep gets back the territory their deactivation vacated (ADR 0048), in the caller's transaction,
    /// when it is still vacant: its accounts follow them (moves dated today, audited, like any rep change), the
    /// territory change is audited and the rep told. Otherwise (someone else covers it, or there was none) the leaders
    /// are told that the rep covers no territory. Returns what happened, in words for the person who reactivated them.
    /// </summary>
    internal static async Task<string> RestoreAsync(AppDbContext db, AppUser rep, Guid? actorId, DateTimeOffset now, CancellationToken ct)
    {
        var id = rep.Id.ToString();
        var vacated = (await db.AuditEntries.AsNoTracking().Where(e => e.Action == "territory.vacated" && e.Details != null && e.Details.Contains(id))
                .Select(e => new { e.Id, e.EntityId }).ToListAsync(ct))
            .OrderByDescending(e => e.Id).FirstOrDefault();
        var territory = vacated is not null && Guid.TryParse(vacated.EntityId, out var territoryId)
            ? await db.Territories.SingleOrDefaultAsync(t => t.Id == territoryId, ct)
            : null;
        var covers = await db.Territories.AnyAsync(t => t.RepId == rep.Id, ct);
        if (territory is { RepId: null } && !covers && rep.Role == Role.Rep)
        {
            territory.Change(territory.Name, rep, new TerritoryBase(territory.BaseAddress, territory.BaseLatitude, territory.BaseLongitude));
            var accounts = await db.Accounts.CountAsync(a => a.TerritoryId == territory.Id && a.OwnerId == null, ct);
            await HandOverAsync(db, territory, null, actorId, now, ct);
            db.AuditEntries.Add(AuditEntry.Record(now, actorId, "territory.restored", "Territory", territory.Id.ToString(),
                JsonSerializer.Serialize(
                    new
                    {
                        territory.Name,
                        repId = rep.Id,
                        reason = "rep reactivated",
                        accounts,
                        effectiveFrom = (await BusinessDay.TodayAsync(db, now, ct)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                    },
                    JsonSerializerOptions.Web)));
            db.Notifications.Add(Notification.Create(rep.Id, $"territory-restored:{territory.Id}:{now.ToUnixTimeSeconds()}", $"{territory.Name} is yours again",
                $"You are back, and {territory.Name} is yours again from today, with its {accounts} {(accounts == 1 ? "account" : "accounts")}.", "/Territory", now));
            return $"{rep.DisplayName} covers {territory.Name} again, with its {accounts} {(accounts == 1 ? "account" : "accounts")}, from today.";
        }

        if (covers || rep.Role != Role.Rep)
        {
            return "";
        }

        var why = territory is null
            ? "their territory is gone or they covered none"
            : $"{territory.Name}, vacated when they left, is covered by {(await db.Users.AsNoTracking().Where(u => u.Id == territory.RepId).Select(u => u.DisplayName).SingleOrDefaultAsync(ct)) ?? "another rep"} now";
        var leaders = await db.Users.AsNoTracking().Where(u => u.IsActive && (u.Role == Role.Leader || u.Role == Role.Admin)).Select(u => u.Id).ToListAsync(ct);
        foreach (var leader in leaders)
        {
            db.Notifications.Add(Notification.Create(leader, $"rep-without-territory:{rep.Id}:{now.ToUnixTimeSeconds()}", $"{rep.DisplayName} has no territory",
                $"{rep.DisplayName} is active again but covers no territory ({why}). Name them on a territory.", "/Territory/Territories", now));
        }

        return $"{rep.DisplayName} covers no territory: {why}. Name them on a territory.";
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException && Infrastructure.DbConflicts.IsConflict(e))
        {
            db.ChangeTracker.Clear();
            throw new DomainException("That rep was given another territory at the same moment. Reload and choose again.", "repId");
        }
    }

    private static TerritoryBase Base(TerritoryInput input) => new(input.BaseAddress, input.BaseLatitude, input.BaseLongitude);

    private void Audit(string action, Domain.Territories.Territory territory, TerritoryView? before, DateTimeOffset now, int adopted) =>
        db.AuditEntries.Add(AuditEntry.Record(now, access.Actor.Id, action, "Territory", territory.Id.ToString(),
            JsonSerializer.Serialize(new
            {
                before = before is null ? null : new { before.Name, before.RepId, before.BaseAddress, before.BaseLatitude, before.BaseLongitude },
                after = new { territory.Name, territory.RepId, territory.BaseAddress, territory.BaseLatitude, territory.BaseLongitude },
                adoptedAccounts = adopted,
            }, JsonSerializerOptions.Web)));
}
