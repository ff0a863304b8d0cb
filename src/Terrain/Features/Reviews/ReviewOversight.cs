using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Reviews;
using Terrain.Features.Dashboards;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Reviews;

/// <summary>
/// The oversight of reviews for leaders and managers (issue 11 §4–§5, ADR 0029): compliance, corrective actions to
/// follow, reps behind in a row, forecast accuracy, variance reasons and which actions fixed them. Every count is a
/// GROUP BY in the database; only grouped rows (a row per manager, rep or category) are read.
/// </summary>
public sealed class ReviewOversight(AppDbContext db, AccessPolicy access, DashboardFigures figures, TeamDashboard teams)
{
    /// <summary>Null when the manager asked for does not exist (404). Reps are refused (403); a manager sees their own team only.</summary>
    public async Task<OversightView?> GetAsync(Guid? cycleId, Guid? managerId, CancellationToken ct)
    {
        access.Ensure(Act.FollowTeam);
        var me = access.Actor.Id;
        if (!access.SeesEveryone)
        {
            if (managerId is { } other && other != me)
            {
                throw new NotAllowedException("A manager oversees their own team's reviews; leaders see every team's.");
            }

            managerId = me;
        }

        TeamRef? team = null;
        if (managerId is { } mid)
        {
            team = await db.Users.AsNoTracking().Where(u => u.Id == mid && u.Role != Role.Rep).Select(u => new TeamRef(u.Id, u.DisplayName)).SingleOrDefaultAsync(ct);
            if (team is null)
            {
                return null;
            }
        }

        var choices = await teams.TeamsAsync(ct);
        var frame = await figures.FrameAsync(cycleId, null, ct);
        if (frame is null)
        {
            var none = new ComplianceRow(null, "Total", 0, 0, 0, 0, 0, 0);
            return new OversightView(DateOnly.FromDateTime(DateTime.UtcNow), null, team, choices, [], none, new ActionFollowUp(0, 0, 0, []), [], 0, [], [], []);
        }

        var cycle = frame.Cycle;
        var today = frame.Day;
        var closedOn = cycle.ClosedAt is { } closed ? Deadlines.LocalDate(closed, cycle.TimeZone) : DateOnly.MaxValue;
        var reviews = access.VisibleReviews().Where(r => r.CycleId == cycle.Id);
        if (team is not null)
        {
            var id = team.ManagerId;
            reviews = reviews.Where(r => r.ManagerId == id);
        }

        var compliance = await ComplianceAsync(reviews, team is null ? r => r.ManagerId : r => r.RepId, today, closedOn, ct);
        var total = new ComplianceRow(team?.ManagerId, team is null ? "Organisation" : $"{team.Manager}'s team", compliance.Sum(c => c.Held), compliance.Sum(c => c.Late),
            compliance.Sum(c => c.Missed), compliance.Sum(c => c.Open), compliance.Sum(c => c.Upcoming), compliance.Sum(c => c.Ended));
        var reasons = db.ReviewReasons.AsNoTracking().Where(v => v.CycleId == cycle.Id);
        if (team is not null)
        {
            var id = team.ManagerId;
            reasons = reasons.Where(v => v.ManagerId == id);
        }

        var (behind, behindCount) = await BehindAsync(reviews, ct);
        return new OversightView(today, new OversightCycle(cycle.Id, cycle.Name, cycle.PeriodStart, cycle.PeriodEnd, cycle.ClosedAt is not null), team, choices,
            compliance, total, await ActionsAsync(cycle.Id, team?.ManagerId, today, ct), behind, behindCount,
            await new ForecastAccuracy(db).MeasureAsync(reviews, cycle.Quarters.Where(q => q.End < today).ToList(), team is null, NameAsync, ct),
            await ReasonsAsync(reasons, ct), await EffectsAsync(reasons, ct));
    }

    private async Task<List<ComplianceRow>> ComplianceAsync(IQueryable<Review> reviews, Expression<Func<Review, Guid?>> key, DateOnly today, DateOnly closedOn,
        CancellationToken ct)
    {
        // The same rules as Review.StatusOn, as SQL: due by the later of the window's end and the day it was moved to.
        var counts = await reviews.GroupBy(key).Select(g => new
        {
            Id = g.Key,
            Held = g.Count(r => r.CompletedOn != null && r.CompletedOn <= (r.ScheduledOn > r.WindowEnd ? r.ScheduledOn : r.WindowEnd)),
            Late = g.Count(r => r.CompletedOn != null && r.CompletedOn > (r.ScheduledOn > r.WindowEnd ? r.ScheduledOn : r.WindowEnd)),
            Ended = g.Count(r => r.CompletedOn == null && closedOn <= (r.ScheduledOn > r.WindowEnd ? r.ScheduledOn : r.WindowEnd)),
            Missed = g.Count(r => r.CompletedOn == null && closedOn > (r.ScheduledOn > r.WindowEnd ? r.ScheduledOn : r.WindowEnd) &&
                                  today > (r.ScheduledOn > r.WindowEnd ? r.ScheduledOn : r.WindowEnd)),
            Open = g.Count(r => r.CompletedOn == null && closedOn > (r.ScheduledOn > r.WindowEnd ? r.ScheduledOn : r.WindowEnd) &&
                                today <= (r.ScheduledOn > r.WindowEnd ? r.ScheduledOn : r.WindowEnd) && today >= r.WindowStart),
            Upcoming = g.Count(r => r.CompletedOn == null && closedOn > (r.ScheduledOn > r.WindowEnd ? r.ScheduledOn : r.WindowEnd) && today < r.WindowStart),
        }).ToListAsync(ct);
        var names = await NamesAsync(counts.Select(c => c.Id), ct);
        return counts.Select(c => new ComplianceRow(c.Id, c.Id is { } id ? names.GetValueOrDefault(id, "?") : "No manager", c.Held, c.Late, c.Missed, c.Open, c.Upcoming, c.Ended))
            .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }

