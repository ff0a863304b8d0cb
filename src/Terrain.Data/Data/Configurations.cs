using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Terrain.Domain;

namespace Terrain.Data;

internal sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> builder)
    {
        builder.Property(u => u.DisplayName).HasMaxLength(200).IsRequired();
        builder.Property(u => u.Role).HasConversion<string>().HasMaxLength(16);
        builder.HasOne(u => u.Manager).WithMany().HasForeignKey(u => u.ManagerId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(u => u.ManagerId);
        builder.HasIndex(u => u.NormalizedEmail).IsUnique();
    }
}

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> builder)
    {
        builder.Property(a => a.ExternalId).HasMaxLength(100).IsRequired();
        builder.HasIndex(a => a.ExternalId).IsUnique();
        builder.Property(a => a.Name).HasMaxLength(200).IsRequired();
        builder.Property(a => a.Industry).HasMaxLength(100);
        builder.Property(a => a.Segment).HasMaxLength(100);
        builder.Property(a => a.Region).HasMaxLength(100);
        builder.Property(a => a.PostalCode).HasMaxLength(20);
        builder.Property(a => a.Version).IsConcurrencyToken();
        builder.HasOne(a => a.Owner).WithMany().HasForeignKey(a => a.OwnerId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(a => new { a.OwnerId, a.Name });

        // The orders a leader's listing of every account is read in (ADR 0021): by name (the territory page's
        // default, with the id as tie-break) and by potential, largest first (then name). A page of 50 is then
        // read from the front of an index instead of sorting every account.
        builder.HasIndex(a => new { a.Name, a.Id });
        builder.HasIndex(a => new { a.AnnualPotential, a.Name }).IsDescending(true, false);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.Property(e => e.Action).HasMaxLength(64).IsRequired();
        builder.Property(e => e.EntityType).HasMaxLength(64).IsRequired();
        builder.Property(e => e.EntityId).HasMaxLength(64).IsRequired();
        builder.HasIndex(e => new { e.EntityType, e.EntityId });
        builder.HasIndex(e => e.At);
        // How old the CRM data is, on every page: the latest import of each kind is one seek.
        builder.HasIndex(e => new { e.Action, e.At });
    }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.Property(n => n.Key).HasMaxLength(200).IsRequired();
        builder.Property(n => n.Title).HasMaxLength(200).IsRequired();
        builder.Property(n => n.Body).HasMaxLength(2000).IsRequired();
        builder.Property(n => n.Link).HasMaxLength(400);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(n => new { n.UserId, n.Key }).IsUnique();
        builder.HasIndex(n => new { n.UserId, n.CreatedAt });
        // The sweep that resolves notifications whose cause is gone reads only the open ones.
        builder.HasIndex(n => new { n.ResolvedAt, n.DismissedAt });
    }
}

internal sealed class SignInEventConfiguration : IEntityTypeConfiguration<SignInEvent>
{
    public void Configure(EntityTypeBuilder<SignInEvent> builder)
    {
        builder.Property(e => e.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.Email).HasMaxLength(SignInEvent.MaxEmail).IsRequired();
        builder.Property(e => e.Client).HasMaxLength(SignInEvent.MaxClient).IsRequired();
        builder.Property(e => e.Channel).HasMaxLength(8).IsRequired();
        builder.HasIndex(e => e.At);
        builder.HasIndex(e => new { e.UserId, e.At });
    }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Channel).HasMaxLength(8).IsRequired();
        builder.Property(s => s.Client).HasMaxLength(SignInEvent.MaxClient).IsRequired();
        builder.HasOne<AppUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => s.UserId);
    }
}

internal sealed class SignInCounterConfiguration : IEntityTypeConfiguration<SignInCounter>
{
    public void Configure(EntityTypeBuilder<SignInCounter> builder)
    {
        builder.HasKey(c => c.Key);
        builder.Property(c => c.Key).HasMaxLength(SignInCounter.MaxKey);
        builder.HasIndex(c => c.LastFailureAt);
    }
}
