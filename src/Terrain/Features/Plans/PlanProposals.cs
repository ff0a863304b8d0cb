using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Plans;

/// <summary>A proposed edit as the API shows it.</summary>
public sealed record ProposalRow(Guid Id, Guid PlanId, string SectionKey, string Status, Guid ProposedById, DateTimeOffset ProposedAt, string? Note,
    string BaseVersion, Guid? DecidedById, DateTimeOffset? DecidedAt, string? Reason)
{
    public static ProposalRow Of(PlanProposal p) => new(p.Id, p.PlanId, p.SectionKey, p.Status.ToString(), p.ProposedById, p.ProposedAt, p.Note,
        p.BaseVersion, p.DecidedById, p.DecidedAt, p.Reason);
}

public sealed record ProposalInput(JsonElement Content, string? Note);

public sealed record RejectionInput(string? Reason);

public enum ProposalOutcome
{
    Done,
    NotFound,

    /// <summary>The proposer did not say which version of the section they started from.</summary>
    PreconditionRequired,

    /// <summary>The section changed since the proposer loaded it; <see cref="ProposalResult.Current"/> is what it is now.</summary>
    Conflict,
}

public sealed record ProposalResult(ProposalOutcome Outcome, ProposalRow? Proposal, SectionView? Current = null);

/// <summary>
/// A reviewer proposes an edit to a section of a submitted plan; the rep accepts it (applied through the same write as
/// any edit, authored by the reviewer) or rejects it. Each step is audited and the other person is told (ADR 0033).
/// </summary>
public sealed class PlanProposals(AppDbContext db, AccessPolicy access, TimeProvider clock, PlanDocuments documents)
{
    /// <summary>The proposals of a plan, newest first; null when the plan is not visible.</summary>
    public async Task<IReadOnlyList<ProposalRow>?> ListAsync(Guid planId, CancellationToken ct)
    {
        if (!await access.VisiblePlans().AnyAsync(p => p.Id == planId, ct))
        {
            return null;
        }

        var rows = await db.PlanProposals.AsNoTracking().Where(p => p.PlanId == planId).ToListAsync(ct);
        return rows.OrderByDescending(p => p.ProposedAt).ThenByDescending(p => p.Id).Select(ProposalRow.Of).ToList();
    }

    public async Task<ProposalResult> ProposeAsync(Guid planId, string key, ProposalInput input, string? ifMatch, CancellationToken ct)
    {
        if (await documents.LoadAsync(planId, ct) is not { } document || document.Section(key) is not { } current)
        {
            return new ProposalResult(ProposalOutcome.NotFound, null);
        }

        // The person and the plan's state before the input.
        var plan = await db.Plans.SingleAsync(p => p.Id == planId, ct);
        var actor = access.Actor;
        if (actor.Id == plan.OwnerId)
        {
            throw new NotAllowedException("A rep edits their own plan directly; proposing an edit is for its reviewer.");
        }

        access.Ensure(Act.ReviewPlan, new About(plan.OwnerId, document.OwnerManagerId));
        plan.EnsureEditable(actor, document.Cycle, document.OwnerManagerId);
        if (ifMatch is null)
        {
            return new ProposalResult(ProposalOutcome.PreconditionRequired, null);
        }

        if (ifMatch != current.Version)
        {
            return new ProposalResult(ProposalOutcome.Conflict, null, current);
        }

        var content = PlanDocuments.Validated(document, current, input.Content);
        var now = clock.GetUtcNow();
        var proposal = PlanProposal.Propose(plan, actor, document.OwnerManagerId, document.Cycle, key, content, current.Version, input.Note, now);
        db.PlanProposals.Add(proposal);
        db.AuditEntries.Add(AuditEntry.Record(now, actor.Id, "plan.edit-proposed", "Plan", planId.ToString(),
            JsonSerializer.Serialize(new { section = key, proposal = proposal.Id, baseVersion = current.Version })));
        await documents.TellOwnerAsync(document, current, actor.Id, "proposed", ct, proposal.Id);
        await db.SaveChangesAsync(ct);
        return new ProposalResult(ProposalOutcome.Done, ProposalRow.Of(proposal));
    }

