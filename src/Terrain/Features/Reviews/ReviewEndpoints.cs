using Microsoft.AspNetCore.Http.HttpResults;
using Terrain.Domain;
using Terrain.Domain.Reviews;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Reviews;

public static class ReviewEndpoints
{
    public static void AddReviews(IServiceCollection services)
    {
        services.AddScoped<ReviewSchedule>();
        services.AddScoped<ReviewQueries>();
        services.AddScoped<ReviewDealChanges>();
        services.AddScoped<ReviewEdits>();
        services.AddScoped<ReviewCompletion>();
        services.AddScoped<ReviewCadences>();
        services.AddScoped<CorrectiveActions>();
        services.AddScoped<ClaimChecks>();
        services.AddScoped<ReviewHome>();
        services.AddScoped<ReviewOversight>();
        services.AddScoped<ReviewTimeline>();
    }

    public static void Map(RouteGroupBuilder api)
    {
        var cycles = api.MapGroup("/cycles").WithTags("Reviews");
        cycles.MapGet("/{id:guid}/review-cadence", async Task<Results<Ok<CadenceView>, NotFound>> (Guid id, ReviewCadences cadences, HttpResponse response, CancellationToken ct) =>
            {
                if (await cadences.GetAsync(id, ct) is not { } view)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(view.Version);
                return TypedResults.Ok(view);
            })
            .WithName("getReviewCadence")
            .WithSummary("The cycle's default review cadence (Biweekly or Monthly; Monthly unless a leader set it) and each rep's, for the reps the caller can see. " +
                         "Its version (over every cadence of the cycle) is the ETag.");
        cycles.MapPut("/{id:guid}/review-cadence", async (Guid id, CadenceInput input, HttpRequest request, HttpResponse response, ReviewCadences cadences, CancellationToken ct) =>
            {
                var result = await cadences.SetAsync(id, input, ETags.TryParse(request.Headers.IfMatch, out var version) ? version : null, ct);
                switch (result.Outcome)
                {
                    case ReviewOutcome.NotFound:
                        return TypedResults.NotFound();
                    case ReviewOutcome.PreconditionRequired:
                        return ETags.Required("review cadence");
                    case ReviewOutcome.Conflict:
                        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The cadences have changed",
                            detail: "Someone changed a review cadence of this cycle after you loaded them, so your change was not saved. Reload them and try again with their version.");
                    default:
                        response.Headers.ETag = ETags.Format(result.Current!.Version);
                        return TypedResults.Ok(result.Current);
                }
            })
            .RequireAuthorization(Policies.For(Act.SetReviewCadence))
            .WithName("setReviewCadence")
            .WithSummary("Set the default cadence (leaders) and reps' own (their manager or a leader; null returns a rep to the default). " +
                         "Reviews not yet open are rescheduled; open, past and completed ones stay. Requires If-Match with the version read. Audited.")
            .Produces<CadenceView>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        var reviews = api.MapGroup("/reviews").WithTags("Reviews");
        reviews.MapGet("/", async (Guid? rep, Guid? manager, ReviewStatus? status, Guid? cycle, ReviewQueries queries, CancellationToken ct) =>
                TypedResults.Ok(await queries.ListAsync(rep, manager, status, cycle, ct)))
            .WithName("listReviews")
            .WithSummary("The reviews the caller may read (a rep their own, a manager those they hold, leaders all), by date; filter by rep, manager, status " +
                         "(Upcoming, Open, Held, Late, Missed, Ended) and cycle.");
        reviews.MapGet("/oversight", async Task<Results<Ok<OversightView>, NotFound>> (Guid? cycle, Guid? manager, ReviewOversight oversight, CancellationToken ct) =>
                await oversight.GetAsync(cycle, manager, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .RequireAuthorization(Policies.For(Act.FollowTeam))
            .WithName("getReviewOversight")
            .WithSummary("Are the reviews happening and working, for a cycle (default: the current one): compliance (held, late, missed, open, upcoming, ended; " +
                         "per manager, or per rep for one manager's team), open and overdue corrective actions, reps behind in two or more completed reviews in a row, " +
                         "forecast accuracy of the rep's and the manager's calls, variance reasons by category, and which kinds of action achieved their claims " +
                         "for which reasons. Leaders and admins see the organisation or any manager's team (manager=); a manager their own team; reps are refused.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        reviews.MapGet("/timeline/{repId:guid}", async Task<Results<Ok<TimelineView>, NotFound>> (Guid repId, Guid? cycle, ReviewTimeline timeline, CancellationToken ct) =>
                await timeline.GetAsync(repId, cycle, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .WithName("getReviewTimeline")
            .WithSummary("A rep's history in a cycle (default: the current one), oldest first: plan submissions and approvals, each review with its status, " +
                         "frozen goal figures, forecast calls, variance reasons and corrective actions. The rep their own, a manager their team's, leaders and admins " +
                         "anyone's; coaching notes only for the review's manager and leaders.")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        reviews.MapGet("/calendar.ics", async (Guid? rep, ReviewQueries queries, TimeProvider clock, IConfiguration configuration, CancellationToken ct) =>
                TypedResults.File(System.Text.Encoding.UTF8.GetBytes(ReviewCalendar.Write(await queries.ListAsync(rep, null, null, null, ct), clock.GetUtcNow(),
                    Strategies.WorkshopEndpoints.BaseUrl(configuration))), Strategies.Ics.ContentType, "reviews.ics"))
            .WithName("getReviewCalendar")
            .WithSummary("The caller's reviews to come (open and upcoming; optionally one rep's) as an iCalendar file: an all-day event on each review's day.")
            .Produces<Stream>(StatusCodes.Status200OK, "text/calendar");
        reviews.MapGet("/{id:guid}", async Task<Results<Ok<ReviewDetail>, NotFound>> (Guid id, ReviewQueries queries, HttpResponse response, CancellationToken ct) =>
            {
                if (await queries.GetAsync(id, ct) is not { } review)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(review.Version);
                return TypedResults.Ok(review);
            })
            .WithName("getReview")
            .WithSummary("One review, prepared from the plan's performance as of its date (frozen once completed): each goal in the quarter under review, " +
                         "action-plan items due or overdue, earlier corrective actions still open, the deals changed since the last review or at risk " +
                         "(dealChanges), the accuracy of earlier calls (calls); notes, forecast calls, variance reasons. " +
                         "Coaching notes only for its manager and leaders. Its version is the ETag.");
        reviews.MapPatch("/{id:guid}", async (Guid id, ReviewPatch patch, HttpRequest request, HttpResponse response, ReviewEdits edits, CancellationToken ct) =>
            {
                var result = await edits.EditAsync(id, patch, ETags.TryParse(request.Headers.IfMatch, out var version) ? version : null, ct);
                switch (result.Outcome)
                {
                    case ReviewOutcome.NotFound:
                        return TypedResults.NotFound();
                    case ReviewOutcome.PreconditionRequired:
                        return ETags.Required("review");
                    case ReviewOutcome.Conflict:
                        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The review has changed",
                            detail: "Someone changed this review after you loaded it, so your change was not saved. Reload it and try again with its version.");
                    default:
                        response.Headers.ETag = ETags.Format(result.Current!.Version);
                        return TypedResults.Ok(result.Current);
                }
            })
            .WithName("updateReview")
            .WithSummary("Change a review before it is completed. The rep: selfAssessment, repCall; the manager: coachingNotes, managerCall, varianceReasons, " +
                         "noActionReason (signed by them; empty withdraws it), scheduledOn (move it within its window or up to 7 days after); both: agenda, sharedNotes. " +
                         "Requires If-Match. Audited.")
            .Produces<ReviewDetail>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        reviews.MapPost("/{id:guid}/complete", async Task<Results<Ok<ReviewDetail>, NotFound>> (Guid id, ReviewCompletion completion, HttpResponse response, CancellationToken ct) =>
            {
                if (await completion.CompleteAsync(id, ct) is not { } review)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(review.Version);
                return TypedResults.Ok(review);
            })
            .RequireAuthorization(Policies.For(Act.HoldReview))
            .WithName("completeReview")
            .WithSummary("Complete a review (its manager) and freeze its figures. A goal off track needs a variance reason, and the review a decision: " +
                         "an agreed corrective action or a signed \"no action\"; 422 names what is missing. Audited.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        reviews.MapGet("/{id:guid}/corrective-actions", async Task<Results<Ok<IReadOnlyList<CorrectiveActionRow>>, NotFound>> (Guid id, CorrectiveActions actions, CancellationToken ct) =>
                await actions.ForReviewAsync(id, ct) is { } rows ? TypedResults.Ok(rows) : TypedResults.NotFound())
            .WithName("listReviewCorrectiveActions")
            .WithSummary("The corrective actions agreed in a review, with their claims and confirmations.");
        reviews.MapPost("/{id:guid}/corrective-actions", async Task<Results<Created<CorrectiveActionRow>, NotFound>> (Guid id, CorrectiveActionInput input, CorrectiveActions actions, CancellationToken ct) =>
                await actions.AgreeAsync(id, input, ct) is { } row ? TypedResults.Created($"/api/v1/corrective-actions/{row.Id}", row) : TypedResults.NotFound())
            .WithName("createCorrectiveAction")
            .WithSummary("Propose a corrective action in a review (its rep or manager, who confirms it by proposing): what, owner (the rep or the manager), " +
                         "due date, goal, and the expected effect as a claim (metric RevenueWon, PipelineCreated, ActivitiesHeld or NewLogos; filter None, Segment or Product " +
                         "of the cycle's strategy; amount; by date). Audited.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        var corrective = api.MapGroup("/corrective-actions").WithTags("Reviews");
        corrective.MapGet("/", async (Guid? owner, CorrectiveStatus? status, CorrectiveActions actions, CancellationToken ct) =>
                TypedResults.Ok(await actions.ListAsync(owner, status, ct)))
            .WithName("listCorrectiveActions")
            .WithSummary("Corrective actions of the reviews the caller may read, by owner and status (Open, Done, Dropped, Missed).");
        corrective.MapPatch("/{id:guid}", async (Guid id, CorrectiveActionPatch patch, HttpRequest request, HttpResponse response, CorrectiveActions actions, CancellationToken ct) =>
            {
                var result = await actions.FollowAsync(id, patch, ETags.TryParse(request.Headers.IfMatch, out var version) ? version : null, ct);
                switch (result.Outcome)
                {
                    case ReviewOutcome.NotFound:
                        return TypedResults.NotFound();
                    case ReviewOutcome.PreconditionRequired:
                        return ETags.Required("corrective action");
                    case ReviewOutcome.Conflict:
                        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The action has changed",
                            detail: "Someone changed this action after you loaded it. Look at the current one (below) and try again with its version.",
                            extensions: new Dictionary<string, object?> { ["current"] = result.Current });
                    default:
                        response.Headers.ETag = ETags.Format(result.Current!.Version);
                        return TypedResults.Ok(result.Current);
                }
            })
            .WithName("updateCorrectiveAction")
            .WithSummary("Follow a corrective action up (its review's rep or manager): confirm the agreement (confirm: true; time and person recorded), " +
                         "set its status (Dropped needs dropReason) or record its outcome. Requires If-Match with its version. Audited.")
            .Produces<CorrectiveActionRow>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
