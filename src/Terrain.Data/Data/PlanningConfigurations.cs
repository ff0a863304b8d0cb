using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Terrain.Domain;
using Terrain.Domain.Planning;

namespace Terrain.Data;

internal sealed class PlanningCycleConfiguration : IEntityTypeConfiguration<PlanningCycle>
{
    public void Configure(EntityTypeBuilder<PlanningCycle> builder)
    {
        builder.ToTable("Cycles");
        builder.Property(c => c.Name).HasMaxLength(100).IsRequired();
        builder.Property(c => c.TimeZone).HasMaxLength(64).IsRequired();
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Version).HasMaxLength(32).IsConcurrencyToken();
        builder.Ignore(c => c.Quarters);
        builder.Ignore(c => c.DraftDeadline);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(c => c.CreatedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(c => c.Name).IsUnique();
    }
}

internal sealed class PlanConfiguration : IEntityTypeConfiguration<Plan>
{
    public void Configure(EntityTypeBuilder<Plan> builder)
    {
        builder.Property(p => p.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(p => p.ConcurrencyToken).HasMaxLength(32).IsConcurrencyToken();
        builder.Ignore(p => p.IsAmendment);
        builder.Ignore(p => p.IsEditable);
        builder.Ignore(p => p.OwesFirstDraft);
        builder.HasOne<PlanningCycle>().WithMany().HasForeignKey(p => p.CycleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(p => p.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(p => p.ApprovedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => new { p.CycleId, p.OwnerId }).IsUnique();
        builder.HasIndex(p => new { p.CycleId, p.Status });
    }
}

internal sealed class TemplateSectionConfiguration : IEntityTypeConfiguration<TemplateSection>
{
    public void Configure(EntityTypeBuilder<TemplateSection> builder)
    {
        builder.Property(t => t.Key).HasMaxLength(40).IsRequired();
        builder.Property(t => t.Title).HasMaxLength(120).IsRequired();
        builder.Property(t => t.Instructions).HasMaxLength(4000);
        builder.Property(t => t.Kind).HasConversion<string>().HasMaxLength(32);
        builder.HasOne<PlanningCycle>().WithMany().HasForeignKey(t => t.CycleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(t => new { t.CycleId, t.Key }).IsUnique();
    }
}
