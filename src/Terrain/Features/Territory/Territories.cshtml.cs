using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Features.Users;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Territory;

/// <summary>The territories, each with its rep (or vacant), base and book; leaders and admins add one here (ADR 0039).</summary>
[Authorize(Policy = Policies.Prefix + nameof(Act.AssignAccounts))]
[FormPrefix("Form")]
public sealed class TerritoriesModel(Territories territories, RepPicker picker, BookOfBusiness book) : PageModel, IReloadsOnRefusal
{
    [BindProperty]
    public TerritoryForm Form { get; set; } = new();

    [TempData]
    public string? Saved { get; set; }

    public IReadOnlyList<TerritoryView> List { get; private set; } = [];

    /// <summary>Every rep when they are few enough for a drop-down; null when the rep is typed (an email) instead.</summary>
    public IReadOnlyList<PersonChoice>? Reps { get; private set; }

    public int Unowned { get; private set; }

    public decimal UnownedPotential { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var created = await territories.CreateAsync(await Form.ToInputAsync(picker, ct), ct);
        Saved = $"Created {created.Name}" + (created.Accounts > 0 ? $" with {created.Accounts} of its rep's accounts." : ".");
        return RedirectToPage();
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        await LoadAsync(ct);
        return null;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        List = await territories.ListAsync(ct);
        Reps = await picker.ListAsync(ct);
        (_, Unowned, UnownedPotential) = await book.UnassignedAsync(null, 1, 1, ct);
    }
}

/// <summary>The territory form of the pages: the rep is chosen from a list or typed as an email (many reps).</summary>
public sealed class TerritoryForm
{
    public string? Name { get; set; }

    public Guid? RepId { get; set; }

    public string? RepEmail { get; set; }

    public string? BaseAddress { get; set; }

    public double? BaseLatitude { get; set; }

    public double? BaseLongitude { get; set; }

    public string? Version { get; set; }

    public async Task<TerritoryInput> ToInputAsync(RepPicker picker, CancellationToken ct)
    {
        var repId = RepId;
        if (repId is null && !string.IsNullOrWhiteSpace(RepEmail))
        {
            var (rep, _) = await picker.ResolveAsync(RepEmail, ct);
            repId = rep?.Id ?? throw new DomainException($"No single rep matches '{RepEmail.Trim()}'. Type the rep's email.", "repEmail");
        }

        return new TerritoryInput(Name, repId, BaseAddress, BaseLatitude, BaseLongitude);
    }
}
