using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Terrain.Features.Cycles;

public sealed class TemplateModel(CycleHandlers cycles, CycleTemplate template) : PageModel
{
    public CycleRow Cycle { get; private set; } = null!;

    public IReadOnlyList<TemplateSectionRow> Sections { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await cycles.GetAsync(id, ct) is not { } cycle || await template.GetAsync(id, ct) is not { } sections)
        {
            return NotFound();
        }

        (Cycle, Sections) = (cycle, sections);
        return Page();
    }

    public static string KindLabel(string kind) => kind switch
    {
        "Narrative" => "Text",
        "Swot" => "SWOT",
        "AccountSegmentation" => "Worksheet: account tiers",
        "Goals" => "Worksheet: goals per quarter",
        "KeyAccountPlans" => "Key account plans",
        "ProspectingPlan" => "Prospecting plan",
        "ActionPlan" => "Worksheet: actions",
        "ResourcesNeeded" => "Resources",
        _ => kind,
    };
}
