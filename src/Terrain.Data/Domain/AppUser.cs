using Microsoft.AspNetCore.Identity;

namespace Terrain.Domain;

public sealed class AppUser : IdentityUser<Guid>
{
    private AppUser()
    {
    }

    public string DisplayName { get; private set; } = "";

    public Role Role { get; private set; }

    public Guid? ManagerId { get; private set; }

    public AppUser? Manager { get; private set; }

    public bool IsActive { get; private set; } = true;

    public DateTimeOffset CreatedAt { get; private set; }

    public static AppUser Create(string email, string displayName, Role role, AppUser? manager, DateTimeOffset now)
    {
        var user = new AppUser
        {
            Id = Guid.CreateVersion7(now),
            CreatedAt = now,
            SecurityStamp = Guid.NewGuid().ToString("N"),
            LockoutEnabled = true,
        };
        user.SetEmail(email);
        user.Update(displayName, role, manager);
        return user;
    }

    public void Update(string displayName, Role role, AppUser? manager)
    {
        if (string.IsNullOrWhiteSpace(displayName))
        {
            throw new DomainException("A display name is required.", "displayName");
        }

        if (displayName.Length > 200)
        {
            throw new DomainException("The display name is longer than 200 characters.", "displayName");
        }

        if (!Enum.IsDefined(role))
        {
            throw new DomainException($"Unknown role. Use one of: {Roles.Names}.", "role");
        }

        OrgRules.EnsureValidManager(this, role, manager);
        DisplayName = displayName.Trim();
        Role = role;
        Manager = manager;
        ManagerId = manager?.Id;
    }

    public void Deactivate() => IsActive = false;

    public void Activate() => IsActive = true;

    private void SetEmail(string email)
    {
        var normalized = OrgRules.NormalizeEmail(email);
        Email = normalized;
        UserName = normalized;
        NormalizedEmail = normalized.ToUpperInvariant();
        NormalizedUserName = normalized.ToUpperInvariant();
        EmailConfirmed = true;
    }
}
