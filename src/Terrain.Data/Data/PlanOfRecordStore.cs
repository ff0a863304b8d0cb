using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;

namespace Terrain.Data;

/// <summary>
/// The plan of record, asked one way everywhere (ADR 0017): the plan in force for a rep in a cycle as of an instant
/// is the latest version of their plan approved at or before it. A plan never approved has none; while an amendment
/// is under way the approved version stays in force. Its goals, quarterly targets and action items are rows.
/// </summary>
public static class PlanOfRecord
{
    /// <summary>For every plan approved at or before <paramref name="asOf"/>, the version in force then.</summary>
    public static IQueryable<ApprovedPlanVersion> InForce(this AppDbContext db, DateTimeOffset asOf) =>
        db.ApprovedPlanVersions.AsNoTracking()
            .Where(v => v.ApprovedAt <= asOf &&
                        !db.ApprovedPlanVersions.Any(later => later.PlanId == v.PlanId && later.ApprovedAt <= asOf &&
                                                              (later.ApprovedAt > v.ApprovedAt || (later.ApprovedAt == v.ApprovedAt && later.Edition > v.Edition))));

    /// <summary>The plan in force for rep <paramref name="repId"/> in cycle <paramref name="cycleId"/> as of <paramref name="asOf"/>, if any.</summary>
    public static IQueryable<ApprovedPlanVersion> InForce(this AppDbContext db, Guid cycleId, Guid repId, DateTimeOffset asOf) =>
        db.InForce(asOf).Where(v => v.CycleId == cycleId && v.OwnerId == repId);

    /// <summary>The goals of the given versions.</summary>
    public static IQueryable<PlanGoal> Goals(this AppDbContext db, IQueryable<ApprovedPlanVersion> versions) =>
        db.PlanGoals.AsNoTracking().Where(g => versions.Any(v => v.SnapshotId == g.SnapshotId));

    /// <summary>The action items of the given versions.</summary>
    public static IQueryable<PlanActionItem> Actions(this AppDbContext db, IQueryable<ApprovedPlanVersion> versions) =>
        db.PlanActionItems.AsNoTracking().Where(a => versions.Any(v => v.SnapshotId == a.SnapshotId));

    /// <summary>
    /// The submissions waiting for a first approval: plans that are submitted and were never approved. They have no
    /// plan in force; views that want their goals during planning show them apart, as "submitted, not yet approved".
    /// </summary>
    public static IQueryable<PlanSnapshot> AwaitingFirstApproval(this AppDbContext db) =>
        db.PlanSnapshots.AsNoTracking()
            .Where(s => db.Plans.Any(p => p.Id == s.PlanId && p.Status == PlanStatus.Submitted && p.ApprovedVersion == null) &&
                        s.Number == db.PlanSnapshots.Where(x => x.PlanId == s.PlanId).Max(x => x.Number));

    /// <summary>The goals of the given submissions.</summary>
    public static IQueryable<PlanGoal> Goals(this AppDbContext db, IQueryable<PlanSnapshot> submissions) =>
        db.PlanGoals.AsNoTracking().Where(g => submissions.Any(s => s.Id == g.SnapshotId));

    /// <summary>Records a submission's goals and action items as rows, in the caller's unit of work.</summary>
    public static void RecordSubmission(this AppDbContext db, PlanSnapshot snapshot, IReadOnlyList<Quarter> quarters, StrategyContent? strategy)
    {
        var (goals, actions) = PlanRecordRows.Of(snapshot, quarters, strategy?.OfferingNames(), strategy?.SegmentNames());
        db.PlanGoals.AddRange(goals);
        db.PlanActionItems.AddRange(actions);
        snapshot.MarkRecorded();
    }

    /// <summary>
    /// Records the approval the plan has just been through: its latest submission of the approved edition becomes the
    /// plan in force. The submission may still be unsaved, in the caller's unit of work.
    /// </summary>
    public static async Task RecordApprovalAsync(this AppDbContext db, Plan plan, CancellationToken ct)
    {
        if (plan is not { ApprovedVersion: { } edition, ApprovedAt: { } at, ApprovedById: { } by })
        {
            throw new InvalidOperationException("The plan is not approved.");
        }

        var snapshot = db.PlanSnapshots.Local.Where(s => s.PlanId == plan.Id && s.Edition == edition).MaxBy(s => s.Number)
                       ?? await db.PlanSnapshots.Where(s => s.PlanId == plan.Id && s.Edition == edition)
                           .OrderByDescending(s => s.Number).FirstAsync(ct);
        db.ApprovedPlanVersions.Add(ApprovedPlanVersion.Record(plan, snapshot, by, at));
    }

