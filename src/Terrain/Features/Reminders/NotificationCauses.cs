using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;

namespace Terrain.Features.Reminders;

/// <summary>
/// Resolves the notifications whose cause is gone: a draft reminder once the draft is submitted, an approval reminder
/// once the manager has decided, a review reminder once the review is completed, a workshop invitation once the
/// workshop has taken place, a strategy announcement once the rep has acknowledged it, a question once it is answered,
/// a proposed edit once the rep has accepted or rejected it.
/// The cause is read back from the notification's key (the event it names, see <see cref="Notification"/>), so the
/// handlers that change a plan or a workshop need not know which notifications they make stale; the person's list and
/// the reminder job both ask here. Other notifications (comments, answers, approvals) stay until read or dismissed.
/// </summary>
public sealed class NotificationCauses(AppDbContext db, TimeProvider clock)
{
    /// <summary>How many open notifications one pass looks at; the reminder job runs again.</summary>
    private const int Batch = 2000;

    /// <summary>A notification's cause as its key names it: the kind of event and the object it is about.</summary>
    public sealed record Cause(string Kind, Guid Subject, string? Detail);

    /// <summary>Null for a key that names no cause that can go away (a comment, an answer, an approval).</summary>
    public static Cause? Parse(string key)
    {
        var parts = key.Split(':');
        if (parts.Length < 2 || !Guid.TryParse(parts[1], out var subject))
        {
            return null;
        }

        return parts[0] switch
        {
            "draft-due" or "draft-overdue" or "review-due" or "workshop" or "strategy-question" or "proposal" => new Cause(parts[0], subject, null),
            "approval-due" or "approval-overdue" when parts.Length > 2 && parts[2].StartsWith('v') => new Cause("approval", subject, parts[2][1..]),
            "plan" when parts.Length > 2 && parts[2] is nameof(PlanStatus.Submitted) or nameof(PlanStatus.ChangesRequested) => new Cause("plan", subject, parts[2]),
            "strategy-published" when parts.Length > 2 && Guid.TryParse(parts[2], out _) => new Cause(parts[0], subject, parts[2]),
            _ => null,
        };
    }

    /// <summary>Resolves the stale notifications among <paramref name="scope"/>'s open ones; returns how many.</summary>
    public async Task<int> ResolveStaleAsync(IQueryable<Notification> scope, CancellationToken ct)
    {
        var open = await scope.AsNoTracking().Where(n => n.ResolvedAt == null && n.DismissedAt == null)
            .OrderBy(n => n.Id).Take(Batch).Select(n => new { n.Id, n.Key, n.UserId }).ToListAsync(ct);
        var causes = open.Select(n => (n.Id, n.UserId, Cause: Parse(n.Key))).Where(n => n.Cause is not null)
            .Select(n => (n.Id, n.UserId, Cause: n.Cause!)).ToList();
        if (causes.Count == 0)
        {
            return 0;
        }

        var now = clock.GetUtcNow();
        var stale = new List<long>();
        foreach (var kind in causes.GroupBy(c => c.Cause.Kind))
        {
            var subjects = kind.Select(c => c.Cause.Subject).Distinct().ToList();
            var gone = await GoneAsync(kind.Key, subjects, now, ct);
            stale.AddRange(kind.Where(c => gone(c.Cause, c.UserId)).Select(c => c.Id));
        }

        if (stale.Count == 0)
        {
            return 0;
        }

        return await db.Notifications.Where(n => stale.Contains(n.Id) && n.ResolvedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ResolvedAt, now).SetProperty(n => n.ReadAt, n => n.ReadAt ?? now), ct);
    }

    /// <summary>For one kind of cause, a test of whether it is gone, given what the database says of its subjects now.</summary>
    private async Task<Func<Cause, Guid, bool>> GoneAsync(string kind, List<Guid> ids, DateTimeOffset now, CancellationToken ct)
    {
        switch (kind)
        {
            case "draft-due" or "draft-overdue":
                {
                    var owing = (await db.Plans.AsNoTracking().Where(p => ids.Contains(p.Id) && p.FirstSubmittedAt == null && p.ApprovedVersion == null)
                        .Select(p => p.Id).ToListAsync(ct)).ToHashSet();
                    return (cause, _) => !owing.Contains(cause.Subject);
                }

            case "approval" or "plan":
                {
                    var plans = await db.Plans.AsNoTracking().Where(p => ids.Contains(p.Id))
                        .Select(p => new { p.Id, p.Status, p.WorkingVersion }).ToDictionaryAsync(p => p.Id, ct);
                    return (cause, _) => !plans.TryGetValue(cause.Subject, out var plan) || (kind == "approval"
                        ? plan.Status != PlanStatus.Submitted || plan.WorkingVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) != cause.Detail
                        : plan.Status.ToString() != cause.Detail);
                }

            case "review-due":
                {
                    var waiting = (await db.Reviews.AsNoTracking().Where(r => ids.Contains(r.Id) && r.CompletedAt == null)
                        .Select(r => r.Id).ToListAsync(ct)).ToHashSet();
                    return (cause, _) => !waiting.Contains(cause.Subject);
                }

            case "workshop":
                {
                    // The end time is computed from the start and the length, so it is compared here rather than in SQL.
                    var workshops = await db.Workshops.AsNoTracking().Where(w => ids.Contains(w.Id))
                        .Select(w => new { w.Id, w.StartsAt, w.Length }).ToListAsync(ct);
                    var coming = workshops.Where(w => w.StartsAt + Domain.Strategies.Workshop.Duration(w.Length) > now).Select(w => w.Id).ToHashSet();
                    return (cause, _) => !coming.Contains(cause.Subject);
                }

            case "strategy-published":
                {
                    var acknowledged = (await db.Acknowledgements.AsNoTracking().Where(a => ids.Contains(a.StrategyId))
                        .Select(a => new { a.StrategyId, a.RepId }).ToListAsync(ct)).Select(a => (a.StrategyId, a.RepId)).ToHashSet();
                    return (cause, userId) => acknowledged.Contains((cause.Subject, userId));
                }

            case "strategy-question":
                {
                    var open = (await db.StrategyQuestions.AsNoTracking().Where(q => ids.Contains(q.Id) && q.AnsweredAt == null)
                        .Select(q => q.Id).ToListAsync(ct)).ToHashSet();
                    return (cause, _) => !open.Contains(cause.Subject);
                }

            case "proposal":
                {
                    var pending = (await db.PlanProposals.AsNoTracking().Where(p => ids.Contains(p.Id) && p.Status == ProposalStatus.Pending)
                        .Select(p => p.Id).ToListAsync(ct)).ToHashSet();
                    return (cause, _) => !pending.Contains(cause.Subject);
                }

            default:
                return (_, _) => false;
        }
    }
}
