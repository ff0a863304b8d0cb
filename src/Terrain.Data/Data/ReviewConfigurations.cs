using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Reviews;

namespace Terrain.Data;

internal sealed class ReviewConfiguration : IEntityTypeConfiguration<Review>
{
    public void Configure(EntityTypeBuilder<Review> builder)
    {
        builder.Property(r => r.Cadence).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.Agenda).HasMaxLength(Review.MaxText);
        builder.Property(r => r.SharedNotes).HasMaxLength(Review.MaxText);
        builder.Property(r => r.SelfAssessment).HasMaxLength(Review.MaxText);
        builder.Property(r => r.CoachingNotes).HasMaxLength(Review.MaxText);
        builder.Property(r => r.RepCallNote).HasMaxLength(Review.MaxNote);
        builder.Property(r => r.ManagerCallNote).HasMaxLength(Review.MaxNote);
        builder.Property(r => r.NoActionReason).HasMaxLength(Review.MaxNote);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.Ignore(r => r.DueBy);
        builder.Ignore(r => r.IsCompleted);
        builder.Ignore(r => r.RepCall);
        builder.Ignore(r => r.ManagerCall);
        builder.Ignore(r => r.VarianceReasons);
        builder.HasOne<PlanningCycle>().WithMany().HasForeignKey(r => r.CycleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Plan>().WithMany().HasForeignKey(r => r.PlanId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(r => r.RepId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(r => r.ManagerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => new { r.CycleId, r.RepId, r.WindowStart }).IsUnique();
        builder.HasIndex(r => new { r.ManagerId, r.ScheduledOn });
        builder.HasIndex(r => new { r.RepId, r.ScheduledOn });
    }
}

/// <summary>The reasons of completed reviews as rows (ADR 0051): counted per cycle, for the organisation or one manager's team.</summary>
internal sealed class ReviewReasonConfiguration : IEntityTypeConfiguration<ReviewReason>
{
    public void Configure(EntityTypeBuilder<ReviewReason> builder)
    {
        builder.HasKey(r => new { r.ReviewId, r.GoalKey });
        builder.Property(r => r.GoalKey).HasMaxLength(60);
        builder.Property(r => r.Category).HasConversion<string>().HasMaxLength(24);
        builder.HasOne<Review>().WithMany().HasForeignKey(r => r.ReviewId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.CycleId, r.Category });
        builder.HasIndex(r => new { r.CycleId, r.ManagerId, r.Category });
    }
}

internal sealed class ReviewCadenceChoiceConfiguration : IEntityTypeConfiguration<ReviewCadenceChoice>
{
    public void Configure(EntityTypeBuilder<ReviewCadenceChoice> builder)
    {
        builder.ToTable("ReviewCadences");
        builder.Property(c => c.Cadence).HasConversion<string>().HasMaxLength(16);
        builder.HasOne<PlanningCycle>().WithMany().HasForeignKey(c => c.CycleId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(c => c.RepId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(c => new { c.CycleId, c.RepId });
    }
}

internal sealed class CorrectiveActionConfiguration : IEntityTypeConfiguration<CorrectiveAction>
{
    public void Configure(EntityTypeBuilder<CorrectiveAction> builder)
    {
        builder.Property(a => a.What).HasMaxLength(CorrectiveAction.MaxWhat).IsRequired();
        builder.Property(a => a.GoalKey).HasMaxLength(60);
        builder.Property(a => a.ClaimMetric).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.ClaimFilter).HasConversion<string>().HasMaxLength(12);
        builder.Property(a => a.ClaimFilterId).HasMaxLength(60);
        builder.Property(a => a.ClaimOutcome).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Status).HasConversion<string>().HasMaxLength(12);
        builder.Property(a => a.DropReason).HasMaxLength(CorrectiveAction.MaxWhat);
        builder.Property(a => a.Outcome).HasMaxLength(Review.MaxNote);
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.Ignore(a => a.Claim);
        builder.Ignore(a => a.Agreed);
        builder.HasOne<Review>().WithMany().HasForeignKey(a => a.ReviewId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(a => a.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => new { a.RepId, a.Status });
        builder.HasIndex(a => new { a.OwnerId, a.Status });
        builder.HasIndex(a => new { a.ClaimOutcome, a.ClaimBy });
    }
}
