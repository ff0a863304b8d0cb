using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Terrain.Domain;

namespace Terrain.Data;

internal sealed class PasswordInvitationConfiguration : IEntityTypeConfiguration<PasswordInvitation>
{
    public void Configure(EntityTypeBuilder<PasswordInvitation> builder)
    {
        builder.Property(i => i.Id).ValueGeneratedNever();
        builder.Property(i => i.TokenHash).HasMaxLength(PasswordInvitation.HashLength).IsFixedLength().IsRequired();
        builder.HasOne<AppUser>().WithMany().HasForeignKey(i => i.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(i => i.TokenHash).IsUnique();
        builder.HasIndex(i => i.UserId);
    }
}
