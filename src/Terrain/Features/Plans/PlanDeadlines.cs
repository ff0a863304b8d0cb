using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Plans;

public sealed record ExtensionRow(string Deadline, int Days, string Reason, string ByName, DateTimeOffset At);

/// <summary>
/// A plan's deadlines as its readers see them (ADR 0030): each with its due day and outcome (met on time, met late,
/// missed, due), how far it was extended and why, whether the rep joined late or left.
/// </summary>
public sealed record PlanDeadlines(
    DeadlineOutcome Draft,
    DeadlineOutcome? Approval,
    int ApprovalWindowDays,
    int DraftExtensionDays,
    int ApprovalExtensionDays,
    bool FollowsCycle,
    DateOnly? JoinedOn,
    DateTimeOffset? LeftAt,
    DateTimeOffset? DraftSubmittedAt,
    IReadOnlyList<ExtensionRow> Extensions)
{
    public static PlanDeadlines Of(Plan plan, PlanningCycle cycle, DateTimeOffset now, IReadOnlyList<ExtensionRow> extensions) =>
        new(plan.DraftOutcome(cycle, now), plan.ApprovalOutcome(cycle, now), plan.ApprovalWindowIn(cycle), plan.DraftExtensionDays,
            plan.ApprovalExtensionDays, plan.FollowsCycle, plan.JoinedOn, plan.LeftAt, plan.DraftSubmittedAt, extensions);

    public static async Task<IReadOnlyList<ExtensionRow>> ExtensionsOfAsync(AppDbContext db, Guid planId, CancellationToken ct) =>
        await (from e in db.PlanExtensions.AsNoTracking()
               where e.PlanId == planId
               join author in db.Users on e.ById equals author.Id
               orderby e.Id
               select new ExtensionRow(e.Deadline.ToString(), e.Days, e.Reason, author.DisplayName, e.At)).ToListAsync(ct);
}

/// <summary>What a leader or the rep's manager asks for: which deadline ("Draft" or "Approval"), how many days, and why.</summary>
public sealed record ExtensionInput(string? Deadline, int? Days, string? Reason);

public enum ExtensionOutcome
{
    Extended,
    NotFound,

    /// <summary>The caller did not say which version of the plan they extended.</summary>
    PreconditionRequired,
}

/// <summary>Extends one plan's draft deadline or approval window: the same handler behind the plan page and the API.</summary>
public sealed class ExtendDeadline(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    public async Task<(ExtensionOutcome Outcome, PlanDeadlines? Deadlines, string? Version)> HandleAsync(
        Guid id, ExtensionInput input, string? version, CancellationToken ct)
    {
        var plan = await access.VisiblePlans().AsTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (plan is null)
        {
            return (ExtensionOutcome.NotFound, null, null);
        }

        var managerId = await db.Users.Where(u => u.Id == plan.OwnerId).Select(u => u.ManagerId).SingleAsync(ct);
        access.Ensure(Act.ExtendDeadline, new About(plan.OwnerId, managerId));
        if (string.IsNullOrEmpty(version))
        {
            return (ExtensionOutcome.PreconditionRequired, null, null);
        }

        if (version != plan.ConcurrencyToken)
        {
            throw new InvalidStateException("The plan changed since you opened it. Reload it and extend again if it still needs it.", "version");
        }

        if (!Enum.TryParse<DeadlineKind>(input.Deadline, ignoreCase: true, out var deadline) || !Enum.IsDefined(deadline) || int.TryParse(input.Deadline, out _))
        {
            throw new DomainException("Say which deadline to extend: Draft or Approval.", "deadline");
        }

        var cycle = await db.Cycles.AsNoTracking().SingleAsync(c => c.Id == plan.CycleId, ct);
        var now = clock.GetUtcNow();
        var extension = plan.Extend(access.Actor, managerId, cycle, deadline, input.Days ?? 0, input.Reason, now);
        db.PlanExtensions.Add(extension);
        db.AuditEntries.Add(AuditEntry.Record(now, access.Actor.Id, "plan.deadline-extended", "Plan", plan.Id.ToString(),
            JsonSerializer.Serialize(new
            {
                deadline = deadline.ToString(),
                extension.Days,
                extension.Reason,
                draftDue = plan.DraftDueIn(cycle),
                approvalWindowDays = plan.ApprovalWindowIn(cycle),
            })));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbConflicts.IsConflict(e))
        {
            throw new InvalidStateException("The plan changed while you extended it. Reload it and try again.", "version");
        }

        return (ExtensionOutcome.Extended, PlanDeadlines.Of(plan, cycle, now, await PlanDeadlines.ExtensionsOfAsync(db, id, ct)), plan.ConcurrencyToken);
    }
}
