using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Terrain.Domain;
using Terrain.Domain.TerritoryDesign;

namespace Terrain.Data;

internal sealed class TerritoryScenarioConfiguration : IEntityTypeConfiguration<TerritoryScenario>
{
    public void Configure(EntityTypeBuilder<TerritoryScenario> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Name).HasMaxLength(TerritoryScenario.MaxName).IsRequired();
        builder.Property(s => s.Region).HasMaxLength(TerritoryScenario.MaxRegion).IsRequired();
        builder.Property(s => s.Scope).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.Workload).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.Centres).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.SegmentWeights).HasMaxLength(ScenarioGoals.MaxSegmentWeights).IsRequired();
        builder.Property(s => s.BaseHash).HasMaxLength(64).IsRequired();
        builder.Property(s => s.Phase).HasMaxLength(40).IsRequired();
        builder.Property(s => s.FailureReason).HasMaxLength(TerritoryScenario.MaxReason);
        builder.Property(s => s.Version).IsConcurrencyToken();
        builder.Ignore(s => s.Goals);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(s => s.CreatedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(s => s.ManagerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => s.CreatedAt);
        builder.HasIndex(s => s.Status);
    }
}

internal sealed class ScenarioAssignmentConfiguration : IEntityTypeConfiguration<ScenarioAssignment>
{
    public void Configure(EntityTypeBuilder<ScenarioAssignment> builder)
    {
        builder.HasKey(a => new { a.ScenarioId, a.AccountId });
        builder.HasOne<TerritoryScenario>().WithMany().HasForeignKey(a => a.ScenarioId).OnDelete(DeleteBehavior.Cascade);
        // An account or territory deleted since the base: the scenario keeps its row (apply then refuses and asks for a refresh).
        builder.HasIndex(a => a.AccountId);
    }
}

internal sealed class ScenarioTerritoryConfiguration : IEntityTypeConfiguration<ScenarioTerritory>
{
    public void Configure(EntityTypeBuilder<ScenarioTerritory> builder)
    {
        builder.HasKey(t => new { t.ScenarioId, t.TerritoryId });
        builder.HasOne<TerritoryScenario>().WithMany().HasForeignKey(t => t.ScenarioId).OnDelete(DeleteBehavior.Cascade);
    }
}
