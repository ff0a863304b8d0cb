using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;

namespace Terrain.Features.Users;

/// <summary>
/// Creates one user, with a password or, without one, with an invitation to set their own. Used by the admin page, the
/// API and `terrain users add`.
/// </summary>
public sealed class CreateUser(AppDbContext db, UserManager<AppUser> users, Invitations invitations, TimeProvider clock)
{
    public sealed record Input
    {
        [Required, EmailAddress, StringLength(254)]
        public string Email { get; init; } = "";

        [Required, StringLength(200), Display(Name = "Display name")]
        public string DisplayName { get; init; } = "";

        [Required]
        public string Role { get; init; } = "";

        [EmailAddress, Display(Name = "Manager email")]
        public string? ManagerEmail { get; init; }

        /// <summary>Empty: the user is invited to set their own password.</summary>
        [DataType(DataType.Password)]
        public string? Password { get; init; }
    }

    /// <summary>The new user, and their invitation when no password was given; or the field-level errors that stopped it.</summary>
    public async Task<(AppUser? User, Dictionary<string, string[]> Errors)> HandleAsync(Input input, Guid? actorId, CancellationToken ct)
    {
        var (user, _, errors) = await HandleWithInvitationAsync(input, actorId, ct);
        return (user, errors);
    }

    public async Task<(AppUser? User, IssuedInvitation? Invitation, Dictionary<string, string[]> Errors)> HandleWithInvitationAsync(
        Input input, Guid? actorId, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Roles.TryParse(input.Role, out var role))
        {
            errors["role"] = [$"Unknown role '{input.Role}'. Use one of: {Roles.Names}."];
            return (null, null, errors);
        }

        AppUser? manager = null;
        if (!string.IsNullOrWhiteSpace(input.ManagerEmail))
        {
            var normalizedManager = input.ManagerEmail.Trim().ToUpperInvariant();
            manager = await db.Users.Include(u => u.Manager).FirstOrDefaultAsync(u => u.NormalizedEmail == normalizedManager, ct);
            if (manager is null)
            {
                errors["managerEmail"] = [$"No user has the email '{input.ManagerEmail.Trim()}'."];
                return (null, null, errors);
            }
        }

        AppUser user;
        try
        {
            user = AppUser.Create(input.Email, input.DisplayName, role, manager, clock.GetUtcNow());
        }
        catch (DomainException e)
        {
            errors[e.Field ?? ""] = [e.Message];
            return (null, null, errors);
        }

        if (await db.Users.AnyAsync(u => u.NormalizedEmail == user.NormalizedEmail, ct))
        {
            errors["email"] = [$"A user with the email '{user.Email}' already exists."];
            return (null, null, errors);
        }

        var invite = string.IsNullOrEmpty(input.Password);
        if (!invite)
        {
            foreach (var validator in users.PasswordValidators)
            {
                var result = await validator.ValidateAsync(users, user, input.Password!);
                if (!result.Succeeded)
                {
                    errors["password"] = result.Errors.Select(e => e.Description).ToArray();
                    return (null, null, errors);
                }
            }

            user.PasswordHash = users.PasswordHasher.HashPassword(user, input.Password!);
        }

        db.Users.Add(user);
        await Cycles.RepPlans.FollowAsync(db, [user], actorId, clock.GetUtcNow(), ct);
        db.AuditEntries.Add(AuditEntry.Record(clock.GetUtcNow(), actorId, "user.created", "User", user.Id.ToString(),
            JsonSerializer.Serialize(new { user.Email, Role = user.Role.ToString(), ManagerEmail = manager?.Email })));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            errors["email"] = [$"A user with the email '{user.Email}' already exists."];
            return (null, null, errors);
        }

        return (user, invite ? (await invitations.IssueManyAsync([user], actorId, ct))[0] : null, errors);
    }
}
