using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Quotas;

public static class QuotaEndpoints
{
    public static void AddQuotas(IServiceCollection services)
    {
        services.AddScoped<QuotaHandlers>();
        services.AddScoped<SaveQuotas>();
        services.AddScoped<QuotaGrid>();
        services.AddScoped<QuotaCsv>();
        services.AddScoped<QuotaAllocations>();
    }

    public static void Map(RouteGroupBuilder quotas)
    {
        quotas.MapGet("/", async Task<Results<Ok<IReadOnlyList<QuotaRow>>, NotFound>> (Guid cycle, Guid? rep, QuotaHandlers handlers, CancellationToken ct) =>
                await handlers.ListAsync(cycle, rep, ct) is { } rows ? TypedResults.Ok(rows) : TypedResults.NotFound())
            .WithSummary("Quotas per quarter in a cycle for the reps the caller may see (own, the team's, or all).")
            .WithName("listQuotas");

        quotas.MapPut("/", async Task<Results<Ok<QuotaRow>, NotFound>> (QuotaInput input, QuotaHandlers handlers, CancellationToken ct) =>
                await handlers.SetAsync(input, ct) is { } row ? TypedResults.Ok(row) : TypedResults.NotFound())
            .RequireAuthorization(Policies.For(Act.SetQuota))
            .WithSummary("Set one rep's quota for every quarter of a cycle (leaders for anyone, managers for their own reps); with a version, refused when the quota changed since.")
            .WithName("setQuota")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>The quota grid of one cycle: read, saved as a batch, exported and imported as CSV, and each rep's history.</summary>
    public static void MapGrid(RouteGroupBuilder grid)
    {
        grid.MapGet("/", async Task<Results<Ok<QuotaGridView>, NotFound>> (Guid cycleId, Guid? team, QuotaGrid quotas, CancellationToken ct) =>
                await quotas.GetAsync(cycleId, team, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .WithSummary("The quota grid of a cycle for the caller's scope (optionally one manager's team): each row with its version, totals per quarter and team, and the quota against the strategy's revenue objectives.")
            .WithName("getQuotaGrid");

        grid.MapPut("/", SaveAsync)
            .RequireAuthorization(Policies.For(Act.SetQuota))
            .WithSummary("Save many reps' quotas at once: every row carries the version it was read at; one stale row (409, naming the rows) or one invalid value (422, e.g. rows[3].q2) and nothing is saved.")
            .WithName("saveQuotaGrid")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        grid.MapGet("/csv", async Task<Results<FileContentHttpResult, NotFound>> (Guid cycleId, Guid? team, QuotaCsv csv, CancellationToken ct) =>
                await csv.ExportAsync(cycleId, team, ct) is { } text
                    ? TypedResults.File(System.Text.Encoding.UTF8.GetBytes(text), "text/csv", "quotas.csv")
                    : TypedResults.NotFound())
            .WithSummary("The quota grid as CSV: email, name, manager, q1..q4, version.")
            .WithName("exportQuotas")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");

        grid.MapPost("/import", ImportAsync)
            .RequireAuthorization(Policies.For(Act.SetQuota))
            .Accepts<string>("text/csv")
            .WithName("importQuotas")
            .WithSummary("Load quotas from CSV (email, q1..q4, optional version as exported): every row or none, each refusal named by line and column; a row with a version is refused when the quota changed since.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        grid.MapGet("/{repId:guid}/history", async Task<Results<Ok<IReadOnlyList<QuotaHistoryEntry>>, NotFound>> (Guid cycleId, Guid repId, QuotaGrid quotas, CancellationToken ct) =>
                await quotas.HistoryAsync(cycleId, repId, ct) is { } history ? TypedResults.Ok(history) : TypedResults.NotFound())
            .WithSummary("Every change to one rep's (or a manager's team) quota in the cycle, newest first: who, when, quarter, old and new, source and reason.")
            .WithName("getQuotaHistory");
    }

    /// <summary>Top-down allocation of a cycle's revenue target (ADR 0038): preview, create, read, adjust, publish, export.</summary>
    public static void MapAllocations(RouteGroupBuilder allocations)
    {
        allocations.MapPost("/preview", async Task<Results<Ok<AllocationView>, NotFound>> (Guid cycleId, AllocationRequest request, QuotaAllocations handler, CancellationToken ct) =>
                await handler.PreviewAsync(cycleId, request, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .RequireAuthorization(Policies.For(Act.AllocateQuota))
            .WithSummary("What an allocation would give, saving nothing: each rep's share, ramp and quarters (summing to the target to the cent), per team, with the notes on any fallback.")
            .WithName("previewQuotaAllocation")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        allocations.MapPost("/", async Task<Results<Created<AllocationView>, NotFound>> (Guid cycleId, AllocationRequest request, QuotaAllocations handler, CancellationToken ct) =>
                await handler.CreateAsync(cycleId, request, ct) is { } view
                    ? TypedResults.Created($"/api/v1/cycles/{cycleId}/quota-allocations/current", view)
                    : TypedResults.NotFound())
            .RequireAuthorization(Policies.For(Act.AllocateQuota))
            .WithSummary("Allocate a revenue target (by default the strategy's revenue objectives) to the reps with a plan in the cycle, by potential share, last year's bookings, equally or a blend; spread over quarters by seasonality with a ramp for new hires. Saves the result as a draft: teams first (each the sum of its reps' shares), then each team shared out between its reps; no quota changes until it is published. Each team's manager is told.")
            .WithName("createQuotaAllocation")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        allocations.MapGet("/current", async Task<Results<Ok<AllocationView>, NotFound>> (Guid cycleId, QuotaAllocations handler, CancellationToken ct) =>
                await handler.CurrentAsync(cycleId, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .RequireAuthorization(Policies.For(Act.AllocateTeamQuota))
            .WithSummary("The cycle's latest allocation with the quotas now held: each team's number and its reps' difference to it, totals per quarter, the difference to the target, and who has not acknowledged. A manager sees their own team only.")
            .WithName("getQuotaAllocation");

        allocations.MapPut("/current/draft", async Task<Results<Ok<AllocationView>, NotFound>> (Guid cycleId, AllocationAdjustment adjustment, QuotaAllocations handler, CancellationToken ct) =>
                await handler.AdjustAsync(cycleId, adjustment, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .RequireAuthorization(Policies.For(Act.AllocateTeamQuota))
            .WithSummary("Adjust the draft allocation by hand before it is published: each rep's quarters, with the allocation's version as read (409 when stale or published; 422 naming reps[i].quarters[q] for a bad amount); the answer shows the difference to the target and each team's reps' difference to the team's number. A leader adjusts any rep, a manager the reps of their own team (403 otherwise). No quota changes until the allocation is published.")
            .WithName("adjustQuotaAllocation")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        allocations.MapPut("/current/teams", async Task<Results<Ok<AllocationView>, NotFound>> (Guid cycleId, TeamAllocation input, QuotaAllocations handler, CancellationToken ct) =>
                await handler.SetTeamsAsync(cycleId, input, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .RequireAuthorization(Policies.For(Act.AllocateQuota))
            .WithSummary("The first step by hand: set teams' quarters (teams named by managerId, null for the reps without a manager) with the allocation's version as read (409 when stale or published; 422 naming teams[i].quarters[q]). Each team changed has its reps shared out again within its new number and its manager is told. Publishing needs the teams to sum to the target and each team's reps to the team.")
            .WithName("setQuotaAllocationTeams")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        allocations.MapPost("/current/publish", async Task<Results<Ok<AllocationView>, NotFound>> (Guid cycleId, QuotaAllocations handler, CancellationToken ct) =>
                await handler.PublishAsync(cycleId, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .RequireAuthorization(Policies.For(Act.AllocateQuota))
            .WithSummary("Publish the draft allocation: its amounts become the reps' (and teams') quotas and each rep gets a quota letter, in one transaction; refused (409, error 'allocation-does-not-sum') while the teams or the draft do not sum to the target to the cent, and (409, error 'team-does-not-sum') while a team's reps do not sum to the team's number.")
            .WithName("publishQuotaAllocation")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);

        allocations.MapGet("/current/export", async Task<Results<FileContentHttpResult, NotFound>> (Guid cycleId, string? format, string? table, QuotaAllocations handler,
                CancellationToken ct) =>
                await handler.ExportAsync(cycleId, Dashboards.TableExport.FormatOf(format) ?? "csv", ct, table) is { } file
                    ? TypedResults.File(file.Content, file.ContentType, file.FileName)
                    : TypedResults.NotFound())
            .RequireAuthorization(Policies.For(Act.AllocateQuota))
            .WithSummary("The allocation as CSV (format=csv, the default) or Excel (format=xlsx, a sheet per table). CSV gives one table: table=allocation (the default), each rep's team, share, ramp, quarters, total and acknowledgement, with the total, the target and the difference; or table=teams, each team's number by quarter (set by the leader when teams come first), its reps' sum and the difference, with the teams' total, the target and the difference.")
            .WithName("exportQuotaAllocation")
            .Produces<string>(StatusCodes.Status200OK, "text/csv", Dashboards.TableExport.Xlsx)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary>The signed-in rep's quota letter and its acknowledgement.</summary>
    public static void MapLetter(RouteGroupBuilder letter)
    {
        letter.MapGet("/", async Task<Results<Ok<QuotaLetter>, NotFound>> (Guid? cycle, QuotaAllocations handler, CancellationToken ct) =>
                await handler.LetterAsync(cycle, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .WithSummary("The signed-in rep's published quota letter for a cycle (the latest without one): the quota by quarter, the assumptions behind it, whether it is acknowledged, and the changes since publication.")
            .WithName("getMyQuotaLetter");

        letter.MapPost("/acknowledge", async Task<Results<Ok<QuotaLetter>, NotFound>> (AcknowledgeInput input, QuotaAllocations handler, CancellationToken ct) =>
                await handler.AcknowledgeAsync(input, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .RequireAuthorization(Policies.For(Act.AcknowledgeQuota))
            .WithSummary("Acknowledge one's quota letter at the version read; refused (409) when the quota changed since or is not published.")
            .WithName("acknowledgeMyQuotaLetter")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<Results<Ok<QuotaGridView>, NotFound, ProblemHttpResult>> SaveAsync(Guid cycleId, QuotaBatch batch, SaveQuotas saver,
        QuotaGrid quotas, CancellationToken ct)
    {
        var outcome = await saver.SaveAsync(cycleId, batch, QuotaSource.Api, ct);
        return outcome switch
        {
            QuotaSaveOutcome.Saved => await quotas.GetAsync(cycleId, null, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound(),
            QuotaSaveOutcome.Invalid invalid => TypedResults.Problem(new ValidationProblemDetails(invalid.Errors.ToDictionary(e => e.Key, e => e.Value))
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = "The quotas break a rule; nothing was saved.",
                Detail = string.Join(" ", invalid.Errors.SelectMany(e => e.Value).Take(5)),
            }),
            QuotaSaveOutcome.Stale stale => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "Someone changed these quotas since you read them; nothing was saved.",
                detail: string.Join(" ", stale.Conflicts.Select(c => c.Message)),
                extensions: new Dictionary<string, object?> { ["conflicts"] = stale.Conflicts }),
            _ => TypedResults.NotFound(),
        };
    }

    private static async Task<Results<Ok<QuotaImportReport>, NotFound, ProblemHttpResult>> ImportAsync(Guid cycleId, HttpRequest request,
        QuotaCsv csv, CancellationToken ct)
    {
        if (!Imports.ImportEndpoint.IsCsv(request.ContentType, null))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Not a CSV file.",
                detail: $"Send the quotas as text/csv (got '{request.ContentType ?? "none"}').");
        }

        using var body = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (body.Length + read > QuotaCsv.MaxFileBytes)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The file is too large.",
                    detail: $"A quota file is limited to {QuotaCsv.MaxFileBytes / (1024 * 1024)} MB.");
            }

            body.Write(chunk, 0, read);
        }

        body.Position = 0;
        var report = await csv.ImportAsync(cycleId, body, request.Query["reason"], ct);
        if (report is null)
        {
            return TypedResults.NotFound();
        }

        if (report.Applied)
        {
            return TypedResults.Ok(report);
        }

        var first = report.Rejected[0];
        return TypedResults.Problem(statusCode: report.Conflicts.Count > 0 ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity,
            title: "The quotas were rejected; nothing was changed.",
            detail: $"{report.Rejected.Count} problem(s). First: line {first.Line}{(first.Column is null ? "" : $", column {first.Column}")}: {first.Reason}",
            extensions: new Dictionary<string, object?> { ["rowsRead"] = report.RowsRead, ["rejected"] = report.Rejected, ["conflicts"] = report.Conflicts });
    }
}
