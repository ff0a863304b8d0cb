using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Data;

public sealed class MigrationTests
{
    /// <summary>Fails when the model has changes that no migration of that provider covers.</summary>
    [Fact]
    public void The_sqlite_migrations_cover_the_model()
    {
        using var db = new Terrain.Migrations.Sqlite.DesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add <Name> --project src/Terrain.Migrations.Sqlite --startup-project src/Terrain.Migrations.Sqlite");
    }

    [Fact]
    public void The_postgres_migrations_cover_the_model()
    {
        using var db = new Terrain.Migrations.Postgres.DesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add <Name> --project src/Terrain.Migrations.Postgres --startup-project src/Terrain.Migrations.Postgres");
    }

    [Theory, BothDatabases]
    public async Task The_database_is_fully_migrated_at_start_up(Db db)
    {
        var app = await TestApp.StartAsync(db);

        var pending = await app.WithDbAsync(d => d.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
        var provider = await app.WithDbAsync(d => Task.FromResult(d.Database.ProviderName));

        Assert.Empty(pending);
        Assert.Equal(db == Db.Sqlite ? AppDbContext.SqliteProvider : "Npgsql.EntityFrameworkCore.PostgreSQL", provider);
    }

    [Fact]
    public async Task Sqlite_runs_in_wal_mode()
    {
        var app = await TestApp.StartAsync(Db.Sqlite);

        var mode = await app.WithDbAsync(async d =>
        {
            await d.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
            await using var command = d.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA journal_mode;";
            return (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        });

        Assert.Equal("wal", mode);
    }
}
