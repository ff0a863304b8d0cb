using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Features.Users;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Admin.Users;

public sealed class CreateModel(CreateUser handler, UserQueries users, CurrentUser me) : PageModel
{
    [BindProperty]
    public CreateUser.Input Input { get; set; } = new() { Role = nameof(Role.Rep) };

    public IReadOnlyList<UserRow> Managers { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (ModelState.IsValid)
        {
            var (user, invitation, errors) = await handler.HandleWithInvitationAsync(Input, me.Id, ct);
            if (user is not null)
            {
                TempData["Created"] = invitation switch
                {
                    null => $"Created {user.Role} {user.Email}.",
                    { Emailed: true } => $"Created {user.Role} {user.Email} and emailed them an invitation to set their password.",
                    _ => $"Created {user.Role} {user.Email}. Send them the invitation link below.",
                };
                if (invitation is { Link: { } link })
                {
                    // Shown once on the list, which keeps no copy: TempData travels in the admin's protected cookie.
                    TempData["InvitationLink"] = link;
                    TempData["InvitationFor"] = user.Id.ToString();
                }

                return RedirectToPage("Index");
            }

            foreach (var (field, messages) in errors)
            {
                foreach (var message in messages)
                {
                    ModelState.AddModelError(field.Length == 0 ? "" : $"Input.{char.ToUpperInvariant(field[0])}{field[1..]}", message);
                }
            }
        }

        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) =>
        Managers = (await users.ListAsync(null, null, ct)).Where(u => u.Role != Role.Rep && u.IsActive).ToList();
}
