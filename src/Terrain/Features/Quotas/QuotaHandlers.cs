using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Quotas;

/// <summary>
/// A rep's quota per quarter in a cycle (null where none is set) and the total; <see cref="IsTeam"/> when the row is a
/// manager's own quota for their team (the team's target on the dashboards, where set). <see cref="InSeatFrom"/> and
/// <see cref="InSeatTo"/> are the days the rep holds the seat when they join or move mid-cycle (null: the cycle's
/// start or end; ADR 0023): the plan's targets are prorated by them.
/// </summary>
public sealed record QuotaRow(Guid CycleId, Guid RepId, string RepName, Guid? ManagerId, string? ManagerName, IReadOnlyList<decimal?> Quarters, decimal? Total,
    bool IsTeam = false, DateOnly? InSeatFrom = null, DateOnly? InSeatTo = null);

/// <summary>A rep's (or a manager's team) quotas, one per quarter; the seat dates are cleared when left out.</summary>
public sealed record QuotaInput(Guid CycleId, Guid RepId, List<decimal?>? Quarters, DateOnly? InSeatFrom = null, DateOnly? InSeatTo = null);

/// <summary>
/// Top-down quotas: leaders set anyone's, managers their own reps'; everyone reads within their scope. A manager's own
/// quota is their team's target (leaders set it).
/// </summary>
public sealed class QuotaHandlers(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    /// <summary>
    /// The quotas of the reps with a plan in the cycle whom the caller may see, then the team quotas of the managers of
    /// those reps whom the caller may see; null when the cycle does not exist.
    /// </summary>
    public async Task<IReadOnlyList<QuotaRow>?> ListAsync(Guid cycleId, Guid? repId, CancellationToken ct)
    {
        var cycle = await db.Cycles.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cycleId, ct);
        if (cycle is null)
        {
            return null;
        }

        var plans = access.VisiblePlans().Where(p => p.CycleId == cycleId);
        if (repId is { } r)
        {
            plans = plans.Where(p => p.OwnerId == r);
        }

        var reps = await (from p in plans
                          join rep in db.Users on p.OwnerId equals rep.Id
                          join manager in db.Users on rep.ManagerId equals manager.Id into managers
                          from manager in managers.DefaultIfEmpty()
                          orderby rep.DisplayName
                          select new { rep.Id, rep.DisplayName, rep.ManagerId, ManagerName = manager == null ? null : manager.DisplayName })
            .ToListAsync(ct);
        var withPlans = db.Plans.Where(p => p.CycleId == cycleId).Select(p => p.OwnerId);
        var teams = access.VisibleUsers().Where(m => m.Role == Role.Manager && db.Users.Any(r => r.ManagerId == m.Id && withPlans.Contains(r.Id)));
        if (repId is { } t)
        {
            teams = teams.Where(m => m.Id == t);
        }

        var leads = await (from m in teams
                           join boss in db.Users on m.ManagerId equals boss.Id into bosses
                           from boss in bosses.DefaultIfEmpty()
                           orderby m.DisplayName
                           select new { m.Id, m.DisplayName, m.ManagerId, ManagerName = boss == null ? null : boss.DisplayName }).ToListAsync(ct);
        var ids = reps.Select(x => x.Id).Concat(leads.Select(m => m.Id)).ToList();
        var quotas = (await db.Quotas.AsNoTracking().Where(q => q.CycleId == cycleId && ids.Contains(q.RepId))
                .Select(q => new { q.RepId, q.Quarter, q.Amount }).ToListAsync(ct))
            .ToLookup(q => q.RepId);
        var seats = await db.RepSeats.AsNoTracking().Where(x => x.CycleId == cycleId && ids.Contains(x.RepId))
            .ToDictionaryAsync(x => x.RepId, ct);
        var count = cycle.Quarters.Count;
        QuotaRow Row(Guid id, string name, Guid? managerId, string? managerName, bool team)
        {
            var quarters = Enumerable.Range(1, count).Select(n => quotas[id].FirstOrDefault(q => q.Quarter == n)?.Amount).ToList();
            var total = quarters.Any(q => q is not null) ? quarters.Sum(q => q ?? 0) : (decimal?)null;
            var seat = seats.GetValueOrDefault(id);
            return new QuotaRow(cycleId, id, name, managerId, managerName, quarters, total, team, seat?.From, seat?.To);
        }

        return reps.Select(x => Row(x.Id, x.DisplayName, x.ManagerId, x.ManagerName, false))
            .Concat(leads.Select(m => Row(m.Id, m.DisplayName, m.ManagerId, m.ManagerName, true))).ToList();
    }

    /// <summary>Sets all of a rep's quarterly quotas at once; every change is audited with the old and new values.</summary>
    public async Task<QuotaRow?> SetAsync(QuotaInput input, CancellationToken ct)
    {
        var rep = await access.VisibleUsers().FirstOrDefaultAsync(u => u.Id == input.RepId, ct);
        if (rep is null)
        {
            return null;
        }

        Quota.EnsureMaySet(access.Actor, rep);
        var cycle = await db.Cycles.AsNoTracking().FirstOrDefaultAsync(c => c.Id == input.CycleId, ct)
                    ?? throw new DomainException("There is no such cycle.", "cycleId");
        cycle.EnsureOpen();
        if (rep.Role == Role.Rep && !await db.Plans.AnyAsync(p => p.CycleId == cycle.Id && p.OwnerId == rep.Id, ct))
        {
            throw new DomainException($"{rep.DisplayName} has no plan in {cycle.Name}.", "repId");
        }

        if (rep.Role == Role.Manager && (input.InSeatFrom is not null || input.InSeatTo is not null))
        {
            throw new DomainException("A team quota has no seat dates: they prorate a rep's targets.", "inSeatFrom");
        }

        var count = cycle.Quarters.Count;
        var amounts = input.Quarters ?? [];
        if (amounts.Count != count)
        {
            throw new DomainException($"Give one quota per quarter: {cycle.Name} has {count} quarters, the request has {amounts.Count}.", "quarters");
        }

        for (var i = 0; i < count; i++)
        {
            if (amounts[i] is not { } amount)
            {
                throw new DomainException($"Q{i + 1} has no quota; use 0 for a quarter without one.", $"quarters[{i}]");
            }

            Quota.Validate(amount, $"quarters[{i}]");
        }

        var now = clock.GetUtcNow();
        var actor = access.Actor;
        var existing = await db.Quotas.Where(q => q.CycleId == cycle.Id && q.RepId == rep.Id).ToListAsync(ct);
        var before = Enumerable.Range(1, count).Select(n => existing.FirstOrDefault(q => q.Quarter == n)?.Amount).ToList();
        for (var n = 1; n <= count; n++)
        {
            var amount = amounts[n - 1]!.Value;
            if (existing.FirstOrDefault(q => q.Quarter == n) is { } quota)
            {
                if (quota.Amount != amount)
                {
                    quota.Change(amount, actor.Id, now);
                }
            }
            else
            {
                db.Quotas.Add(Quota.Set(cycle.Id, rep.Id, n, amount, actor.Id, now));
            }
        }

        var seat = await db.RepSeats.SingleOrDefaultAsync(x => x.CycleId == cycle.Id && x.RepId == rep.Id, ct);
        var seatBefore = new { from = seat?.From, to = seat?.To };
        if (seat is not null)
        {
            if (seat.From != input.InSeatFrom || seat.To != input.InSeatTo)
            {
                seat.Change(input.InSeatFrom, input.InSeatTo, actor.Id, now);
            }
        }
        else if (input.InSeatFrom is not null || input.InSeatTo is not null)
        {
            db.RepSeats.Add(RepSeat.Set(cycle.Id, rep.Id, input.InSeatFrom, input.InSeatTo, actor.Id, now));
        }

        db.AuditEntries.Add(AuditEntry.Record(now, actor.Id, "quota.set", "Quota", rep.Id.ToString(),
            JsonSerializer.Serialize(new
            {
                cycle = cycle.Id,
                rep = rep.Id,
                before,
                after = amounts,
                seatBefore,
                seatAfter = new { from = input.InSeatFrom, to = input.InSeatTo },
            })));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbConflicts.IsConflict(e))
        {
            throw new InvalidStateException("Someone set this quota at the same moment. Reload and try again.", "quarters");
        }

        return (await ListAsync(cycle.Id, rep.Id, ct))?.SingleOrDefault();
    }
}
