using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Terrain.Data;

namespace Terrain.Migrations.Postgres;

public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        new DatabaseSettings(DatabaseProvider.Postgres, "Host=localhost;Database=terrain_design").Configure(options);
        return new AppDbContext(options.Options);
    }
}
