using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Users;

public enum UpdateOutcome
{
    Updated,
    NotFound,
    Conflict,
    Invalid,
}

/// <summary>
/// An admin edits a user: name, role, manager, active flag, and optionally a new password. The caller states which
/// version it edited (<see cref="Input.Version"/>); a stale version is a conflict, never a silent overwrite.
/// </summary>
public sealed class UpdateUser(AppDbContext db, UserManager<AppUser> users, IHttpContextAccessor http, TimeProvider clock,
    Reviews.ReviewSchedule reviews)
{
    public sealed record Input
    {
        [StringLength(200), Display(Name = "Display name")]
        public string? DisplayName { get; init; }

        public string? Role { get; init; }

        /// <summary>The manager's email; an empty string removes the manager.</summary>
        [Display(Name = "Manager email")]
        public string? ManagerEmail { get; init; }

        [Display(Name = "Active")]
        public bool? IsActive { get; init; }

        [DataType(DataType.Password), Display(Name = "New password")]
        public string? Password { get; init; }

        /// <summary>
        /// The day the person started in their role (yyyy-MM-dd), which ramps a new hire's quota (ADR 0038); an empty
        /// string clears it, null leaves it as it is.
        /// </summary>
        [Display(Name = "Started on")]
        public string? StartedOn { get; init; }

        /// <summary>The version (ETag) the edit was based on.</summary>
        public string? Version { get; init; }
    }

    /// <summary>After a reactivation: whether the rep got their territory back, or covers none (ADR 0048); null otherwise.</summary>
    public string? TerritoryNote { get; private set; }

    public async Task<(UpdateOutcome Outcome, AppUser? User, Dictionary<string, string[]> Errors)> HandleAsync(
        Guid id, Input input, Guid actorId, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var user = await db.Users.Include(u => u.Manager).ThenInclude(m => m!.Manager).FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user is null)
        {
            return (UpdateOutcome.NotFound, null, errors);
        }

        if (input.Version is null || input.Version != user.ConcurrencyStamp)
        {
            errors["version"] = ["Someone else changed this user since you opened it. Reload to see their changes, then apply yours again."];
            return (UpdateOutcome.Conflict, user, errors);
        }

        var before = new { user.DisplayName, Role = user.Role.ToString(), ManagerEmail = user.Manager?.Email, user.IsActive, user.StartedOn };
        var role = user.Role;
        if (input.Role is not null && !Roles.TryParse(input.Role, out role))
        {
            errors["role"] = [$"Unknown role '{input.Role}'. Use one of: {Roles.Names}."];
            return (UpdateOutcome.Invalid, user, errors);
        }

        var startedOn = user.StartedOn;
        if (input.StartedOn is not null)
        {
            var text = input.StartedOn.Trim();
            if (text.Length == 0)
            {
                startedOn = null;
            }
            else if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day)
                     && day.Year is >= 1950 and <= 2100)
            {
                startedOn = day;
            }
            else
            {
                errors["startedOn"] = [$"'{text}' is not a date: give the day the person started as yyyy-MM-dd (for example 2027-01-15)."];
                return (UpdateOutcome.Invalid, user, errors);
            }
        }

        var manager = user.Manager;
        if (input.ManagerEmail is not null)
        {
            manager = null;
            if (input.ManagerEmail.Trim().Length > 0)
            {
                var normalized = input.ManagerEmail.Trim().ToUpperInvariant();
                manager = await db.Users.Include(u => u.Manager).ThenInclude(m => m!.Manager).FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
                if (manager is null)
                {
                    errors["managerEmail"] = [$"No user has the email '{input.ManagerEmail.Trim()}'."];
                    return (UpdateOutcome.Invalid, user, errors);
                }
            }
        }

        try
        {
            var activeReports = await db.Users.CountAsync(u => u.ManagerId == id && u.IsActive, ct);
            var deactivating = input.IsActive == false && user.IsActive;
            if (deactivating && id == actorId)
            {
                throw new DomainException("You cannot deactivate yourself.", "isActive");
            }

            var now = clock.GetUtcNow();
            // Lockout is judged in memory (DateTimeOffset does not compare in SQLite); admins are few.
            var otherAdmins = (await db.Users.AsNoTracking()
                    .Where(u => u.Id != id && u.Role == Role.Admin && u.IsActive && u.PasswordHash != null).ToListAsync(ct))
                .Count(u => OrgRules.CanAdminister(u, now));
            OrgRules.EnsureRoleChangeAllowed(user, role, activeReports, await db.Accounts.CountAsync(a => a.OwnerId == id, ct));
            OrgRules.EnsureAdministrationRemains(user, role, !deactivating && user.IsActive, otherAdmins, now);

            user.Update(input.DisplayName ?? user.DisplayName, role, manager);
            user.SetStartedOn(startedOn);
            if (deactivating)
            {
                user.Deactivate(activeReports);
            }
            else if (input.IsActive == true && !user.IsActive)
            {
                user.Activate();
            }
        }
        catch (DomainException e)
        {
            errors[e.Field ?? ""] = [e.Message];
            return (UpdateOutcome.Invalid, user, errors);
        }

        if (!string.IsNullOrEmpty(input.Password))
        {
            foreach (var validator in users.PasswordValidators)
            {
                var result = await validator.ValidateAsync(users, user, input.Password);
                if (!result.Succeeded)
                {
                    errors["password"] = result.Errors.Select(e => e.Description).ToArray();
                    return (UpdateOutcome.Invalid, user, errors);
                }
            }

            user.PasswordHash = users.PasswordHasher.HashPassword(user, input.Password);
            user.SecurityStamp = Guid.NewGuid().ToString("N");
            user.LockoutEnd = null;
            user.AccessFailedCount = 0;
            db.SignInEvents.Add(Sessions.Event(http.HttpContext, SignInEventKind.PasswordChanged, user.Id, user.Email, clock.GetUtcNow()));
            await Invitations.CloseOpenAsync(db, user.Id, clock.GetUtcNow(), ct);
        }

        if (input.IsActive == false && before.IsActive && !user.IsActive)
        {
            // A gone rep covers nothing: the territory stays, vacant, with its accounts (ADR 0039).
            await Territory.Territories.VacateAsync(db, user.Id, actorId, clock.GetUtcNow(), ct);
        }

        if (input.IsActive == true && !before.IsActive && user.IsActive)
        {
            // A rep back gets back the territory their leaving vacated, when it is still vacant (ADR 0048).
            TerritoryNote = await Territory.Territories.RestoreAsync(db, user, actorId, clock.GetUtcNow(), ct) is { Length: > 0 } note ? note : null;
        }

        await Cycles.RepPlans.FollowAsync(db, [user], actorId, clock.GetUtcNow(), ct);
        var after = new { user.DisplayName, Role = user.Role.ToString(), ManagerEmail = user.Manager?.Email, user.IsActive, user.StartedOn, PasswordChanged = !string.IsNullOrEmpty(input.Password) };
        db.AuditEntries.Add(AuditEntry.Record(clock.GetUtcNow(), actorId, "user.updated", "User", id.ToString(),
            JsonSerializer.Serialize(new { before, after })));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            errors["version"] = ["Someone else changed this user while you were saving. Reload and apply your changes again."];
            return (UpdateOutcome.Conflict, user, errors);
        }

        if (before.ManagerEmail != after.ManagerEmail)
        {
            // The rep's reviews to come move to the new manager; the past ones stay with the old (ADR 0025).
            await reviews.FollowRepAsync(user.Id, actorId, ct);
        }

        return (UpdateOutcome.Updated, user, errors);
    }
}
