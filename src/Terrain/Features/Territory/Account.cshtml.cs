using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Features.Accounts;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Territory;

/// <summary>One account's place: its territory and owner, the moves dated to come, its history, and a move of its own.</summary>
[Authorize(Policy = Policies.Prefix + nameof(Act.AssignAccounts))]
public sealed class AccountModel(AccountQueries accounts, BookOfBusiness book, AccountAssignments assignments, Territories territories,
    AccountOverlays overlays, RepPicker picker)
    : PageModel, IReloadsOnRefusal
{
    [TempData]
    public string? Saved { get; set; }

    public AccountRow Account { get; private set; } = null!;

    public IReadOnlyList<MoveRow> Moves { get; private set; } = [];

    public IReadOnlyList<(Guid Id, string Label)> Territories { get; private set; } = [];

    public IReadOnlyList<OverlayView> Overlays { get; private set; } = [];

    /// <summary>Adds an overlay rep (typed as an email or a picked suggestion) with a credit split, or changes theirs.</summary>
    public async Task<IActionResult> OnPostOverlayAsync(Guid id, string? repEmail, decimal? creditPercent, string? role, CancellationToken ct)
    {
        var (rep, _) = string.IsNullOrWhiteSpace(repEmail) ? (null, []) : await picker.ResolveAsync(repEmail, ct);
        if (rep is null)
        {
            throw new DomainException(string.IsNullOrWhiteSpace(repEmail) ? "Type the overlay rep's email." : $"No single rep matches '{repEmail.Trim()}'.", "repEmail");
        }

        if (!await overlays.SetAsync(id, rep.Id, new OverlayInput(creditPercent, role), ct))
        {
            return NotFound();
        }

        Saved = $"{rep.DisplayName} shares this account with a {creditPercent:0.##}% credit split.";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRemoveOverlayAsync(Guid id, Guid repId, CancellationToken ct)
    {
        if (!await overlays.RemoveAsync(id, repId, ct))
        {
            return NotFound();
        }

        Saved = "Removed the overlay rep.";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    /// <summary>Moves this account, pinned to the version read: a move over someone else's change is refused (409).</summary>
    public async Task<IActionResult> OnPostAsync(Guid id, Guid? territoryId, DateOnly? effectiveFrom, string? version, CancellationToken ct)
    {
        var outcome = await assignments.AssignAsync(new AssignmentRequest([id], territoryId, effectiveFrom,
            version is null ? null : new Dictionary<Guid, string> { [id] = version }), ct);
        Saved = IndexModel.Describe(outcome);
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct) =>
        Guid.TryParse(RouteData.Values["id"]?.ToString(), out var id) && await LoadAsync(id, ct) ? null : NotFound();

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await accounts.GetAsync(id, ct) is not { } account)
        {
            return false;
        }

        Account = account;
        Moves = await book.MovesOfAsync(id, ct);
        Territories = await territories.ChoicesAsync(ct);
        Overlays = await overlays.ListAsync(id, ct) ?? [];
        return true;
    }
}
