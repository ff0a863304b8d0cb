using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Terrain.Domain;
using Terrain.Domain.Territories;

namespace Terrain.Data;

internal sealed class TerritoryConfiguration : IEntityTypeConfiguration<Territory>
{
    public void Configure(EntityTypeBuilder<Territory> builder)
    {
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Name).HasMaxLength(Territory.MaxName).IsRequired();
        builder.Property(t => t.BaseAddress).HasMaxLength(Territory.MaxAddress).IsRequired();
        builder.Property(t => t.Version).IsConcurrencyToken();
        builder.HasOne(t => t.Rep).WithMany().HasForeignKey(t => t.RepId).OnDelete(DeleteBehavior.SetNull);
        // A rep covers one territory at most; any number are vacant.
        builder.HasIndex(t => t.RepId).IsUnique();
        builder.HasIndex(t => t.Name);
    }
}

internal sealed class AccountTerritoryConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> builder)
    {
        builder.HasOne(a => a.Territory).WithMany().HasForeignKey(a => a.TerritoryId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(a => new { a.TerritoryId, a.Name });
        builder.Property(a => a.LocationSource).HasConversion<string>().HasMaxLength(16);
    }
}

internal sealed class AssignmentRuleConfiguration : IEntityTypeConfiguration<AssignmentRule>
{
    public void Configure(EntityTypeBuilder<AssignmentRule> builder)
    {
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.PostalPrefix).HasMaxLength(20).IsRequired();
        builder.Property(r => r.Region).HasMaxLength(AssignmentRule.MaxValue).IsRequired();
        builder.Property(r => r.Segment).HasMaxLength(AssignmentRule.MaxValue).IsRequired();
        builder.Property(r => r.Industry).HasMaxLength(AssignmentRule.MaxValue).IsRequired();
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasOne<Territory>().WithMany().HasForeignKey(r => r.TerritoryId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => r.Priority);
    }
}

internal sealed class AccountAssignmentConfiguration : IEntityTypeConfiguration<AccountAssignment>
{
    public void Configure(EntityTypeBuilder<AccountAssignment> builder)
    {
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Source).HasConversion<string>().HasMaxLength(16);
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.HasOne<Account>().WithMany().HasForeignKey(a => a.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Territory>().WithMany().HasForeignKey(a => a.ToTerritoryId).OnDelete(DeleteBehavior.Restrict);
        // The due pending moves, in date order; an account's moves; a rep's gains and losses since a date.
        builder.HasIndex(a => new { a.Status, a.EffectiveFrom });
        builder.HasIndex(a => new { a.AccountId, a.Status });
        builder.HasIndex(a => new { a.ToRepId, a.AppliedAt });
        builder.HasIndex(a => new { a.FromRepId, a.AppliedAt });
    }
}

internal sealed class AccountOverlayConfiguration : IEntityTypeConfiguration<AccountOverlay>
{
    public void Configure(EntityTypeBuilder<AccountOverlay> builder)
    {
        builder.Property(o => o.Id).ValueGeneratedNever();
        builder.Property(o => o.Role).HasMaxLength(AccountOverlay.MaxRole).IsRequired();
        builder.Property(o => o.Version).IsConcurrencyToken();
        builder.HasOne<Account>().WithMany().HasForeignKey(o => o.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(o => o.RepId).OnDelete(DeleteBehavior.Cascade);
        // One current overlay per account and rep; removed ones stay, ended, for the deals they were credited with.
        builder.HasIndex(o => new { o.AccountId, o.RepId }).IsUnique().HasFilter("\"EffectiveTo\" IS NULL");
        builder.HasIndex(o => o.RepId);
    }
}
