using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Plans;

public static class PlanEndpoints
{
    public static void Map(RouteGroupBuilder plans)
    {
        plans.MapGet("/", async (Guid? cycle, Guid? owner, PlanHandlers handlers, CancellationToken ct) =>
                TypedResults.Ok(await handlers.Query(cycle, owner).ToListAsync(ct)))
            .WithSummary("Plans the caller may see (own, the team's, or all), filterable by cycle and owner.")
            .WithName("listPlans");

        plans.MapGet("/{id:guid}", async Task<Results<Ok<PlanDetail>, NotFound>> (Guid id, PlanDocuments documents, HttpResponse response, CancellationToken ct) =>
            {
                if (await documents.LoadAsync(id, ct) is not { } document)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(document.Plan.Version);
                return TypedResults.Ok(PlanDetail.Of(document));
            })
            .WithSummary("One plan: status (Draft, Submitted, ChangesRequested or Approved), every section with its content and version, the checklist, the quality warnings and the gap to quota.")
            .WithName("getPlan");

        plans.MapGet("/{id:guid}/sections/{key}", async Task<Results<Ok<SectionDetail>, NotFound>> (Guid id, string key, PlanDocuments documents, HttpResponse response, CancellationToken ct) =>
            {
                if ((await documents.LoadAsync(id, ct))?.Section(key) is not { } section)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(section.Version);
                return TypedResults.Ok(SectionDetail.Of(section));
            })
            .WithSummary("One section of a plan; its version is the ETag to send in If-Match when saving it.")
            .WithName("getSection");

        MapSave(plans.MapPut("/{id:guid}/sections/{key}", (Guid id, string key, JsonElement content, HttpRequest request, HttpResponse response, PlanDocuments documents, CancellationToken ct) =>
                SaveAsync(id, key, content, false, request, response, documents, ct)), "replaceSection",
            "Replace a section's content (the rep, while the plan is a draft or sent back). Requires If-Match; a stale one gets 409 with the current version.");
        MapSave(plans.MapPatch("/{id:guid}/sections/{key}", (Guid id, string key, JsonElement patch, HttpRequest request, HttpResponse response, PlanDocuments documents, CancellationToken ct) =>
                SaveAsync(id, key, patch, true, request, response, documents, ct)), "patchSection",
            "Change part of a section with a JSON merge patch (RFC 7396). Requires If-Match; a stale one gets 409 with the current version.");

        plans.MapGet("/{id:guid}/comments", async Task<Results<Ok<IReadOnlyList<CommentThread>>, NotFound>> (Guid id, string? section, PlanComments comments, CancellationToken ct) =>
                await comments.ListAsync(id, section, ct) is { } threads ? TypedResults.Ok(threads) : TypedResults.NotFound())
            .WithSummary("The plan's comment threads, optionally for one section.")
            .WithName("listComments");

        plans.MapPost("/{id:guid}/comments", async Task<Results<Created<CommentRow>, NotFound>> (Guid id, CommentInput input, PlanComments comments, CancellationToken ct) =>
                await comments.AddAsync(id, input, ct) is { } comment ? TypedResults.Created($"/api/v1/plans/{id}/comments", comment) : TypedResults.NotFound())
            .WithSummary("Comment on a section (sectionKey), or reply in a thread (replyTo). The rep, the rep's manager and leaders.")
            .WithName("addComment")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        plans.MapGet("/{id:guid}/versions", async Task<Results<Ok<IReadOnlyList<VersionRow>>, NotFound>> (Guid id, PlanVersions versions, CancellationToken ct) =>
                await versions.ListAsync(id, ct) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound())
            .WithSummary("The versions stored at each submission, numbered from 1.")
            .WithName("listVersions");

        plans.MapGet("/{id:guid}/versions/{number:int}", async Task<Results<Ok<VersionDetail>, NotFound>> (Guid id, int number, PlanVersions versions, CancellationToken ct) =>
                await versions.GetAsync(id, number, ct) is { } version ? TypedResults.Ok(version) : TypedResults.NotFound())
            .WithSummary("One stored version with the content of every section as submitted.")
            .WithName("getVersion");

        plans.MapGet("/{id:guid}/versions/{number}/compare/{other}", async Task<Results<Ok<Comparison>, NotFound>> (Guid id, string number, string other, PlanVersions versions, CancellationToken ct) =>
                await versions.CompareAsync(id, number, other, ct) is { } comparison ? TypedResults.Ok(comparison) : TypedResults.NotFound())
            .WithSummary("Two versions side by side, line by line, with the changed words marked. A version is a number or 'current'.")
            .WithName("compareVersions");

        plans.MapGet("/{id:guid}/history", async Task<Results<Ok<IReadOnlyList<PlanEventRow>>, NotFound>> (Guid id, PlanHandlers handlers, CancellationToken ct) =>
                await handlers.HistoryAsync(id, ct) is { } events ? TypedResults.Ok(events) : TypedResults.NotFound())
            .WithSummary("Every transition of the plan: who, when, from and to.")
            .WithName("getPlanHistory");

        plans.MapPost("/{id:guid}/extensions", async Task<IResult> (Guid id, ExtensionInput input, HttpRequest request, HttpResponse response,
                ExtendDeadline extend, CancellationToken ct) =>
            {
                var (outcome, deadlines, version) = await extend.HandleAsync(id, input,
                    ETags.TryParse(request.Headers.IfMatch, out var ifMatch) ? ifMatch : null, ct);
                switch (outcome)
                {
                    case ExtensionOutcome.NotFound:
                        return TypedResults.NotFound();
                    case ExtensionOutcome.PreconditionRequired:
                        return ETags.Required("plan");
                }

                response.Headers.ETag = ETags.Format(version!);
                return TypedResults.Ok(deadlines);
            })
            .RequireAuthorization(Policies.For(Act.ExtendDeadline))
            .WithSummary("Extend one plan's draft deadline or approval window (the rep's manager or a leader): {\"deadline\": \"Draft\" or \"Approval\", " +
                $"\"days\": 1 to {Plan.MaxExtensionDays} in all per deadline, \"reason\": required}}. A documented exception to the two-week rule, audited and " +
                "shown on the board. Requires If-Match with the plan's ETag; answers the plan's deadlines and its new ETag.")
            .WithName("extendDeadline")
            .Produces<PlanDeadlines>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        plans.MapGet("/{id:guid}/proposals", async Task<Results<Ok<IReadOnlyList<ProposalRow>>, NotFound>> (Guid id, PlanProposals proposals, CancellationToken ct) =>
                await proposals.ListAsync(id, ct) is { } list ? TypedResults.Ok(list) : TypedResults.NotFound())
            .WithSummary("The edits reviewers proposed to the plan, newest first: Pending, Accepted or Rejected.")
            .WithName("listProposals");

        plans.MapPost("/{id:guid}/sections/{key}/proposals", async Task<IResult> (Guid id, string key, ProposalInput input, HttpRequest request,
                PlanProposals proposals, CancellationToken ct) =>
            {
                var result = await proposals.ProposeAsync(id, key, input, ETags.TryParse(request.Headers.IfMatch, out var version) ? version : null, ct);
                return result.Outcome switch
                {
                    ProposalOutcome.NotFound => TypedResults.NotFound(),
                    ProposalOutcome.PreconditionRequired => ETags.Required("section"),
                    ProposalOutcome.Conflict => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The section has changed",
                        detail: "The section changed after you loaded it. Propose your edit against the current version.",
                        extensions: new Dictionary<string, object?> { ["current"] = result.Current is { } c ? SectionDetail.Of(c) : null }),
                    _ => TypedResults.Created($"/api/v1/plans/{id}/proposals", result.Proposal),
                };
            })
            .RequireAuthorization(Policies.For(Act.ReviewPlan))
            .WithSummary("Propose new content for a section of a submitted plan (its reviewer: the rep's manager or a leader): {\"content\": the section's " +
                "content, \"note\": optional}. Requires If-Match with the section's ETag. The rep accepts or rejects it.")
            .WithName("proposeEdit")
            .Produces<ProposalRow>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        plans.MapPost("/{id:guid}/proposals/{proposalId:guid}/accept", async Task<Results<Ok<ProposalRow>, NotFound>> (Guid id, Guid proposalId,
                PlanProposals proposals, CancellationToken ct) =>
                await proposals.AcceptAsync(id, proposalId, ct) is { Proposal: { } row } ? TypedResults.Ok(row) : TypedResults.NotFound())
            .RequireAuthorization(Policies.For(Act.WritePlan))
            .WithSummary("Accept a proposed edit (the rep): it becomes the section's new version, authored by the reviewer. A proposal made against a " +
                "version that has changed since is refused (409).")
            .WithName("acceptProposal")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);

        plans.MapPost("/{id:guid}/proposals/{proposalId:guid}/reject", async Task<Results<Ok<ProposalRow>, NotFound>> (Guid id, Guid proposalId,
                RejectionInput? input, PlanProposals proposals, CancellationToken ct) =>
                await proposals.RejectAsync(id, proposalId, input ?? new RejectionInput(null), ct) is { Proposal: { } row } ? TypedResults.Ok(row) : TypedResults.NotFound())
            .RequireAuthorization(Policies.For(Act.WritePlan))
            .WithSummary("Reject a proposed edit (the rep), with an optional {\"reason\"}.")
            .WithName("rejectProposal")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        MapAction(plans, "submit", PlanAction.Submit, "submitPlan", "Submit the plan for review (the rep).");
        MapAction(plans, "request-changes", PlanAction.RequestChanges, "requestChanges", "Send the plan back with a comment (the rep's manager or a leader).");
        MapAction(plans, "approve", PlanAction.Approve, "approvePlan", "Approve the plan (the rep's manager or a leader; never the rep).");
        MapAction(plans, "amend", PlanAction.Amend, "amendPlan", "Start a new version of an approved plan (the rep); the approved version stays in force.");
    }

    private static void MapSave(RouteHandlerBuilder route, string name, string summary) => route
        .WithSummary(summary)
        .WithName(name)
        .Produces<SectionDetail>()
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status428PreconditionRequired)
        .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

    private static async Task<IResult> SaveAsync(Guid id, string key, JsonElement content, bool merge, HttpRequest request, HttpResponse response,
        PlanDocuments documents, CancellationToken ct)
    {
        var result = await documents.SaveAsync(id, key, content, ETags.TryParse(request.Headers.IfMatch, out var version) ? version : null, merge, ct);
        switch (result.Outcome)
        {
            case SaveOutcome.NotFound:
                return TypedResults.NotFound();
            case SaveOutcome.PreconditionRequired:
                return ETags.Required("section");
            case SaveOutcome.Conflict:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The section has changed",
                    detail: "Someone saved this section after you loaded it, so your change was not saved. Your text is still yours: " +
                            "merge it with the current version (below) and save again with the new ETag.",
                    extensions: new Dictionary<string, object?> { ["current"] = result.Current is { } c ? SectionDetail.Of(c) : null });
        }

        response.Headers.ETag = ETags.Format(result.Current!.Version);
        return TypedResults.Ok(SectionDetail.Of(result.Current));
    }

    private static void MapAction(RouteGroupBuilder plans, string path, PlanAction action, string name, string summary) =>
        plans.MapPost($"/{{id:guid}}/{path}", async Task<Results<Ok<PlanRow>, NotFound>> (Guid id, ReviewInput? input, PlanReview review, CancellationToken ct) =>
                await review.ActAsync(id, action, input?.Comment, ct) is { } plan ? TypedResults.Ok(plan) : TypedResults.NotFound())
            .WithSummary(summary)
            .WithName(name)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
}