    /// <summary>Applies the proposal as the section's new version, authored by the reviewer and accepted by the rep.</summary>
    public async Task<ProposalResult> AcceptAsync(Guid planId, Guid proposalId, CancellationToken ct)
    {
        if (await LoadAsync(planId, proposalId, ct) is not var (document, plan, proposal))
        {
            return new ProposalResult(ProposalOutcome.NotFound, null);
        }

        var section = document.Section(proposal.SectionKey)
                      ?? throw new InvalidStateException("The section this edit was proposed for is no longer in the plan's template. Reject it.", "proposal");
        var now = clock.GetUtcNow();
        var actor = access.Actor;
        proposal.Accept(plan, actor, document.Cycle, section.Version, now);

        // The content was valid when proposed; the plan's facts (its accounts, goals) may have moved since.
        var content = PlanDocuments.Validated(document, section, JsonSerializer.SerializeToElement(
            SectionContents.Read(section.Kind, proposal.Content), SectionContents.Json));
        db.AuditEntries.Add(AuditEntry.Record(now, actor.Id, "plan.proposal-accepted", "Plan", planId.ToString(),
            JsonSerializer.Serialize(new { section = proposal.SectionKey, proposal = proposal.Id, proposedBy = proposal.ProposedById })));
        Tell(document, proposal, accepted: true, now);
        var saved = await documents.WriteAsync(document, plan, section, content, proposal.BaseVersion, proposal.ProposedById, proposal.Id, ct);
        if (saved.Outcome != SaveOutcome.Saved)
        {
            throw new InvalidStateException(
                "The section changed while you accepted this edit, so it was not applied. Reload the plan and look at the section again.", "version");
        }

        return new ProposalResult(ProposalOutcome.Done, ProposalRow.Of(proposal), saved.Current);
    }

    public async Task<ProposalResult> RejectAsync(Guid planId, Guid proposalId, RejectionInput input, CancellationToken ct)
    {
        if (await LoadAsync(planId, proposalId, ct) is not var (document, plan, proposal))
        {
            return new ProposalResult(ProposalOutcome.NotFound, null);
        }

        var now = clock.GetUtcNow();
        var actor = access.Actor;
        proposal.Reject(plan, actor, input.Reason, now);
        db.AuditEntries.Add(AuditEntry.Record(now, actor.Id, "plan.proposal-rejected", "Plan", planId.ToString(),
            JsonSerializer.Serialize(new { section = proposal.SectionKey, proposal = proposal.Id, proposedBy = proposal.ProposedById, reason = proposal.Reason })));
        Tell(document, proposal, accepted: false, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbConflicts.IsConflict(e))
        {
            throw new InvalidStateException("The proposal was decided on while you rejected it. Reload the plan.", "proposal");
        }

        return new ProposalResult(ProposalOutcome.Done, ProposalRow.Of(proposal));
    }

    /// <summary>Null when the plan is not visible or has no such proposal.</summary>
    private async Task<(PlanDocument, Plan, PlanProposal)?> LoadAsync(Guid planId, Guid proposalId, CancellationToken ct)
    {
        if (await documents.LoadAsync(planId, ct) is not { } document)
        {
            return null;
        }

        // The person before the input: only the plan's owner decides on the edits proposed to it.
        access.Ensure(Act.WritePlan, new About(document.Plan.OwnerId, document.OwnerManagerId));
        var proposal = await db.PlanProposals.SingleOrDefaultAsync(p => p.Id == proposalId && p.PlanId == planId, ct);
        if (proposal is null)
        {
            return null;
        }

        var plan = await db.Plans.SingleAsync(p => p.Id == planId, ct);
        return (document, plan, proposal);
    }

    private void Tell(PlanDocument document, PlanProposal proposal, bool accepted, DateTimeOffset now)
    {
        var row = document.Plan;
        var title = document.Section(proposal.SectionKey)?.Title ?? proposal.SectionKey;
        var body = accepted
            ? $"{row.OwnerName} accepted your edit to {title}; it is now part of the plan."
            : $"{row.OwnerName} rejected your edit to {title}" + (proposal.Reason is { } r ? $": {r}" : ".");
        db.Notifications.Add(Notification.Create(proposal.ProposedById, $"proposal-decided:{proposal.Id}",
            $"{row.OwnerName} {(accepted ? "accepted" : "rejected")} your edit to {title}", body.Length > 1000 ? body[..1000] : body,
            $"/Plans/{row.Id}#section-{proposal.SectionKey}", now));
    }
}
