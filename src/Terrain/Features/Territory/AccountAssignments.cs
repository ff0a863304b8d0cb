using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Territories;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Territory;

/// <summary>
/// Moves accounts to a territory: the ids (all must exist: the refusal names the ones that do not), the territory, and
/// optionally the day the move takes effect (today when left out). <paramref name="Versions"/>, optional, pins
/// accounts to the versions read: a move over someone else's change is refused (409).
/// </summary>
public sealed record AssignmentRequest(
    IReadOnlyList<Guid>? AccountIds,
    Guid? TerritoryId,
    DateOnly? EffectiveFrom,
    IReadOnlyDictionary<Guid, string>? Versions = null);

/// <summary>What a move did: accounts moved now, moves dated later (pending), and accounts already there.</summary>
public sealed record AssignmentOutcome(Guid Batch, Guid TerritoryId, string TerritoryName, DateOnly EffectiveFrom, int Moved, int Scheduled, int Unchanged);

/// <summary>
/// The one way accounts change territory (ADR 0039), for the pages, the API, the rules and the map: all or nothing,
/// effective-dated (a move dated after today waits as pending until <see cref="ApplyDueAsync"/> applies it), every
/// move audited and kept as the history of each rep's book of business, and the reps concerned told. Actuals are
/// never touched: a closed deal stays credited to its owner at close.
/// </summary>
public sealed class AccountAssignments(AppDbContext db, AccessPolicy access, TimeProvider clock, ILogger<AccountAssignments> logger)
{
    /// <summary>The most accounts one request moves.</summary>
    public const int MaxAccounts = 50_000;

    /// <summary>How far ahead a move may be dated.</summary>
    public const int MaxDaysAhead = 3 * 366;

