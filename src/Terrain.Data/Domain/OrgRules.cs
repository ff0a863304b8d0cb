using System.Net.Mail;

namespace Terrain.Domain;

/// <summary>The shape of the sales organisation: who may report to whom.</summary>
public static class OrgRules
{
    public static string NormalizeEmail(string? email)
    {
        var trimmed = email?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            throw new DomainException("An email address is required.", "email");
        }

        if (trimmed.Length > 254 || !MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed)
        {
            throw new DomainException($"'{trimmed}' is not a valid email address.", "email");
        }

        return trimmed.ToLowerInvariant();
    }

    public static void EnsureValidManager(AppUser user, Role role, AppUser? manager)
    {
        if (role == Role.Rep && manager is null)
        {
            throw new DomainException("A rep must have a manager.", "managerEmail");
        }

        if (manager is null)
        {
            return;
        }

        if (manager.Id == user.Id)
        {
            throw new DomainException("A user cannot be their own manager.", "managerEmail");
        }

        var allowed = role switch
        {
            Role.Rep => manager.Role == Role.Manager,
            Role.Manager => manager.Role is Role.Leader or Role.Manager,
            _ => manager.Role is Role.Leader or Role.Admin,
        };
        if (!allowed)
        {
            throw new DomainException(
                $"{manager.Email} is a {manager.Role} and cannot manage a {role}.", "managerEmail");
        }

        if (!manager.IsActive)
        {
            throw new DomainException($"{manager.Email} is deactivated and cannot manage anyone.", "managerEmail");
        }

        for (var current = manager.Manager; current is not null; current = current.Manager)
        {
            if (current.Id == user.Id)
            {
                throw new DomainException("That manager would create a reporting loop.", "managerEmail");
            }
        }
    }

    /// <summary>
    /// A role change must not strand anyone: anyone with active reports keeps their role, and a rep who owns accounts
    /// stays a rep. That an admin remains is <see cref="EnsureAdministrationRemains"/>.
    /// </summary>
    public static void EnsureRoleChangeAllowed(AppUser user, Role newRole, int activeReports, int ownedAccounts)
    {
        if (newRole == user.Role)
        {
            return;
        }

        if (activeReports > 0)
        {
            throw new DomainException($"{user.Email} still has {activeReports} active direct report(s). Reassign them before changing the role.", "role");
        }

        if (ownedAccounts > 0 && user.Role == Role.Rep)
        {
            throw new DomainException($"{user.Email} owns {ownedAccounts} account(s). Reassign them before changing the role.", "role");
        }
    }

    /// <summary>
    /// An admin who can actually sign in today: active, not locked out, with a password. An admin without a password
    /// (an imported one) or a deactivated one administers nothing, so they never count toward the last admin.
    /// </summary>
    public static bool CanAdminister(AppUser user, DateTimeOffset now) =>
        user.Role == Role.Admin && user.IsActive && user.PasswordHash is not null && !(user.LockoutEnd > now);

    /// <summary>
    /// Someone must still be able to run administration after a change: a change that takes the last admin who can sign
    /// in out of that role, or deactivates them, is refused, whoever makes it (an admin demoting themselves included).
    /// <c>otherAdmins</c> counts the admins other than <c>user</c> who can sign in once the change is made.
    /// </summary>
    public static void EnsureAdministrationRemains(AppUser user, Role newRole, bool staysActive, int otherAdmins, DateTimeOffset now)
    {
        if (!CanAdminister(user, now) || (newRole == Role.Admin && staysActive) || otherAdmins > 0)
        {
            return;
        }

        throw new DomainException(
            $"{user.Email} is the last admin who can sign in (active, not locked out, with a password). " +
            "Make someone else an admin who can sign in first.",
            newRole == Role.Admin ? "isActive" : "role");
    }
}
