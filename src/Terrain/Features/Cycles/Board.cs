using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Territories;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Cycles;

public sealed record BoardRow(
    Guid PlanId,
    Guid RepId,
    string RepName,
    string RepEmail,
    Guid? ManagerId,
    string? ManagerName,
    string Status,
    int WorkingVersion,
    int? ApprovedVersion,
    DateTimeOffset DraftDeadline,
    int? DraftDaysLeft,
    bool DraftOverdue,
    DateTimeOffset? ApprovalDeadline,
    int? ApprovalDaysLeft,
    bool ApprovalOverdue,
    DeadlineOutcome DraftOutcome,
    DeadlineOutcome? ApprovalOutcome,
    DateTimeOffset? SubmittedAt,
    bool IsAmendment,
    bool Left,
    DateOnly? JoinedOn,
    int DraftExtensionDays,
    int ApprovalExtensionDays,
    decimal Goals,
    decimal? Quota,
    int Warnings);

public sealed record BoardSummary(int Plans, int Draft, int Submitted, int ChangesRequested, int Approved, int Overdue, int Amending, int Left);

public sealed record BoardManager(Guid Id, string Name);

/// <summary>An account whose owner is no longer an active rep: to give to someone who is.</summary>
public sealed record AccountToReassign(Guid AccountId, string AccountName, Guid OwnerId, string OwnerName, string Why);

public sealed record BoardView(Guid CycleId, string CycleName, string CycleStatus, DateTimeOffset AsOf, BoardSummary Summary,
    IReadOnlyList<BoardManager> Managers, IReadOnlyList<BoardRow> Rows, IReadOnlyList<AccountToReassign> AccountsToReassign);

public sealed record BoardFilter(string? Status = null, Guid? Manager = null, bool OverdueOnly = false, string? Sort = null)
{
    public static readonly IReadOnlyList<string> SortKeys = ["rep", "manager", "status", "draft", "approval", "submitted"];
}