    /// <summary>
    /// Brings data written before the plan of record existed into it, and is a no-op once it is there (see
    /// <see cref="RecordHistoryAsync"/>), in one transaction. Runs after every migration.
    /// </summary>
    public static Task<int> BackfillAsync(AppDbContext db, CancellationToken ct) =>
        UnitOfWork.RunAsync(db, token => RecordHistoryAsync(db, token), ct, inTransaction: true);

    /// <summary>
    /// Submissions without rows get them (products and segments matched by name to the cycle's strategy), and
    /// approved plans without approved versions get one per approval in their audit trail, each of the last
    /// submission of its edition before it. Saves in the caller's unit of work; returns how many submissions and
    /// approvals it recorded.
    /// </summary>
    public static async Task<int> RecordHistoryAsync(AppDbContext db, CancellationToken ct)
    {
        var pending = await (from s in db.PlanSnapshots.Where(s => !s.Recorded)
                             join p in db.Plans on s.PlanId equals p.Id
                             orderby s.PlanId, s.Number
                             select new { Snapshot = s, p.CycleId }).ToListAsync(ct);
        var cycleIds = pending.Select(p => p.CycleId).Distinct().ToList();
        var cycles = new Dictionary<Guid, (IReadOnlyList<Quarter> Quarters, StrategyContent? Strategy)>();
        foreach (var cycle in await db.Cycles.AsNoTracking().Where(c => cycleIds.Contains(c.Id)).ToListAsync(ct))
        {
            var content = cycle.StrategyId is { } sid
                ? await db.Strategies.Where(s => s.Id == sid).Select(s => s.Content).SingleOrDefaultAsync(ct)
                : null;
            cycles[cycle.Id] = (cycle.Quarters, content is null ? null : StrategyContent.Read(content));
        }

        foreach (var row in pending)
        {
            var (quarters, strategy) = cycles[row.CycleId];
            db.RecordSubmission(row.Snapshot, quarters, strategy);
        }

        var unversioned = db.Plans.Where(p => p.ApprovedVersion != null && !db.ApprovedPlanVersions.Any(v => v.PlanId == p.Id));
        var plans = await unversioned.OrderBy(p => p.Id).ToListAsync(ct);
        var count = pending.Count;
        if (plans.Count > 0)
        {
            var snapshots = (await db.PlanSnapshots.Where(s => unversioned.Any(p => p.Id == s.PlanId)).ToListAsync(ct))
                .ToLookup(s => s.PlanId);
            var audited = (await db.AuditEntries.AsNoTracking().Where(a => a.Action == "plan.approved" && a.EntityType == "Plan")
                    .OrderBy(a => a.At).ThenBy(a => a.Id).Select(a => new { a.EntityId, a.At, a.ActorId, a.Details }).ToListAsync(ct))
                .ToLookup(a => a.EntityId);
            foreach (var plan in plans)
            {
                var approvals = audited[plan.Id.ToString()].Select(a => (a.At, By: a.ActorId, Edition: EditionOf(a.Details)))
                    .Where(a => a.Edition is not null).ToList();
                if (approvals.Count == 0)
                {
                    approvals.Add((plan.ApprovedAt!.Value, plan.ApprovedById, plan.ApprovedVersion));
                }

                var own = snapshots[plan.Id].OrderBy(s => s.Number).ToList();
                foreach (var (at, by, edition) in approvals)
                {
                    // The submission approved is the last one of that edition made before the approval.
                    var snapshot = own.LastOrDefault(s => s.Edition == edition && s.SubmittedAt <= at) ?? own.LastOrDefault(s => s.Edition == edition);
                    if (snapshot is not null && by is { } approver)
                    {
                        db.ApprovedPlanVersions.Add(ApprovedPlanVersion.Record(plan, snapshot, approver, at));
                        count++;
                    }
                }
            }
        }

        await db.SaveChangesAsync(ct);
        return count;
    }

    private static int? EditionOf(string? details)
    {
        if (details is null)
        {
            return null;
        }

        using var json = JsonDocument.Parse(details);
        return json.RootElement.TryGetProperty("version", out var v) && v.TryGetInt32(out var edition) ? edition : null;
    }
}

/// <summary>Brings a database up to date: the schema migrations, then the data they need (ADR 0017).</summary>
public static class DatabaseSchema
{
    public static async Task UpdateAsync(AppDbContext db, CancellationToken ct)
    {
        await db.Database.MigrateAsync(ct);
        await PlanOfRecord.BackfillAsync(db, ct);
    }
}
