using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Features.Users;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Admin.Users;

public sealed class EditModel(UpdateUser handler, UserQueries users, CurrentUser me) : PageModel
{
    public sealed class FormInput
    {
        public string DisplayName { get; set; } = "";

        public string Role { get; set; } = "";

        public string? ManagerEmail { get; set; }

        public bool IsActive { get; set; }

        public string? StartedOn { get; set; }

        public string? Password { get; set; }

        public string Version { get; set; } = "";
    }

    [BindProperty]
    public FormInput Input { get; set; } = new();

    public UserRow Subject { get; private set; } = null!;

    public IReadOnlyList<UserRow> Managers { get; private set; } = [];

    public bool Conflict { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        Input = new FormInput
        {
            DisplayName = Subject.DisplayName,
            Role = Subject.Role.ToString(),
            ManagerEmail = Subject.ManagerEmail,
            IsActive = Subject.IsActive,
            StartedOn = Subject.StartedOn?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Version = Subject.Version,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var (outcome, _, errors) = await handler.HandleAsync(id, new UpdateUser.Input
        {
            DisplayName = Input.DisplayName,
            Role = Input.Role,
            ManagerEmail = Input.ManagerEmail ?? "",
            IsActive = Input.IsActive,
            StartedOn = Input.StartedOn ?? "",
            Password = string.IsNullOrEmpty(Input.Password) ? null : Input.Password,
            Version = Input.Version,
        }, me.Id, ct);
        if (outcome == UpdateOutcome.NotFound || !await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (outcome == UpdateOutcome.Updated)
        {
            TempData["Created"] = handler.TerritoryNote is { } note ? $"Saved {Subject.Email}. {note}" : $"Saved {Subject.Email}.";
            return RedirectToPage("Index");
        }

        // On a conflict the form keeps what this admin typed; the page shows the current values beside it.
        Conflict = outcome == UpdateOutcome.Conflict;
        Input.Version = Conflict ? Input.Version : Subject.Version;
        foreach (var (field, messages) in errors)
        {
            foreach (var message in messages)
            {
                ModelState.AddModelError(field is "" or "version" ? "" : $"Input.{char.ToUpperInvariant(field[0])}{field[1..]}", message);
            }
        }

        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await users.GetAsync(id, ct) is not { } subject)
        {
            return false;
        }

        Subject = subject;
        Managers = (await users.ListAsync(null, null, ct)).Where(u => u.Role != Role.Rep && u.IsActive && u.Id != id).ToList();
        return true;
    }
}
