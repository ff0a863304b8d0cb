using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;

namespace Terrain.Infrastructure;

/// <summary>
/// Pays the first-request costs right after start instead of making the first person pay them (ADR 0036): the EF
/// model and a first query, the data protection key ring, one password hash, a request for the sign-in page through
/// the app's own pipeline (Razor, the layout, antiforgery, file versions), and the JIT of the app's own code, compiled
/// pages included, and the home page, the plan page and the segmentation editor rendered in-process through the
/// pipeline for a rep (ADR 0047, ADR 0052). It runs in the background once the server listens, so readiness is not delayed; anything that fails
/// here only logs. Off with Terrain:WarmUp=false (and in the Testing environment, where hundreds of hosts start).
/// </summary>
internal sealed class StartupWarmup(
    IServiceProvider services,
    IHostApplicationLifetime lifetime,
    IServer server,
    IConfiguration configuration,
    IHostEnvironment environment,
    ILogger<StartupWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Terrain:WarmUp", !environment.IsEnvironment("Testing")))
        {
            return;
        }

        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            var started = new TaskCompletionSource();
            await using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
            await started.Task.WaitAsync(stoppingToken);
        }

        var clock = Stopwatch.StartNew();
        await StepAsync("database", () => DatabaseAsync(stoppingToken));
        await StepAsync("data protection and password hashing", () =>
        {
            var protector = services.GetRequiredService<IDataProtectionProvider>().CreateProtector("Terrain.Warmup");
            protector.Unprotect(protector.Protect("warm"));
            // The hasher is registered per scope (Identity's default): resolving it from the root provider fails where
            // scopes are validated (the Development environment).
            using var scope = services.CreateScope();
            var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<AppUser>>();
            // Identity's hasher does not read the user; no user exists for the warm-up.
            hasher.VerifyHashedPassword(null!, hasher.HashPassword(null!, "warm-up-only"), "warm-up-only");
            return Task.CompletedTask;
        });
        await StepAsync("sign-in page", () => RequestAsync("/Auth/Login", stoppingToken));
        await StepAsync("plan page and section editor", () => PlanPagesAsync(stoppingToken));
        await StepAsync("JIT of the app's code", () => Task.Run(() => PrepareAppCode(stoppingToken), stoppingToken));
        logger.LogInformation("Warmed up in {Seconds:0.0} s.", clock.Elapsed.TotalSeconds);
    }

    private async Task StepAsync(string name, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Warm-up step '{Step}' failed; the first request will pay for it.", name);
        }
    }

    private async Task DatabaseAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        _ = db.Model;
        await db.Users.AsNoTracking().AnyAsync(ct);
        await db.Plans.AsNoTracking().Where(p => p.Id == Guid.Empty).Select(p => p.Status).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// The signed-in pages people open first (home, my plan, the plan page, the segmentation editor), each requested
    /// once in-process through the app's own pipeline (ADR 0047, ADR 0052): authentication, the session check's query,
    /// authorization, the page handler and its EF queries, the Razor view with its tag helpers and the layout's own
    /// queries, into a response that is thrown away. The reader is the first rep of an open cycle, as an in-memory
    /// principal made by the same claims factory as a sign-in, with a session id that names no session: no cookie,
    /// token or session is made, nothing is written, and nothing leaves the process. Without such a plan (an empty
    /// install) there is nothing to do. Returns each path with its status code (for the tests; the log has them too).
    /// </summary>
    internal async Task<IReadOnlyList<(string Path, int Status)>> PlanPagesAsync(CancellationToken ct)
    {
        var app = services.GetRequiredService<WarmUpPipeline>().App;
        if (app is null)
        {
            return [];
        }

        ClaimsPrincipal reader;
        Guid planId;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var plan = await (from p in db.Plans.AsNoTracking()
                              join c in db.Cycles on p.CycleId equals c.Id
                              join u in db.Users on p.OwnerId equals u.Id
                              where c.Status == Domain.Planning.CycleStatus.Open && u.Role == Role.Rep && u.IsActive
                              orderby p.Id
                              select new { p.Id, Owner = u }).FirstOrDefaultAsync(ct);
            if (plan is null)
            {
                return [];
            }

            planId = plan.Id;
            reader = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>().CreateAsync(plan.Owner);
            // A session id that names no session: the session check's query runs and finds nothing (ADR 0052).
            ((ClaimsIdentity)reader.Identity!).AddClaim(new Claim(Auth.SessionClaims.SessionId, Guid.NewGuid().ToString()));
        }

        // What the cookie handler does with a ticket on every request, minus the encryption (warmed above): no key is
        // used, so what is made here is no credential.
        var ticket = new Microsoft.AspNetCore.Authentication.AuthenticationTicket(reader, IdentityConstants.ApplicationScheme);
        _ = Microsoft.AspNetCore.Authentication.TicketSerializer.Default.Deserialize(
            Microsoft.AspNetCore.Authentication.TicketSerializer.Default.Serialize(ticket));

        var answers = new List<(string, int)>();
        foreach (var path in new[] { "/", "/Plans/Mine", $"/Plans/{planId}", $"/Plans/{planId}/Edit/account-segmentation" })
        {
            var status = await InProcessGetAsync(app, path, reader, ct);
            logger.LogDebug("Warm-up in-process GET {Path}: {Status}.", path, status);
            answers.Add((path, status));
        }

        return answers;
    }

    /// <summary>
    /// One GET through the app's pipeline without a connection: the request is made here, marked as the warm-up's
    /// (<see cref="WarmUpRequest"/>), read by <paramref name="reader"/>, and its response goes nowhere.
    /// </summary>
    private async Task<int> InProcessGetAsync(RequestDelegate app, string path, ClaimsPrincipal reader, CancellationToken ct)
    {
        var publicUrl = TerrainOptions.PublicUrl(configuration);
        var request = new HttpRequestFeature
        {
            Method = HttpMethods.Get,
            Protocol = "HTTP/1.1",
            // https, so that an https-only install answers instead of redirecting; the host its public address.
            Scheme = Uri.UriSchemeHttps,
            PathBase = "",
            Path = path,
            QueryString = "",
            RawTarget = path,
        };
        request.Headers.Host = publicUrl?.Authority ?? "localhost";
        request.Headers.Accept = "text/html";
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        features.Set<IHttpResponseFeature>(new HttpResponseFeature());
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature { RequestAborted = ct });
        features.Set(WarmUpRequest.Instance);
        var contexts = services.GetRequiredService<IHttpContextFactory>();
        var context = contexts.Create(features);
        try
        {
            context.User = reader;
            await app(context);
            return context.Response.StatusCode;
        }
        finally
        {
            contexts.Dispose(context);
        }
    }

    /// <summary>One anonymous GET through Kestrel, as a browser would send it.</summary>
    private async Task RequestAsync(string path, CancellationToken ct)
    {
        // Plain HTTP only: an HTTPS-only server is not asked (its certificate is not ours to wave through).
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses
            .Where(a => a.StartsWith("http://", StringComparison.Ordinal))
            .Select(a => a.Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal).Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal))
            .FirstOrDefault();
        if (address is null)
        {
            return;
        }

        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
        using var response = await client.GetAsync(path, ct);
        logger.LogDebug("Warm-up GET {Path}: {Status}.", path, (int)response.StatusCode);
    }

    /// <summary>Compiles every non-generic method of the app's own assemblies (pages, handlers, rules) ahead of its first call.</summary>
    private void PrepareAppCode(CancellationToken ct)
    {
        var prepared = 0;
        foreach (var assembly in new[] { typeof(StartupWarmup).Assembly, typeof(AppDbContext).Assembly })
        {
            Type?[] types;
            try
            {
                types = assembly.GetTypes();
            }
            catch (ReflectionTypeLoadException ex)
            {
                types = ex.Types;
            }

            foreach (var type in types)
            {
                ct.ThrowIfCancellationRequested();
                if (type is null || type.IsGenericTypeDefinition || type.IsInterface)
                {
                    continue;
                }

                foreach (var method in type.GetMethods(BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
                             .Cast<MethodBase>()
                             .Concat(type.GetConstructors(BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)))
                {
                    if (method.IsAbstract || method.ContainsGenericParameters || method.GetMethodBody() is null)
                    {
                        continue;
                    }

                    try
                    {
                        RuntimeHelpers.PrepareMethod(method.MethodHandle);
                        prepared++;
                    }
                    catch (Exception ex) when (ex is ArgumentException or NotSupportedException or TypeLoadException or BadImageFormatException or InvalidProgramException)
                    {
                        // A method the runtime cannot prepare ahead (an unusual signature): it compiles on first call as before.
                    }
                }
            }
        }

        logger.LogDebug("Warm-up prepared {Methods} methods.", prepared);
    }
}
