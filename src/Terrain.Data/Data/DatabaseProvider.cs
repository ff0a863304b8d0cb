using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Terrain.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Where the data lives: one place that turns configuration into DbContext options.</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public const string SqliteMigrationsAssembly = "Terrain.Migrations.Sqlite";
    public const string PostgresMigrationsAssembly = "Terrain.Migrations.Postgres";

    public static DatabaseSettings ForSqliteDirectory(string directory, string fileName = "terrain.db")
    {
        Directory.CreateDirectory(directory);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(Path.GetFullPath(directory), fileName),
            Pooling = true,
            DefaultTimeout = 30,
        };
        return new DatabaseSettings(DatabaseProvider.Sqlite, builder.ToString());
    }

    public void Configure(DbContextOptionsBuilder options)
    {
        options.AddInterceptors(DataVersionStamps.Instance);
        if (Provider == DatabaseProvider.Postgres)
        {
            options.UseNpgsql(ConnectionString, npgsql => npgsql
                .MigrationsAssembly(PostgresMigrationsAssembly)
                .ExecutionStrategy(dependencies => new PostgresRetries(dependencies)));
        }
        else
        {
            options.UseSqlite(ConnectionString, sqlite => sqlite.MigrationsAssembly(SqliteMigrationsAssembly));
            options.AddInterceptors(SqlitePragmas.Instance);

            // A SQLite table rebuild turns foreign keys off and on around its transaction, because SQLite ignores
            // that pragma inside one; the rebuild itself is transactional. The warning says only that.
            options.ConfigureWarnings(w => w.Ignore(RelationalEventId.NonTransactionalMigrationOperationWarning));
        }
    }
}
