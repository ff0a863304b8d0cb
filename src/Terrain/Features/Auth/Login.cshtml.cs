using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Auth;

[AllowAnonymous]
public sealed class LoginModel(LoginHandler handler, Sessions sessions) : PageModel
{
    public sealed class InputModel
    {
        [Required(ErrorMessage = "Enter your email address.")]
        [EmailAddress(ErrorMessage = "Enter a valid email address.")]
        [Display(Name = "Email")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Enter your password.")]
        [DataType(DataType.Password)]
        public string Password { get; set; } = "";

        [Display(Name = "Keep me signed in on this device")]
        public bool RememberMe { get; set; }
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? LocalRedirect(SafeReturnUrl) : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var result = await handler.CheckAsync(Input.Email, Input.Password, HttpContext.RequestAborted);
        switch (result.Outcome)
        {
            case LoginOutcome.Success:
                await sessions.SignInWithCookieAsync(result.User!, Input.RememberMe, HttpContext.RequestAborted);
                return LocalRedirect(SafeReturnUrl);
            case LoginOutcome.Throttled:
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                Response.Headers.RetryAfter = LoginHandler.RetryAfterHeader(result.RetryAfter);
                ModelState.AddModelError("", $"Too many failed sign-ins from this device or for this account. Wait {LoginHandler.Describe(result.RetryAfter)}, then try again.");
                return Page();
            case LoginOutcome.Invalid:
                ModelState.AddModelError("", "The email or password is wrong.");
                return Page();
            default:
                throw new InvalidOperationException($"Unknown sign-in outcome {result.Outcome}.");
        }
    }

    private string SafeReturnUrl => !string.IsNullOrEmpty(ReturnUrl) && Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/";
}
