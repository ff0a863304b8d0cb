using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Strategies;

/// <summary>Starts a strategy: a name and a period make a draft, which the leader then writes on the edit page.</summary>
[May(Act.WriteStrategy)]
public sealed class NewModel(StrategyHandlers handlers, TimeProvider clock) : PageModel
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? PeriodStart { get; set; }

    [BindProperty]
    public string? PeriodEnd { get; set; }

    /// <summary>The field a refusal names (Name, PeriodStart or PeriodEnd) and why; one naming no input is shown at the name.</summary>
    public (string Field, string Message)? Error => ModelState
        .Where(e => e.Value is { Errors.Count: > 0 })
        .Select(e => ((string Field, string Message)?)(e.Key is nameof(PeriodStart) or nameof(PeriodEnd) ? e.Key : nameof(Name), e.Value!.Errors[0].ErrorMessage))
        .FirstOrDefault();

    public IActionResult OnGet()
    {
        var next = clock.GetUtcNow().Year + 1;
        PeriodStart = new DateOnly(next, 1, 1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        PeriodEnd = new DateOnly(next, 12, 31).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var input = new StrategyInput
        {
            Name = Name ?? "",
            PeriodStart = StrategyForm.ParseDate(PeriodStart, "periodStart", "start"),
            PeriodEnd = StrategyForm.ParseDate(PeriodEnd, "periodEnd", "end"),
        };
        var created = await handlers.CreateAsync(input, ct);
        return Redirect($"/Strategies/{created.Id}/Edit");
    }

    public string? ErrorFor(string field) => Error is { } e && e.Field == field ? e.Message : null;
}
