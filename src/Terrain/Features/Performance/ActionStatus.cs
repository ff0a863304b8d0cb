using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Performance;

public static class ActionStatusVersion
{
    public static string Of(Guid version) => version.ToString("N");
}

/// <summary>The body of a status change: one of NotStarted, InProgress, Done, Blocked.</summary>
public sealed record ActionStatusInput(string? Status);

public enum ActionStatusOutcome
{
    Saved,
    NotFound,
    PreconditionRequired,
    Conflict,
}

/// <summary>What a status change came to; <see cref="Current"/> is the action as it is now (after the change, or the one that won a conflict).</summary>
public sealed record ActionStatusResult(ActionStatusOutcome Outcome, ActionRow? Current);

/// <summary>
/// Keeps the status of an action item of the plan in force while the plan is carried out: the plan's owner and the
/// owner's manager (Act.TrackActions), against the version they read (If-Match), audited. The approved content is
/// not changed: the status lives on the plan-of-record row.
/// </summary>
public sealed class ActionStatusUpdate(AppDbContext db, AccessPolicy policy, TimeProvider clock)
{
    public async Task<ActionStatusResult> UpdateAsync(Guid planId, Guid actionId, string? status, string? expectedVersion, CancellationToken ct)
    {
        // The person before the input: a plan outside the caller's scope does not exist, one they may not act on refuses.
        var plan = await policy.VisiblePlans().Where(p => p.Id == planId)
            .Select(p => new { p.Id, p.OwnerId, ManagerId = db.Users.Where(u => u.Id == p.OwnerId).Select(u => u.ManagerId).FirstOrDefault() })
            .SingleOrDefaultAsync(ct);
        if (plan is null)
        {
            return new(ActionStatusOutcome.NotFound, null);
        }

        policy.Ensure(Act.TrackActions, new About(plan.OwnerId, plan.ManagerId));
        var now = clock.GetUtcNow();
        var inForce = db.ApprovedPlanVersions.Where(v => v.PlanId == planId && v.ApprovedAt <= now)
            .OrderByDescending(v => v.ApprovedAt).ThenByDescending(v => v.Edition).Take(1);
        var item = await db.PlanActionItems.Where(a => a.Id == actionId && a.PlanId == planId && inForce.Any(v => v.SnapshotId == a.SnapshotId))
            .SingleOrDefaultAsync(ct);
        if (item is null)
        {
            return new(ActionStatusOutcome.NotFound, null);
        }

        if (expectedVersion is null)
        {
            return new(ActionStatusOutcome.PreconditionRequired, null);
        }

        if (expectedVersion != ActionStatusVersion.Of(item.StatusVersion))
        {
            return new(ActionStatusOutcome.Conflict, Row(item, now));
        }

        var previous = item.SetStatus(status, policy.Actor.Id, now);
        db.AuditEntries.Add(AuditEntry.Record(now, policy.Actor.Id, "plan.action-status", "Plan", planId.ToString(),
            JsonSerializer.Serialize(new { action = item.ActionKey, title = item.Title, from = previous, to = item.Status })));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Changed between our read and our write: answer with what is there now.
            db.ChangeTracker.Clear();
            var current = await db.PlanActionItems.AsNoTracking().SingleAsync(a => a.Id == actionId, ct);
            return new(ActionStatusOutcome.Conflict, Row(current, now));
        }

        return new(ActionStatusOutcome.Saved, Row(item, now));
    }

    private static ActionRow Row(PlanActionItem a, DateTimeOffset now) =>
        new(a.Id, a.ActionKey, a.Title, a.Due, a.Status, a.GoalKey, a.AccountId,
            a.Status != "Done" && a.Due < DateOnly.FromDateTime(now.UtcDateTime), ActionStatusVersion.Of(a.StatusVersion));
}
