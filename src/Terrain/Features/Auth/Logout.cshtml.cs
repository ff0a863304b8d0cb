using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Auth;

public sealed class LogoutModel(Sessions sessions) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await sessions.SignOutAsync(User, cookie: true, HttpContext.RequestAborted);
        return RedirectToPage("/Auth/Login");
    }
}
