using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Terrain.Domain;
using Terrain.Features.Accounts;
using Terrain.Features.Auth;
using Terrain.Features.Imports;
using Terrain.Features.Strategies;
using Terrain.Features.Users;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Mail;
using Terrain.Infrastructure.Web;

namespace Terrain.Features;

public static class Api
{
    public static IServiceCollection AddFeatures(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<LoginHandler>();
        services.AddScoped<Sessions>();
        services.AddScoped<SignInThrottle>();
        services.AddScoped<Admin.SignIns.SignInLog>();
        services.AddScoped<AccountQueries>();
        services.AddScoped<UserQueries>();
        services.AddScoped<Territory.RepPicker>();
        Territory.TerritoryEndpoints.AddTerritories(services);
        TerritoryDesign.Scenarios.ScenarioEndpoints.AddScenarios(services);
        services.AddScoped<CreateUser>();
        services.AddScoped<UpdateUser>();
        services.AddScoped<Invitations>();
        services.AddScoped<Cycles.CycleHandlers>();
        services.AddScoped<Cycles.Board>();
        services.AddScoped<Cycles.CycleTemplate>();
        services.AddScoped<Reminders.DeadlineReminders>();
        services.AddScoped<Reminders.MyNotifications>();
        services.AddScoped<Reminders.NotificationCauses>();
        services.AddScoped<Reminders.NotificationMailer>();
        services.AddMail();
        services.AddHostedService<Reminders.ReminderService>();
        services.AddScoped<Plans.PlanHandlers>();
        services.AddScoped<Plans.PlanDocuments>();
        services.AddScoped<Plans.PlanReview>();
        services.AddScoped<Plans.ExtendDeadline>();
        services.AddScoped<Plans.PlanComments>();
        services.AddScoped<Plans.PlanProposals>();
        services.AddScoped<Plans.PlanVersions>();
        services.AddScoped<Performance.GoalPerformance>();
        services.AddScoped<Performance.StageConversion>();
        services.AddScoped<Performance.PipelineFacts>();
        services.AddScoped<Performance.ActionStatusUpdate>();
        services.AddScoped<Performance.MetricSettingsHandlers>();
        Quotas.QuotaEndpoints.AddQuotas(services);
        services.AddScoped<ExchangeRates.ExchangeRateHandlers>();
        Dashboards.DashboardEndpoints.AddDashboards(services);
        Reviews.ReviewEndpoints.AddReviews(services);
        services.AddStrategies();
        services.AddScoped<AccountImporter>();
        services.AddScoped<UserImporter>();
        services.AddScoped<OpportunityImporter>();
        services.AddScoped<ActivityImporter>();
        services.AddScoped<BookingImporter>();
        services.AddScoped<SplitImporter>();
        services.AddScoped<ImportLease>();
        services.AddScoped<Actuals.ActualsBatches>();
        services.AddScoped<ImportRunner>();
        services.AddScoped<ImportJobs>();
        services.AddScoped<ImportMappings.ImportMappingHandlers>();
        services.AddSingleton<ImportSignals>();
        services.AddSingleton<DataAge>();
        services.AddSingleton<ImportWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<ImportWorker>());
        services.AddScoped<Demo.DemoSeeder>();
        return services;
    }

    public static IEndpointRouteBuilder MapFeatureEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization().DisableAntiforgery();
        MapAuth(api.MapGroup("/auth").WithTags("Sign-in"));
        api.MapGet("/me", Me).WithTags("Users").WithSummary("The signed-in user, and how old the CRM data is: the latest import of opportunities, activities or bookings, "
            + "and whether it is older than the limit a leader sets (dataAgeLimitHours in /settings/metrics).")
            .WithName("getMe");
        api.MapGet("/sign-ins", SignIns).WithTags("Sign-in").RequireAuthorization(Policies.For(Act.ManageUsers))
            .WithSummary("The sign-in audit trail, newest first (admins only): sign-ins, failures, throttling, sign-outs, refreshes, password changes.")
            .WithName("listSignIns");
        MapUsers(api.MapGroup("/users").WithTags("Users"));
        MapAccounts(api.MapGroup("/accounts").WithTags("Accounts"));
        Territory.TerritoryEndpoints.Map(api);
        TerritoryDesign.Scenarios.ScenarioEndpoints.Map(api);
        Cycles.CycleEndpoints.Map(api.MapGroup("/cycles").WithTags("Planning cycles"));
        Plans.PlanEndpoints.Map(api.MapGroup("/plans").WithTags("Plans"));
        Performance.PerformanceEndpoints.Map(api.MapGroup("/plans").WithTags("Performance"));
        Performance.PerformanceEndpoints.MapSettings(api.MapGroup("/settings").WithTags("Performance"));
        Quotas.QuotaEndpoints.Map(api.MapGroup("/quotas").WithTags("Quotas"));
        Quotas.QuotaEndpoints.MapGrid(api.MapGroup("/cycles/{cycleId:guid}/quotas").WithTags("Quotas"));
        Quotas.QuotaEndpoints.MapAllocations(api.MapGroup("/cycles/{cycleId:guid}/quota-allocations").WithTags("Quotas"));
        Quotas.QuotaEndpoints.MapLetter(api.MapGroup("/me/quota-letter").WithTags("Quotas"));
        ExchangeRates.ExchangeRateEndpoints.Map(api.MapGroup("/exchange-rates").WithTags("Exchange rates"));
        Dashboards.DashboardEndpoints.Map(api.MapGroup("/dashboards").WithTags("Dashboards"));
        StrategyEndpoints.Map(api.MapGroup("/strategies").WithTags("Strategy"));
        Reminders.NotificationEndpoints.Map(api.MapGroup("/notifications").WithTags("Notifications"));
        ImportMappings.ImportMappingEndpoints.Map(api.MapGroup("/import-mappings").WithTags("Imports"));
        Reviews.ReviewEndpoints.Map(api);
        Actuals.ActualsEndpoint.Map(api.MapGroup("/actuals").WithTags("Actuals"), app.ServiceProvider.GetRequiredService<IConfiguration>());
        api.MapPost("/imports/{kind}", ImportEndpoint.HandleAsync).WithTags("Imports")
            .RequireAuthorization(Policies.For(Act.Import))
            .WithMetadata(Infrastructure.TerrainOptions.ImportBodyLimits(app.ServiceProvider.GetRequiredService<IConfiguration>()))
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // The body is read by hand (CSV or a form upload), so it is described here.
                var file = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["text/csv"] = new() { Schema = file },
                        ["multipart/form-data"] = new()
                        {
                            Schema = new OpenApiSchema
                            {
                                Type = JsonSchemaType.Object,
                                Required = new HashSet<string> { "file" },
                                Properties = new Dictionary<string, IOpenApiSchema> { ["file"] = file },
                            },
                            Encoding = new Dictionary<string, OpenApiEncoding> { ["file"] = new() { ContentType = "text/csv" } },
                        },
                    },
                };
                return Task.CompletedTask;
            })
            .Produces<ImportJobView>(StatusCodes.Status202Accepted)
            .Produces<ImportReport>()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithSummary("Import users, accounts, opportunities, activities, bookings or revenue splits from CSV, as a background job: 202 with the job and its Location. "
                + "With 'Prefer: wait=N' (seconds, at most 300) the answer waits for the job: 200 with the report, or 422 when the file was rejected. "
                + "All or nothing unless partial=true; for opportunities, full=true marks deals missing from the file deleted. "
                + "mapping=NAME (or its id) reads opportunities, activities or bookings by a saved mapping instead of recognising the layout.")
            .WithName("importCsv");
        api.MapGet("/imports/jobs", ImportEndpoint.ListJobsAsync).WithTags("Imports")
            .RequireAuthorization(Policies.For(Act.Import))
            .Produces<List<ImportJobView>>()
            .ProducesValidationProblem()
            .WithSummary("The import history, newest first (limit: 1 to 500, 50 by default), with each job's state, progress and counts.")
            .WithName("listImportJobs");
        api.MapGet("/imports/jobs/{id:guid}", ImportEndpoint.GetJobAsync).WithTags("Imports")
            .RequireAuthorization(Policies.For(Act.Import))
            .Produces<ImportJobView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One import job: its state (Queued, Running, Done, Failed), progress, and the report once done.")
            .WithName("getImportJob");
        return app;
    }

    public sealed record LoginRequest(string Email, string Password);

    private static void MapAuth(RouteGroupBuilder auth)
    {
        auth.MapPost("/login", async Task<Results<SignInHttpResult, ProblemHttpResult>> (
                LoginRequest request, LoginHandler handler, Sessions sessions, HttpResponse response, CancellationToken ct) =>
            {
                var result = await handler.CheckAsync(request.Email, request.Password, ct);
                switch (result.Outcome)
                {
                    case LoginOutcome.Success:
                        return TypedResults.SignIn(await sessions.StartTokenSessionAsync(result.User!, ct), authenticationScheme: IdentityConstants.BearerScheme);
                    case LoginOutcome.Throttled:
                        response.Headers.RetryAfter = LoginHandler.RetryAfterHeader(result.RetryAfter);
                        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed sign-ins",
                            detail: $"Too many failed sign-ins from this client or for this account. Wait {LoginHandler.Describe(result.RetryAfter)}, then try again.");
                    case LoginOutcome.Invalid:
                        return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed",
                            detail: "The email or password is wrong.");
                    default:
                        throw new InvalidOperationException($"Unknown sign-in outcome {result.Outcome}.");
                }
            })
            .AllowAnonymous()
            .RequireRateLimiting("login")
            .WithSummary("Exchange an email and password for a bearer access token and a one-time refresh token.")
            .WithName("signIn")
            .Produces<AccessTokenDocument>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        auth.MapPost("/refresh", async Task<Results<SignInHttpResult, ProblemHttpResult>> (RefreshRequest request, Sessions sessions, CancellationToken ct) =>
                await sessions.RefreshAsync(request.RefreshToken, ct) is { } principal
                    ? TypedResults.SignIn(principal, authenticationScheme: IdentityConstants.BearerScheme)
                    : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Refresh failed",
                        detail: "The refresh token is invalid, expired or already used, or the user has changed. Sign in again."))
            .AllowAnonymous()
            .RequireRateLimiting("login")
            .WithSummary("Exchange a refresh token for a new access token and a new refresh token. Each refresh token works once; "
                + "using one twice ends the session it belongs to.")
            .WithName("refreshToken")
            .Produces<AccessTokenDocument>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        auth.MapPost("/logout", async (HttpContext context, Sessions sessions, CancellationToken ct) =>
            {
                await sessions.SignOutAsync(context.User, cookie: false, ct);
                return TypedResults.NoContent();
            })
            .WithSummary("End the session of the bearer token: its access tokens and refresh token stop working.")
            .WithName("signOut");
    }

    public sealed record RefreshRequest(string RefreshToken);

    /// <summary>The shape the bearer token handler writes; declared for the OpenAPI document.</summary>
    public sealed record AccessTokenDocument(string TokenType, string AccessToken, long ExpiresIn, string RefreshToken);

    /// <summary>The signed-in user, and how old the CRM data is (<see cref="DataAgeView"/>), which every page shows too.</summary>
    public sealed record MeResponse(Guid Id, string Email, string DisplayName, Role Role, DataAgeView DataAge);

    private static async Task<Results<Ok<Admin.SignIns.SignInPage>, ValidationProblem>> SignIns(
        [FromQuery(Name = "email")] string? email, [FromQuery(Name = "page")] int? page, [FromQuery(Name = "pageSize")] int? pageSize,
        Admin.SignIns.SignInLog log, CancellationToken ct)
    {
        var (p, size) = (page ?? 1, pageSize ?? 50);
        return Admin.SignIns.SignInLog.Validate(p, size) is { } problem
            ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { [page is < 1 ? "page" : "pageSize"] = [problem] })
            : TypedResults.Ok(await log.ListAsync(email, p, size, ct));
    }

    private static async Task<Ok<MeResponse>> Me(CurrentUser me, DataAge dataAge, CancellationToken ct) =>
        TypedResults.Ok(new MeResponse(me.Id, me.Email, me.DisplayName, me.Role, await dataAge.GetAsync(ct)));

    /// <summary>The answer to POST /users: who was created, and their invitation when no password was given.</summary>
    public sealed record CreatedUser(Guid Id, string Email, string DisplayName, Role Role, InvitationView? Invitation = null);

    /// <summary>
    /// An invitation to set a password: until when it works, whether it was emailed, and the link itself only when it was
    /// not (no mail server, or the send failed). The link is shown once; Terrain keeps only a hash of it.
    /// </summary>
    public sealed record InvitationView(DateTimeOffset ExpiresAt, bool Emailed, string? Link)
    {
        public static InvitationView? Of(IssuedInvitation? issued) => issued is null ? null : new(issued.ExpiresAt, issued.Emailed, issued.Link);
    }

    private static void MapUsers(RouteGroupBuilder users)
    {
        users.MapGet("/", async (string? role, Guid? manager, UserQueries queries, CancellationToken ct) =>
            {
                Role? parsed = null;
                if (!string.IsNullOrWhiteSpace(role))
                {
                    if (!Roles.TryParse(role, out var r))
                    {
                        return Problems.Validation("role", $"Unknown role '{role}'. Use one of: {Roles.Names}.");
                    }

                    parsed = r;
                }

                return TypedResults.Ok(await queries.ListAsync(parsed, manager, ct));
            })
            .WithSummary("Users the caller may see: self, their team, or everyone.")
            .WithName("listUsers")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .Produces<List<UserRow>>();

        users.MapGet("/{id:guid}", async Task<Results<Ok<UserRow>, NotFound>> (Guid id, UserQueries queries, HttpResponse response, CancellationToken ct) =>
            {
                if (await queries.GetAsync(id, ct) is not { } user)
                {
                    return TypedResults.NotFound();
                }

                response.Headers.ETag = ETags.Format(user.Version);
                return TypedResults.Ok(user);
            })
            .WithSummary("One user, with its version as the ETag. 404 when it does not exist or is not visible to the caller.")
            .WithName("getUser");

        users.MapPatch("/{id:guid}", async Task<IResult> (Guid id, UpdateUser.Input input, HttpRequest request, HttpResponse response,
                UpdateUser handler, UserQueries queries, CurrentUser me, CancellationToken ct) =>
            {
                if (!ETags.TryParse(request.Headers.IfMatch, out var version))
                {
                    return ETags.Required("user");
                }

                var (outcome, _, errors) = await handler.HandleAsync(id, input with { Version = version }, me.Id, ct);
                switch (outcome)
                {
                    case UpdateOutcome.NotFound:
                        return TypedResults.NotFound();
                    case UpdateOutcome.Conflict:
                        return TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The user has changed",
                            detail: errors["version"][0]);
                    case UpdateOutcome.Invalid:
                        return TypedResults.ValidationProblem(errors, title: "The user was not changed.");
                }

                var updated = await queries.GetAsync(id, ct);
                response.Headers.ETag = ETags.Format(updated!.Version);
                return TypedResults.Ok(updated);
            })
            .RequireAuthorization(Policies.For(Act.ManageUsers))
            .WithSummary("Change a user (admins only): name, role, manager, active, password, the day they started (startedOn, yyyy-MM-dd; empty clears it; it ramps a new rep's quota). Requires If-Match.")
            .WithName("updateUser")
            .Produces<UserRow>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status428PreconditionRequired);

        users.MapPost("/", async (CreateUser.Input input, CreateUser handler, CurrentUser me, CancellationToken ct) =>
            {
                var (user, invitation, errors) = await handler.HandleWithInvitationAsync(input, me.Id, ct);
                return user is null
                    ? (IResult)TypedResults.ValidationProblem(errors, title: "The user was not created.")
                    : TypedResults.Created($"/api/v1/users/{user.Id}",
                        new CreatedUser(user.Id, user.Email!, user.DisplayName, user.Role, InvitationView.Of(invitation)));
            })
            .RequireAuthorization(Policies.For(Act.ManageUsers))
            .WithSummary("Create a user (admins only). Without a password the user is invited to set their own: by email when mail is configured, "
                + "otherwise the answer carries the invitation link to pass on.")
            .WithName("createUser")
            .Produces<CreatedUser>(StatusCodes.Status201Created)
            .ProducesValidationProblem();

        users.MapPost("/{id:guid}/invitation", async Task<IResult> (Guid id, Invitations invitations, CurrentUser me, CancellationToken ct) =>
                await invitations.IssueAsync(id, me.Id, ct) is { } issued
                    ? TypedResults.Ok(InvitationView.Of(issued))
                    : TypedResults.NotFound())
            .RequireAuthorization(Policies.For(Act.ManageUsers))
            .WithSummary("Invite a user without a password to set their own (admins only), or invite them again: a new one-time link, valid for 7 days, "
                + "and any earlier link stops working. Emailed when mail is configured; otherwise the answer carries the link. "
                + "409 when the user already has a password or is deactivated.")
            .WithName("inviteUser")
            .Produces<InvitationView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status409Conflict);
    }

    private static void MapAccounts(RouteGroupBuilder accounts)
    {
        accounts.MapGet("/", async ([AsParameters] AccountListQuery query, AccountQueries queries, CancellationToken ct) =>
            {
                var filter = query.ToFilter();
                if (AccountQueries.Validate(filter) is { } problem)
                {
                    return Problems.Validation(problem.Field, problem.Message);
                }

                var page = await queries.ListAsync(filter, ct);
                return page is null
                    ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Owner not found",
                        detail: $"No user you can see matches owner '{query.Owner}'.")
                    : TypedResults.Ok(new
                    {
                        items = page.Items,
                        total = page.Total,
                        totalPotential = page.TotalPotential,
                        page = page.Page,
                        pageSize = page.PageSize,
                    });
            })
            .WithSummary("Accounts the caller may see. owner=me, a user id or an email; sort=name|-potential|...")
            .WithName("listAccounts")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .Produces<AccountListResponse>();

        accounts.MapGet("/{id:guid}", async Task<Results<Ok<AccountRow>, NotFound>> (Guid id, AccountQueries queries, CancellationToken ct) =>
                await queries.GetAsync(id, ct) is { } account ? TypedResults.Ok(account) : TypedResults.NotFound())
            .WithSummary("One account. 404 when it does not exist or is outside the caller's territory.")
            .WithName("getAccount");
    }

    public sealed record AccountListResponse(IReadOnlyList<AccountRow> Items, int Total, decimal TotalPotential, int Page, int PageSize);

    public sealed record AccountListQuery(
        [property: FromQuery(Name = "owner")] string? Owner,
        [property: FromQuery(Name = "q")] string? Q,
        [property: FromQuery(Name = "industry")] string? Industry,
        [property: FromQuery(Name = "segment")] string? Segment,
        [property: FromQuery(Name = "region")] string? Region,
        [property: FromQuery(Name = "sort")] string? Sort,
        [property: FromQuery(Name = "page")] int? Page,
        [property: FromQuery(Name = "pageSize")] int? PageSize)
    {
        public AccountFilter ToFilter() => new()
        {
            Owner = Owner,
            Search = Q,
            Industry = Industry,
            Segment = Segment,
            Region = Region,
            Sort = Sort,
            Page = Page ?? 1,
            PageSize = PageSize ?? 50,
            IncludeFacets = false,
        };
    }
}
