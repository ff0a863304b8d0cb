using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace Terrain.Data;

/// <summary>
/// A restart or failover of PostgreSQL drops every connection for a few seconds. Npgsql's retrying strategy runs
/// what failed for that reason again, so that the outage costs latency rather than errors. A single query or
/// <c>SaveChanges</c> is retried by EF itself; a unit of work that must be retried whole runs through
/// <see cref="UnitOfWork"/>. See docs/operations.md.
/// </summary>
public sealed class PostgresRetries(ExecutionStrategyDependencies dependencies)
    : NpgsqlRetryingExecutionStrategy(dependencies, MaxRetries, MaxDelay, ServerGoingAway)
{
    /// <summary>With <see cref="MaxDelay"/>, rides out about 30 seconds without the database.</summary>
    public const int MaxRetries = 10;

    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);

    // Sessions the server ends or refuses while it shuts down or starts up: what they ran was rolled back.
    private static readonly string[] ServerGoingAway =
        [PostgresErrorCodes.AdminShutdown, PostgresErrorCodes.CrashShutdown, PostgresErrorCodes.CannotConnectNow];

    /// <summary>Whether this strategy would run the operation that threw <paramref name="exception"/> again.</summary>
    public bool IsTransient(Exception exception) => CallOnWrappedException(exception, ShouldRetryOn);

    // EF's default waits 0, 1, 3 and 7 seconds, so a two-second restart costs four. Doubling from a fifth of a second
    // costs little more than the outage; the jitter keeps instances from retrying in step.
    protected override TimeSpan? GetNextDelay(Exception lastException)
    {
        if (base.GetNextDelay(lastException) is null)
        {
            return null;
        }

        var doublings = Math.Min(ExceptionsEncountered.Count - 1, 10);
        var delay = Math.Min(FirstDelay.TotalMilliseconds * Math.Pow(2, doublings), MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(delay * (0.8 + (0.4 * Random.NextDouble())));
    }
}

/// <summary>Units of work that a transient database failure runs again from the start, so they happen whole or not at all.</summary>
public static class UnitOfWork
{
    /// <summary>
    /// Runs <paramref name="work"/> through the provider's execution strategy. Before an attempt after a failure the
    /// change tracker is emptied, so <paramref name="work"/> must load what it changes. With
    /// <paramref name="inTransaction"/>, its saves commit together or not at all.
    /// </summary>
    public static Task<T> RunAsync<T>(AppDbContext db, Func<CancellationToken, Task<T>> work, CancellationToken ct, bool inTransaction = false)
    {
        var attempts = 0;
        return db.Database.CreateExecutionStrategy().ExecuteAsync(async token =>
        {
            if (attempts++ > 0)
            {
                db.ChangeTracker.Clear();
            }

            if (!inTransaction)
            {
                return await work(token);
            }

            await using var transaction = await db.Database.BeginTransactionAsync(token);
            var result = await work(token);
            await transaction.CommitAsync(token);
            return result;
        }, ct);
    }

    public static async Task RunAsync(AppDbContext db, Func<CancellationToken, Task> work, CancellationToken ct, bool inTransaction = false) =>
        await RunAsync(db, async token =>
        {
            await work(token);
            return true;
        }, ct, inTransaction);

    /// <summary>
    /// True when <paramref name="exception"/> is a transient failure that the execution strategy will retry: code that
    /// turns database errors into answers must let these through, or the unit of work is never run again.
    /// </summary>
    public static bool WillRetry(AppDbContext db, Exception exception) =>
        db.Database.CreateExecutionStrategy() is PostgresRetries retries && retries.IsTransient(exception);
}
