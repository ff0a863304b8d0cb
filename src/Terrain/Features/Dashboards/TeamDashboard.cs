using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Performance;
using Terrain.Features.Performance;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Dashboards;

/// <summary>Where a team's target comes from: its manager's own quota where one is set, else the sum of its reps' targets.</summary>
public enum TeamTargetSource
{
    ManagerQuota,
    SumOfReps,
}

public sealed record TeamRef(Guid ManagerId, string Manager);

/// <summary>
/// A rep's revenue against their plan in force (its revenue goals counted once, <see cref="RevenueTotals"/>, each measured as on the performance
/// page), for the current quarter and the cycle to date. <see cref="Rank"/> is by forecast attainment of the quarter,
/// <see cref="CycleRank"/> of the cycle to date; reps without a plan in force come last. <see cref="Behind"/> when
/// either period is at risk or off track.
/// </summary>
public sealed record RepStanding(
    int Rank,
    int CycleRank,
    Guid RepId,
    string Name,
    Guid? PlanId,
    bool HasPlanInForce,
    Figures Quarter,
    Figures Cycle,
    bool Behind,
    int DealsAtRisk);

/// <summary>
/// The team against its target: <see cref="TargetSource"/> says whether that is the manager's quota or the sum of the
/// reps' targets (<see cref="SumOfRepTargetsQuarter"/> and <see cref="SumOfRepTargetsCycle"/> are always given).
/// </summary>
public sealed record TeamTotals(TeamTargetSource TargetSource, decimal SumOfRepTargetsQuarter, decimal SumOfRepTargetsCycle, Figures Quarter, Figures Cycle);

/// <summary>
/// A manager's dashboard: the team's reps ranked, the team against its target, and the team's deals at risk.
/// <see cref="Teams"/> are the teams the reader may pick (every team for leaders and admins, their own for a manager).
/// </summary>
public sealed record TeamDashboardView(
    DateOnly AsOf,
    DashboardCycle? Cycle,
    TeamRef Team,
    IReadOnlyList<TeamRef> Teams,
    string QuarterLabel,
    TeamTotals? Totals,
    IReadOnlyList<RepStanding> Reps,
    IReadOnlyList<DealAtRisk> DealsAtRisk)
{
    /// <summary>The thresholds the deals at risk were found with: the leader's settings unless the request overrode them.</summary>
    public RiskRules Rules { get; init; } = new(0, 0);
}

