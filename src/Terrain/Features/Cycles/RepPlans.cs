using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;

namespace Terrain.Features.Cycles;

/// <summary>
/// Keeps "every active rep has a plan in every open cycle" true when people change (ADR 0030): the one place that
/// starts the plan of a rep who joins late (created, imported, made a rep, reactivated) and closes the plan of a rep
/// who leaves (deactivated, or no longer a rep). Every path that changes a user's role or activity calls it before
/// saving, in the same unit of work. It looks at each user as they now are, so calling it twice changes nothing.
/// </summary>
public static class RepPlans
{
    public static async Task FollowAsync(AppDbContext db, IReadOnlyCollection<AppUser> users, Guid? actorId, DateTimeOffset now, CancellationToken ct)
    {
        if (users.Count == 0)
        {
            return;
        }

        var cycles = await db.Cycles.Where(c => c.Status == CycleStatus.Open).ToListAsync(ct);
        if (cycles.Count == 0)
        {
            return;
        }

        var ids = users.Select(u => u.Id).ToList();
        var cycleIds = cycles.Select(c => c.Id).ToList();
        var plans = (await db.Plans.Where(p => cycleIds.Contains(p.CycleId) && ids.Contains(p.OwnerId)).ToListAsync(ct))
            .Concat(db.Plans.Local.Where(p => db.Entry(p).State == EntityState.Added))
            .DistinctBy(p => p.Id)
            .ToDictionary(p => (p.CycleId, p.OwnerId));
        foreach (var user in users)
        {
            var isRep = user.Role == Role.Rep && user.IsActive;
            foreach (var cycle in cycles)
            {
                plans.TryGetValue((cycle.Id, user.Id), out var plan);
                if (isRep && plan is null && Deadlines.LocalDate(now, cycle.TimeZone) <= cycle.PeriodEnd)
                {
                    plan = Plan.JoinLate(cycle, user.Id, now);
                    db.Plans.Add(plan);
                    plans[(cycle.Id, user.Id)] = plan;
                    Audit(db, now, actorId, "plan.started", plan, cycle);
                }
                else if (isRep && plan is { HasLeft: true })
                {
                    plan.Reopen(now);
                    Audit(db, now, actorId, "plan.reopened", plan, cycle);
                }
                else if (!isRep && plan is { HasLeft: false })
                {
                    plan.Close(now);
                    Audit(db, now, actorId, "plan.closed", plan, cycle);
                }
            }
        }
    }

    private static void Audit(AppDbContext db, DateTimeOffset now, Guid? actorId, string action, Plan plan, PlanningCycle cycle) =>
        db.AuditEntries.Add(AuditEntry.Record(now, actorId, action, "Plan", plan.Id.ToString(), JsonSerializer.Serialize(new
        {
            cycle = cycle.Name,
            owner = plan.OwnerId,
            reason = action == "plan.closed" ? "The rep left: deactivated or no longer a rep." : action == "plan.started" ? "The rep joined the open cycle." : "The rep is back.",
            draftDue = plan.DraftDueIn(cycle),
            approvalWindowDays = plan.ApprovalWindowIn(cycle),
            plan.JoinedOn,
        })));
}
