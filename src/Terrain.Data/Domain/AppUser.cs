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

    /// <summary>The day a rep started in the role, when known: a new hire's quota ramps up from it (ADR 0038).</summary>
    public DateOnly? StartedOn { get; private set; }

    public void SetStartedOn(DateOnly? day) => StartedOn = day;

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
        if (role != Role || manager?.Id != ManagerId)
        {
            // Who sees what follows role and reporting line: sessions and tokens issued before must be re-checked.
            SecurityStamp = Guid.NewGuid().ToString("N");
        }

        DisplayName = Text.EnsurePrintable(displayName.Trim(), "displayName");
        Role = role;
        Manager = manager;
        ManagerId = manager?.Id;
        Touch();
    }

    /// <summary>Deactivated users cannot sign in; their history stays. Reports must be reassigned first.</summary>
    public void Deactivate(int activeReports)
    {
        if (activeReports > 0)
        {
            throw new DomainException($"{DisplayName} still manages {activeReports} active user(s). Reassign them first.", "isActive");
        }

        IsActive = false;
        SecurityStamp = Guid.NewGuid().ToString("N");
        Touch();
    }

    public void Activate()
    {
        IsActive = true;
        Touch();
    }

    /// <summary>Identity's concurrency stamp doubles as the ETag that guards concurrent edits.</summary>
    private void Touch() => ConcurrencyStamp = Guid.NewGuid().ToString("N");

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
