using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain.Planning;
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
    bool ApprovalOverdue);

public sealed record BoardSummary(int Plans, int Draft, int Submitted, int ChangesRequested, int Approved, int Overdue);

public sealed record BoardManager(Guid Id, string Name);

public sealed record BoardView(Guid CycleId, string CycleName, string CycleStatus, DateTimeOffset AsOf, BoardSummary Summary,
    IReadOnlyList<BoardManager> Managers, IReadOnlyList<BoardRow> Rows);

public sealed record BoardFilter(string? Status = null, Guid? Manager = null, bool OverdueOnly = false, string? Sort = null)
{
    public static readonly IReadOnlyList<string> SortKeys = ["rep", "manager", "status", "draft", "approval"];
}

/// <summary>
/// The deadline board of a cycle: every plan in the caller's scope (a manager's team, everyone for leaders) with
/// its status, the days left to the draft deadline and in the approval window, and overdue flags.
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

        var draftDeadline = cycle.DraftDeadline;
        var rows = plans.Select(r =>
        {
            var plan = r.Plan;
            var approvalDeadline = plan.ApprovalDeadline(cycle);
            return new BoardRow(plan.Id, plan.OwnerId, r.RepName, r.RepEmail, r.ManagerId, r.ManagerName, plan.Status.ToString(),
                plan.WorkingVersion, plan.ApprovedVersion, draftDeadline,
                plan.OwesFirstDraft ? Deadlines.DaysLeft(now, draftDeadline, cycle.TimeZone) : null,
                DraftOverdue: plan.OwesFirstDraft && now >= draftDeadline,
                approvalDeadline,
                approvalDeadline is { } d ? Deadlines.DaysLeft(now, d, cycle.TimeZone) : null,
                ApprovalOverdue: approvalDeadline is { } a && now >= a);
        }).ToList();

        var summary = new BoardSummary(rows.Count,
            rows.Count(r => r.Status == nameof(PlanStatus.Draft)),
            rows.Count(r => r.Status == nameof(PlanStatus.Submitted)),
            rows.Count(r => r.Status == nameof(PlanStatus.ChangesRequested)),
            rows.Count(r => r.Status == nameof(PlanStatus.Approved)),
            rows.Count(r => r.DraftOverdue || r.ApprovalOverdue));

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
            "draft" => r => r.DraftDaysLeft ?? int.MaxValue,
            "approval" => r => r.ApprovalDaysLeft ?? int.MaxValue,
            _ => r => r.RepName,
        };
        var ordered = descending ? shown.OrderByDescending(key).ThenBy(r => r.RepName) : shown.OrderBy(key).ThenBy(r => r.RepName);
        var managersShown = rows.Where(r => r.ManagerId is not null).Select(r => new BoardManager(r.ManagerId!.Value, r.ManagerName ?? ""))
            .Distinct().OrderBy(m => m.Name).ToList();
        return new BoardView(cycle.Id, cycle.Name, cycle.Status.ToString(), now, summary, managersShown, ordered.ToList());
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
