using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Features.Dashboards;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.TerritoryDesign.Scenarios;

/// <summary>Two scenarios side by side (ADR 0045): pick both, read the totals, the chart and the table, export them.</summary>
[Authorize(Policy = Policies.Prefix + nameof(Act.ReadScenarios))]
public sealed class CompareModel(Scenarios scenarios, ScenarioComparison comparison) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? A { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? B { get; set; }

    public IReadOnlyList<ScenarioSummary> List { get; private set; } = [];

    public ScenarioPairView? Pair { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        List = await scenarios.ListAsync(ct);
        if (A is { } a && B is { } b)
        {
            Pair = await comparison.CompareAsync(a, b, ct);
            if (Pair is null)
            {
                return NotFound();
            }
        }

        return Page();
    }

    public async Task<IActionResult> OnGetExportAsync(string? format, string? table, CancellationToken ct)
    {
        if (A is not { } a || B is not { } b || await comparison.CompareAsync(a, b, ct) is not { } view)
        {
            return NotFound();
        }

        var file = TableExport.Render(TableExport.FormatOf(format) ?? "csv", ScenarioPairs.FileName(view), ScenarioPairs.Tables(view),
            table is "territories" or "totals" ? table : null);
        return File(file.Content, file.ContentType, file.FileName);
    }
}
