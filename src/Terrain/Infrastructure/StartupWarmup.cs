using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;

namespace Terrain.Infrastructure;

/// <summary>
/// Pays the first-request costs right after start instead of making the first person pay them (ADR 0036): the EF
/// model and a first query, the data protection key ring, one password hash, a request for the sign-in page through
/// the app's own pipeline (Razor, the layout, antiforgery, file versions), and the JIT of the app's own code, compiled
/// pages included. It runs in the background once the server listens, so readiness is not delayed; anything that fails
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
            var hasher = services.GetRequiredService<IPasswordHasher<AppUser>>();
            // Identity's hasher does not read the user; no user exists for the warm-up.
            hasher.VerifyHashedPassword(null!, hasher.HashPassword(null!, "warm-up-only"), "warm-up-only");
            return Task.CompletedTask;
        });
        await StepAsync("sign-in page", () => RequestAsync("/Auth/Login", stoppingToken));
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
