using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Quotas;

/// <summary>
/// The signed-in rep's quota letter (ADR 0038): their quota by quarter and how it was set, the changes since it was
/// published, and the button that acknowledges it as it is now.
/// </summary>
public sealed class LetterModel(QuotaAllocations allocations) : PageModel, IReloadsOnRefusal
{
    [BindProperty(SupportsGet = true)]
    public Guid? Cycle { get; set; }

    /// <summary>The version the rep read, posted back with the acknowledgement.</summary>
    [BindProperty]
    public int Version { get; set; }

    public QuotaLetter? Letter { get; private set; }

    [TempData]
    public string? Saved { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => Letter = await allocations.LetterAsync(Cycle, ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await allocations.AcknowledgeAsync(new AcknowledgeInput(Cycle ?? Guid.Empty, Version), ct) is not { } letter)
        {
            return NotFound();
        }

        Saved = $"Thank you: you acknowledged your {letter.Cycle} quota.";
        return RedirectToPage("Letter", new { cycle = letter.CycleId });
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        Letter = await allocations.LetterAsync(Cycle, ct);
        return null;
    }
}
