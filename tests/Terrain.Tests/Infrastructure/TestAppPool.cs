using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Terrain.Data;
using Xunit;
using Xunit.v3;

[assembly: Terrain.Tests.Infrastructure.ReturnTestApps]
[assembly: AssemblyFixture(typeof(Terrain.Tests.Infrastructure.TestAppPool))]

namespace Terrain.Tests.Infrastructure;

/// <summary>
/// Apps for tests that run in parallel. The first app of each database kind is migrated and seeded with the
/// standard organisation; its database then becomes the template. Renting an app replaces its database with a copy
/// of the template (a file copy for SQLite, <c>CREATE DATABASE ... TEMPLATE</c> for PostgreSQL), which is much
/// cheaper than starting an app or wiping and reseeding. Apps are reused, one test at a time each.
/// </summary>
public sealed class TestAppPool : IAsyncDisposable
{
    internal static readonly string Root = Path.Combine(Path.GetTempPath(), "terrain-tests", $"{Environment.ProcessId}-{Guid.NewGuid():N}");

    // PostgreSQL names are at most 63 bytes; the process id and a random part keep parallel runs apart.
    private static readonly string RunId = $"{Environment.ProcessId}_{Guid.NewGuid():N}"[..20];
    private static readonly ConcurrentDictionary<Db, Lazy<Task<Template>>> Templates = new();
    private static readonly ConcurrentDictionary<Db, ConcurrentBag<TestApp>> Idle = new();
    private static readonly ConcurrentDictionary<string, ConcurrentBag<TestApp>> Rented = new();
    private static readonly ConcurrentBag<TestApp> Everyone = [];
    private static int _count;

    private sealed record Template(string Source, TestOrg Org);

    public static async Task<TestApp> RentAsync(Db db)
    {
        var testId = TestContext.Current.Test?.UniqueID
            ?? throw new InvalidOperationException("TestApp.StartAsync is for use inside a test: the app goes back to the pool when the test ends.");
        var template = await Templates.GetOrAdd(db, d => new Lazy<Task<Template>>(() => BuildTemplateAsync(d))).Value;
        var app = Idle.GetOrAdd(db, _ => []).TryTake(out var idle) ? idle : Create(db);
        Rented.GetOrAdd(testId, _ => []).Add(app);
        await app.ResetAsync(template.Org);
        return app;
    }

    /// <summary>Called when a test ends: its apps are free for the next test.</summary>
    internal static void Return(string testId)
    {
        if (Rented.TryRemove(testId, out var apps))
        {
            foreach (var app in apps)
            {
                Idle.GetOrAdd(app.Db, _ => []).Add(app);
            }
        }
    }

    internal static async Task RestoreAsync(TestApp app)
    {
        var template = await Templates[app.Db].Value;
        app.ReleaseConnections();
        if (app.Db == Db.Postgres)
        {
            await AdminAsync($"DROP DATABASE IF EXISTS \"{app.Name}\" WITH (FORCE); CREATE DATABASE \"{app.Name}\" TEMPLATE \"{template.Source}\";");
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(app.SqliteFile)!);
        await CopySqliteAsync(template.Source, app.SqliteFile);
    }

    /// <summary>
    /// Copies the template into an app's database with SQLite's online backup, under SQLite's own locks: a connection
    /// that the app's background services open meanwhile sees the old database or the new one, never a file half
    /// copied (a plain file copy over a live database, with its WAL deleted beside it, once let a test read an empty
    /// schema: "no such table: AspNetUsers").
    /// </summary>
    private static async Task CopySqliteAsync(string source, string target)
    {
        // One copy at a time: readers opening the template's WAL together make one of them recover it while the others
        // get SQLITE_BUSY_RECOVERY. A copy takes milliseconds.
        await CopyGate.WaitAsync();
        try
        {
            await CopyOnceAsync(source, target);
        }
        finally
        {
            CopyGate.Release();
        }
    }

    private static readonly SemaphoreSlim CopyGate = new(1, 1);

    private static async Task CopyOnceAsync(string source, string target)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var from = new SqliteConnection(
                    new SqliteConnectionStringBuilder { DataSource = source, Pooling = false }.ToString());
                await using var to = new SqliteConnection(
                    new SqliteConnectionStringBuilder { DataSource = target, Pooling = false, DefaultTimeout = 30 }.ToString());
                await from.OpenAsync();
                await to.OpenAsync();
                from.BackupDatabase(to);
                return;
            }
            catch (SqliteException e) when (attempt < 20 && (e.SqliteErrorCode & 0xFF) is 5 or 6)
            {
                // SQLITE_BUSY or SQLITE_LOCKED (with their extended codes, such as 261 for a WAL being recovered): a
                // background job of the previous test still holds the database.
                await Task.Delay(50 * attempt);
            }
        }
    }

    private static TestApp Create(Db db)
    {
        var name = $"terrain_t_{RunId}_{db.ToString().ToLowerInvariant()}_{Interlocked.Increment(ref _count)}";
        var app = new TestApp(db, name, db == Db.Postgres ? Connection(name) : null);
        Everyone.Add(app);
        return app;
    }

    /// <summary>Migrates a first app's database through the app's own start-up, seeds it, and copies it as the template.</summary>
    private static async Task<Template> BuildTemplateAsync(Db db)
    {
        var app = Create(db);
        if (db == Db.Postgres)
        {
            await AdminAsync($"DROP DATABASE IF EXISTS \"{app.Name}\" WITH (FORCE); CREATE DATABASE \"{app.Name}\";");
        }

        _ = app.Server;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var org = await TestOrg.SeedAsync(context, TestApp.Start);
            string source;
            if (db == Db.Postgres)
            {
                source = $"terrain_tpl_{RunId}";
                app.ReleaseConnections();
                await AdminAsync($"DROP DATABASE IF EXISTS \"{source}\" WITH (FORCE); CREATE DATABASE \"{source}\" TEMPLATE \"{app.Name}\";");
            }
            else
            {
                app.ReleaseConnections();
                source = Path.Combine(Root, "template.db");
                await CopySqliteAsync(app.SqliteFile, source);
            }

            Idle.GetOrAdd(db, _ => []).Add(app);
            return new Template(source, org);
        }
    }

    private static string Connection(string database) =>
        new NpgsqlConnectionStringBuilder(Databases.PostgresServer ?? throw new InvalidOperationException(
            $"CI=true but {Databases.PostgresVariable} is not set: .ci/run must start PostgreSQL and export it."))
        { Database = database, Pooling = true }.ConnectionString;

    private static async Task AdminAsync(string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(Connection("postgres")) { Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in Everyone)
        {
            await app.DisposeAsync();
        }

        if (Databases.PostgresServer is not null && Templates.ContainsKey(Db.Postgres))
        {
            NpgsqlConnection.ClearAllPools();
            var names = Everyone.Where(a => a.Db == Db.Postgres).Select(a => a.Name).Append($"terrain_tpl_{RunId}");
            foreach (var name in names)
            {
                await AdminAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE);");
            }
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

/// <summary>Gives a test's apps back to <see cref="TestAppPool"/> when the test ends, passed or failed.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class ReturnTestAppsAttribute : BeforeAfterTestAttribute
{
    public override void After(MethodInfo methodUnderTest, IXunitTest test) => TestAppPool.Return(test.UniqueID);
}
