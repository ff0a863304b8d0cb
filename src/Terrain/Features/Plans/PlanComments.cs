using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Plans;

public sealed record CommentRow(Guid Id, Guid ThreadId, string? SectionKey, Guid AuthorId, string AuthorName, string Body, DateTimeOffset At, int Edition);

public sealed record CommentThread(Guid Id, string? SectionKey, IReadOnlyList<CommentRow> Comments);

public sealed record CommentInput(string? SectionKey, Guid? ReplyTo, string? Body);

/// <summary>Comment threads per plan section between the rep and the reviewers (the rep's manager, leaders).</summary>
public sealed class PlanComments(AppDbContext db, AccessPolicy access, TimeProvider clock, PlanDocuments documents)
{
    /// <summary>Threads in the order they were opened, replies in order; null when the plan is not visible.</summary>
    public async Task<IReadOnlyList<CommentThread>?> ListAsync(Guid planId, string? section, CancellationToken ct)
    {
        if (!await access.VisiblePlans().AnyAsync(p => p.Id == planId, ct))
        {
            return null;
        }

        var comments = db.PlanComments.AsNoTracking().Where(c => c.PlanId == planId);
        if (!string.IsNullOrEmpty(section))
        {
            comments = comments.Where(c => c.SectionKey == section);
        }

        var rows = await (from c in comments
                          join author in db.Users on c.AuthorId equals author.Id
                          select new CommentRow(c.Id, c.ThreadId, c.SectionKey, c.AuthorId, author.DisplayName, c.Body, c.At, c.Edition))
            .ToListAsync(ct);
        return rows.OrderBy(r => r.At).ThenBy(r => r.Id).GroupBy(r => r.ThreadId)
            .Select(g => new CommentThread(g.Key, g.First().SectionKey, g.ToList()))
            .ToList();
    }

    public async Task<CommentRow?> AddAsync(Guid planId, CommentInput input, CancellationToken ct)
    {
        var document = await documents.LoadAsync(planId, ct);
        if (document is null)
        {
            return null;
        }

        var actor = access.Actor;
        access.Ensure(Act.CommentOnPlan, new About(document.Plan.OwnerId, document.OwnerManagerId));
        document.Cycle.EnsureOpen();

        var sectionKey = string.IsNullOrWhiteSpace(input.SectionKey) ? null : input.SectionKey.Trim();
        if (sectionKey is not null && document.Section(sectionKey) is null)
        {
            throw new DomainException($"The plan has no section '{sectionKey}'.", "sectionKey");
        }

        PlanComment? replyTo = null;
        if (input.ReplyTo is { } parent)
        {
            replyTo = await db.PlanComments.AsNoTracking().SingleOrDefaultAsync(c => c.Id == parent && c.PlanId == planId, ct)
                      ?? throw new DomainException("The comment you reply to does not exist on this plan.", "replyTo");
        }

        var plan = await db.Plans.AsNoTracking().SingleAsync(p => p.Id == planId, ct);
        var now = clock.GetUtcNow();
        var comment = PlanComment.Write(plan, sectionKey, replyTo, actor.Id, input.Body, now);
        db.PlanComments.Add(comment);
        db.AuditEntries.Add(AuditEntry.Record(now, actor.Id, "plan.commented", "Plan", planId.ToString(),
            JsonSerializer.Serialize(new { comment = comment.Id, section = comment.SectionKey, thread = comment.ThreadId })));
        var to = actor.Id == document.Plan.OwnerId ? document.OwnerManagerId : document.Plan.OwnerId;
        if (to is { } recipient)
        {
            var where = comment.SectionKey is { } k ? document.Section(k)!.Title : "the plan";
            var author = await db.Users.Where(u => u.Id == actor.Id).Select(u => u.DisplayName).SingleAsync(ct);
            db.Notifications.Add(Notification.Create(recipient, $"comment:{comment.Id}", $"{author} commented on {where}",
                comment.Body.Length > 300 ? comment.Body[..300] + "…" : comment.Body, $"/Plans/{planId}#comments-{comment.SectionKey ?? "plan"}", now));
        }

        await db.SaveChangesAsync(ct);
        return (await ListAsync(planId, null, ct))!.SelectMany(t => t.Comments).Single(c => c.Id == comment.Id);
    }
}
