using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Reviews;
using Terrain.Features.Dashboards;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Reviews;

/// <summary>A rep's cycle on one page (issue 11 §6): the plan's submissions and approvals, then each review as it was recorded.</summary>
public sealed record TimelineView(Guid RepId, string Rep, string? Manager, OversightCycle? Cycle, string TimeZone, Guid? PlanId,
    IReadOnlyList<TimelinePlanEvent> PlanEvents, IReadOnlyList<TimelineReview> Reviews);

/// <summary>A move in the plan's review: submitted (a snapshot is kept), changes requested, approved, amendment started.</summary>
public sealed record TimelinePlanEvent(DateTimeOffset At, string What, string? By, int? Version, string? Comment);

/// <summary>
/// One review in the timeline. <see cref="Figures"/> are the frozen snapshot of a completed review (null before);
/// <see cref="CoachingNotes"/> is left out for everyone but the review's manager and leaders.
/// </summary>
public sealed record TimelineReview(
    Guid Id,
    int Number,
    DateOnly WindowStart,
    DateOnly WindowEnd,
    DateOnly ScheduledOn,
    ReviewStatus Status,
    DateOnly? CompletedOn,
    string? Manager,
    ForecastCall RepCall,
    ForecastCall ManagerCall,
    IReadOnlyList<VarianceReason> VarianceReasons,
    string? NoActionReason,
    string SharedNotes,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CoachingNotes,
    ReviewFigures? Figures,
    IReadOnlyList<CorrectiveActionRow> Actions);

public sealed class ReviewTimeline(AppDbContext db, AccessPolicy access, DashboardFigures figures, ReviewQueries queries, TimeProvider clock)
{
    private static readonly Dictionary<string, string> Moves = new()
    {
        ["plan.submitted"] = "Plan submitted",
        ["plan.changes-requested"] = "Changes requested",
        ["plan.approved"] = "Plan approved",
        ["plan.amended"] = "Amendment started",
    };

    /// <summary>Null when the rep is not one the caller may see (404): a rep sees their own, a manager their team's, leaders and admins anyone's.</summary>
    public async Task<TimelineView?> GetAsync(Guid repId, Guid? cycleId, CancellationToken ct)
    {
        var rep = await (from u in access.VisibleUsers()
                         where u.Id == repId && u.Role == Role.Rep
                         join m in db.Users on u.ManagerId equals m.Id into ms
                         from m in ms.DefaultIfEmpty()
                         select new { u.DisplayName, Manager = m == null ? null : m.DisplayName }).SingleOrDefaultAsync(ct);
        if (rep is null)
        {
            return null;
        }

        var frame = await figures.FrameAsync(cycleId, null, ct);
        if (frame is null)
        {
            return new TimelineView(repId, rep.DisplayName, rep.Manager, null, "UTC", null, [], []);
        }

        var cycle = frame.Cycle;
        var planId = await access.VisiblePlans().Where(p => p.OwnerId == repId && p.CycleId == cycle.Id).Select(p => (Guid?)p.Id).FirstOrDefaultAsync(ct);
        var reviews = await (from r in access.VisibleReviews().Where(r => r.RepId == repId && r.CycleId == cycle.Id)
                             join m in db.Users on r.ManagerId equals m.Id into ms
                             from m in ms.DefaultIfEmpty()
                             orderby r.WindowStart
                             select new { Review = r, Manager = m == null ? null : m.DisplayName }).ToListAsync(ct);
        var ids = reviews.Select(r => r.Review.Id).ToList();
        var actions = (await queries.CorrectiveActionsAsync(db.CorrectiveActions.Where(a => ids.Contains(a.ReviewId)), cycle.TimeZone, ct)).ToLookup(a => a.ReviewId);
        var now = clock.GetUtcNow();
        var rows = reviews.Select(x =>
        {
            var r = x.Review;
            return new TimelineReview(r.Id, r.Number, r.WindowStart, r.WindowEnd, r.ScheduledOn, ReviewQueries.StatusOf(r, now, cycle.TimeZone, cycle.ClosedAt),
                r.CompletedOn, x.Manager, r.RepCall, r.ManagerCall, r.VarianceReasons, r.NoActionReason, r.SharedNotes,
                access.ReadsCoachingNotes(r.ManagerId) ? r.CoachingNotes : null,
                r.Snapshot is { } frozen ? JsonSerializer.Deserialize<ReviewFigures>(frozen, ReviewQueries.SnapshotJson) : null, actions[r.Id].ToList());
        }).ToList();
        return new TimelineView(repId, rep.DisplayName, rep.Manager, new OversightCycle(cycle.Id, cycle.Name, cycle.PeriodStart, cycle.PeriodEnd, cycle.ClosedAt is not null),
            cycle.TimeZone, planId, planId is { } id ? await PlanEventsAsync(id, ct) : [], rows);
    }

    private async Task<IReadOnlyList<TimelinePlanEvent>> PlanEventsAsync(Guid planId, CancellationToken ct)
    {
        var key = planId.ToString();
        var moves = Moves.Keys.ToList();
        var events = await (from e in db.AuditEntries.AsNoTracking()
                            where e.EntityType == "Plan" && e.EntityId == key && moves.Contains(e.Action)
                            join u in db.Users on e.ActorId equals u.Id into us
                            from u in us.DefaultIfEmpty()
                            orderby e.Id
                            select new { e.At, e.Action, By = u == null ? null : u.DisplayName, e.Details }).ToListAsync(ct);
        return events.Select(e =>
        {
            var (version, comment) = Plans.PrintModel.Details(e.Details);
            return new TimelinePlanEvent(e.At, Moves[e.Action], e.By, version, comment);
        }).ToList();
    }
}
