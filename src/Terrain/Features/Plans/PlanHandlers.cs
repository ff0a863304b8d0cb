using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Plans;

public sealed record PlanRow(
    Guid Id,
    Guid CycleId,
    string CycleName,
    Guid OwnerId,
    string OwnerName,
    string OwnerEmail,
    string Status,
    int WorkingVersion,
    int? ApprovedVersion,
    DateTimeOffset? FirstSubmittedAt,
    DateTimeOffset? LastSubmittedAt,
    DateTimeOffset? ApprovedAt,
    string Version);

public sealed record PlanEventRow(DateTimeOffset At, Guid? ById, string Action, string? Details);

public sealed record ReviewInput(string? Comment);

/// <summary>Reads plans and their history within the caller's scope.</summary>
public sealed class PlanHandlers(AppDbContext db, AccessPolicy access)
{
    public IQueryable<PlanRow> Query(Guid? cycleId, Guid? ownerId, Guid? planId = null)
    {
        var plans = access.VisiblePlans();
        if (planId is { } id)
        {
            plans = plans.Where(p => p.Id == id);
        }

        if (cycleId is { } c)
        {
            plans = plans.Where(p => p.CycleId == c);
        }

        if (ownerId is { } o)
        {
            plans = plans.Where(p => p.OwnerId == o);
        }

        return from p in plans
               join cycle in db.Cycles on p.CycleId equals cycle.Id
               join owner in db.Users on p.OwnerId equals owner.Id
               orderby owner.DisplayName
               select new PlanRow(p.Id, p.CycleId, cycle.Name, p.OwnerId, owner.DisplayName, owner.Email!, p.Status.ToString(),
                   p.WorkingVersion, p.ApprovedVersion, p.FirstSubmittedAt, p.LastSubmittedAt, p.ApprovedAt, p.ConcurrencyToken);
    }

    public Task<PlanRow?> GetAsync(Guid id, CancellationToken ct) => Query(null, null, id).FirstOrDefaultAsync(ct);

    public async Task<IReadOnlyList<PlanEventRow>?> HistoryAsync(Guid id, CancellationToken ct)
    {
        if (!await access.VisiblePlans().AnyAsync(p => p.Id == id, ct))
        {
            return null;
        }

        var key = id.ToString();
        return await db.AuditEntries.AsNoTracking()
            .Where(e => e.EntityType == "Plan" && e.EntityId == key)
            .OrderBy(e => e.Id)
            .Select(e => new PlanEventRow(e.At, e.ActorId, e.Action, e.Details))
            .ToListAsync(ct);
    }

    public Task<string?> NameOfAsync(Guid userId, CancellationToken ct) =>
        db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.DisplayName).FirstOrDefaultAsync(ct);

    /// <summary>The audit entry of a transition: who, when, from and to, and the reviewer's comment.</summary>
    public static AuditEntry AuditOf(Guid planId, PlanTransition t) => AuditEntry.Record(t.At, t.ById,
        t.To switch
        {
            PlanStatus.Submitted => "plan.submitted",
            PlanStatus.ChangesRequested => "plan.changes-requested",
            PlanStatus.Approved => "plan.approved",
            _ => "plan.amended",
        },
        "Plan", planId.ToString(),
        JsonSerializer.Serialize(new { from = t.From.ToString(), to = t.To.ToString(), version = t.Version, comment = t.Comment }));
}