/// <summary>A plan as the API shows it: the review state, every section with its content, and the checks.</summary>
public sealed record PlanDetail(
    Guid Id,
    Guid CycleId,
    string CycleName,
    Guid OwnerId,
    string OwnerName,
    string Status,
    int WorkingVersion,
    int? ApprovedVersion,
    DateTimeOffset? FirstSubmittedAt,
    DateTimeOffset? LastSubmittedAt,
    DateTimeOffset? ApprovedAt,
    string Version,
    bool CanEdit,
    bool CanReview,
    IReadOnlyList<SectionDetail> Sections,
    PlanCheckResult Checks,
    PlanDeadlines Deadlines)
{
    public static PlanDetail Of(PlanDocument d)
    {
        var p = d.Plan;
        return new PlanDetail(p.Id, p.CycleId, p.CycleName, p.OwnerId, p.OwnerName, p.Status, p.WorkingVersion, p.ApprovedVersion,
            p.FirstSubmittedAt, p.LastSubmittedAt, p.ApprovedAt, p.Version, d.CanEdit, d.CanReview,
            d.Sections.Select(SectionDetail.Of).ToList(), d.Checks, d.Deadlines);
    }
}

/// <summary>One section; <see cref="Content"/> has the shape of its kind (see docs/plan-sections.md).</summary>
public sealed record SectionDetail(string Key, string Title, string Instructions, string Kind, bool Required, string Version, DateTimeOffset? UpdatedAt, object Content)
{
    public static SectionDetail Of(SectionView s) =>
        new(s.Key, s.Title, s.Instructions, s.Kind.ToString(), s.Required, s.Version, s.UpdatedAt, s.Content);
}
