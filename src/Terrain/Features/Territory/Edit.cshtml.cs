using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Features.Users;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Territory;

/// <summary>One territory: rename it, name its rep (or make it vacant: its accounts follow at once), move its base.</summary>
[Authorize(Policy = Policies.Prefix + nameof(Act.AssignAccounts))]
[FormPrefix("Form")]
public sealed class EditModel(Territories territories, RepPicker picker) : PageModel, IReloadsOnRefusal
{
    [BindProperty]
    public TerritoryForm Form { get; set; } = new();

    public TerritoryView Current { get; private set; } = null!;

    public IReadOnlyList<PersonChoice>? Reps { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        Form = new TerritoryForm
        {
            Name = Current.Name,
            RepId = Current.RepId,
            RepEmail = Current.RepEmail,
            BaseAddress = Current.BaseAddress,
            BaseLatitude = Current.BaseLatitude,
            BaseLongitude = Current.BaseLongitude,
            Version = Current.Version,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var input = await Form.ToInputAsync(picker, ct);
        var result = await territories.UpdateAsync(id, input, string.IsNullOrEmpty(Form.Version) ? null : Form.Version, ct);
        switch (result.Outcome)
        {
            case TerritoryOutcome.NotFound:
                return NotFound();
            case TerritoryOutcome.Saved:
                TempData["Saved"] = $"Saved {result.Current!.Name}.";
                return RedirectToPage("Territories");
            default:
                // Stale, or no version: show what it is now, and ask to redo the change on it.
                ModelState.AddModelError("", "Someone changed this territory after you opened it, so your change was not saved. Here it is as it is now: redo your change.");
                Response.StatusCode = StatusCodes.Status409Conflict;
                await LoadAsync(id, ct);
                Form.Version = Current.Version;
                return Page();
        }
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct) =>
        Guid.TryParse(RouteData.Values["id"]?.ToString(), out var id) && await LoadAsync(id, ct) ? null : NotFound();

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await territories.GetAsync(id, ct) is not { } current)
        {
            return false;
        }

        Current = current;
        Reps = await picker.ListAsync(ct);
        return true;
    }
}
