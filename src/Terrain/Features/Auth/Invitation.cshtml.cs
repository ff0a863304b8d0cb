using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Features.Users;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Auth;

/// <summary>
/// Where an invited user sets their own password, without signing in (like the login page, and under the same flood
/// guard). An unknown, expired, used or replaced link says so and names nobody.
/// </summary>
[AllowAnonymous]
public sealed class InvitationModel(Invitations invitations, Sessions sessions) : PageModel
{
    public sealed class InputModel
    {
        [Required(ErrorMessage = "Choose a password.")]
        [DataType(DataType.Password)]
        [Display(Name = "New password")]
        public string Password { get; set; } = "";

        [Required(ErrorMessage = "Type the password again.")]
        [DataType(DataType.Password)]
        [Compare(nameof(Password), ErrorMessage = "The two passwords are not the same.")]
        [Display(Name = "New password, again")]
        public string Confirm { get; set; } = "";
    }

    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>Why the link does not work; null while it does.</summary>
    public string? Refusal { get; private set; }

    public string? Email { get; private set; }

    public string? DisplayName { get; private set; }

    public DateTimeOffset? ExpiresAt { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LookUpAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            await LookUpAsync(ct);
            return Page();
        }

        var (outcome, user, errors) = await invitations.AcceptAsync(Token, Input.Password, ct);
        if (outcome == AcceptOutcome.Accepted)
        {
            await sessions.SignInWithCookieAsync(user!, persistent: false, ct);
            return LocalRedirect("/");
        }

        await LookUpAsync(ct);
        foreach (var message in errors.GetValueOrDefault("password") ?? [])
        {
            ModelState.AddModelError("Input.Password", message);
        }

        return Page();
    }

    private async Task LookUpAsync(CancellationToken ct)
    {
        // The token is in the address: it goes to no other page, not even this site's own, and no cache keeps the page.
        Response.Headers["Referrer-Policy"] = "no-referrer";
        Response.Headers.CacheControl = "no-store";
        var found = await invitations.FindAsync(Token, ct);
        if (found.User is { } user)
        {
            Email = user.Email;
            DisplayName = user.DisplayName;
            ExpiresAt = found.ExpiresAt;
        }
        else
        {
            Refusal = Invitations.Explain(found);
        }
    }
}
