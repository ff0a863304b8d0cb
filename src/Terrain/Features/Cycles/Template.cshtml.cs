using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Cycles;

/// <summary>
/// What a cycle's plans contain. Everyone reads it; those who run cycles change it here (sections, their order,
/// kinds and instructions) until the first plan is submitted against it.
/// </summary>
public sealed class TemplateModel(CycleHandlers cycles, CycleTemplate template, AccessPolicy access, AppDbContext db) : PageModel, IReloadsOnRefusal
{
    public CycleRow Cycle { get; private set; } = null!;

    public IReadOnlyList<TemplateSectionRow> Sections { get; private set; } = [];

    /// <summary>The sections as the form posts them, in the page's order; the last, blank one adds a section.</summary>
    [BindProperty]
    public List<SectionForm> Rows { get; set; } = [];

    /// <summary>Why the template cannot change any more, for those who could otherwise change it.</summary>
    public string? Locked { get; private set; }

    public bool CanEdit => access.May(Act.RunCycles) && Locked is null;

    [TempData]
    public string? Saved { get; set; }

    public sealed class SectionForm
    {
        public string? Key { get; set; }

        public string? Title { get; set; }

        public string? Instructions { get; set; }

        public string? Kind { get; set; }

        public bool Required { get; set; }

        public bool Remove { get; set; }

        public int? Position { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        Rows = [.. Sections.Select(s => new SectionForm
        {
            Key = s.Key, Title = s.Title, Instructions = s.Instructions, Kind = s.Kind, Required = s.Required, Position = s.Order,
        }), new SectionForm { Kind = nameof(SectionKind.Narrative), Required = true }];
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!access.May(Act.RunCycles))
        {
            return Forbid();
        }

        var kept = Rows.Select((row, index) => (Row: row, Index: index))
            .Where(r => !r.Row.Remove && !(string.IsNullOrWhiteSpace(r.Row.Key) && string.IsNullOrWhiteSpace(r.Row.Title)))
            .OrderBy(r => r.Row.Position ?? int.MaxValue).ThenBy(r => r.Index).ToList();
        var keys = kept.Select(r => r.Row.Key?.Trim()).OfType<string>().Where(k => k.Length > 0).ToHashSet(StringComparer.Ordinal);
        var sections = new List<SectionInput>();
        foreach (var (row, index) in kept)
        {
            var key = string.IsNullOrWhiteSpace(row.Key) ? NewKey(row.Title!, keys) : row.Key.Trim();
            var input = new SectionInput(key, row.Title, row.Instructions, row.Kind, row.Required);
            try
            {
                input.ToSpec(index).Validate();
            }
            catch (DomainException e) when (e is not InvalidStateException)
            {
                throw new DomainException(e.Message, $"rows[{index}].{e.Field}");
            }

            sections.Add(input);
        }

        if (await template.ReplaceAsync(id, sections, ct) is not { } saved)
        {
            return NotFound();
        }

        Saved = $"The template is saved: {saved.Count} sections, {saved.Count(s => s.Required)} of them required.";
        return Redirect($"/Cycles/Template/{id}");
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct) =>
        await LoadAsync(Guid.Parse(RouteData.Values["id"]!.ToString()!), ct) ? null : NotFound();

    /// <summary>A key for a new section from its title: "Partner plan" is partner-plan (partner-plan-2 when taken).</summary>
    private static string NewKey(string title, HashSet<string> taken)
    {
        var slug = new StringBuilder();
        foreach (var c in title.Trim().ToLowerInvariant())
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                slug.Append(c);
            }
            else if (slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }
        }

        var stem = slug.ToString().Trim('-') is { Length: > 0 } s ? s[..Math.Min(s.Length, 34)].Trim('-') : "section";
        var key = stem;
        for (var n = 2; !taken.Add(key); n++)
        {
            key = $"{stem}-{n}";
        }

        return key;
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await cycles.GetAsync(id, ct) is not { } cycle || await template.GetAsync(id, ct) is not { } sections)
        {
            return false;
        }

        (Cycle, Sections) = (cycle, sections);
        if (access.May(Act.RunCycles))
        {
            Locked = cycle.Status == "Closed" ? $"{cycle.Name} is closed."
                : await db.Plans.AnyAsync(p => p.CycleId == id && p.FirstSubmittedAt != null, ct)
                    ? "Plans of this cycle have been submitted against it, so it can no longer change."
                    : null;
        }

        return true;
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
