using Microsoft.AspNetCore.Http.HttpResults;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Performance;

public static class PerformanceEndpoints
{
    public static void Map(RouteGroupBuilder plans)
    {
        plans.MapGet("/{id:guid}/performance", async Task<Results<Ok<PlanPerformance>, NotFound>> (Guid id, DateOnly? asOf, GoalPerformance performance, CancellationToken ct) =>
                await performance.GetAsync(id, asOf, ct) is { } result ? TypedResults.Ok(result) : TypedResults.NotFound())
            .WithName("getPlanPerformance")
            .WithSummary("Each goal of the plan in force as of a business date (asOf=YYYY-MM-DD, default today in the cycle's time zone), per quarter and cycle to date: " +
                         "target, actual, attainment, gap, forecast (won + commit, and + best case), pipeline coverage (raw, weighted, at the period's start) and status; " +
                         "pace (needed per week, run-rate, expected to date linear and historical); win rates, average deal, median cycle, pipeline created vs needed; " +
                         "the action items with done, open and overdue; plan adherence. Definitions in docs/metrics.md.");

        plans.MapPatch("/{id:guid}/actions/{actionId:guid}", async (Guid id, Guid actionId, ActionStatusInput input, HttpRequest request, HttpResponse response,
                ActionStatusUpdate update, CancellationToken ct) =>
            {
                var result = await update.UpdateAsync(id, actionId, input.Status, ETags.TryParse(request.Headers.IfMatch, out var version) ? version : null, ct);
                switch (result.Outcome)
                {
                    case ActionStatusOutcome.NotFound:
                        return TypedResults.NotFound();
                    case ActionStatusOutcome.PreconditionRequired:
                        return ETags.Required("action");
                    case ActionStatusOutcome.Conflict:
                        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The action has changed",
                            detail: "Someone changed this action's status after you loaded it, so your change was not saved. Look at the current status (below) and try again with its version.",
                            extensions: new Dictionary<string, object?> { ["current"] = result.Current });
                    default:
                        response.Headers.ETag = ETags.Format(result.Current!.Version);
                        return TypedResults.Ok(result.Current);
                }
            })
            .WithName("updateActionStatus")
            .WithSummary("Set the status of an action item of the plan in force (the plan's owner or the owner's manager). Requires If-Match with the action's version " +
                         "(from getPlanPerformance); a stale one gets 409 with the current status. Audited.")
            .Produces<ActionRow>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }

    public static void MapSettings(RouteGroupBuilder settings)
    {
        settings.MapGet("/metrics", async (MetricSettingsHandlers handlers, HttpResponse response, CancellationToken ct) =>
            {
                var current = await handlers.GetAsync(ct);
                response.Headers.ETag = ETags.Format(current.Version);
                return TypedResults.Ok(current);
            })
            .WithName("getMetricSettings")
            .WithSummary("The organisation's performance thresholds: on-track and at-risk ratios of forecast to target (percent), the healthy coverage (percent), " +
                         "the early stages coverage leaves out, and the idle days after which a deal is at risk. Its version is the ETag for If-Match.");

        settings.MapPut("/metrics", async (MetricSettingsInput input, HttpRequest request, HttpResponse response, MetricSettingsHandlers handlers, CancellationToken ct) =>
            {
                var result = await handlers.UpdateAsync(input, ETags.TryParse(request.Headers.IfMatch, out var version) ? version : null, ct);
                switch (result.Outcome)
                {
                    case SettingsOutcome.PreconditionRequired:
                        return ETags.Required("settings");
                    case SettingsOutcome.Conflict:
                        return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The settings have changed",
                            detail: "Someone changed the thresholds after you loaded them, so your change was not saved.",
                            extensions: new Dictionary<string, object?> { ["current"] = result.Current });
                    default:
                        response.Headers.ETag = ETags.Format(result.Current.Version);
                        return TypedResults.Ok(result.Current);
                }
            })
            .RequireAuthorization(Policies.For(Act.SetMetrics))
            .WithName("updateMetricSettings")
            .WithSummary("Replace the performance thresholds (leaders and admins). Requires If-Match; a stale one gets 409 with the current settings. Audited.")
            .Produces<MetricSettingsView>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }
}
