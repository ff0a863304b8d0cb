using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Quotas;

/// <summary>
/// One rep's (or a manager's team) quota in a batch: an amount for each quarter of the cycle (Q4 empty in a cycle of
/// three quarters), the seat dates (cleared when left out), and the version the row was read at.
/// </summary>
public sealed record QuotaBatchRow(Guid RepId, int? Version, decimal? Q1, decimal? Q2, decimal? Q3, decimal? Q4,
    DateOnly? InSeatFrom = null, DateOnly? InSeatTo = null)
{
    public decimal? Quarter(int n) => n switch
    {
        1 => Q1,
        2 => Q2,
        3 => Q3,
        4 => Q4,
        _ => throw new ArgumentOutOfRangeException(nameof(n), n, "A cycle has at most four quarters."),
    };
}

/// <summary>Quotas saved together: every row or none. <see cref="Reason"/> is kept in each rep's quota history.</summary>
public sealed record QuotaBatch(List<QuotaBatchRow>? Rows, string? Reason = null);

/// <summary>A row whose quota changed since it was read: who changed it and when, so the writer can look before retrying.</summary>
public sealed record QuotaConflict(int Row, Guid RepId, string RepName, int? YourVersion, int CurrentVersion, string? ChangedBy,
    DateTimeOffset? ChangedAt, string Message);

/// <summary>What a batch came to: saved, refused for its input (errors by field, e.g. <c>rows[3].q2</c>), refused as stale, or not found.</summary>
public abstract record QuotaSaveOutcome
{
    /// <summary><see cref="Changed"/> counts the rows that differed from what was held; the others were left alone.</summary>
    public sealed record Saved(int Rows, int Changed, Guid BatchId) : QuotaSaveOutcome;

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : QuotaSaveOutcome;

    public sealed record Stale(IReadOnlyList<QuotaConflict> Conflicts) : QuotaSaveOutcome;

    /// <summary>The cycle, or a rep the caller may not see.</summary>
    public sealed record Missing : QuotaSaveOutcome;
}

