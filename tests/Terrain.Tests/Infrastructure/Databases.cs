using Npgsql;
using Xunit;
using Xunit.v3;

namespace Terrain.Tests.Infrastructure;

public enum Db
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Which databases the data tests run on. SQLite always; PostgreSQL when TERRAIN_TEST_POSTGRES holds a server
/// connection string. On a laptop without it the PostgreSQL rows are skipped with the reason; under CI=true they
/// run and fail, so a missing service can never pass silently.
/// </summary>
public static class Databases
{
    public const string PostgresVariable = "TERRAIN_TEST_POSTGRES";

    public static string? PostgresServer => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } cs ? cs : null;

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? SkipReason(Db db) => db == Db.Postgres && PostgresServer is null && !InCi
        ? $"PostgreSQL is not configured: set {PostgresVariable} (e.g. Host=127.0.0.1;Port=5432;Username=postgres) to run this on PostgreSQL."
        : null;

    public static IEnumerable<TheoryDataRow<Db>> Both() =>
        Enum.GetValues<Db>().Select(db => new TheoryDataRow<Db>(db) { Skip = SkipReason(db) });

    public static string CreatePostgresDatabase(string name)
    {
        var server = PostgresServer ?? throw new InvalidOperationException(
            $"CI=true but {PostgresVariable} is not set: .ci/run must start PostgreSQL and export it.");
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false };
        using (var connection = new NpgsqlConnection(builder.ConnectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE); CREATE DATABASE \"{name}\";";
            command.ExecuteNonQuery();
        }

        builder.Database = name;
        builder.Pooling = true;
        return builder.ConnectionString;
    }

    public static void DropPostgresDatabase(string name)
    {
        if (PostgresServer is not { } server)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false };
        using var connection = new NpgsqlConnection(builder.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE);";
        command.ExecuteNonQuery();
    }
}

/// <summary>Runs a theory once per database: <c>[Theory, BothDatabases]</c>.</summary>
public sealed class BothDatabasesAttribute : MemberDataAttributeBase
{
    public BothDatabasesAttribute() : base(nameof(Databases.Both), [])
    {
        MemberType = typeof(Databases);
    }
}
