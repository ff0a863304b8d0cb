using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Terrain.Domain;

namespace Terrain.Data;

internal sealed class DataVersionConfiguration : IEntityTypeConfiguration<DataVersion>
{
    public void Configure(EntityTypeBuilder<DataVersion> builder)
    {
        builder.HasKey(v => v.Name);
        builder.Property(v => v.Name).HasMaxLength(50);
        builder.HasData(new { Name = DataVersion.Accounts, Stamp = DataVersion.Initial });
    }
}

/// <summary>
/// Renews the accounts stamp (<see cref="DataVersion"/>) inside every SaveChanges that adds, changes or deletes an
/// account, changes a user's manager or deletes a user: the update of the stamp row goes out in the same transaction
/// as the change, so no reader can see the new data under the old stamp for longer than the transaction takes. Writes
/// that bypass the change tracker (ExecuteUpdate, ExecuteDelete, raw SQL, bulk copy) call <see cref="RenewAsync"/> in
/// their own transaction instead.
/// </summary>
public sealed class DataVersionStamps : SaveChangesInterceptor
{
    public static readonly DataVersionStamps Instance = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Stamp(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Stamp(eventData.Context);
        return ValueTask.FromResult(result);
    }

    /// <summary>For writes that bypass SaveChanges: renews the accounts stamp; call it inside the write's transaction.</summary>
    public static Task RenewAsync(AppDbContext db, CancellationToken ct) =>
        db.DataVersions.Where(v => v.Name == DataVersion.Accounts)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Stamp, Guid.NewGuid()), ct);

    private static void Stamp(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var tracker = context.ChangeTracker;
        if (tracker.AutoDetectChangesEnabled)
        {
            tracker.DetectChanges();
        }

        if (!AccountsChange(tracker))
        {
            return;
        }

        var version = tracker.Entries<DataVersion>().FirstOrDefault(e => e.Entity.Name == DataVersion.Accounts)?.Entity;
        if (version is null)
        {
            version = DataVersion.Existing(DataVersion.Accounts);
            context.Attach(version);
        }

        version.Renew();
        context.Entry(version).Property(v => v.Stamp).IsModified = true;
    }

    private static bool AccountsChange(ChangeTracker tracker) =>
        tracker.Entries<Account>().Any(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
        || tracker.Entries<AppUser>().Any(e => e.State == EntityState.Deleted
            || (e.State == EntityState.Modified && e.Property(u => u.ManagerId).IsModified));
}
