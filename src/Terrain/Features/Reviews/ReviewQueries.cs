using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Performance;
using Terrain.Domain.Planning;
using Terrain.Domain.Reviews;
using Terrain.Features.Performance;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Reviews;

/// <summary>Reads reviews within the caller's scope, and prepares an open one from the plan's performance.</summary>
public sealed class ReviewQueries(AppDbContext db, AccessPolicy policy, TimeProvider clock, GoalPerformance performance, ReviewDealChanges deals)
{
    internal static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public async Task<IReadOnlyList<ReviewRow>> ListAsync(Guid? rep, Guid? manager, ReviewStatus? status, Guid? cycle, CancellationToken ct)
    {
        var reviews = policy.VisibleReviews();
        if (rep is { } r)
        {
            reviews = reviews.Where(x => x.RepId == r);
        }

        if (manager is { } m)
        {
            reviews = reviews.Where(x => x.ManagerId == m);
        }

        if (cycle is { } c)
        {
            reviews = reviews.Where(x => x.CycleId == c);
        }

        var rows = await (from x in reviews
                          join cy in db.Cycles on x.CycleId equals cy.Id
                          join u in db.Users on x.RepId equals u.Id
                          join mg in db.Users on x.ManagerId equals mg.Id into mgs
                          from mg in mgs.DefaultIfEmpty()
                          orderby x.ScheduledOn, u.DisplayName
                          select new { Review = x, cy.Name, cy.TimeZone, cy.ClosedAt, Rep = u.DisplayName, Manager = mg == null ? null : mg.DisplayName })
            .ToListAsync(ct);
        var now = clock.GetUtcNow();
        return rows.Select(x => new ReviewRow(x.Review.Id, x.Review.CycleId, x.Name, x.Review.RepId, x.Rep, x.Review.ManagerId, x.Manager, x.Review.Cadence,
                x.Review.Number, x.Review.WindowStart, x.Review.WindowEnd, x.Review.ScheduledOn, x.Review.Moved,
                StatusOf(x.Review, now, x.TimeZone, x.ClosedAt), x.Review.CompletedAt))
            .Where(x => status is null || x.Status == status)
            .ToList();
    }

    /// <summary>Null when the review does not exist or is outside the caller's scope.</summary>
    public async Task<ReviewDetail?> GetAsync(Guid id, CancellationToken ct)
    {
        var found = await (from x in policy.VisibleReviews().Where(x => x.Id == id)
                           join cy in db.Cycles on x.CycleId equals cy.Id
                           join u in db.Users on x.RepId equals u.Id
                           join mg in db.Users on x.ManagerId equals mg.Id into mgs
                           from mg in mgs.DefaultIfEmpty()
                           join cb in db.Users on x.CompletedById equals cb.Id into cbs
                           from cb in cbs.DefaultIfEmpty()
                           select new { Review = x, Cycle = cy, Rep = u.DisplayName, Manager = mg == null ? null : mg.DisplayName, CompletedBy = cb == null ? null : cb.DisplayName })
            .SingleOrDefaultAsync(ct);
        if (found is null)
        {
            return null;
        }

        var review = found.Review;
        var cycle = found.Cycle;
        var figures = review.Snapshot is { } frozen
            ? JsonSerializer.Deserialize<ReviewFigures>(frozen, SnapshotJson)
            : await PrepareAsync(review, cycle, ct);
        var actions = await CorrectiveActionsAsync(db.CorrectiveActions.Where(a => a.ReviewId == id), cycle.TimeZone, ct);
        var about = new About(review.RepId, review.ManagerId);
        return new ReviewDetail(review.Id, review.CycleId, cycle.Name, review.PlanId, review.RepId, found.Rep, review.ManagerId, found.Manager, review.Cadence,
            review.Number, review.WindowStart, review.WindowEnd, review.ScheduledOn, review.Moved, review.DueBy,
            StatusOf(review, clock.GetUtcNow(), cycle.TimeZone, cycle.ClosedAt), review.Agenda, review.SharedNotes, review.SelfAssessment,
            policy.ReadsCoachingNotes(review.ManagerId) ? review.CoachingNotes : null,
            review.RepCall, review.ManagerCall, review.VarianceReasons,
            review is { NoActionReason: { } reason, NoActionSignedById: { } by, NoActionSignedAt: { } at } ? new NoActionDecision(reason, by, at) : null,
            review.CompletedAt, found.CompletedBy, review.Snapshot is not null, figures, actions, ReviewVersion.Of(review.Version))
        {
            MayHold = policy.May(Act.HoldReview, about),
            MayJoin = policy.May(Act.JoinReview, about),
        };
    }

