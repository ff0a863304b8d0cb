using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Quotas;

/// <summary>
/// A rep's quota per quarter in a cycle (null where none is set) and the total; <see cref="IsTeam"/> when the row is a
/// manager's own quota for their team (the team's target on the dashboards, where set). <see cref="InSeatFrom"/> and
/// <see cref="InSeatTo"/> are the days the rep holds the seat when they join or move mid-cycle (null: the cycle's
/// start or end; ADR 0023): the plan's targets are prorated by them. <see cref="Version"/> is the version of the rep's
/// quota (0 before its first change through Terrain) that a change must carry back (ADR 0034).
/// </summary>
public sealed record QuotaRow(Guid CycleId, Guid RepId, string RepName, Guid? ManagerId, string? ManagerName, IReadOnlyList<decimal?> Quarters, decimal? Total,
    bool IsTeam = false, DateOnly? InSeatFrom = null, DateOnly? InSeatTo = null, string? Email = null, int Version = 0,
    bool Published = false, bool Acknowledged = false);

/// <summary>
/// A rep's (or a manager's team) quotas, one per quarter; the seat dates are cleared when left out. With a
/// <see cref="Version"/>, the change is refused (409) when the quota is no longer at that version.
/// </summary>
public sealed record QuotaInput(Guid CycleId, Guid RepId, List<decimal?>? Quarters, DateOnly? InSeatFrom = null, DateOnly? InSeatTo = null, int? Version = null);

/// <summary>
/// Top-down quotas: leaders set anyone's, managers their own reps'; everyone reads within their scope. A manager's own
/// quota is their team's target (leaders set it).
/// </summary>
public sealed class QuotaHandlers(AppDbContext db, AccessPolicy access, SaveQuotas saver)
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
                          select new { rep.Id, rep.DisplayName, rep.Email, rep.ManagerId, ManagerName = manager == null ? null : manager.DisplayName })
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
                           select new { m.Id, m.DisplayName, m.Email, m.ManagerId, ManagerName = boss == null ? null : boss.DisplayName }).ToListAsync(ct);
        var ids = reps.Select(x => x.Id).Concat(leads.Select(m => m.Id)).ToList();
        var quotas = (await db.Quotas.AsNoTracking().Where(q => q.CycleId == cycleId && ids.Contains(q.RepId))
                .Select(q => new { q.RepId, q.Quarter, q.Amount }).ToListAsync(ct))
            .ToLookup(q => q.RepId);
        var seats = await db.RepSeats.AsNoTracking().Where(x => x.CycleId == cycleId && ids.Contains(x.RepId))
            .ToDictionaryAsync(x => x.RepId, ct);
        var versions = await db.RepQuotas.AsNoTracking().Where(x => x.CycleId == cycleId && ids.Contains(x.RepId))
            .ToDictionaryAsync(x => x.RepId, ct);
        var count = cycle.Quarters.Count;
        QuotaRow Row(Guid id, string name, string? email, Guid? managerId, string? managerName, bool team)
        {
            var quarters = Enumerable.Range(1, count).Select(n => quotas[id].FirstOrDefault(q => q.Quarter == n)?.Amount).ToList();
            var total = quarters.Any(q => q is not null) ? quarters.Sum(q => q ?? 0) : (decimal?)null;
            var seat = seats.GetValueOrDefault(id);
            var header = versions.GetValueOrDefault(id);
            return new QuotaRow(cycleId, id, name, managerId, managerName, quarters, total, team, seat?.From, seat?.To, email,
                header?.Version ?? 0, header?.IsPublished ?? false, header is { IsPublished: true, AwaitsAcknowledgement: false });
        }

        return reps.Select(x => Row(x.Id, x.DisplayName, x.Email, x.ManagerId, x.ManagerName, false))
            .Concat(leads.Select(m => Row(m.Id, m.DisplayName, m.Email, m.ManagerId, m.ManagerName, true))).ToList();
    }

    /// <summary>
    /// Sets all of a rep's quarterly quotas at once through the batch path (one row), so the change is versioned, kept
    /// in the rep's quota history and audited like a grid save.
    /// </summary>
    public async Task<QuotaRow?> SetAsync(QuotaInput input, CancellationToken ct)
    {
        var rep = await access.VisibleUsers().AsNoTracking().FirstOrDefaultAsync(u => u.Id == input.RepId, ct);
        if (rep is null)
        {
            return null;
        }

        Quota.EnsureMaySet(access.Actor, rep);
        var cycle = await db.Cycles.AsNoTracking().FirstOrDefaultAsync(c => c.Id == input.CycleId, ct)
                    ?? throw new DomainException("There is no such cycle.", "cycleId");
        var amounts = input.Quarters ?? [];
        if (amounts.Count != cycle.Quarters.Count)
        {
            throw new DomainException($"Give one quota per quarter: {cycle.Name} has {cycle.Quarters.Count} quarters, the request has {amounts.Count}.", "quarters");
        }

        var row = new QuotaBatchRow(rep.Id, input.Version, amounts.ElementAtOrDefault(0), amounts.ElementAtOrDefault(1), amounts.ElementAtOrDefault(2),
            amounts.ElementAtOrDefault(3), input.InSeatFrom, input.InSeatTo);
        var outcome = await saver.SaveAsync(cycle.Id, new QuotaBatch([row]), QuotaSource.Api, ct, versionRequired: false);
        switch (outcome)
        {
            case QuotaSaveOutcome.Invalid invalid:
                var (key, messages) = invalid.Errors.First();
                var quarter = key.Length > "rows[0].q".Length && key.StartsWith("rows[0].q", StringComparison.Ordinal) ? int.Parse(key["rows[0].q".Length..], System.Globalization.CultureInfo.InvariantCulture) : 0;
                var field = quarter > 0 ? $"quarters[{quarter - 1}]" : key.StartsWith("rows[0].", StringComparison.Ordinal) ? key["rows[0].".Length..] : key;
                throw new DomainException(messages[0], field);
            case QuotaSaveOutcome.Stale stale:
                throw new InvalidStateException(stale.Conflicts[0].Message, "version");
            case QuotaSaveOutcome.Missing:
                return null;
        }

        return (await ListAsync(cycle.Id, rep.Id, ct))?.SingleOrDefault();
    }
}
