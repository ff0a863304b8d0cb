using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.Territories;
using Terrain.Features.Accounts;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Territory;

/// <summary>One account that came into or left a rep's book of business, or will on a later date (pending).</summary>
public sealed record BookChange(
    Guid AccountId,
    string AccountName,
    string ExternalId,
    decimal Potential,
    bool Gained,
    DateOnly EffectiveFrom,
    bool Pending,
    AssignmentSource Source);

public sealed record BookChanges(Guid RepId, DateOnly Since, IReadOnlyList<BookChange> Items)
{
    public int Gained => Items.Count(i => i.Gained && !i.Pending);

    public int Lost => Items.Count(i => !i.Gained && !i.Pending);

    public int Pending => Items.Count(i => i.Pending);

    public decimal PotentialGained => Items.Where(i => i.Gained && !i.Pending).Sum(i => i.Potential);

    public decimal PotentialLost => Items.Where(i => !i.Gained && !i.Pending).Sum(i => i.Potential);
}

/// <summary>One move of an account, for its history: where from, where to, effective when, and whether it has happened.</summary>
public sealed record MoveRow(
    string? FromTerritory,
    string? FromRep,
    string ToTerritory,
    string? ToRep,
    DateOnly EffectiveFrom,
    AssignmentStatus Status,
    AssignmentSource Source,
    DateTimeOffset CreatedAt);

/// <summary>What changed in a rep's book of business since a date, and what is dated to change (ADR 0039).</summary>
public sealed class BookOfBusiness(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    /// <summary>How far back the notice looks when no date is given.</summary>
    public const int DefaultDays = 90;

    public async Task<DateOnly> DefaultSinceAsync(CancellationToken ct) => (await BusinessDay.TodayAsync(db, clock.GetUtcNow(), ct)).AddDays(-DefaultDays);

    /// <summary>Null when the caller does not see the rep.</summary>
    public async Task<BookChanges?> ForRepAsync(Guid repId, DateOnly? since, CancellationToken ct)
    {
        if (!await access.VisibleUsers().AnyAsync(u => u.Id == repId, ct))
        {
            return null;
        }

        var start = since ?? await DefaultSinceAsync(ct);
        Guid? rep = repId;
        var rows = await (from m in db.AccountAssignments.AsNoTracking()
                          where (m.Status == AssignmentStatus.Pending || (m.Status == AssignmentStatus.Applied && m.EffectiveFrom >= start))
                                && ((m.ToRepId == rep && m.FromRepId != rep) || (m.FromRepId == rep && m.ToRepId != rep))
                          join a in db.Accounts.AsNoTracking() on m.AccountId equals a.Id
                          orderby m.EffectiveFrom descending, a.Name
                          select new BookChange(a.Id, a.Name, a.ExternalId, a.AnnualPotential, m.ToRepId == rep, m.EffectiveFrom,
                              m.Status == AssignmentStatus.Pending, m.Source))
            .Take(1_000).ToListAsync(ct);
        return new BookChanges(repId, start, rows);
    }

    /// <summary>Every move of one account, newest first (leaders and admins).</summary>
    public async Task<IReadOnlyList<MoveRow>> MovesOfAsync(Guid accountId, CancellationToken ct)
    {
        access.Ensure(Domain.Act.AssignAccounts);
        var moves = await db.AccountAssignments.AsNoTracking().Where(m => m.AccountId == accountId)
            .OrderByDescending(m => m.CreatedAt).Take(200).ToListAsync(ct);
        var territoryIds = moves.SelectMany(m => new[] { m.FromTerritoryId, m.ToTerritoryId }).Where(i => i is not null).Select(i => i!.Value).Distinct().ToList();
        var userIds = moves.SelectMany(m => new[] { m.FromRepId, m.ToRepId }).Where(i => i is not null).Select(i => i!.Value).Distinct().ToList();
        var territories = await db.Territories.AsNoTracking().Where(t => territoryIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        string? Territory(Guid? id) => id is { } i && territories.TryGetValue(i, out var n) ? n : null;
        string? User(Guid? id) => id is { } i && users.TryGetValue(i, out var n) ? n : null;
        return [.. moves.Select(m => new MoveRow(Territory(m.FromTerritoryId), User(m.FromRepId), Territory(m.ToTerritoryId) ?? "", User(m.ToRepId),
            m.EffectiveFrom, m.Status, m.Source, m.CreatedAt))];
    }

    /// <summary>The accounts that belong to nobody (no owner, no territory): the queue leaders place from.</summary>
    public async Task<(IReadOnlyList<AccountRow> Items, int Total, decimal Potential)> UnassignedAsync(string? search, int page, int pageSize, CancellationToken ct)
    {
        access.Ensure(Domain.Act.AssignAccounts);
        var query = db.Accounts.AsNoTracking().Where(a => a.OwnerId == null && a.TerritoryId == null);
        var term = string.IsNullOrWhiteSpace(search) ? null : search.Trim().ToLower();
        if (term is not null)
        {
            query = query.Where(a => a.Name.ToLower().Contains(term) || a.ExternalId.ToLower().Contains(term) || a.PostalCode.ToLower().StartsWith(term));
        }

        var totals = await query.GroupBy(_ => 1).Select(g => new { Count = g.Count(), Potential = g.Sum(a => a.AnnualPotential) }).SingleOrDefaultAsync(ct);
        var items = await query.OrderByDescending(a => a.AnnualPotential).ThenBy(a => a.Name)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(a => new AccountRow(a.Id, a.ExternalId, a.Name, a.Industry, a.Segment, a.Region, a.PostalCode,
                a.Latitude, a.Longitude, a.AnnualPotential, a.OwnerId, null, null, null, null, a.Version))
            .ToListAsync(ct);
        return (items, totals?.Count ?? 0, totals?.Potential ?? 0);
    }
}