    private async Task<ActionFollowUp> ActionsAsync(Guid cycleId, Guid? managerId, DateOnly today, CancellationToken ct)
    {
        var open = db.CorrectiveActions.AsNoTracking().Where(a => a.CycleId == cycleId && a.Status == CorrectiveStatus.Open);
        if (managerId is { } id)
        {
            open = open.Where(a => a.ManagerId == id);
        }

        var count = await open.CountAsync(ct);
        if (count == 0)
        {
            return new ActionFollowUp(0, 0, 0, []);
        }

        var overdue = await open.CountAsync(a => a.Due < today, ct);
        var unconfirmed = await open.CountAsync(a => a.RepConfirmedAt == null || a.ManagerConfirmedAt == null, ct);
        var rows = await (from a in open
                          join rep in db.Users on a.RepId equals rep.Id
                          join owner in db.Users on a.OwnerId equals owner.Id
                          join m in db.Users on a.ManagerId equals m.Id into ms
                          from m in ms.DefaultIfEmpty()
                          orderby a.Due, rep.DisplayName
                          select new OpenAction(a.Id, a.ReviewId, a.What, a.RepId, rep.DisplayName, a.OwnerId, owner.DisplayName, m == null ? null : m.DisplayName, a.Due,
                              a.Due < today, a.RepConfirmedAt != null && a.ManagerConfirmedAt != null))
            .Take(ActionFollowUp.Listed).ToListAsync(ct);
        return new ActionFollowUp(count, overdue, unconfirmed, rows);
    }

    /// <summary>
    /// Behind at a review: it recorded a variance reason (the gate makes one for every goal off track). A rep's run is
    /// their completed reviews since the last completed one that recorded none. Only the <see cref="RepBehind.Listed"/>
    /// longest runs (the most recent first among equals) are named and listed; all are counted.
    /// </summary>
    private async Task<(IReadOnlyList<RepBehind> List, int Count)> BehindAsync(IQueryable<Review> reviews, CancellationToken ct)
    {
        var done = reviews.Where(r => r.CompletedOn != null);
        var runs = await done.Where(r => r.Variances != "[]" && !done.Any(o => o.RepId == r.RepId && o.Variances == "[]" && o.WindowStart > r.WindowStart))
            .GroupBy(r => r.RepId)
            .Select(g => new { RepId = g.Key, Count = g.Count(), Since = g.Min(r => r.WindowStart), Latest = g.Max(r => r.WindowStart) })
            .Where(x => x.Count >= 2)
            .ToListAsync(ct);
        var listed = runs.OrderByDescending(r => r.Count).ThenByDescending(r => r.Latest).ThenBy(r => r.RepId).Take(RepBehind.Listed).ToList();
        var ids = listed.Select(r => r.RepId).ToList();
        var people = await (from u in db.Users.AsNoTracking()
                            where ids.Contains(u.Id)
                            join m in db.Users on u.ManagerId equals m.Id into ms
                            from m in ms.DefaultIfEmpty()
                            select new { u.Id, u.DisplayName, Manager = m == null ? null : m.DisplayName }).ToDictionaryAsync(u => u.Id, ct);
        return (listed.Select(r => new RepBehind(r.RepId, people[r.RepId].DisplayName, people[r.RepId].Manager, r.Count, r.Since, r.Latest))
            .OrderByDescending(r => r.Reviews).ThenBy(r => r.Rep, StringComparer.OrdinalIgnoreCase).ToList(), runs.Count);
    }

    private static async Task<IReadOnlyList<ReasonCount>> ReasonsAsync(IQueryable<ReviewReason> reasons, CancellationToken ct)
    {
        var counts = await reasons.GroupBy(v => v.Category).Select(g => new { Category = g.Key, Count = g.Count() }).ToListAsync(ct);
        var all = counts.Sum(c => c.Count);
        return counts.Select(c => new ReasonCount(c.Category, c.Count, Math.Round((decimal)c.Count / all, 4)))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Category).ToList();
    }

    private async Task<IReadOnlyList<ActionEffect>> EffectsAsync(IQueryable<ReviewReason> reasons, CancellationToken ct)
    {
        var rows = await (from v in reasons
                          join a in db.CorrectiveActions on new { v.ReviewId, GoalKey = (string?)v.GoalKey } equals new { a.ReviewId, a.GoalKey }
                          where a.Status != CorrectiveStatus.Dropped && a.RepConfirmedAt != null && a.ManagerConfirmedAt != null
                          group a by new { v.Category, a.ClaimMetric, a.ClaimOutcome } into g
                          select new { g.Key.Category, g.Key.ClaimMetric, g.Key.ClaimOutcome, Count = g.Count() }).ToListAsync(ct);
        return rows.GroupBy(r => (r.Category, Metric: r.ClaimMetric))
            .Select(g =>
            {
                int Of(ClaimOutcome outcome) => g.Where(r => r.ClaimOutcome == outcome).Sum(r => r.Count);
                return new ActionEffect(g.Key.Category, g.Key.Metric, Of(ClaimOutcome.Achieved), Of(ClaimOutcome.PartlyAchieved), Of(ClaimOutcome.Missed),
                    Of(ClaimOutcome.Pending));
            })
            .OrderBy(e => e.Category).ThenBy(e => e.Metric).ToList();
    }

    private Task<Dictionary<Guid, string>> NamesAsync(IEnumerable<Guid?> ids, CancellationToken ct) => NameAsync(ids.OfType<Guid>().ToList(), ct);

    private async Task<Dictionary<Guid, string>> NameAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
}
