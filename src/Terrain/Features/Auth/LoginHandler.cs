using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Auth;

public enum LoginOutcome
{
    Success,
    Invalid,
    LockedOut,
}

/// <summary>Checks a password with lockout on, for the login page and the token endpoint alike.</summary>
public sealed class LoginHandler(UserManager<AppUser> users, SignInManager<AppUser> signIn)
{
    public async Task<(LoginOutcome Outcome, AppUser? User)> CheckAsync(string? email, string? password)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            return (LoginOutcome.Invalid, null);
        }

        var normalized = users.NormalizeEmail(email.Trim());
        var user = await users.Users.FirstOrDefaultAsync(u => u.NormalizedEmail == normalized);
        if (user is null || !user.IsActive || user.PasswordHash is null)
        {
            // Spend the same time as a real check, so timing does not tell which emails exist.
            users.PasswordHasher.VerifyHashedPassword(user ?? FakeUser, DummyHash.Value, password);
            return (LoginOutcome.Invalid, null);
        }

        var result = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            return (LoginOutcome.LockedOut, user);
        }

        return result.Succeeded ? (LoginOutcome.Success, user) : (LoginOutcome.Invalid, null);
    }

    private static readonly AppUser FakeUser = AppUser.Create("nobody@invalid.example", "Nobody", Role.Admin, null, DateTimeOffset.UnixEpoch);

    private static readonly Lazy<string> DummyHash = new(() =>
        new PasswordHasher<AppUser>(Options.Create(new PasswordHasherOptions { IterationCount = AuthenticationSetup.PasswordIterations }))
            .HashPassword(FakeUser, Guid.NewGuid().ToString()));
}