/// <summary>
/// Saves quotas for many reps at once, in one transaction (ADR 0034): the person is checked for every row first (a
/// rep the caller cannot see is 404, one they may not set is 403), then every input (all problems named by row and
/// quarter), then every version; one stale row and nothing is written. Each quarter that changes leaves a history row
/// (who, when, old and new, through what, why), and each rep an audit entry. The grid, the CSV import and the API all
/// come through here.
/// </summary>
public sealed class SaveQuotas(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    public const int MaxRows = 5_000;

    public async Task<QuotaSaveOutcome> SaveAsync(Guid cycleId, QuotaBatch batch, QuotaSource source, CancellationToken ct,
        bool versionRequired = true)
    {
        var cycle = await db.Cycles.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cycleId, ct);
        if (cycle is null)
        {
            return new QuotaSaveOutcome.Missing();
        }

        var rows = batch.Rows ?? [];
        var ids = rows.Select(r => r.RepId).Distinct().ToList();
        var reps = await access.VisibleUsers().AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        if (reps.Count != ids.Count)
        {
            return new QuotaSaveOutcome.Missing();
        }

        // The person before the input: every row's rep must be one the caller may set.
        foreach (var rep in reps.Values)
        {
            Permissions.Ensure(access.Actor, Act.SetQuota, new About(rep.Id, rep.ManagerId));
        }

        cycle.EnsureOpen();
        var errors = new Dictionary<string, List<string>>();
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        if (rows.Count == 0)
        {
            Add("rows", "Give at least one row: a rep and their quota per quarter.");
        }
        else if (rows.Count > MaxRows)
        {
            Add("rows", $"At most {MaxRows} rows can be saved at once; this batch has {rows.Count}.");
        }

        if (batch.Reason?.Trim().Length > QuotaChange.MaxReason)
        {
            Add("reason", $"The reason is limited to {QuotaChange.MaxReason} characters.");
        }

        var withPlans = (await db.Plans.Where(p => p.CycleId == cycle.Id && ids.Contains(p.OwnerId)).Select(p => p.OwnerId).ToListAsync(ct)).ToHashSet();
        var count = cycle.Quarters.Count;
        var seen = new HashSet<Guid>();
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var rep = reps[row.RepId];
            var at = $"rows[{i}]";
            if (!seen.Add(row.RepId))
            {
                Add($"{at}.repId", $"{rep.DisplayName} is in the batch twice; give each rep once.");
                continue;
            }

            if (rep.Role is not (Role.Rep or Role.Manager))
            {
                Add($"{at}.repId", $"{rep.DisplayName} is neither a sales rep nor a manager; quotas are set for reps and for managers' teams.");
                continue;
            }

            if (rep.Role == Role.Rep && !withPlans.Contains(rep.Id))
            {
                Add($"{at}.repId", $"{rep.DisplayName} has no plan in {cycle.Name}.");
            }

            if (versionRequired && row.Version is null)
            {
                Add($"{at}.version", $"{rep.DisplayName}: give the version of the quota you read (0 for a quota never set), so that no one else's change is overwritten.");
            }

            for (var n = 1; n <= 4; n++)
            {
                var amount = row.Quarter(n);
                if (n > count)
                {
                    if (amount is not null)
                    {
                        Add($"{at}.q{n}", $"{rep.DisplayName}, Q{n}: {cycle.Name} has only {count} quarters.");
                    }

                    continue;
                }

                if (amount is not { } a)
                {
                    Add($"{at}.q{n}", $"{rep.DisplayName}, Q{n}: no quota given; use 0 for a quarter without one.");
                    continue;
                }

                try
                {
                    Quota.Validate(a, $"{at}.q{n}");
                }
                catch (DomainException e)
                {
                    Add($"{at}.q{n}", $"{rep.DisplayName}, Q{n}: {e.Message}");
                }
            }

            if (rep.Role == Role.Manager && (row.InSeatFrom is not null || row.InSeatTo is not null))
            {
                Add($"{at}.inSeatFrom", $"{rep.DisplayName}: a team quota has no seat dates; they prorate a rep's targets.");
            }
            else if (row.InSeatFrom is { } from && row.InSeatTo is { } to && to < from)
            {
                Add($"{at}.inSeatTo", $"{rep.DisplayName}: the last day in the seat is before the first.");
            }
        }

        if (errors.Count > 0)
        {
            return new QuotaSaveOutcome.Invalid(errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        }

        var headers = await db.RepQuotas.Where(q => q.CycleId == cycle.Id && ids.Contains(q.RepId)).ToDictionaryAsync(q => q.RepId, ct);
        if (await ConflictsAsync(rows, reps, headers.ToDictionary(h => h.Key, h => (h.Value.Version, h.Value.ChangedById, h.Value.ChangedAt)), ct) is { Count: > 0 } stale)
        {
            return new QuotaSaveOutcome.Stale(stale);
        }

        var quotas = (await db.Quotas.Where(q => q.CycleId == cycle.Id && ids.Contains(q.RepId)).ToListAsync(ct)).ToLookup(q => q.RepId);
        var seats = await db.RepSeats.Where(s => s.CycleId == cycle.Id && ids.Contains(s.RepId)).ToDictionaryAsync(s => s.RepId, ct);
        var now = clock.GetUtcNow();
        var actor = access.Actor;
        var batchId = Guid.CreateVersion7(now);
        var changed = 0;
        foreach (var row in rows)
        {
            var held = quotas[row.RepId].ToDictionary(q => q.Quarter);
            var seat = seats.GetValueOrDefault(row.RepId);
            var quarters = Enumerable.Range(1, count).Where(n => held.GetValueOrDefault(n)?.Amount != row.Quarter(n)).ToList();
            var seatChanged = seat?.From != row.InSeatFrom || seat?.To != row.InSeatTo;
            if (quarters.Count == 0 && !seatChanged)
            {
                continue;
            }

            changed++;
            if (!headers.TryGetValue(row.RepId, out var header))
            {
                header = RepQuota.Start(cycle.Id, row.RepId, now);
                db.RepQuotas.Add(header);
            }

            header.Touch(actor.Id, now);
            if (header.IsPublished && reps[row.RepId].Role == Role.Rep)
            {
                // After publication every change is the rep's to know and to acknowledge again (ADR 0038).
                db.Notifications.Add(Notification.Create(row.RepId, $"quota-changed:{cycle.Id}:{row.RepId}:{header.Version}", $"Your {cycle.Name} quota changed",
                    $"Your quota for {cycle.Name} was changed{(string.IsNullOrWhiteSpace(batch.Reason) ? "" : $" ({batch.Reason.Trim()})")}: read your quota letter and acknowledge it again.",
                    QuotaAllocations.LetterLink(cycle.Id), now));
            }

            var before = Enumerable.Range(1, count).Select(n => held.GetValueOrDefault(n)?.Amount).ToList();
            foreach (var n in quarters)
            {
                var amount = row.Quarter(n)!.Value;
                if (held.GetValueOrDefault(n) is { } quota)
                {
                    quota.Change(amount, actor.Id, now);
                }
                else
                {
                    db.Quotas.Add(Quota.Set(cycle.Id, row.RepId, n, amount, actor.Id, now));
                }

                db.QuotaChanges.Add(QuotaChange.Record(header, n, before[n - 1], amount, source, batchId, batch.Reason, actor.Id, now));
            }

            if (seatChanged)
            {
                if (seat is not null)
                {
                    seat.Change(row.InSeatFrom, row.InSeatTo, actor.Id, now);
                }
                else
                {
                    db.RepSeats.Add(RepSeat.Set(cycle.Id, row.RepId, row.InSeatFrom, row.InSeatTo, actor.Id, now));
                }
            }

            db.AuditEntries.Add(AuditEntry.Record(now, actor.Id, "quota.set", "Quota", row.RepId.ToString(),
                JsonSerializer.Serialize(new
                {
                    cycle = cycle.Id,
                    rep = row.RepId,
                    source = source.ToString(),
                    batch = batchId,
                    version = header.Version,
                    before,
                    after = Enumerable.Range(1, count).Select(row.Quarter).ToList(),
                    seatBefore = new { from = seat?.From, to = seat?.To },
                    seatAfter = new { from = row.InSeatFrom, to = row.InSeatTo },
                    reason = batch.Reason,
                })));
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbConflicts.IsConflict(e))
        {
            // Someone saved between the check and the write: name the rows whose version moved.
            db.ChangeTracker.Clear();
            var current = await db.RepQuotas.AsNoTracking().Where(q => q.CycleId == cycle.Id && ids.Contains(q.RepId))
                .ToDictionaryAsync(q => q.RepId, q => (q.Version, q.ChangedById, q.ChangedAt), ct);
            var raced = await ConflictsAsync(rows.Select(r => r with { Version = r.Version ?? headers.GetValueOrDefault(r.RepId)?.Version ?? 0 }).ToList(),
                reps, current, ct);
            return new QuotaSaveOutcome.Stale(raced.Count > 0
                ? raced
                : [new QuotaConflict(0, rows[0].RepId, reps[rows[0].RepId].DisplayName, rows[0].Version, rows[0].Version ?? 0, null, null,
                    "Someone saved these quotas at the same moment. Reload and try again.")]);
        }

        return new QuotaSaveOutcome.Saved(rows.Count, changed, batchId);
    }

    private async Task<List<QuotaConflict>> ConflictsAsync(IReadOnlyList<QuotaBatchRow> rows, IReadOnlyDictionary<Guid, AppUser> reps,
        IReadOnlyDictionary<Guid, (int Version, Guid By, DateTimeOffset At)> held, CancellationToken ct)
    {
        var stale = rows.Select((r, i) => (Row: r, Index: i))
            .Where(x => x.Row.Version is { } v && v != (held.TryGetValue(x.Row.RepId, out var h) ? h.Version : 0)).ToList();
        if (stale.Count == 0)
        {
            return [];
        }

        var changers = stale.Where(x => held.ContainsKey(x.Row.RepId)).Select(x => held[x.Row.RepId].By).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => changers.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        return stale.Select(x =>
        {
            var name = reps[x.Row.RepId].DisplayName;
            if (!held.TryGetValue(x.Row.RepId, out var h))
            {
                return new QuotaConflict(x.Index, x.Row.RepId, name, x.Row.Version, 0, null, null,
                    $"{name}'s quota has never been changed through Terrain: its version is 0, not {x.Row.Version}.");
            }

            var who = names.GetValueOrDefault(h.By, "someone");
            return new QuotaConflict(x.Index, x.Row.RepId, name, x.Row.Version, h.Version, who, h.At,
                $"{name}'s quota was changed by {who} on {h.At.ToString("d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture)} after you read it (version {x.Row.Version}, now {h.Version}).");
        }).ToList();
    }
}
