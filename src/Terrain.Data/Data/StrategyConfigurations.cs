using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Terrain.Domain;
using Terrain.Domain.Strategies;

namespace Terrain.Data;

internal sealed class StrategyConfiguration : IEntityTypeConfiguration<Strategy>
{
    public void Configure(EntityTypeBuilder<Strategy> builder)
    {
        builder.ToTable("Strategies");
        builder.Property(s => s.Name).HasMaxLength(100).IsRequired();
        builder.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.Content).IsRequired();
        builder.Property(s => s.Check).IsRequired();
        builder.Property(s => s.ChangeNote).HasMaxLength(1000);
        builder.Property(s => s.Version).HasMaxLength(32).IsConcurrencyToken();
        builder.HasOne<AppUser>().WithMany().HasForeignKey(s => s.CreatedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(s => s.PublishedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => new { s.LineageId, s.Revision }).IsUnique();
        builder.HasIndex(s => s.Status);

        // One draft revision per strategy at a time: two leaders cannot start rival next revisions.
        builder.HasIndex(s => s.LineageId, "IX_Strategies_OneDraftPerLineage").IsUnique().HasFilter("\"Status\" = 'Draft'");
    }
}

internal sealed class StrategyAcknowledgementConfiguration : IEntityTypeConfiguration<StrategyAcknowledgement>
{
    public void Configure(EntityTypeBuilder<StrategyAcknowledgement> builder)
    {
        builder.HasOne<Strategy>().WithMany().HasForeignKey(a => a.StrategyId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(a => a.RepId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => new { a.StrategyId, a.RepId }).IsUnique();
    }
}

internal sealed class StrategyReadingConfiguration : IEntityTypeConfiguration<StrategyReading>
{
    public void Configure(EntityTypeBuilder<StrategyReading> builder)
    {
        builder.HasOne<Strategy>().WithMany().HasForeignKey(r => r.StrategyId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(r => r.RepId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => new { r.StrategyId, r.RepId }).IsUnique();
    }
}

internal sealed class CheckAttemptConfiguration : IEntityTypeConfiguration<CheckAttempt>
{
    public void Configure(EntityTypeBuilder<CheckAttempt> builder)
    {
        builder.Property(a => a.Answers).IsRequired();
        builder.HasOne<Strategy>().WithMany().HasForeignKey(a => a.StrategyId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(a => a.RepId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => new { a.StrategyId, a.RepId, a.At });
    }
}

internal sealed class StrategyQuestionConfiguration : IEntityTypeConfiguration<StrategyQuestion>
{
    public void Configure(EntityTypeBuilder<StrategyQuestion> builder)
    {
        builder.Property(q => q.Part).HasMaxLength(20);
        builder.Property(q => q.Body).HasMaxLength(StrategyQuestion.MaxLength).IsRequired();
        builder.Property(q => q.Answer).HasMaxLength(StrategyQuestion.MaxLength);
        builder.Property(q => q.Version).HasMaxLength(32).IsConcurrencyToken();
        builder.Ignore(q => q.IsOpen);
        builder.HasOne<Strategy>().WithMany().HasForeignKey(q => q.StrategyId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(q => q.AskedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(q => q.AnsweredById).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(q => new { q.StrategyId, q.AskedAt });
    }
}

internal sealed class WorkshopConfiguration : IEntityTypeConfiguration<Workshop>
{
    public void Configure(EntityTypeBuilder<Workshop> builder)
    {
        builder.Property(w => w.Title).HasMaxLength(200).IsRequired();
        builder.Property(w => w.Location).HasMaxLength(200).IsRequired();
        builder.Property(w => w.Length).HasConversion<string>().HasMaxLength(16);
        builder.Property(w => w.Agenda).IsRequired();
        builder.Property(w => w.Version).HasMaxLength(32).IsConcurrencyToken();
        builder.Ignore(w => w.EndsAt);
        builder.HasOne<Strategy>().WithMany().HasForeignKey(w => w.StrategyId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(w => w.CreatedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(w => new { w.StrategyId, w.StartsAt });
    }
}

internal sealed class WorkshopInvitationConfiguration : IEntityTypeConfiguration<WorkshopInvitation>
{
    public void Configure(EntityTypeBuilder<WorkshopInvitation> builder)
    {
        builder.HasOne<Workshop>().WithMany().HasForeignKey(i => i.WorkshopId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(i => i.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(i => new { i.WorkshopId, i.UserId }).IsUnique();
        builder.HasIndex(i => i.UserId);
    }
}