/// <summary>The manager dashboard; reps are refused (403), a manager sees only their own team, leaders and admins any.</summary>
public sealed class TeamDashboard(AppDbContext db, AccessPolicy access, DashboardFigures figures, DealsAtRisk risks)
{
    /// <summary>Null when the manager does not exist (404).</summary>
    public async Task<TeamDashboardView?> GetAsync(Guid? managerId, DateOnly? asOf, Guid? cycleId, RiskOverrides overrides, CancellationToken ct)
    {
        access.Ensure(Act.FollowTeam);
        var teams = await TeamsAsync(ct);
        var me = access.Actor.Id;
        var id = managerId ?? (access.SeesEveryone ? (teams.Count > 0 ? teams[0].ManagerId : null) : me);
        if (!access.SeesEveryone && id != me)
        {
            throw new NotAllowedException("A manager sees their own team's dashboard; leaders see every team's.");
        }

        var manager = id is { } mid
            ? await db.Users.AsNoTracking().Where(u => u.Id == mid && (u.Role == Role.Manager || u.Role == Role.Leader || u.Role == Role.Admin))
                .Select(u => new TeamRef(u.Id, u.DisplayName)).SingleOrDefaultAsync(ct)
            : null;
        if (manager is null)
        {
            return null;
        }

        var rules = RiskRules.Of(await MetricSettingsStore.LoadAsync(db, ct), overrides);
        var frame = await figures.FrameAsync(cycleId, asOf, ct);
        var reps = db.Users.AsNoTracking().Where(u => u.ManagerId == manager.ManagerId && u.Role == Role.Rep && u.IsActive).Select(u => u.Id);
        if (frame is null)
        {
            return new TeamDashboardView(asOf ?? DateOnly.FromDateTime(DateTime.UtcNow), null, manager, teams, "", null, [], [])
            {
                Rules = rules,
            };
        }

        var people = await db.Users.AsNoTracking().Where(u => reps.Contains(u.Id)).Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct);
        var goals = await figures.GoalsAsync(frame, reps, ct);
        var deals = await risks.ListAsync(reps, frame.Day, frame.Cycle.TimeZone, rules, ct);
        var standings = Rank(frame, people.Select(p => (p.Id, p.DisplayName)), goals, deals);
        var quota = await QuotaAsync(frame, [manager.ManagerId], ct);
        return new TeamDashboardView(frame.Day, frame.Info, manager, teams, frame.Quarter.Label,
            Totals(frame, goals, quota.GetValueOrDefault(manager.ManagerId)), standings, deals)
        {
            Rules = rules,
        };
    }

    /// <summary>The teams the reader may open: managers with active reps (every one for leaders and admins, their own for a manager).</summary>
    public async Task<IReadOnlyList<TeamRef>> TeamsAsync(CancellationToken ct)
    {
        var managers = db.Users.AsNoTracking().Where(m => db.Users.Any(r => r.ManagerId == m.Id && r.Role == Role.Rep && r.IsActive));
        if (!access.SeesEveryone)
        {
            var me = access.Actor.Id;
            managers = managers.Where(m => m.Id == me);
        }

        return await managers.OrderBy(m => m.DisplayName).Select(m => new TeamRef(m.Id, m.DisplayName)).ToListAsync(ct);
    }

    /// <summary>Ranks reps by forecast attainment (quarter, then cycle to date), reps without a plan in force last.</summary>
    public static IReadOnlyList<RepStanding> Rank(DashboardFrame frame, IEnumerable<(Guid Id, string Name)> people, IReadOnlyList<GoalFigures> goals,
        IReadOnlyList<DealAtRisk> deals)
    {
        var byRep = goals.ToLookup(g => g.RepId);
        var rows = people.Select(p =>
        {
            var mine = byRep[p.Id].ToList();
            var revenue = RevenueTotals.CountedOnce(mine);
            var quarter = DashboardFigures.Add(frame.Quarter, frame.Day, frame.Thresholds, revenue);
            var cycle = DashboardFigures.Add(frame.CycleToDate, frame.Day, frame.Thresholds, revenue);
            return new
            {
                p.Id,
                p.Name,
                PlanId = mine.Select(g => (Guid?)g.PlanId).FirstOrDefault(),
                Quarter = quarter,
                Cycle = cycle,
                Behind = IsBehind(quarter.Status) || IsBehind(cycle.Status),
                Risks = deals.Count(d => d.OwnerId == p.Id),
            };
        }).ToList();
        var cycleRank = rows.OrderBy(r => r.PlanId is null).ThenByDescending(r => r.Cycle.ForecastAttainment ?? decimal.MinValue)
            .ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Select((r, i) => (r.Id, Rank: i + 1)).ToDictionary(x => x.Id, x => x.Rank);
        return rows.OrderBy(r => r.PlanId is null).ThenByDescending(r => r.Quarter.ForecastAttainment ?? decimal.MinValue)
            .ThenByDescending(r => r.Cycle.ForecastAttainment ?? decimal.MinValue).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase)
            .Select((r, i) => new RepStanding(i + 1, cycleRank[r.Id], r.Id, r.Name, r.PlanId, r.PlanId is not null, r.Quarter, r.Cycle, r.Behind, r.Risks))
            .ToList();
    }

    public static bool IsBehind(GoalStatus status) => status is GoalStatus.AtRisk or GoalStatus.OffTrack;

    /// <summary>
    /// The team's revenue (each rep's counted once, <see cref="RevenueTotals"/>) against the manager's quota where one
    /// is set in the cycle, else against the sum of the reps' targets.
    /// </summary>
    public static TeamTotals Totals(DashboardFrame frame, IReadOnlyList<GoalFigures> goals, IReadOnlyDictionary<int, decimal>? managerQuota)
    {
        var revenue = RevenueTotals.CountedOnce(goals);
        var sumQuarter = DashboardFigures.Add(frame.Quarter, frame.Day, frame.Thresholds, revenue).Target;
        var sumCycle = DashboardFigures.Add(frame.CycleToDate, frame.Day, frame.Thresholds, revenue).Target;
        decimal? QuotaOf(PerformancePeriod p) => managerQuota is null ? null : GoalMetrics.TargetOf(p, managerQuota);
        var quarter = DashboardFigures.Add(frame.Quarter, frame.Day, frame.Thresholds, revenue, QuotaOf(frame.Quarter));
        var cycle = DashboardFigures.Add(frame.CycleToDate, frame.Day, frame.Thresholds, revenue, QuotaOf(frame.CycleToDate));
        if (revenue.Count == 0 && managerQuota is not null)
        {
            // No rep has a revenue goal yet: the team is still measured against the quota, with nothing won.
            quarter = quarter with { Status = GoalMetrics.StatusOf(0, quarter.Target, frame.Thresholds) };
            cycle = cycle with { Status = GoalMetrics.StatusOf(0, cycle.Target, frame.Thresholds) };
        }

        return new TeamTotals(managerQuota is null ? TeamTargetSource.SumOfReps : TeamTargetSource.ManagerQuota, sumQuarter, sumCycle, quarter, cycle);
    }

    /// <summary>The quotas set in the cycle for the given managers, per quarter (managers without one are absent).</summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyDictionary<int, decimal>>> QuotaAsync(DashboardFrame frame, IReadOnlyCollection<Guid> managers,
        CancellationToken ct)
    {
        var rows = await db.Quotas.AsNoTracking().Where(q => q.CycleId == frame.Cycle.Id && managers.Contains(q.RepId))
            .Select(q => new { q.RepId, q.Quarter, q.Amount }).ToListAsync(ct);
        return rows.GroupBy(r => r.RepId)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<int, decimal>)g.ToDictionary(r => r.Quarter, r => r.Amount));
    }
}