    /// <summary>
    /// The figures the review is prepared with, as of its date (today, or its last day once past): the plan in force's
    /// goals in the quarter under review, with the cycle to date beside them. Null when the caller cannot read the plan.
    /// </summary>
    public async Task<ReviewFigures?> PrepareAsync(Review review, PlanningCycle cycle, CancellationToken ct)
    {
        var today = Deadlines.LocalDate(clock.GetUtcNow(), cycle.TimeZone);
        var asOf = today < review.DueBy ? today : review.DueBy;
        var plan = await performance.GetAsync(review.PlanId, asOf, ct);
        if (plan is null)
        {
            return null;
        }

        var quarters = cycle.Quarters;
        var quarter = quarters.FirstOrDefault(q => q.Start <= asOf && asOf <= q.End) ?? (asOf < cycle.PeriodStart ? quarters[0] : quarters[^1]);
        var goals = plan.Goals.Select(g =>
        {
            var q = g.Periods.Single(p => p.Period == quarter.Label);
            var whole = g.Periods.FirstOrDefault(p => p.Period == "cycle");
            return new ReviewGoal(g.GoalKey, g.Name, g.Metric, q.Target, q.Actual, q.Attainment, q.Gap, q.Forecast, q.ForecastBestCase, q.Coverage, q.CoverageMet, q.Status,
                whole?.Target ?? 0, whole?.Actual ?? 0);
        }).ToList();
        var gaps = await performance.GapsAsync(plan, quarter, goals.Where(g => g.Status == GoalStatus.OffTrack).Select(g => g.GoalKey).ToList(), ct);
        goals = goals.Select(g => g with { Breakdown = gaps.GetValueOrDefault(g.GoalKey) }).ToList();
        // Action-plan items overdue or due within the next review window.
        var horizon = asOf.AddDays(ReviewWindows.BiweeklyDays);
        var items = plan.Actions.Where(a => a.Status != "Done" && a.Due is { } due && due <= horizon)
            .Select(a => new ReviewActionItem(a.Id, a.Title, a.Due, a.Status, a.GoalKey, a.Overdue)).ToList();
        var earlier = await CorrectiveActionsAsync(
            db.CorrectiveActions.Where(a => a.RepId == review.RepId && a.CycleId == review.CycleId && a.ReviewId != review.Id && a.Status == CorrectiveStatus.Open),
            cycle.TimeZone, ct);
        return new ReviewFigures(asOf, Show.Period(quarter.Label, quarter.Start, quarter.End), plan.Edition, goals, items, earlier,
            await deals.ForAsync(review, cycle, asOf, ct), await deals.CallsAsync(review, cycle, asOf, ct));
    }

    public async Task<IReadOnlyList<CorrectiveActionRow>> CorrectiveActionsAsync(IQueryable<CorrectiveAction> actions, string? timeZone, CancellationToken ct)
    {
        var rows = await (from a in actions.AsNoTracking()
                          join u in db.Users on a.OwnerId equals u.Id
                          orderby a.Due, a.CreatedAt
                          select new { Action = a, Owner = u.DisplayName }).ToListAsync(ct);
        var today = Deadlines.LocalDate(clock.GetUtcNow(), timeZone ?? "UTC");
        return rows.Select(x => Row(x.Action, x.Owner, today)).ToList();
    }

    public static CorrectiveActionRow Row(CorrectiveAction a, string owner, DateOnly today) =>
        new(a.Id, a.ReviewId, a.RepId, a.What, a.OwnerId, owner, a.Due, a.GoalKey, a.Claim, a.ClaimOutcome, a.ClaimActual, a.ClaimCheckedAt, a.Status,
            a.DropReason, a.Outcome, a.Status == CorrectiveStatus.Open && a.Due < today,
            a is { RepConfirmedById: { } rb, RepConfirmedAt: { } ra } ? new Confirmation(rb, ra) : null,
            a is { ManagerConfirmedById: { } mb, ManagerConfirmedAt: { } ma } ? new Confirmation(mb, ma) : null,
            a.Agreed, ReviewVersion.Of(a.Version));

    public static ReviewStatus StatusOf(Review review, DateTimeOffset now, string timeZone, DateTimeOffset? closedAt) =>
        review.StatusOn(Deadlines.LocalDate(now, timeZone), closedAt is { } c ? Deadlines.LocalDate(c, timeZone) : null);
}

public static class ReviewVersion
{
    public static string Of(Guid version) => version.ToString("N");
}
