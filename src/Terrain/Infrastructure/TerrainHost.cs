using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Scalar.AspNetCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Features;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Infrastructure;

/// <summary>Builds the one web application that every verb (serve, demo, migrate, import) runs on.</summary>
public static class TerrainHost
{
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        // A published build carries wwwroot beside the binary; a build from source maps it through the
        // static web assets manifest. Either way the data directory stays relative to where Terrain is started.
        var publishedWebRoot = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            WebRootPath = Directory.Exists(publishedWebRoot) ? publishedWebRoot : null,
        });
        builder.WebHost.UseStaticWebAssets();
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        AddServices(builder.Services, builder.Configuration);
        return builder;
    }

    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TerrainOptions>().Bind(configuration.GetSection(TerrainOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => TerrainOptions.ResolveDatabase(sp.GetRequiredService<IConfiguration>()));
        services.AddDbContextPool<AppDbContext>((sp, options) => sp.GetRequiredService<DatabaseSettings>().Configure(options));
        services.AddHostedService<DatabaseMigrator>();
        services.AddSingleton<WarmUpPipeline>();
        services.AddSingleton<IStartupFilter>(sp => sp.GetRequiredService<WarmUpPipeline>());
        services.AddHostedService<StartupWarmup>();

        services.AddDataProtection().SetApplicationName("Terrain").PersistKeysToDbContext<AppDbContext>()
            .ProtectKeysWithConfiguredCertificate(configuration);

        services.AddTerrainAuthentication();
        services.AddScoped<CurrentUser>();
        services.AddMemoryCache();
        services.AddSingleton<SessionCheck>();
        services.AddOptions<SignInLimits>().Bind(configuration.GetSection(SignInLimits.Section));
        // Small by default so that nobody can make the server read (and hold) a huge body on any endpoint; the
        // imports raise it for themselves through endpoint metadata (TerrainOptions.ImportBodyLimits).
        services.Configure<KestrelServerOptions>(options => options.Limits.MaxRequestBodySize =
            configuration.GetValue<long?>("Terrain:MaxRequestBytes") ?? TerrainOptions.DefaultMaxRequestBytes);
        services.AddScoped<AccessPolicy>();

        services.AddRazorPages(options =>
        {
            options.RootDirectory = "/Features";
            options.Conventions.AuthorizeFolder("/");
            options.Conventions.AllowAnonymousToPage("/Auth/Login");
            options.Conventions.AddPageApplicationModelConvention("/Auth/Login", page =>
                page.EndpointMetadata.Add(new Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute("login")));
            options.Conventions.AllowAnonymousToPage("/Auth/Invitation");
            options.Conventions.AddPageApplicationModelConvention("/Auth/Invitation", page =>
                page.EndpointMetadata.Add(new Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute("login")));
            options.Conventions.AllowAnonymousToPage("/Error");
            options.Conventions.AuthorizeFolder("/Admin/Users", Policies.For(Act.ManageUsers));
            options.Conventions.AuthorizeFolder("/Admin/Imports", Policies.For(Act.Import));
            options.Conventions.AuthorizeFolder("/Admin/ExchangeRates", Policies.For(Act.Import));
            options.Conventions.AuthorizeFolder("/Admin/SignIns", Policies.For(Act.ManageUsers));
            options.Conventions.AuthorizeFolder("/Team", Policies.For(Act.FollowTeam));
            options.Conventions.AuthorizePage("/Cycles/Board", Policies.For(Act.FollowTeam));
            options.Conventions.AddPageApplicationModelConvention("/Admin/Imports/Index", page =>
            {
                foreach (var limit in TerrainOptions.ImportBodyLimits(configuration))
                {
                    page.EndpointMetadata.Add(limit);
                }
            });
            options.Conventions.ConfigureFilter(new RefusalPageFilter());
        }).AddMvcOptions(options => options.ModelBinderProviders.Insert(0, new AmountBinderProvider()));
        // Scripts, styles and images only: public files with no secret in them. Pages are not compressed (their
        // antiforgery tokens beside reflected input would invite BREACH over HTTPS).
        services.AddResponseCompression(options =>
        {
            options.EnableForHttps = true;
            options.MimeTypes = StaticFileCaching.CompressedTypes;
        });
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "terrain.af";
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.HeaderName = "X-CSRF-TOKEN";
        });
        if (TerrainOptions.HttpsOnly(configuration))
        {
            services.AddHsts(options => options.MaxAge = TimeSpan.FromDays(365));
            services.PostConfigure<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>(
                Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme,
                options => options.Cookie.SecurePolicy = CookieSecurePolicy.Always);
            services.PostConfigure<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>(options => options.Cookie.SecurePolicy = CookieSecurePolicy.Always);
        }

        services.AddProblemDetails(options => options.CustomizeProblemDetails = ctx =>
            ctx.ProblemDetails.Extensions.TryAdd("traceId", ctx.HttpContext.TraceIdentifier));
        services.AddExceptionHandler<DomainExceptionHandler>();
        services.AddExceptionHandler<BadRequestHandler>();
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(options =>
        {
            // A member the API does not know is refused (422, naming it) rather than dropped without a word: a misspelt
            // "metrc" would otherwise lose an objective's metric while the request succeeds.
            options.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            // Enums travel by name everywhere ("Leader", never 0), in both directions.
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            // A number is a JSON number, never a string of digits: one type each way, as the OpenAPI document says.
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            options.SerializerOptions.TypeInfoResolver = options.SerializerOptions.TypeInfoResolver?.WithAddedModifier(ForgetIgnoredMembers);
        });
        services.AddTerrainOpenApi();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                // Tell the client when to come back: the limiter's own answer, else the end of the window.
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            // A first, per-instance line against floods; the limits that count failures are in SignInThrottle.
            options.AddPolicy("login", context => !HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetNoLimiter("read")
                : RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = configuration.GetValue("Terrain:LoginAttemptsPerMinute", 30),
                    Window = TimeSpan.FromMinutes(1),
                }));
        });

        services.AddFeatures();
    }

    /// <summary>
    /// System.Text.Json keeps a [JsonIgnore] member (a computed one such as isEmpty) in the contract, where it counts
    /// as known and a value sent for it is dropped without a word; out of the contract, it is refused like any other
    /// unknown member.
    /// </summary>
    private static void ForgetIgnoredMembers(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var ignored in type.Properties.Where(p => p.Get is null && p.Set is null).ToList())
        {
            type.Properties.Remove(ignored);
        }
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        if (app.Configuration.GetValue("Terrain:BehindProxy", false))
        {
            app.UseForwardedHeaders(TrustedProxies.Options(app.Configuration));
        }

        var culture = Show.CultureFor(app.Configuration["Terrain:Culture"] ?? "en-US", app.Configuration["Terrain:Currency"] ?? "USD");
        app.UseRequestLocalization(new RequestLocalizationOptions
        {
            DefaultRequestCulture = new Microsoft.AspNetCore.Localization.RequestCulture(culture),
            SupportedCultures = [culture],
            SupportedUICultures = [culture],
        });
        // API answers are personal and change with every write: no cache, shared or private, may keep them.
        app.UseWhen(c => AuthenticationSetup.IsApi(c.Request), api => api.Use((context, next) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return next(context);
        }));
        app.UseWhen(c => AuthenticationSetup.IsApi(c.Request), api => api.UseExceptionHandler());
        app.UseWhen(c => !AuthenticationSetup.IsApi(c.Request), web => web.UseExceptionHandler("/Error"));
        // The API answers bodiless errors with problem details; people get a page that explains.
        app.UseWhen(c => AuthenticationSetup.IsApi(c.Request), api => api.UseStatusCodePages());
        app.UseWhen(c => !AuthenticationSetup.IsApi(c.Request), web => web.UseStatusCodePagesWithReExecute("/Error", "?status={0}"));
        if (TerrainOptions.HttpsOnly(app.Configuration))
        {
            app.UseHttpsOnly(TerrainOptions.PublicUrl(app.Configuration)!);
        }

        app.UseSecurityHeaders();
        app.UseResponseCompression();
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = StaticFileCaching.Apply });
        app.UseRouting();
        app.UseBodyLimit();
        app.UseRateLimiter();
        app.UseAuthentication();
        SessionCheck.UseSessionCheck(app);
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization();
        app.MapScalarApiReference("/api/reference", options => options
            .WithTitle("Terrain API")
            .DisableDefaultFonts()
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")).RequireAuthorization();
        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapRazorPages();
        app.MapFeatureEndpoints();
        return app;
    }
}

/// <summary>Brings the schema up to date before the app serves requests (EF takes a lock, so instances can race).</summary>
internal sealed class DatabaseMigrator(IServiceProvider services, IConfiguration configuration, ILogger<DatabaseMigrator> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!configuration.GetValue("Terrain:MigrateOnStartup", true))
        {
            return;
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await DatabaseSchema.UpdateAsync(db, cancellationToken);
        if (await Features.Reviews.ReviewBackfill.RunAsync(db, scope.ServiceProvider.GetRequiredService<TimeProvider>(), cancellationToken) is > 0 and var reviews)
        {
            logger.LogInformation("Scheduled {Reviews} reviews of plans approved before reviews existed.", reviews);
        }

        logger.LogInformation("Database is up to date ({Provider}).", db.Database.ProviderName);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