/// <summary>
/// The deadline board of a cycle: every plan in the caller's scope (a manager's team, everyone for leaders) with its
/// status, how each deadline turned out (<see cref="DeadlineOutcome"/>: met on time, met late, missed, due), its goals
/// against quota and its quality warnings; for leaders, the accounts of reps who left.
/// </summary>
public sealed class Board(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    public async Task<BoardView?> GetAsync(Guid cycleId, BoardFilter filter, CancellationToken ct)
    {
        var cycle = await db.Cycles.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cycleId, ct);
        if (cycle is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var plans = await (from p in access.VisiblePlans().Where(p => p.CycleId == cycleId)
                           join rep in db.Users on p.OwnerId equals rep.Id
                           join manager in db.Users on rep.ManagerId equals manager.Id into managers
                           from manager in managers.DefaultIfEmpty()
                           select new
                           {
                               Plan = p,
                               RepName = rep.DisplayName,
                               RepEmail = rep.Email!,
                               rep.ManagerId,
                               ManagerName = manager == null ? null : manager.DisplayName,
                           }).ToListAsync(ct);
        var checks = await BoardChecks.EvaluateAsync(db, cycle, plans.Select(p => (p.Plan.Id, p.Plan.OwnerId)).ToList(), ct);

        var rows = plans.Select(r =>
        {
            var plan = r.Plan;
            var left = plan.HasLeft;
            var draft = plan.DraftOutcome(cycle, now);
            var approval = plan.ApprovalOutcome(cycle, now);
            var approvalDeadline = plan.ApprovalDeadline(cycle);
            var check = checks[plan.Id];
            return new BoardRow(plan.Id, plan.OwnerId, r.RepName, r.RepEmail, r.ManagerId, r.ManagerName, plan.Status.ToString(),
                plan.WorkingVersion, plan.ApprovedVersion, plan.DraftDeadline(cycle),
                plan.OwesFirstDraft && !left ? Deadlines.DaysLeft(now, plan.DraftDeadline(cycle), cycle.TimeZone) : null,
                DraftOverdue: !left && draft.IsOverdue,
                approvalDeadline,
                approvalDeadline is { } d && !left ? Deadlines.DaysLeft(now, d, cycle.TimeZone) : null,
                ApprovalOverdue: !left && approval is { IsOverdue: true },
                draft, approval, plan.LastSubmittedAt, plan.IsAmendment, left, plan.JoinedOn, plan.DraftExtensionDays, plan.ApprovalExtensionDays,
                check.Goals, check.Quota, check.Warnings);
        }).ToList();

        var current = rows.Where(r => !r.Left).ToList();
        var summary = new BoardSummary(rows.Count,
            current.Count(r => r.Status == nameof(PlanStatus.Draft) && !r.IsAmendment),
            current.Count(r => r.Status == nameof(PlanStatus.Submitted)),
            current.Count(r => r.Status == nameof(PlanStatus.ChangesRequested) && !r.IsAmendment),
            current.Count(r => r.Status == nameof(PlanStatus.Approved)),
            current.Count(r => r.DraftOverdue || r.ApprovalOverdue),
            current.Count(r => r.IsAmendment && r.Status != nameof(PlanStatus.Submitted)),
            rows.Count(r => r.Left));

        IEnumerable<BoardRow> shown = rows;
        if (!string.IsNullOrWhiteSpace(filter.Status))
        {
            shown = shown.Where(r => string.Equals(r.Status, filter.Status, StringComparison.OrdinalIgnoreCase));
        }

        if (filter.Manager is { } managerId)
        {
            shown = shown.Where(r => r.ManagerId == managerId);
        }

        if (filter.OverdueOnly)
        {
            shown = shown.Where(r => r.DraftOverdue || r.ApprovalOverdue);
        }

        var descending = filter.Sort?.StartsWith('-') == true;
        Func<BoardRow, IComparable?> key = filter.Sort?.TrimStart('-') switch
        {
            "manager" => r => r.ManagerName,
            "status" => r => r.Status,
            "draft" => r => r.DraftOutcome.Due,
            "approval" => r => r.ApprovalOutcome?.Due ?? DateOnly.MaxValue,
            "submitted" => r => r.SubmittedAt ?? DateTimeOffset.MaxValue,
            _ => r => r.RepName,
        };
        var ordered = descending ? shown.OrderByDescending(key).ThenBy(r => r.RepName) : shown.OrderBy(key).ThenBy(r => r.RepName);
        var managersShown = rows.Where(r => r.ManagerId is not null).Select(r => new BoardManager(r.ManagerId!.Value, r.ManagerName ?? ""))
            .Distinct().OrderBy(m => m.Name).ToList();
        return new BoardView(cycle.Id, cycle.Name, cycle.Status.ToString(), now, summary, managersShown, ordered.ToList(),
            await AccountsToReassignAsync(ct));
    }

    /// <summary>
    /// For leaders and admins: accounts owned by someone deactivated or no longer a rep, and those a deactivated rep's
    /// territory kept when it became vacant (ADR 0039: deactivating a rep vacates the territory).
    /// </summary>
    private async Task<IReadOnlyList<AccountToReassign>> AccountsToReassignAsync(CancellationToken ct)
    {
        if (!access.SeesEveryone)
        {
            return [];
        }

        var owned = await (from a in db.Accounts.AsNoTracking()
                           join u in db.Users on a.OwnerId equals u.Id
                           where !u.IsActive || u.Role != Role.Rep
                           orderby u.DisplayName, a.Name
                           select new AccountToReassign(a.Id, a.Name, u.Id, u.DisplayName, u.IsActive ? "no longer a rep" : "deactivated"))
            .Take(200).ToListAsync(ct);
        var vacated = await (from a in db.Accounts.AsNoTracking()
                             join m in db.AccountAssignments on a.Id equals m.AccountId
                             join u in db.Users on m.FromRepId equals u.Id
                             where a.OwnerId == null && a.TerritoryId != null && m.ToTerritoryId == a.TerritoryId && m.ToRepId == null
                                 && m.Source == AssignmentSource.RepChange && m.Status == AssignmentStatus.Applied && !u.IsActive
                             select new { a.Id, a.Name, RepId = u.Id, u.DisplayName })
            .Distinct().OrderBy(x => x.DisplayName).ThenBy(x => x.Name).Take(200).ToListAsync(ct);
        return [.. owned.Concat(vacated.Select(v => new AccountToReassign(v.Id, v.Name, v.RepId, v.DisplayName, "deactivated; the territory is vacant")))
            .DistinctBy(a => a.AccountId).Take(200)];
    }

    public static (string Field, string Message)? Validate(BoardFilter filter)
    {
        if (!string.IsNullOrWhiteSpace(filter.Status) && !Enum.TryParse<PlanStatus>(filter.Status, ignoreCase: true, out _))
        {
            return ("status", $"Unknown status '{filter.Status}'. Use Draft, Submitted, ChangesRequested or Approved.");
        }

        var sort = filter.Sort?.TrimStart('-');
        return !string.IsNullOrEmpty(sort) && !BoardFilter.SortKeys.Contains(sort)
            ? ("sort", $"Unknown sort '{filter.Sort}'. Use one of: {string.Join(", ", BoardFilter.SortKeys)} (prefix '-' for descending).")
            : null;
    }
}
