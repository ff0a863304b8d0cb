using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;

namespace Terrain.Infrastructure;

/// <summary>
/// Pays the first-request costs right after start instead of making the first person pay them (ADR 0036): the EF
/// model and a first query, the data protection key ring, one password hash, a request for the sign-in page through
/// the app's own pipeline (Razor, the layout, antiforgery, file versions), and the JIT of the app's own code, compiled
/// pages included, and the read side of the plan page and the segmentation editor (their EF queries), read as a rep
/// in-process. It runs in the background once the server listens, so readiness is not delayed; anything that fails
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
    /// The read side of the signed-in pages people open first (my plan, the plan page, the segmentation editor): their
    /// page handlers run in-process, in a scope of their own, for one rep's plan in an open cycle, read as that rep, so
    /// that their EF queries are translated and cached before the rep asks (EF caches a query by its shape; the ids
    /// differ, the shape is the same). Nothing is written, nothing leaves the process, and no cookie or session exists:
    /// the rep is only the reader the handlers ask about. Without such a plan (an empty install) there is nothing to do.
    /// </summary>
    internal async Task PlanPagesAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var db = provider.GetRequiredService<AppDbContext>();
        var plan = await (from p in db.Plans.AsNoTracking()
                          join c in db.Cycles on p.CycleId equals c.Id
                          join u in db.Users on p.OwnerId equals u.Id
                          where c.Status == Domain.Planning.CycleStatus.Open && u.Role == Role.Rep
                          orderby p.Id
                          select new { p.Id, p.OwnerId }).FirstOrDefaultAsync(ct);
        if (plan is null)
        {
            return;
        }

        var accessor = provider.GetRequiredService<IHttpContextAccessor>();
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, plan.OwnerId.ToString()), new Claim(ClaimTypes.Role, nameof(Role.Rep))], "warm-up");
        var context = new DefaultHttpContext { User = new ClaimsPrincipal(identity), RequestServices = provider };
        context.Request.Method = HttpMethods.Get;
        accessor.HttpContext = context;
        try
        {
            var page = new PageContext { HttpContext = context, RouteData = new RouteData(), ActionDescriptor = new CompiledPageActionDescriptor() };
            var mine = ActivatorUtilities.CreateInstance<Features.Plans.MineModel>(provider);
            mine.PageContext = page;
            await mine.OnGetAsync(ct);
            var show = ActivatorUtilities.CreateInstance<Features.Plans.PlanModel>(provider);
            show.PageContext = page;
            await show.OnGetAsync(plan.Id, ct);
            var edit = ActivatorUtilities.CreateInstance<Features.Plans.EditModel>(provider);
            edit.PageContext = page;
            await edit.OnGetAsync(plan.Id, "account-segmentation", ct);
        }
        finally
        {
            accessor.HttpContext = null;
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
