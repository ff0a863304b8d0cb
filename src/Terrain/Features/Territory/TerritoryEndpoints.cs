using Microsoft.AspNetCore.Mvc;
using Terrain.Domain;
using Terrain.Features.Accounts;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Territory;

/// <summary>
/// /api/v1/territories, /api/v1/assignment-rules and the account moves under /api/v1/accounts (ADR 0039). Reading
/// territories is scoped like reading users; everything that changes them is for leaders and admins (Act.AssignAccounts).
/// </summary>
public static class TerritoryEndpoints
{
    public static void AddTerritories(IServiceCollection services)
    {
        services.AddScoped<Territories>();
        services.AddScoped<AccountAssignments>();
        services.AddScoped<AssignmentRules>();
        services.AddScoped<BookOfBusiness>();
        services.AddScoped<AccountOverlays>();
        services.AddScoped<ZipPlacement>();
        services.AddHostedService<PendingAssignmentService>();
    }

    public sealed record UnassignedResponse(IReadOnlyList<AccountRow> Items, int Total, decimal TotalPotential, int Page, int PageSize);

    public static void Map(RouteGroupBuilder api)
    {
        MapTerritories(api.MapGroup("/territories").WithTags("Territories"));
        MapRules(api.MapGroup("/assignment-rules").WithTags("Territories").RequireAuthorization(Policies.For(Act.AssignAccounts)));
        var accounts = api.MapGroup("/accounts").WithTags("Territories");

        accounts.MapPost("/assignments", async (AssignmentRequest request, AccountAssignments assignments, CancellationToken ct) =>
                TypedResults.Ok(await assignments.AssignAsync(request, ct)))
            .RequireAuthorization(Policies.For(Act.AssignAccounts))
            .WithName("assignAccounts")
            .WithSummary("Move accounts to a territory: {\"accountIds\": [...], \"territoryId\": \"...\", \"effectiveFrom\": \"2027-04-01\"}. All or nothing: "
                + "an id that names no account refuses the whole request (422, naming them). effectiveFrom left out or today or earlier: the accounts move now "
                + "and their owner becomes the territory's rep; a later day: the move waits as pending and is applied on that day (the open cycle's time zone decides the day: ADR 0050), replacing an "
                + "earlier pending move of the same account. versions (account id → version, optional) refuses with 409 a move over a change made "
                + "since reading. Audited; the reps concerned are notified. Closed deals stay credited to their owner at close.")
            .Produces<AssignmentOutcome>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        accounts.MapPost("/place-by-postal-code", async (ZipPlacement placement, CancellationToken ct) => TypedResults.Ok(await placement.PlaceAsync(ct)))
            .RequireAuthorization(Policies.For(Act.AssignAccounts))
            .WithName("placeAccountsByPostalCode")
            .WithSummary("Place every account stored without coordinates at its US ZIP code's centroid, marked approximate (as an import does). "
                + "Idempotent: a second call places nothing. Answers how many were placed and how many are still without a place (no known ZIP code). Audited.")
            .Produces<ZipPlacementOutcome>()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        accounts.MapGet("/{id:guid}/overlays", async (Guid id, AccountOverlays overlays, CancellationToken ct) =>
                await overlays.ListAsync(id, ct) is { } list
                    ? Results.Ok(list)
                    : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such account."))
            .WithName("listAccountOverlays")
            .WithSummary("The overlay reps of an account (specialists who share it), with their credit split in percent. 404 when the account is not the caller's to see.")
            .Produces<List<OverlayView>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        accounts.MapPut("/{id:guid}/overlays/{repId:guid}", async (Guid id, Guid repId, OverlayInput input, AccountOverlays overlays, CancellationToken ct) =>
                await overlays.SetAsync(id, repId, input, ct)
                    ? Results.Ok(await overlays.ListAsync(id, ct))
                    : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such account."))
            .RequireAuthorization(Policies.For(Act.AssignAccounts))
            .WithName("setAccountOverlay")
            .WithSummary("Add a rep as an overlay on the account, or change their split: {\"creditPercent\": 20, \"role\": \"Solutions specialist\", \"effectiveFrom\": \"2027-01-01\"}. "
                + "Deals closed from effectiveFrom on (default today, UTC; kept when the split changes) are credited to the overlay rep. "
                + "The owner stays the owner; overlay splits need not total 100%. Audited. Answers with the account's overlays.")
            .Produces<List<OverlayView>>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        accounts.MapDelete("/{id:guid}/overlays/{repId:guid}", async (Guid id, Guid repId, AccountOverlays overlays, CancellationToken ct) =>
                await overlays.RemoveAsync(id, repId, ct)
                    ? Results.NoContent()
                    : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "That rep is no overlay on this account."))
            .RequireAuthorization(Policies.For(Act.AssignAccounts))
            .WithName("removeAccountOverlay")
            .WithSummary("Remove an overlay rep from the account: deals closed from today on are no longer credited to them; those closed before stay credited. Audited.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        accounts.MapGet("/unassigned", async (string? q, int? page, int? pageSize, BookOfBusiness book, CancellationToken ct) =>
            {
                var p = page ?? 1;
                var size = pageSize ?? 50;
                if (p < 1 || p > AccountFilter.MaxPage)
                {
                    return Problems.Validation("page", $"The page must be between 1 and {AccountFilter.MaxPage:N0}.");
                }

                if (size is < 1 or > AccountFilter.MaxPageSize)
                {
                    return Problems.Validation("pageSize", $"The page size must be between 1 and {AccountFilter.MaxPageSize}.");
                }

                var (items, total, potential) = await book.UnassignedAsync(q, p, size, ct);
                return TypedResults.Ok(new UnassignedResponse(items, total, potential, p, size));
            })
            .RequireAuthorization(Policies.For(Act.AssignAccounts))
            .WithName("listUnassignedAccounts")
            .WithSummary("The accounts that belong to nobody (no territory, no owner), largest potential first; q searches name, id or postal code.")
            .Produces<UnassignedResponse>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
    }

    private static void MapTerritories(RouteGroupBuilder territories)
    {
        territories.MapGet("/", async (Territories handlers, CancellationToken ct) => TypedResults.Ok(await handlers.ListAsync(ct)))
            .WithName("listTerritories")
            .WithSummary("The territories, by name, with each one's rep, base location, account count and potential: all for leaders and admins, "
                + "the team's for a manager, one's own for a rep.");

        territories.MapGet("/{id:guid}", async (Guid id, Territories handlers, HttpResponse response, CancellationToken ct) =>
            {
                if (await handlers.GetAsync(id, ct) is not { } territory)
                {
                    return NotFound();
                }

                response.Headers.ETag = ETags.Format(territory.Version);
                return TypedResults.Ok(territory);
            })
            .WithName("getTerritory")
            .WithSummary("One territory, with its version as the ETag. 404 when it does not exist or its rep is not one the caller sees.")
            .Produces<TerritoryView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        territories.MapPost("/", async (TerritoryInput input, Territories handlers, HttpResponse response, CancellationToken ct) =>
            {
                var created = await handlers.CreateAsync(input, ct);
                response.Headers.ETag = ETags.Format(created.Version);
                return TypedResults.Created($"/api/v1/territories/{created.Id}", created);
            })
            .RequireAuthorization(Policies.For(Act.AssignAccounts))
            .WithName("createTerritory")
            .WithSummary("Create a territory: name, repId (left out: vacant), baseAddress and/or baseLatitude and baseLongitude. A rep covers one territory "
                + "at most; the rep's accounts that are in no territory yet join it. Audited.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        territories.MapPut("/{id:guid}", async (Guid id, TerritoryInput input, HttpRequest request, HttpResponse response, Territories handlers, CancellationToken ct) =>
            {
                var result = await handlers.UpdateAsync(id, input, ETags.TryParse(request.Headers.IfMatch, out var version) ? version : null, ct);
                switch (result.Outcome)
                {
                    case TerritoryOutcome.NotFound:
                        return NotFound();
                    case TerritoryOutcome.PreconditionRequired:
                        return ETags.Required("territory");
                    case TerritoryOutcome.Stale:
                        return TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The territory has changed",
                            detail: "Someone changed the territory after you read it, so your change was not saved. Read it again and redo your change.",
                            extensions: new Dictionary<string, object?> { ["current"] = result.Current });
                    default:
                        response.Headers.ETag = ETags.Format(result.Current!.Version);
                        return TypedResults.Ok(result.Current);
                }
            })
            .RequireAuthorization(Policies.For(Act.AssignAccounts))
            .WithName("updateTerritory")
            .WithSummary("Replace a territory whole (rename, name another rep or none, move the base). Requires If-Match; a stale one gets 412 with the current "
                + "territory. A new rep takes over every account in it at once, and both reps are told. Audited.")
            .Produces<TerritoryView>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        territories.MapGet("/changes", async ([FromQuery] Guid? repId, [FromQuery] DateOnly? since, BookOfBusiness book, CurrentUser me, CancellationToken ct) =>
                await book.ForRepAsync(repId ?? me.Id, since, ct) is { } changes
                    ? Results.Ok(changes)
                    : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such rep."))
            .WithName("listBookChanges")
            .WithSummary("What changed in a rep's book of business since a date (90 days back by default): accounts gained and lost, and moves dated "
                + "later (pending). repId left out: one's own.")
            .Produces<BookChanges>()
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static void MapRules(RouteGroupBuilder rules)
    {
        rules.MapGet("/", async (AssignmentRules handlers, CancellationToken ct) => TypedResults.Ok(await handlers.ListAsync(ct)))
            .WithName("listAssignmentRules")
            .WithSummary("The assignment rules in the order they are tried (priority 1 first). The first rule whose conditions all hold places an account.")
            .ProducesProblem(StatusCodes.Status403Forbidden);

        rules.MapGet("/{id:guid}", async (Guid id, AssignmentRules handlers, HttpResponse response, CancellationToken ct) =>
            {
                if (await handlers.GetAsync(id, ct) is not { } rule)
                {
                    return RuleNotFound();
                }

                response.Headers.ETag = ETags.Format(rule.Version);
                return TypedResults.Ok(rule);
            })
            .WithName("getAssignmentRule")
            .WithSummary("One assignment rule, with its version as the ETag.")
            .Produces<AssignmentRuleView>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        rules.MapPost("/", async (AssignmentRuleInput input, AssignmentRules handlers, HttpResponse response, CancellationToken ct) =>
            {
                var created = await handlers.CreateAsync(input, ct);
                response.Headers.ETag = ETags.Format(created.Version);
                return TypedResults.Created($"/api/v1/assignment-rules/{created.Id}", created);
            })
            .WithName("createAssignmentRule")
            .WithSummary("Add a rule: any of postalPrefix (a prefix of the postal code), region, segment, industry (whole values, ignoring case), all of "
                + "which must hold, and the territoryId it places accounts in. priority: 1 is tried first; left out, the rule goes last. Audited.")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        rules.MapPut("/{id:guid}", async (Guid id, AssignmentRuleInput input, HttpRequest request, HttpResponse response, AssignmentRules handlers, CancellationToken ct) =>
            {
                var result = await handlers.UpdateAsync(id, input, ETags.TryParse(request.Headers.IfMatch, out var version) ? version : null, ct);
                switch (result.Outcome)
                {
                    case RuleOutcome.NotFound:
                        return RuleNotFound();
                    case RuleOutcome.PreconditionRequired:
                        return ETags.Required("rule");
                    case RuleOutcome.Stale:
                        return RuleStale(result.Current);
                    default:
                        response.Headers.ETag = ETags.Format(result.Current!.Version);
                        return TypedResults.Ok(result.Current);
                }
            })
            .WithName("updateAssignmentRule")
            .WithSummary("Replace a rule whole. Requires If-Match; a stale one gets 412 with the current rule. Audited.")
            .Produces<AssignmentRuleView>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        rules.MapDelete("/{id:guid}", async (Guid id, HttpRequest request, AssignmentRules handlers, CancellationToken ct) =>
            {
                var result = await handlers.DeleteAsync(id, ETags.TryParse(request.Headers.IfMatch, out var version) ? version : null, ct);
                return result.Outcome switch
                {
                    RuleOutcome.NotFound => RuleNotFound(),
                    RuleOutcome.Stale => RuleStale(result.Current),
                    RuleOutcome.Saved or RuleOutcome.PreconditionRequired => TypedResults.NoContent(),
                    _ => throw new InvalidOperationException($"Unknown outcome {result.Outcome}."),
                };
            })
            .WithName("deleteAssignmentRule")
            .WithSummary("Delete a rule (with If-Match, only the version read). Accounts it placed stay where they are. Audited.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        rules.MapGet("/preview", async (AssignmentRules handlers, CancellationToken ct) => TypedResults.Ok(await handlers.PreviewAsync(ct)))
            .WithName("previewAssignmentRules")
            .WithSummary("How many of the accounts that belong to nobody the rules would place now, in all and per rule (id → count).")
            .Produces<RulePreview>()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        rules.MapPost("/apply", async (AssignmentRules handlers, CancellationToken ct) => TypedResults.Ok(await handlers.ApplyAsync(ct)))
            .WithName("applyAssignmentRules")
            .WithSummary("Place every account that belongs to nobody and meets a rule in its first rule's territory, now. All or nothing; each move audited.")
            .Produces<RulePreview>()
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }

    private static IResult NotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such territory.");

    private static IResult RuleNotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such rule.");

    private static IResult RuleStale(AssignmentRuleView? current) => TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed,
        title: "The rule has changed",
        detail: "Someone changed the rule after you read it, so your change was not saved. Read it again and redo your change.",
        extensions: new Dictionary<string, object?> { ["current"] = current });
}
