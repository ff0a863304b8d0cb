using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Reviews;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Reviews;

/// <summary>
/// A change to a review: the rep writes the self-assessment and their forecast call; the manager the coaching notes,
/// the adjusted call, the variance reasons, "no action" (signed) and the meeting's date; both the agenda and the shared
/// notes. Absent members stay as they are.
/// </summary>
public sealed record ReviewPatch(
    string? Agenda = null,
    string? SharedNotes = null,
    string? SelfAssessment = null,
    string? CoachingNotes = null,
    ForecastCall? RepCall = null,
    ForecastCall? ManagerCall = null,
    IReadOnlyList<VarianceReason>? VarianceReasons = null,
    string? NoActionReason = null,
    DateOnly? ScheduledOn = null);

public enum ReviewOutcome
{
    Saved,
    NotFound,
    PreconditionRequired,
    Conflict,
}

public sealed record ReviewResult(ReviewOutcome Outcome, ReviewDetail? Current);

/// <summary>One handler behind PATCH /api/v1/reviews/{id} and the review page's forms; against the version read (If-Match), audited.</summary>
public sealed class ReviewEdits(AppDbContext db, AccessPolicy policy, TimeProvider clock, ReviewQueries queries)
{
    public async Task<ReviewResult> EditAsync(Guid id, ReviewPatch patch, string? expectedVersion, CancellationToken ct)
    {
        var (review, cycle) = await ReviewLoading.LoadAsync(db, policy, id, ct);
        if (review is null)
        {
            return new(ReviewOutcome.NotFound, null);
        }

        var side = ReviewLoading.SideOf(policy, review);
        if (expectedVersion is null)
        {
            return new(ReviewOutcome.PreconditionRequired, null);
        }

        if (expectedVersion != ReviewVersion.Of(review.Version))
        {
            return new(ReviewOutcome.Conflict, await queries.GetAsync(id, ct));
        }

        var now = clock.GetUtcNow();
        var today = Deadlines.LocalDate(now, cycle.TimeZone);
        var next = await db.Reviews.AsNoTracking().Where(r => r.CycleId == review.CycleId && r.RepId == review.RepId && r.WindowStart > review.WindowStart)
            .OrderBy(r => r.WindowStart).Select(r => (DateOnly?)r.ScheduledOn).FirstOrDefaultAsync(ct);
        var goalKeys = await ReviewLoading.GoalKeysAsync(db, review, cycle, now, ct);
        var changed = review.Edit(new ReviewEdit(patch.Agenda, patch.SharedNotes, patch.SelfAssessment, patch.CoachingNotes, patch.RepCall, patch.ManagerCall,
            patch.VarianceReasons, patch.NoActionReason, patch.ScheduledOn), side, policy.Actor.Id, today, cycle.PeriodEnd, next, goalKeys, now);
        if (changed.Count > 0)
        {
            // The fields that changed, not their text: the audit trail is read more widely than coaching notes are.
            db.AuditEntries.Add(AuditEntry.Record(now, policy.Actor.Id, "review.edited", "Review", review.Id.ToString(),
                JsonSerializer.Serialize(new { fields = changed, scheduledOn = changed.Contains("scheduledOn") ? review.ScheduledOn.ToString("yyyy-MM-dd") : null })));
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                return new(ReviewOutcome.Conflict, await queries.GetAsync(id, ct));
            }
        }

        return new(ReviewOutcome.Saved, await queries.GetAsync(id, ct));
    }
}

/// <summary>Completes a review (its manager): checks the gate, freezes the prepared figures, audits.</summary>
public sealed class ReviewCompletion(AppDbContext db, AccessPolicy policy, TimeProvider clock, ReviewQueries queries)
{
    /// <summary>Null when the review does not exist or is outside the caller's scope.</summary>
    public async Task<ReviewDetail?> CompleteAsync(Guid id, CancellationToken ct)
    {
        var (review, cycle) = await ReviewLoading.LoadAsync(db, policy, id, ct);
        if (review is null)
        {
            return null;
        }

        policy.Ensure(Act.HoldReview, new About(review.RepId, review.ManagerId));
        review.EnsureNotCompleted();
        var figures = await queries.PrepareAsync(review, cycle, ct)
            ?? throw new InvalidStateException("The rep's plan cannot be read any more, so the review cannot be prepared.", "plan");
        var agreed = await db.CorrectiveActions.CountAsync(a => a.ReviewId == id && a.Status != CorrectiveStatus.Dropped
            && a.RepConfirmedAt != null && a.ManagerConfirmedAt != null, ct);
        var offTrack = figures.Goals.Where(g => g.Status == Domain.Performance.GoalStatus.OffTrack).Select(g => (g.GoalKey, g.Name)).ToList();
        var now = clock.GetUtcNow();
        review.Complete(JsonSerializer.Serialize(figures, ReviewQueries.SnapshotJson), offTrack, agreed, policy.Actor.Id,
            Deadlines.LocalDate(now, cycle.TimeZone), cycle.ClosedAt is { } c ? Deadlines.LocalDate(c, cycle.TimeZone) : null, now);
        db.AuditEntries.Add(AuditEntry.Record(now, policy.Actor.Id, "review.completed", "Review", review.Id.ToString(),
            JsonSerializer.Serialize(new { offTrack = offTrack.Select(g => g.GoalKey), agreedActions = agreed, noAction = review.NoActionReason is not null })));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new InvalidStateException("The review changed while you completed it. Reload it and try again.", "version");
        }

        return await queries.GetAsync(id, ct);
    }
}

internal static class ReviewLoading
{
    /// <summary>The review, tracked, when the caller may read it; and its cycle.</summary>
    public static async Task<(Review? Review, PlanningCycle Cycle)> LoadAsync(AppDbContext db, AccessPolicy policy, Guid id, CancellationToken ct)
    {
        if (!await policy.VisibleReviews().AnyAsync(r => r.Id == id, ct))
        {
            return (null, null!);
        }

        var review = await db.Reviews.SingleAsync(r => r.Id == id, ct);
        var cycle = await db.Cycles.AsNoTracking().SingleAsync(c => c.Id == review.CycleId, ct);
        return (review, cycle);
    }

    /// <summary>The side the caller takes in the review; anyone else (a leader, an admin) reads it only.</summary>
    public static ReviewSide SideOf(AccessPolicy policy, Review review)
    {
        var about = new About(review.RepId, review.ManagerId);
        if (policy.May(Act.HoldReview, about))
        {
            return ReviewSide.Manager;
        }

        policy.Ensure(Act.JoinReview, about);
        return ReviewSide.Rep;
    }

    /// <summary>The goal keys of the plan in force for the review's rep, today.</summary>
    public static async Task<IReadOnlyCollection<string>> GoalKeysAsync(AppDbContext db, Review review, PlanningCycle cycle, DateTimeOffset now, CancellationToken ct) =>
        await db.Goals(db.InForce(cycle.Id, review.RepId, now)).Select(g => g.GoalKey).ToListAsync(ct);
}
