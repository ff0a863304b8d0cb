using System.Collections.Frozen;
using Microsoft.AspNetCore.Identity;
using Terrain.Domain;

namespace Terrain.Infrastructure.Auth;

/// <summary>
/// Refuses passwords that attackers try first (ASVS 5.0 V6.2): any of the 49,000 most common passwords of the
/// zxcvbn-ts list (common-passwords.txt, refreshed by copy-libs.mjs), ignoring case and the digits and symbols people
/// add at either end to pass the length and digit rules (Password1234, !Qwerty2024), and passwords built on the
/// user's own email or name. Registered with Identity, so every way a password is set (users add, the admin pages
/// and API, password changes) goes through it.
/// </summary>
public sealed class CommonPasswordValidator : IPasswordValidator<AppUser>
{
    private const int ShortestPersonalWord = 4;

    private static readonly Lazy<FrozenSet<string>> Common = new(Load);

    internal static int Count => Common.Value.Count;

    public static bool IsCommon(string password)
    {
        var lower = password.ToLowerInvariant();
        return Common.Value.Contains(lower) || Common.Value.Contains(Core(lower));
    }

    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return Task.FromResult(IdentityResult.Success);
        }

        if (IsCommon(password))
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = "CommonPassword",
                Description = "This password is one of the most common ones, which attackers try first. Choose one that is not a word or pattern with digits added.",
            }));
        }

        var lower = password.ToLowerInvariant();
        var personal = PersonalWords(user).FirstOrDefault(word => lower.Contains(word, StringComparison.Ordinal));
        if (personal is not null)
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = "PersonalPassword",
                Description = "The password must not contain your name or email address.",
            }));
        }

        return Task.FromResult(IdentityResult.Success);
    }

    /// <summary>The password without the digits and symbols at its ends: "password" for "Password1234!".</summary>
    private static string Core(string lower)
    {
        var start = 0;
        while (start < lower.Length && !char.IsLetter(lower[start]))
        {
            start++;
        }

        var end = lower.Length;
        while (end > start && !char.IsLetter(lower[end - 1]))
        {
            end--;
        }

        return lower[start..end];
    }

    private static IEnumerable<string> PersonalWords(AppUser user)
    {
        var local = user.Email?.Split('@')[0] ?? "";
        return new[] { local }
            .Concat(local.Split('.', '_', '-', '+'))
            .Concat(user.DisplayName.Split(' ', '-', '\'', '.'))
            .Select(w => w.Trim().ToLowerInvariant())
            .Where(w => w.Length >= ShortestPersonalWord)
            .Distinct();
    }

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswordValidator).Assembly.GetManifestResourceStream("Terrain.common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is missing from the build (Terrain.csproj embeds it).");
        using var reader = new StreamReader(stream);
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Trim() is { Length: > 0 } word)
            {
                words.Add(word.ToLowerInvariant());
            }
        }

        return words.ToFrozenSet(StringComparer.Ordinal);
    }
}
