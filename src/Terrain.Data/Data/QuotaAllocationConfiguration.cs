using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Terrain.Domain;
using Terrain.Domain.Planning;

namespace Terrain.Data;

internal sealed class QuotaAllocationConfiguration : IEntityTypeConfiguration<QuotaAllocation>
{
    public void Configure(EntityTypeBuilder<QuotaAllocation> builder)
    {
        builder.HasOne<PlanningCycle>().WithMany().HasForeignKey(a => a.CycleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(a => a.CreatedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(a => a.PublishedById).OnDelete(DeleteBehavior.Restrict);
        builder.Property(a => a.Method).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Seasonality).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Season).HasMaxLength(100);
        builder.Property(a => a.Ramp).HasMaxLength(100);
        builder.Property(a => a.Notes).HasMaxLength(2000);
        builder.Property(a => a.Reason).HasMaxLength(QuotaAllocation.MaxReason);
        builder.Property(a => a.Teams).HasDefaultValue("[]");
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.Ignore(a => a.Weights);
        builder.HasIndex(a => new { a.CycleId, a.CreatedAt });
    }
}
