using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Plans;

public enum PlanAction
{
    Submit,
    RequestChanges,
    Approve,
    Amend,
}

/// <summary>
/// Moves plans through review. A submission runs the completeness checklist first (its hard rules block it) and
/// stores a snapshot of the plan; a request for changes also opens a comment thread; the other party hears of each
/// move in the app. Every move is in the audit trail.
/// </summary>
public sealed class PlanReview(AppDbContext db, AccessPolicy access, TimeProvider clock, PlanHandlers plans, PlanDocuments documents,
    Reviews.ReviewSchedule reviews)
{
    /// <summary>Null when the plan does not exist or the caller may not see it.</summary>
    public async Task<PlanRow?> ActAsync(Guid id, PlanAction action, string? comment, CancellationToken ct)
    {
        var document = await documents.LoadAsync(id, ct);
        if (document is null)
        {
            return null;
        }

        var plan = await db.Plans.SingleAsync(p => p.Id == id, ct);

        // The move is of the plan as checked and snapshotted: if a save landed since, the update fails as a conflict.
        db.Entry(plan).Property(p => p.ConcurrencyToken).OriginalValue = document.Plan.Version;
        var cycle = document.Cycle;
        var now = clock.GetUtcNow();
        var actor = access.Actor;
        var transition = action switch
        {
            PlanAction.Submit => plan.Submit(actor, cycle, document.Checks.Blocking.Select(b => b.Message).ToList(), now,
                document.Unanswered.Select(u => u.Message).ToList()),
            PlanAction.RequestChanges => plan.RequestChanges(actor, document.OwnerManagerId, cycle, comment, now),
            PlanAction.Approve => plan.Approve(actor, document.OwnerManagerId, cycle, comment, now),
            _ => plan.Amend(actor, cycle, now),
        };
        db.AuditEntries.Add(PlanHandlers.AuditOf(plan.Id, transition));
        if (action == PlanAction.Submit)
        {
            await documents.SnapshotAsync(document, plan, now, ct);
        }
        else if (action == PlanAction.Approve)
        {
            // A reviewer who refined the plan during the review approves the plan as refined: it is stored as a
            // version of its own, by the reviewer, so that the versions and their comparison show who changed what.
            if (document.Sections.Any(s => s.UpdatedAt > document.Plan.LastSubmittedAt))
            {
                await documents.SnapshotAsync(document, plan, now, ct);
            }

            await db.RecordApprovalAsync(plan, ct);
        }

        if (transition.Comment is not null)
        {
            db.PlanComments.Add(PlanComment.Write(plan, null, null, actor.Id, transition.Comment, now));
        }

        Notify(document, transition, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbConflicts.IsConflict(e))
        {
            throw new InvalidStateException("The plan changed while you acted on it. Reload it and try again.", "version");
        }

        if (action == PlanAction.Approve)
        {
            // Reviews against the plan start with its first approval (ADR 0025).
            await reviews.SyncAsync(plan.CycleId, plan.OwnerId, actor.Id, ct);
        }

        return await plans.GetAsync(id, ct);
    }

    private void Notify(PlanDocument document, PlanTransition t, DateTimeOffset now)
    {
        var row = document.Plan;
        var link = $"/Plans/{row.Id}";
        var key = $"plan:{row.Id}:{t.To}:{Guid.NewGuid():N}";
        var (to, title, body) = t.To switch
        {
            PlanStatus.Submitted => (document.OwnerManagerId, $"{row.OwnerName} submitted a plan", $"{row.OwnerName}'s {row.CycleName} plan is waiting for your review."),
            PlanStatus.ChangesRequested => (row.OwnerId, "Changes requested on your plan", t.Comment ?? ""),
            PlanStatus.Approved => (row.OwnerId, "Your plan is approved", $"Your {row.CycleName} plan is approved" + (t.Comment is null ? "." : $": {t.Comment}")),
            _ => ((Guid?)null, "", ""),
        };
        if (to is { } userId && userId != t.ById)
        {
            db.Notifications.Add(Notification.Create(userId, key, title, body.Length > 1000 ? body[..1000] : body, link, now));
        }
    }
}