    /// <summary>
    /// The ids a form posts in one field (<c>idList</c>: separated by commas, spaces or new lines), added to those it
    /// posts one field each (<c>ids</c>, the no-script table's checkboxes). One field because ASP.NET reads at most 1,024
    /// form values, which a map selection passes easily. Refuses more than <see cref="MaxAccounts"/> ids, or one that is
    /// not an id, naming the field.
    /// </summary>
    public static List<Guid> ParseIds(IEnumerable<Guid>? ids, string? idList)
    {
        var all = new List<Guid>(ids ?? []);
        var tokens = (idList ?? "").Split([',', ';', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (all.Count + tokens.Length > MaxAccounts)
        {
            throw new DomainException($"At most {MaxAccounts:N0} accounts move at once; this asked for {all.Count + tokens.Length:N0}.", "accountIds");
        }

        foreach (var token in tokens)
        {
            all.Add(Guid.TryParse(token, out var id)
                ? id
                : throw new DomainException($"'{(token.Length <= 40 ? token : token[..40] + "…")}' is not an account id; nothing was moved.", "accountIds"));
        }

        return all;
    }

    public async Task<AssignmentOutcome> AssignAsync(AssignmentRequest request, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var ids = request.AccountIds?.Distinct().ToList() ?? [];
        if (ids.Count == 0)
        {
            throw new DomainException("Choose at least one account to move.", "accountIds");
        }

        if (ids.Count > MaxAccounts)
        {
            throw new DomainException($"At most {MaxAccounts:N0} accounts move at once; this asked for {ids.Count:N0}.", "accountIds");
        }

        var territoryId = request.TerritoryId ?? throw new DomainException("Choose the territory to move the accounts to.", "territoryId");
        try
        {
            return await UnitOfWork.RunAsync(db, token => MoveAsync(ids, territoryId, request.EffectiveFrom, request.Versions,
                AssignmentSource.Manual, access.Actor.Id, token), ct, inTransaction: true);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            throw new InvalidStateException("Some of these accounts changed while they were being moved. Nothing was moved: read them again and retry.", "accountIds");
        }
    }

    /// <summary>
    /// Moves the accounts, in the caller's transaction, without asking who may: the caller has (the API and pages through
    /// <see cref="AssignAsync"/>, rules and imports on their own terms).
    /// </summary>
    internal async Task<AssignmentOutcome> MoveAsync(IReadOnlyList<Guid> ids, Guid territoryId, DateOnly? effectiveFrom,
        IReadOnlyDictionary<Guid, string>? versions, AssignmentSource source, Guid? actorId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = await BusinessDay.TodayAsync(db, now, ct);
        var effective = effectiveFrom ?? today;
        if (effective > today.AddDays(MaxDaysAhead))
        {
            throw new DomainException($"A move can be dated at most three years ahead; {effective:yyyy-MM-dd} is further.", "effectiveFrom");
        }

        var territory = await db.Territories.Include(t => t.Rep).SingleOrDefaultAsync(t => t.Id == territoryId, ct)
            ?? throw new DomainException($"No territory has the id {territoryId}.", "territoryId");
        var accounts = new List<Account>(ids.Count);
        foreach (var chunk in ids.Chunk(2_000))
        {
            accounts.AddRange(await db.Accounts.Where(a => chunk.Contains(a.Id)).ToListAsync(ct));
        }

        var found = accounts.Select(a => a.Id).ToHashSet();
        var missing = ids.Where(id => !found.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            throw new DomainException($"{missing.Count} of the accounts do not exist, so none was moved",
                [.. missing.Take(50).Select(id => id.ToString())], "accountIds");
        }

        if (versions is not null)
        {
            var stale = accounts.Where(a => versions.TryGetValue(a.Id, out var v) && !(Guid.TryParse(v, out var read) && read == a.Version)).Select(a => a.Name).ToList();
            if (stale.Count > 0)
            {
                throw new InvalidStateException($"Someone changed {string.Join(", ", stale.Take(10))} after you read it; nothing was moved. Read it again and retry.", "versions");
            }
        }

        var batch = Guid.NewGuid();
        var fromNames = await TerritoryNamesAsync(accounts.Select(a => a.TerritoryId), ct);
        int moved = 0, scheduled = 0, unchanged = 0;
        var gains = new List<(Guid? From, string Name)>();
        if (effective <= today)
        {
            foreach (var account in accounts)
            {
                var (fromTerritory, fromRep) = (account.TerritoryId, account.OwnerId);
                if (!account.PlaceIn(territory))
                {
                    unchanged++;
                    continue;
                }

                moved++;
                gains.Add((fromRep, account.Name));
                db.AccountAssignments.Add(AccountAssignment.Applied(batch, account, fromTerritory, fromRep, territory, effective, source, actorId, now));
                db.AuditEntries.Add(AuditOf(account, fromTerritory, Name(fromNames, fromTerritory), fromRep, territory, effective, source, batch, actorId, now));
            }
        }
        else
        {
            // One dated move per account: a later decision replaces an earlier one that has not happened yet.
            var pending = new List<AccountAssignment>();
            foreach (var chunk in ids.Chunk(2_000))
            {
                pending.AddRange(await db.AccountAssignments.Where(p => p.Status == AssignmentStatus.Pending && chunk.Contains(p.AccountId)).ToListAsync(ct));
            }

            foreach (var replaced in pending)
            {
                replaced.Cancel();
            }

            foreach (var account in accounts)
            {
                scheduled++;
                gains.Add((account.OwnerId, account.Name));
                db.AccountAssignments.Add(AccountAssignment.Scheduled(batch, account, territory, effective, source, actorId, now));
                db.AuditEntries.Add(AuditOf(account, account.TerritoryId, Name(fromNames, account.TerritoryId), account.OwnerId, territory, effective, source, batch, actorId, now,
                    "account.assignment-scheduled"));
            }
        }

        Tell(gains, territory.RepId, batch, effective, today, now);
        await db.SaveChangesAsync(ct);
        return new AssignmentOutcome(batch, territory.Id, territory.Name, effective, moved, scheduled, unchanged);
    }

    /// <summary>
    /// Applies every pending move whose day has come (a background job runs it, ADR 0039). Safe to run on several
    /// instances at once: a move another instance applied first is left to it. Returns how many moves were applied.
    /// </summary>
    public async Task<int> ApplyDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = await BusinessDay.TodayAsync(db, now, ct);
        var total = 0;
        while (true)
        {
            int applied;
            try
            {
                applied = await UnitOfWork.RunAsync(db, token => ApplyBatchAsync(today, now, token), ct, inTransaction: true);
            }
            catch (DbUpdateConcurrencyException e)
            {
                db.ChangeTracker.Clear();
                logger.LogInformation(e, "Pending account moves were applied elsewhere meanwhile; the rest wait for the next run.");
                return total;
            }

            db.ChangeTracker.Clear();
            total += applied;
            if (applied < ApplyBatchSize)
            {
                return total;
            }
        }
    }

    private const int ApplyBatchSize = 2_000;

    private async Task<int> ApplyBatchAsync(DateOnly today, DateTimeOffset now, CancellationToken ct)
    {
        var due = await db.AccountAssignments.Where(p => p.Status == AssignmentStatus.Pending && p.EffectiveFrom <= today)
            .OrderBy(p => p.EffectiveFrom).ThenBy(p => p.CreatedAt).Take(ApplyBatchSize).ToListAsync(ct);
        if (due.Count == 0)
        {
            return 0;
        }

        var accountIds = due.Select(p => p.AccountId).Distinct().ToList();
        var accounts = await db.Accounts.Where(a => accountIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var territoryIds = due.Select(p => p.ToTerritoryId).Distinct().ToList();
        var territories = await db.Territories.Include(t => t.Rep).Where(t => territoryIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ct);
        var fromNames = await TerritoryNamesAsync(accounts.Values.Select(a => a.TerritoryId), ct);
        foreach (var batch in due.GroupBy(p => p.Batch))
        {
            var gains = new List<(Guid? From, string Name)>();
            Domain.Territories.Territory? to = null;
            foreach (var move in batch)
            {
                var account = accounts[move.AccountId];
                to = territories[move.ToTerritoryId];
                var (fromTerritory, fromRep) = (account.TerritoryId, account.OwnerId);
                move.Apply(account, to, now);
                if (fromTerritory == to.Id && fromRep == to.RepId)
                {
                    continue;
                }

                gains.Add((fromRep, account.Name));
                db.AuditEntries.Add(AuditOf(account, fromTerritory, Name(fromNames, fromTerritory), fromRep, to, move.EffectiveFrom, move.Source, move.Batch,
                    move.CreatedById, now));
            }

            if (to is not null)
            {
                Tell(gains, to.RepId, batch.Key, batch.First().EffectiveFrom, today, now, applied: true);
            }
        }

        await db.SaveChangesAsync(ct);
        return due.Count;
    }

    /// <summary>The reps concerned hear once per batch: the rep gaining the accounts and each rep losing some.</summary>
    private void Tell(List<(Guid? From, string Name)> moves, Guid? toRep, Guid batch, DateOnly effective, DateOnly today, DateTimeOffset now, bool applied = false)
    {
        if (moves.Count == 0)
        {
            return;
        }

        var suffix = applied ? ":applied" : "";
        if (toRep is { } gainer)
        {
            var gained = moves.Where(m => m.From != gainer).Select(m => m.Name).ToList();
            if (gained.Count > 0)
            {
                db.Notifications.Add(Told(gainer, batch, effective, today, gained, [], now, suffix));
            }
        }

        foreach (var loser in moves.Where(m => m.From is { } f && f != toRep).GroupBy(m => m.From!.Value))
        {
            db.Notifications.Add(Told(loser.Key, batch, effective, today, [], [.. loser.Select(m => m.Name)], now, suffix));
        }
    }

    internal static Notification Told(Guid rep, Guid batch, DateOnly effective, DateOnly today, IReadOnlyList<string> gained, IReadOnlyList<string> lost,
        DateTimeOffset now, string suffix = "")
    {
        var when = effective > today ? $"From {Day(effective)}" : effective < today ? $"As of {Day(effective)}" : "Today";
        var parts = new List<string>();
        if (gained.Count > 0)
        {
            parts.Add($"you gain {Accounts(gained)}");
        }

        if (lost.Count > 0)
        {
            parts.Add($"you lose {Accounts(lost)}");
        }

        var title = effective > today ? $"Your book of business changes on {Day(effective)}" : "Your book of business has changed";
        var body = $"{when} {string.Join(" and ", parts)}. Closed deals stay credited to whoever owned the account when they closed.";
        return Notification.Create(rep, $"book:{batch:N}{suffix}", title, body.Length <= 2000 ? body : body[..1997] + "...", "/Territory/Changes", now);
    }

    private static string Accounts(IReadOnlyList<string> names) =>
        names.Count == 1 ? names[0] : $"{names.Count} accounts ({string.Join(", ", names.Take(5))}{(names.Count > 5 ? ", …" : "")})";

    private static string Day(DateOnly day) => day.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    internal static AuditEntry AuditOf(Account account, Guid? fromTerritory, string? fromName, Guid? fromRep, Domain.Territories.Territory to,
        DateOnly effective, AssignmentSource source, Guid batch, Guid? actorId, DateTimeOffset now, string action = "account.assigned") =>
        AuditEntry.Record(now, actorId, action, "Account", account.Id.ToString(), JsonSerializer.Serialize(new
        {
            account = account.Name,
            from = fromTerritory is null ? null : new { id = fromTerritory, name = fromName, repId = fromRep },
            fromOwnerId = fromRep,
            to = new { id = to.Id, name = to.Name, repId = to.RepId },
            effectiveFrom = effective.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            source = source.ToString(),
            batch,
        }, JsonSerializerOptions.Web));

    private async Task<Dictionary<Guid, string>> TerritoryNamesAsync(IEnumerable<Guid?> ids, CancellationToken ct)
    {
        var wanted = ids.Where(i => i is not null).Select(i => i!.Value).Distinct().ToList();
        return wanted.Count == 0
            ? []
            : await db.Territories.AsNoTracking().Where(t => wanted.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, ct);
    }

    private static string? Name(Dictionary<Guid, string> names, Guid? id) => id is { } i && names.TryGetValue(i, out var n) ? n : null;
}

/// <summary>Applies pending account moves when their day comes, every few minutes (Terrain:AssignmentIntervalMinutes, 15 by default).</summary>
public sealed class PendingAssignmentService(IServiceProvider services, IConfiguration configuration, TimeProvider clock, ILogger<PendingAssignmentService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The same switch as the reminders: tests and one-off commands run without background jobs.
        if (!configuration.GetValue("Terrain:Reminders", true))
        {
            return;
        }

        var interval = TimeSpan.FromMinutes(Math.Max(1, configuration.GetValue("Terrain:AssignmentIntervalMinutes", 15)));
        using var timer = new PeriodicTimer(interval, clock);
        do
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var applied = await scope.ServiceProvider.GetRequiredService<AccountAssignments>().ApplyDueAsync(stoppingToken);
                if (applied > 0)
                {
                    logger.LogInformation("Applied {Count} dated account move(s).", applied);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Applying dated account moves failed; they will be tried again.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
