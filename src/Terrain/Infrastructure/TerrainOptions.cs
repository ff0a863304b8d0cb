using Terrain.Data;

namespace Terrain.Infrastructure;

public sealed class TerrainOptions
{
    public const string Section = "Terrain";

    public string DataDirectory { get; set; } = "./data";

    public DatabaseProvider DatabaseProvider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>The SQLite file name inside <see cref="DataDirectory"/>; the demo uses its own file.</summary>
    public string SqliteFileName { get; set; } = "terrain.db";

    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>Formats numbers, dates and money on pages.</summary>
    public string Culture { get; set; } = "en-US";

    /// <summary>Largest CSV upload accepted, in bytes.</summary>
    public long MaxImportBytes { get; set; } = 50 * 1024 * 1024;

    public static DatabaseSettings ResolveDatabase(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<TerrainOptions>() ?? new TerrainOptions();
        var connectionString = configuration.GetConnectionString("Terrain");
        if (options.DatabaseProvider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "Terrain:DatabaseProvider is Postgres but ConnectionStrings:Terrain is not set. " +
                    "Set ConnectionStrings__Terrain to a PostgreSQL connection string.");
            }

            return new DatabaseSettings(DatabaseProvider.Postgres, connectionString);
        }

        return DatabaseSettings.ForSqliteDirectory(options.DataDirectory, options.SqliteFileName);
    }
}
