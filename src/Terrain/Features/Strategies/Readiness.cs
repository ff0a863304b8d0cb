using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Strategies;

/// <summary>
/// One rep's readiness for a strategy revision: invited to and attended a session (of any revision of the strategy),
/// acknowledged this revision, passed its check (null when it has none), and the questions still unanswered.
/// </summary>
public sealed record ReadinessRow(
    Guid RepId,
    string Name,
    string Email,
    Guid? ManagerId,
    string? ManagerName,
    bool Invited,
    bool Attended,
    bool Acknowledged,
    bool? CheckPassed,
    int CheckAttempts,
    int OpenQuestions,
    bool Ready);

/// <summary>How many reps in scope tick each column; <see cref="CheckPassed"/> is null when the strategy has no check.</summary>
public sealed record ReadinessTotals(int Reps, int Invited, int Attended, int Acknowledged, int? CheckPassed, int OpenQuestions, int RepsWithOpenQuestions, int Ready);

/// <summary>A manager's team, for the filter.</summary>
public sealed record ReadinessTeam(Guid Id, string Name, int Reps);

public sealed record ReadinessView(
    Guid StrategyId,
    string StrategyName,
    int Revision,
    string Status,
    bool HasCheck,
    Guid? Team,
    DateTimeOffset AsOf,
    ReadinessTotals Totals,
    IReadOnlyList<ReadinessTeam> Teams,
    IReadOnlyList<ReadinessRow> Rows);

/// <summary>
/// The readiness board: for every rep the caller follows (a manager's own team, every active rep for leaders), who is
/// up to speed on a strategy revision. A handful of set-based queries whatever the number of reps.
/// </summary>
public sealed class Readiness(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    /// <summary>
    /// Null when the caller may not see the strategy, or a manager asks for a team that is not theirs. A leader naming
    /// someone who leads no team is told so (field "team").
    /// </summary>
    public async Task<ReadinessView?> GetAsync(Guid strategyId, Guid? team, CancellationToken ct)
    {
        access.Ensure(Act.FollowTeam);
        var actor = access.Actor;

        var strategy = await access.VisibleStrategies().FirstOrDefaultAsync(s => s.Id == strategyId, ct);
        if (strategy is null)
        {
            return null;
        }

        var me = actor.Id;
        var activeReps = db.Users.Where(r => r.Role == Role.Rep && r.IsActive);
        var managers = db.Users.AsNoTracking().Where(u => u.Role == Role.Manager && u.IsActive);
        if (!access.SeesEveryone)
        {
            managers = managers.Where(u => u.Id == me);
        }

        var teams = (await managers
                .Select(m => new ReadinessTeam(m.Id, m.DisplayName, activeReps.Count(r => r.ManagerId == m.Id)))
                .ToListAsync(ct))
            .OrderBy(t => t.Name, StringComparer.CurrentCultureIgnoreCase).ToList();

        var reps = access.FollowedReps();
        if (team is { } teamId)
        {
            if (teams.All(t => t.Id != teamId))
            {
                return !access.SeesEveryone
                    ? null
                    : throw new DomainException("That is not the id of an active manager; pick a team from the list.", "team");
            }

            reps = reps.Where(r => r.ManagerId == teamId);
        }

        var repIds = reps.Select(r => r.Id);
        var lineage = db.Strategies.Where(s => s.LineageId == strategy.LineageId).Select(s => s.Id);

        var people = await (from r in reps
                            join m in db.Users on r.ManagerId equals m.Id into ms
                            from m in ms.DefaultIfEmpty()
                            select new { r.Id, r.DisplayName, r.Email, r.ManagerId, ManagerName = m == null ? null : m.DisplayName })
            .ToListAsync(ct);

        var invitations = await (from i in db.WorkshopInvitations
                                 join w in db.Workshops on i.WorkshopId equals w.Id
                                 where lineage.Contains(w.StrategyId) && repIds.Contains(i.UserId)
                                 group i by i.UserId into g
                                 select new { UserId = g.Key, Attended = g.Count(i => i.Attended == true) })
            .ToDictionaryAsync(x => x.UserId, x => x.Attended > 0, ct);

        var acknowledged = (await db.Acknowledgements
                .Where(a => a.StrategyId == strategy.Id && repIds.Contains(a.RepId))
                .Select(a => a.RepId).ToListAsync(ct))
            .ToHashSet();

        var attempts = await db.CheckAttempts
            .Where(a => a.StrategyId == strategy.Id && repIds.Contains(a.RepId))
            .GroupBy(a => a.RepId)
            .Select(g => new { RepId = g.Key, Count = g.Count(), Passed = g.Count(a => a.Passed) })
            .ToDictionaryAsync(x => x.RepId, x => (x.Count, Passed: x.Passed > 0), ct);

        var questions = await db.StrategyQuestions
            .Where(q => lineage.Contains(q.StrategyId) && q.Answer == null && repIds.Contains(q.AskedById))
            .GroupBy(q => q.AskedById)
            .Select(g => new { RepId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.RepId, x => x.Count, ct);

        var hasCheck = !strategy.ReadCheck().IsEmpty;
        var rows = people
            .Select(p =>
            {
                var invited = invitations.TryGetValue(p.Id, out var attended);
                var tried = attempts.GetValueOrDefault(p.Id);
                bool? passed = hasCheck ? tried.Passed : null;
                var ack = acknowledged.Contains(p.Id);
                return new ReadinessRow(p.Id, p.DisplayName, p.Email ?? "", p.ManagerId, p.ManagerName, invited, invited && attended, ack,
                    passed, tried.Count, questions.GetValueOrDefault(p.Id), Ready: ack && passed != false);
            })
            .OrderBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase)
            .ThenBy(r => r.Email, StringComparer.Ordinal)
            .ToList();

        var totals = new ReadinessTotals(
            rows.Count,
            rows.Count(r => r.Invited),
            rows.Count(r => r.Attended),
            rows.Count(r => r.Acknowledged),
            hasCheck ? rows.Count(r => r.CheckPassed == true) : null,
            rows.Sum(r => r.OpenQuestions),
            rows.Count(r => r.OpenQuestions > 0),
            rows.Count(r => r.Ready));

        return new ReadinessView(strategy.Id, strategy.Name, strategy.Revision, strategy.Status.ToString(), hasCheck, team, clock.GetUtcNow(),
            totals, teams, rows);
    }
}
