using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Terrain.Data;

namespace Terrain.Infrastructure;

/// <summary>
/// Ready means the database answers; a load balancer takes an instance out when it does not. The probe goes through
/// the connection pool and the execution strategy like any request, so it is healthy again as soon as requests would
/// succeed (a dead pooled connection left by a restart is retried, not reported), and it gives up after
/// <see cref="Patience"/> so that a probe never hangs for the whole retry budget.
/// </summary>
public sealed class DatabaseHealthCheck(AppDbContext db) : IHealthCheck
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(Patience);
        try
        {
            await db.Database.ExecuteSqlRawAsync("SELECT 1", patience.Token);
            return HealthCheckResult.Healthy($"{db.Database.ProviderName} is reachable.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The database did not answer within {Patience.TotalSeconds:0} s.");
        }
        catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The database cannot be reached.", e);
        }
    }
}
