using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Reviews;
using Terrain.Domain.Strategies;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Reviews;

/// <summary>A corrective action proposed in a review; its proposer (the rep or the manager) confirms it by proposing it.</summary>
public sealed record CorrectiveActionInput(string? What, Guid OwnerId, DateOnly Due, string? GoalKey, EffectClaim Claim);

/// <summary>Following an action up: its status (Dropped needs a reason), the outcome recorded, or the caller's confirmation.</summary>
public sealed record CorrectiveActionPatch(CorrectiveStatus? Status = null, string? DropReason = null, string? Outcome = null, bool? Confirm = null);

public sealed record CorrectiveActionResult(ReviewOutcome Outcome, CorrectiveActionRow? Current);

/// <summary>Agrees, lists and follows up corrective actions; every change audited (ADR 0025).</summary>
public sealed class CorrectiveActions(AppDbContext db, AccessPolicy policy, TimeProvider clock, ReviewQueries queries)
{
    /// <summary>Null when the review does not exist or is outside the caller's scope.</summary>
    public async Task<IReadOnlyList<CorrectiveActionRow>?> ForReviewAsync(Guid reviewId, CancellationToken ct)
    {
        var review = await policy.VisibleReviews().Where(r => r.Id == reviewId).Select(r => new { r.CycleId }).SingleOrDefaultAsync(ct);
        return review is null ? null : await queries.CorrectiveActionsAsync(db.CorrectiveActions.Where(a => a.ReviewId == reviewId), await TimeZoneAsync(review.CycleId, ct), ct);
    }

    /// <summary>The actions of the reviews the caller may read, by owner and status.</summary>
    public async Task<IReadOnlyList<CorrectiveActionRow>> ListAsync(Guid? owner, CorrectiveStatus? status, CancellationToken ct)
    {
        var visible = policy.VisibleReviews().Select(r => r.Id);
        var actions = db.CorrectiveActions.Where(a => visible.Contains(a.ReviewId));
        if (owner is { } o)
        {
            actions = actions.Where(a => a.OwnerId == o);
        }

        if (status is { } s)
        {
            actions = actions.Where(a => a.Status == s);
        }

        return await queries.CorrectiveActionsAsync(actions, null, ct);
    }

    /// <summary>Null when the review does not exist or is outside the caller's scope.</summary>
    public async Task<CorrectiveActionRow?> AgreeAsync(Guid reviewId, CorrectiveActionInput input, CancellationToken ct)
    {
        var (review, cycle) = await ReviewLoading.LoadAsync(db, policy, reviewId, ct);
        if (review is null)
        {
            return null;
        }

        ReviewLoading.SideOf(policy, review);
        var now = clock.GetUtcNow();
        var today = Deadlines.LocalDate(now, cycle.TimeZone);
        var goalKeys = await ReviewLoading.GoalKeysAsync(db, review, cycle, now, ct);
        var strategy = cycle.StrategyId is { } sid
            ? StrategyContent.Read(await db.Strategies.AsNoTracking().Where(s => s.Id == sid).Select(s => s.Content).SingleAsync(ct))
            : null;
        var action = CorrectiveAction.Agree(review, input.What ?? "", input.OwnerId, input.Due, input.GoalKey, goalKeys,
            input.Claim ?? throw new DomainException("Say what effect the action is expected to have: a metric, an amount and a date.", "claim"),
            (filter, id) => filter switch
            {
                ClaimFilter.Segment => strategy?.Segments.Any(s => s.Id == id) == true,
                ClaimFilter.Product => strategy?.OfferingNames().ContainsKey(id) == true,
                ClaimFilter.None => true,
                _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, "A claim filter without a rule."),
            }, policy.Actor.Id, today, now);
        db.CorrectiveActions.Add(action);
        db.AuditEntries.Add(AuditEntry.Record(now, policy.Actor.Id, "corrective-action.agreed", "Review", review.Id.ToString(),
            JsonSerializer.Serialize(new { action = action.Id, action.What, owner = action.OwnerId, due = action.Due, claim = action.Claim }, ReviewQueries.SnapshotJson)));
        await db.SaveChangesAsync(ct);
        return ReviewQueries.Row(action, await db.Users.Where(u => u.Id == action.OwnerId).Select(u => u.DisplayName).SingleAsync(ct), today);
    }

    public async Task<CorrectiveActionResult> FollowAsync(Guid id, CorrectiveActionPatch patch, string? expectedVersion, CancellationToken ct)
    {
        // The scope's queries are not tracked, and AsNoTracking anywhere untracks the whole query: look first, then load.
        var visible = policy.VisibleReviews().Select(r => r.Id);
        if (!await db.CorrectiveActions.AnyAsync(a => a.Id == id && visible.Contains(a.ReviewId), ct))
        {
            return new(ReviewOutcome.NotFound, null);
        }

        var action = await db.CorrectiveActions.SingleAsync(a => a.Id == id, ct);

        var review = await db.Reviews.AsNoTracking().SingleAsync(r => r.Id == action.ReviewId, ct);
        ReviewLoading.SideOf(policy, review);
        if (expectedVersion is null)
        {
            return new(ReviewOutcome.PreconditionRequired, null);
        }

        var timeZone = await TimeZoneAsync(action.CycleId, ct);
        var now = clock.GetUtcNow();
        var today = Deadlines.LocalDate(now, timeZone);
        var owner = await db.Users.Where(u => u.Id == action.OwnerId).Select(u => u.DisplayName).SingleAsync(ct);
        if (expectedVersion != ReviewVersion.Of(action.Version))
        {
            return new(ReviewOutcome.Conflict, ReviewQueries.Row(action, owner, today));
        }

        var before = new { action.Status, action.Outcome };
        if (patch.Confirm == true)
        {
            action.Confirm(policy.Actor.Id, now);
        }

        if (patch.Status is not null || patch.DropReason is not null || patch.Outcome is not null)
        {
            action.Follow(patch.Status, patch.DropReason, patch.Outcome);
        }

        db.AuditEntries.Add(AuditEntry.Record(now, policy.Actor.Id, "corrective-action.updated", "CorrectiveAction", action.Id.ToString(),
            JsonSerializer.Serialize(new { before, after = new { action.Status, action.Outcome, action.DropReason }, confirmed = patch.Confirm == true }, ReviewQueries.SnapshotJson)));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var current = await db.CorrectiveActions.AsNoTracking().SingleAsync(a => a.Id == id, ct);
            return new(ReviewOutcome.Conflict, ReviewQueries.Row(current, owner, today));
        }

        return new(ReviewOutcome.Saved, ReviewQueries.Row(action, owner, today));
    }

    private Task<string> TimeZoneAsync(Guid cycleId, CancellationToken ct) =>
        db.Cycles.Where(c => c.Id == cycleId).Select(c => c.TimeZone).SingleAsync(ct);
}
