using Microsoft.AspNetCore.Mvc;
using Terrain.Domain;
using Terrain.Features.Dashboards;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.TerritoryDesign.Scenarios;

/// <summary>
/// /api/v1/territory-scenarios (ADR 0044, 0045): leaders and admins change them, like every change of territories
/// (Act.AssignAccounts); managers read those of their own team (Act.ReadScenarios).
/// </summary>
public static class ScenarioEndpoints
{
    public static void AddScenarios(IServiceCollection services)
    {
        services.AddScoped<Scenarios>();
        services.AddScoped<ScenarioComparison>();
        services.AddScoped<ScenarioMap>();
        services.AddSingleton<ScenarioWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<ScenarioWorker>());
    }

    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/territory-scenarios").WithTags("Territory scenarios").RequireAuthorization(Policies.For(Act.ReadScenarios));
        var change = Policies.For(Act.AssignAccounts);

        group.MapGet("/", async (Scenarios scenarios, CancellationToken ct) => TypedResults.Ok(await scenarios.ListAsync(ct)))
            .WithName("listTerritoryScenarios")
            .WithSummary("The territory scenarios one may read, newest first (at most 500), with their status and progress: leaders and admins all, "
                + "a manager those whose scope is their own team.")
            .Produces<List<ScenarioSummary>>()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapPost("/", async (ScenarioInput input, Scenarios scenarios, HttpResponse response, CancellationToken ct) =>
            {
                var created = await scenarios.CreateAsync(input, ct);
                response.Headers.ETag = ETags.Format(created.Version);
                return TypedResults.Created($"/api/v1/territory-scenarios/{created.Id}", created);
            })
            .RequireAuthorization(change)
            .WithName("createTerritoryScenario")
            .WithSummary("Make a scenario from the current alignment: name; scope Organisation, Region (with region) or Team (with managerId); "
                + "potentialTolerancePercent and workloadTolerancePercent (5 = ±5% of the mean, the default); workload AccountCount or SegmentWeights "
                + "(with segmentWeights such as \"Enterprise=3, SMB=1\"); compact and minimalDisruption (true by default); centres RepsInPlace or Floating; "
                + "lockedAccountIds and lockedTerritoryIds. It starts as a draft: run it to get a proposal. Audited.")
            .Produces<ScenarioView>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapGet("/{id:guid}", async (Guid id, Scenarios scenarios, HttpResponse response, CancellationToken ct) =>
            {
                if (await scenarios.GetAsync(id, ct) is not { } view)
                {
                    return NotFound();
                }

                response.Headers.ETag = ETags.Format(view.Version);
                return TypedResults.Ok(view);
            })
            .WithName("getTerritoryScenario")
            .WithSummary("One scenario with its version as the ETag: settings, status, phase and percentage while it runs (poll this), the optimizer's "
                + "outcome (an infeasible tolerance lists the reasons and the balance reached), and the accounts not placed for want of coordinates.")
            .Produces<ScenarioView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/{id:guid}/run", (Guid id, HttpRequest request, HttpResponse response, Scenarios scenarios, CancellationToken ct) =>
                Respond(response, () => scenarios.RunAsync(id, IfMatch(request), ct), StatusCodes.Status202Accepted))
            .RequireAuthorization(change)
            .WithName("runTerritoryScenario")
            .WithSummary("Queue the scenario for the optimizer, in the background: 202, then poll the scenario for its progress. Runs again after a "
                + "proposal, a failure or a cancel (hand edits are replaced). If-Match optional (412 when stale); 409 while it runs or once applied.")
            .Produces<ScenarioView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapPost("/{id:guid}/cancel", (Guid id, HttpResponse response, Scenarios scenarios, CancellationToken ct) =>
                Respond(response, () => scenarios.CancelAsync(id, ct)))
            .RequireAuthorization(change)
            .WithName("cancelTerritoryScenario")
            .WithSummary("Cancel a queued or running scenario; a running one stops within a second or so. 409 when it is neither.")
            .Produces<ScenarioView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{id:guid}/refresh", (Guid id, HttpRequest request, HttpResponse response, Scenarios scenarios, CancellationToken ct) =>
                Respond(response, () => scenarios.RefreshAsync(id, IfMatch(request), ct), StatusCodes.Status202Accepted))
            .RequireAuthorization(change)
            .WithName("refreshTerritoryScenario")
            .WithSummary("Base the scenario anew on the alignment as it is now (after someone moved accounts), keeping its goals and the locks still in "
                + "scope, and run it again (202). If-Match optional.")
            .Produces<ScenarioView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        group.MapPost("/{id:guid}/edits", (Guid id, ScenarioEdit edit, HttpRequest request, HttpResponse response, Scenarios scenarios, CancellationToken ct) =>
                Respond(response, () => scenarios.EditAsync(id, edit, IfMatch(request), ct)))
            .RequireAuthorization(change)
            .WithName("editTerritoryScenario")
            .WithSummary("Edit the scenario by hand before applying it: {\"accountIds\": [...], \"territoryId\": \"...\"} moves accounts to another "
                + "territory of the scenario; \"lock\": true/false locks or unlocks them where they were; lockTerritoryIds and unlockTerritoryIds. "
                + "If-Match optional (412 when stale). Audited.")
            .Produces<ScenarioView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapPost("/{id:guid}/apply", async (Guid id, ScenarioApply input, HttpRequest request, Scenarios scenarios, CancellationToken ct) =>
            {
                if (IfMatch(request) is not { } version)
                {
                    return ETags.Required("scenario");
                }

                try
                {
                    return await scenarios.ApplyAsync(id, input, version, ct) is { } applied ? Results.Ok(applied) : NotFound();
                }
                catch (StaleScenarioException e)
                {
                    return Stale(e);
                }
            })
            .RequireAuthorization(change)
            .WithName("applyTerritoryScenario")
            .WithSummary("Apply the scenario on a date ({\"effectiveFrom\": \"2027-04-01\"}, today when left out), all or nothing, as dated account moves "
                + "(audited, the reps told). Requires If-Match (428 without, 412 when stale). 409 when the alignment has changed since the scenario "
                + "was made: refresh it.")
            .Produces<ScenarioApplied>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapDelete("/{id:guid}", async (Guid id, HttpRequest request, Scenarios scenarios, CancellationToken ct) =>
            {
                if (IfMatch(request) is not { } version)
                {
                    return ETags.Required("scenario");
                }

                try
                {
                    return await scenarios.DeleteAsync(id, version, ct) ? Results.NoContent() : NotFound();
                }
                catch (StaleScenarioException e)
                {
                    return Stale(e);
                }
            })
            .RequireAuthorization(change)
            .WithName("deleteTerritoryScenario")
            .WithSummary("Delete the scenario and its rows, audited. Not while it is queued or running (409: cancel it first); an applied one may be "
                + "deleted, its moves stay in the accounts' history. Requires If-Match (428 without, 412 when stale).")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        group.MapGet("/{id:guid}/compare/{other:guid}", async (Guid id, Guid other, ScenarioComparison comparison, CancellationToken ct) =>
                await comparison.CompareAsync(id, other, ct) is { } view ? Results.Ok(view) : NotFound())
            .WithName("compareTwoTerritoryScenarios")
            .WithSummary("Two scenarios side by side: per territory (the union of their territories) potential, workload, accounts, moved in and out, "
                + "placed, distance sum and farthest account; in total the balance, compactness and the accounts moved and placed. Each side is "
                + "measured with its own goals.")
            .Produces<ScenarioPairView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:guid}/compare/{other:guid}.csv", async (Guid id, Guid other, [FromQuery] string? table, ScenarioComparison comparison, CancellationToken ct) =>
                await comparison.CompareAsync(id, other, ct) is { } view
                    ? TableExport.File("csv", ScenarioPairs.FileName(view), ScenarioPairs.Tables(view), table) : NotFound())
            .WithName("exportTwoTerritoryScenariosCsv")
            .WithSummary("The comparison of two scenarios as CSV: the territories table, or table=totals.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:guid}/compare/{other:guid}.xlsx", async (Guid id, Guid other, ScenarioComparison comparison, CancellationToken ct) =>
                await comparison.CompareAsync(id, other, ct) is { } view
                    ? TableExport.File("xlsx", ScenarioPairs.FileName(view), ScenarioPairs.Tables(view), null) : NotFound())
            .WithName("exportTwoTerritoryScenariosXlsx")
            .WithSummary("The comparison of two scenarios as an Excel workbook: a sheet of territories and a sheet of totals.")
            .Produces<byte[]>(StatusCodes.Status200OK, TableExport.Xlsx)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:guid}/compare", async (Guid id, ScenarioComparison comparison, CancellationToken ct) =>
                await comparison.CompareAsync(id, ct) is { } view ? Results.Ok(view) : NotFound())
            .WithName("compareTerritoryScenario")
            .WithSummary("The scenario side by side with the alignment it was based on: per territory potential, workload, accounts, moved in and out, "
                + "distance sum and farthest account; in total the max deviation from the mean and coefficient of variation, compactness, and the "
                + "accounts moved beside the fewest any alignment within the tolerance must move.")
            .Produces<ScenarioComparisonView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:guid}/compare.csv", async (Guid id, [FromQuery] string? table, ScenarioComparison comparison, CancellationToken ct) =>
                await comparison.CompareAsync(id, ct) is { } view ? TableExport.File("csv", FileName(view), ScenarioComparison.Tables(view), table) : NotFound())
            .WithName("exportTerritoryScenarioCsv")
            .WithSummary("The comparison as CSV: the territories table, or table=totals.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id:guid}/compare.xlsx", async (Guid id, ScenarioComparison comparison, CancellationToken ct) =>
                await comparison.CompareAsync(id, ct) is { } view ? TableExport.File("xlsx", FileName(view), ScenarioComparison.Tables(view), null) : NotFound())
            .WithName("exportTerritoryScenarioXlsx")
            .WithSummary("The comparison as an Excel workbook: a sheet of territories and a sheet of totals.")
            .Produces<byte[]>(StatusCodes.Status200OK, TableExport.Xlsx)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static string FileName(ScenarioComparisonView view) => $"scenario-{view.Id.ToString("N")[..8]}";

    private static string? IfMatch(HttpRequest request) => ETags.TryParse(request.Headers.IfMatch, out var version) ? version : null;

    private static async Task<IResult> Respond(HttpResponse response, Func<Task<ScenarioView?>> act, int status = StatusCodes.Status200OK)
    {
        try
        {
            if (await act() is not { } view)
            {
                return NotFound();
            }

            response.Headers.ETag = ETags.Format(view.Version);
            return status == StatusCodes.Status202Accepted ? TypedResults.Accepted($"/api/v1/territory-scenarios/{view.Id}", view) : TypedResults.Ok(view);
        }
        catch (StaleScenarioException e)
        {
            return Stale(e);
        }
    }

    private static IResult Stale(StaleScenarioException e) =>
        TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The scenario has changed", detail: e.Message);

    private static IResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such scenario.");
}
