using Microsoft.AspNetCore.Mvc;
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

    /// <summary>The company's currency (ISO 4217): imported amounts in other currencies are converted into it.</summary>
    public string Currency { get; set; } = "USD";

    public const long DefaultMaxImportBytes = 2L * 1024 * 1024 * 1024;

    public const long DefaultMaxRequestBytes = 1024 * 1024;

    /// <summary>Largest CSV upload accepted, in bytes: the body limit of the import endpoints only.</summary>
    public long MaxImportBytes { get; set; } = DefaultMaxImportBytes;

    /// <summary>
    /// Where uploaded import files wait for their job; by default imports/ inside <see cref="DataDirectory"/>. With
    /// several instances on one PostgreSQL it must be a folder they all share (ADR 0022).
    /// </summary>
    public string? ImportFolder { get; set; }

    /// <summary>How often each instance looks for queued imports when nobody wakes it.</summary>
    public TimeSpan ImportPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A running import whose heartbeat is older than this is taken to have lost its instance.</summary>
    public TimeSpan ImportLease { get; set; } = TimeSpan.FromSeconds(30);

    public string ImportFolderPath => Path.GetFullPath(ImportFolder is { Length: > 0 } folder ? folder : Path.Combine(DataDirectory, "imports"));

    /// <summary>Largest request body of every other endpoint, in bytes.</summary>
    public long MaxRequestBytes { get; set; } = DefaultMaxRequestBytes;

    /// <summary>The most records one JSON batch of actuals (<c>POST /api/v1/actuals/{kind}</c>) may hold.</summary>
    public int MaxActualsBatch { get; set; } = 10_000;

    /// <summary>How long an Idempotency-Key of a batch of actuals is remembered, in hours.</summary>
    public int IdempotencyKeyHours { get; set; } = 24;

    /// <summary>What revenue goals count: won opportunities (the default) or finance bookings.</summary>
    public RevenueSource RevenueSource { get; set; } = RevenueSource.Opportunities;

    public static long ImportLimit(IConfiguration configuration) =>
        configuration.GetValue<long?>($"{Section}:{nameof(MaxImportBytes)}") ?? DefaultMaxImportBytes;

    /// <summary>
    /// The body size endpoints that take uploads (the imports) are allowed, as endpoint metadata: the routing
    /// middleware raises the server's small default for them alone.
    /// </summary>
    public static object[] ImportBodyLimits(IConfiguration configuration)
    {
        var limit = ImportLimit(configuration);
        return [new RequestSizeLimitAttribute(limit), new RequestFormLimitsAttribute { MultipartBodyLengthLimit = limit }];
    }

    /// <summary>Terrain:PublicUrl when it is an absolute http(s) address, without a trailing slash; else null.</summary>
    public static Uri? PublicUrl(IConfiguration configuration) =>
        configuration[$"{Section}:PublicUrl"] is { Length: > 0 } url
        && Uri.TryCreate(url.TrimEnd('/'), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : null;

    /// <summary>People open Terrain over https: then the server insists on it (HSTS, redirect, secure cookies).</summary>
    public static bool HttpsOnly(IConfiguration configuration) => PublicUrl(configuration)?.Scheme == Uri.UriSchemeHttps;

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

/// <summary>What revenue goals count as closed revenue.</summary>
public enum RevenueSource
{
    /// <summary>The amounts of won opportunities, by close date.</summary>
    Opportunities,

    /// <summary>Finance bookings (negative lines included), by booking date.</summary>
    Bookings,
}
