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
        builder.Property(c => c.Calendar).HasConversion<string>().HasMaxLength(16).HasDefaultValue(FiscalCalendar.Months).HasSentinel((FiscalCalendar)(-1));
        builder.Ignore(c => c.Quarters);
        builder.Ignore(c => c.Months);
        builder.Ignore(c => c.DraftDeadline);
        builder.Ignore(c => c.TierRule);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(c => c.CreatedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Terrain.Domain.Strategies.Strategy>().WithMany().HasForeignKey(c => c.StrategyId).OnDelete(DeleteBehavior.Restrict);
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
        builder.Ignore(p => p.HasLeft);
        builder.Ignore(p => p.FollowsCycle);
        builder.HasOne<PlanningCycle>().WithMany().HasForeignKey(p => p.CycleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(p => p.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(p => p.ApprovedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => new { p.CycleId, p.OwnerId }).IsUnique();
        builder.HasIndex(p => new { p.CycleId, p.Status });
    }
}

internal sealed class PlanExtensionConfiguration : IEntityTypeConfiguration<PlanExtension>
{
    public void Configure(EntityTypeBuilder<PlanExtension> builder)
    {
        builder.Property(e => e.Deadline).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.Reason).HasMaxLength(PlanExtension.MaxReasonLength).IsRequired();
        builder.HasOne<Plan>().WithMany().HasForeignKey(e => e.PlanId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(e => e.ById).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(e => e.PlanId);
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

internal sealed class PlanSectionConfiguration : IEntityTypeConfiguration<PlanSection>
{
    public void Configure(EntityTypeBuilder<PlanSection> builder)
    {
        builder.Property(s => s.Key).HasMaxLength(40).IsRequired();
        builder.Property(s => s.Content).IsRequired();
        builder.Property(s => s.Version).HasMaxLength(32).IsConcurrencyToken();
        builder.HasOne<Plan>().WithMany().HasForeignKey(s => s.PlanId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(s => s.UpdatedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => new { s.PlanId, s.Key }).IsUnique();
    }
}

internal sealed class PlanSnapshotConfiguration : IEntityTypeConfiguration<PlanSnapshot>
{
    public void Configure(EntityTypeBuilder<PlanSnapshot> builder)
    {
        builder.Property(s => s.Sections).IsRequired();
        builder.Property(s => s.Names).IsRequired();
        builder.HasOne<Plan>().WithMany().HasForeignKey(s => s.PlanId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(s => s.SubmittedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => new { s.PlanId, s.Number }).IsUnique();
    }
}

internal sealed class ApprovedPlanVersionConfiguration : IEntityTypeConfiguration<ApprovedPlanVersion>
{
    public void Configure(EntityTypeBuilder<ApprovedPlanVersion> builder)
    {
        builder.HasOne<Plan>().WithMany().HasForeignKey(v => v.PlanId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<PlanSnapshot>().WithMany().HasForeignKey(v => v.SnapshotId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(v => v.ApprovedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(v => new { v.CycleId, v.OwnerId, v.ApprovedAt });
        builder.HasIndex(v => new { v.PlanId, v.ApprovedAt });
        builder.HasIndex(v => v.SnapshotId);
    }
}

internal sealed class PlanGoalConfiguration : IEntityTypeConfiguration<PlanGoal>
{
    public void Configure(EntityTypeBuilder<PlanGoal> builder)
    {
        builder.Property(g => g.GoalKey).HasMaxLength(40);
        builder.Property(g => g.Metric).HasMaxLength(20);
        builder.Property(g => g.Name).HasMaxLength(200);
        builder.Property(g => g.ProductId).HasMaxLength(40);
        builder.Property(g => g.SegmentId).HasMaxLength(40);
        builder.Property(g => g.UnlinkedProduct).HasMaxLength(100);
        builder.Property(g => g.UnlinkedSegment).HasMaxLength(100);
        builder.Property(g => g.ObjectiveId).HasMaxLength(40);
        builder.HasOne<PlanSnapshot>().WithMany().HasForeignKey(g => g.SnapshotId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(g => g.Targets).WithOne().HasForeignKey(t => t.GoalId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(g => new { g.SnapshotId, g.GoalKey }).IsUnique();
        builder.HasIndex(g => new { g.PlanId, g.GoalKey });
    }
}

internal sealed class PlanGoalTargetConfiguration : IEntityTypeConfiguration<PlanGoalTarget>
{
    public void Configure(EntityTypeBuilder<PlanGoalTarget> builder) => builder.HasKey(t => new { t.GoalId, t.Quarter });
}

internal sealed class PlanActionItemConfiguration : IEntityTypeConfiguration<PlanActionItem>
{
    public void Configure(EntityTypeBuilder<PlanActionItem> builder)
    {
        builder.Property(a => a.ActionKey).HasMaxLength(40);
        builder.Property(a => a.Title).HasMaxLength(300);
        builder.Property(a => a.Status).HasMaxLength(20);
        builder.Property(a => a.StatusVersion).IsConcurrencyToken();
        builder.Property(a => a.Owner).HasMaxLength(100);
        builder.Property(a => a.GoalKey).HasMaxLength(40);
        builder.HasOne<PlanSnapshot>().WithMany().HasForeignKey(a => a.SnapshotId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => new { a.SnapshotId, a.ActionKey }).IsUnique();
        builder.HasIndex(a => new { a.PlanId, a.Due });
    }
}

internal sealed class PlanCommentConfiguration : IEntityTypeConfiguration<PlanComment>
{
    public void Configure(EntityTypeBuilder<PlanComment> builder)
    {
        builder.Property(c => c.SectionKey).HasMaxLength(40);
        builder.Property(c => c.Body).HasMaxLength(PlanComment.MaxLength).IsRequired();
        builder.HasOne<Plan>().WithMany().HasForeignKey(c => c.PlanId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(c => c.AuthorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(c => new { c.PlanId, c.At });
    }
}

internal sealed class RepSeatConfiguration : IEntityTypeConfiguration<RepSeat>
{
    public void Configure(EntityTypeBuilder<RepSeat> builder)
    {
        builder.HasOne<PlanningCycle>().WithMany().HasForeignKey(s => s.CycleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(s => s.RepId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(s => s.SetById).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => new { s.CycleId, s.RepId }).IsUnique();
    }
}

internal sealed class QuotaConfiguration : IEntityTypeConfiguration<Quota>
{
    public void Configure(EntityTypeBuilder<Quota> builder)
    {
        builder.HasOne<PlanningCycle>().WithMany().HasForeignKey(q => q.CycleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(q => q.RepId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(q => q.SetById).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(q => new { q.CycleId, q.RepId, q.Quarter }).IsUnique();
    }
}

internal sealed class PlanProposalConfiguration : IEntityTypeConfiguration<PlanProposal>
{
    public void Configure(EntityTypeBuilder<PlanProposal> builder)
    {
        builder.Property(p => p.SectionKey).HasMaxLength(40).IsRequired();
        builder.Property(p => p.Content).IsRequired();
        builder.Property(p => p.BaseVersion).HasMaxLength(32).IsRequired();
        builder.Property(p => p.Note).HasMaxLength(PlanProposal.MaxNoteLength);
        builder.Property(p => p.Reason).HasMaxLength(PlanProposal.MaxNoteLength);
        builder.Property(p => p.Status).HasConversion<string>().HasMaxLength(16).IsConcurrencyToken();
        builder.HasOne<Plan>().WithMany().HasForeignKey(p => p.PlanId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(p => p.ProposedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(p => p.DecidedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(p => new { p.PlanId, p.Status });
    }
}

internal sealed class RepQuotaConfiguration : IEntityTypeConfiguration<RepQuota>
{
    public void Configure(EntityTypeBuilder<RepQuota> builder)
    {
        builder.HasOne<PlanningCycle>().WithMany().HasForeignKey(q => q.CycleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(q => q.RepId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(q => q.ChangedById).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(q => new { q.CycleId, q.RepId }).IsUnique();
        builder.Property(q => q.Version).IsConcurrencyToken();
    }
}

internal sealed class QuotaChangeConfiguration : IEntityTypeConfiguration<QuotaChange>
{
    public void Configure(EntityTypeBuilder<QuotaChange> builder)
    {
        builder.HasOne<PlanningCycle>().WithMany().HasForeignKey(c => c.CycleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(c => c.RepId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(c => c.ChangedById).OnDelete(DeleteBehavior.Restrict);
        builder.Property(c => c.Source).HasConversion<string>().HasMaxLength(10);
        builder.Property(c => c.Reason).HasMaxLength(QuotaChange.MaxReason);
        builder.HasIndex(c => new { c.CycleId, c.RepId, c.ChangedAt });
    }
}
