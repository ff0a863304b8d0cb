using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Features.Accounts;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Territory;

/// <summary>The queue of accounts that belong to nobody (no territory, no owner), largest first, to place (ADR 0039).</summary>
[Authorize(Policy = Policies.Prefix + nameof(Act.AssignAccounts))]
public sealed class UnassignedModel(BookOfBusiness book, AccountAssignments assignments, Territories territories) : PageModel, IReloadsOnRefusal
{
    public const int PageSize = 100;

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    [TempData]
    public string? Saved { get; set; }

    public IReadOnlyList<AccountRow> Items { get; private set; } = [];

    public int Total { get; private set; }

    public decimal Potential { get; private set; }

    public MoveForm Move { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostMoveAsync(List<Guid> ids, string? idList, Guid? territoryId, DateOnly? effectiveFrom, CancellationToken ct)
    {
        var outcome = await assignments.AssignAsync(new AssignmentRequest(AccountAssignments.ParseIds(ids, idList), territoryId, effectiveFrom), ct);
        Saved = IndexModel.Describe(outcome);
        return RedirectToPage(new { q = Search });
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        await LoadAsync(ct);
        return null;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        PageNumber = Math.Clamp(PageNumber, 1, AccountFilter.MaxPage);
        (Items, Total, Potential) = await book.UnassignedAsync(Search, PageNumber, PageSize, ct);
        Move = new MoveForm("move-form", "/Territory/Unassigned", await territories.ChoicesAsync(ct),
            new Dictionary<string, string?> { ["q"] = Search }, "Move", null, Total,
            [.. ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage)]);
    }
}
