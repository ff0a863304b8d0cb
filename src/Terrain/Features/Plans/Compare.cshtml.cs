using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Terrain.Features.Plans;

public sealed class CompareModel(PlanHandlers plans, PlanVersions versions) : PageModel
{
    /// <summary>Unchanged lines beyond this many in a row fold away, keeping a little context around each change.</summary>
    public const int Context = 2;

    [BindProperty(SupportsGet = true)]
    public string? A { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? B { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Changed { get; set; }

    public PlanRow Plan { get; private set; } = null!;

    public Comparison Comparison { get; private set; } = null!;

    /// <summary>Who changed each section between the two versions (ADR 0033): "changed by Rep One and Manager One".</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Editors { get; private set; } = new Dictionary<string, IReadOnlyList<string>>();

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await plans.GetAsync(id, ct) is not { } plan || await versions.ListAsync(id, ct) is not { } list)
        {
            return NotFound();
        }

        if (string.IsNullOrWhiteSpace(A) || string.IsNullOrWhiteSpace(B))
        {
            if (VersionsModel.DefaultPair(plan, list) is not { } pair)
            {
                return RedirectToPage("Versions", new { id });
            }

            (A, B) = pair;
        }

        // The older version always goes on the left, whichever way round the two were picked.
        if (Rank(A) > Rank(B))
        {
            (A, B) = (B, A);
        }

        if (await versions.CompareAsync(id, A, B, ct) is not { } comparison)
        {
            return NotFound();
        }

        (Plan, Comparison) = (plan, comparison);
        Editors = await versions.EditorsAsync(id, A, B, ct);
        return Page();
    }

    private static int Rank(string version) =>
        int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;

    public string Link(bool onlyChanged) =>
        $"/Plans/{Plan.Id}/Compare?a={Uri.EscapeDataString(A!)}&b={Uri.EscapeDataString(B!)}" + (onlyChanged ? "&changed=true" : "");

    /// <summary>"1 line changed, 2 lines added".</summary>
    public static string Describe(IReadOnlyList<DiffLine> lines) => string.Join(", ",
        new[] { (DiffKind.Changed, "changed"), (DiffKind.Added, "added"), (DiffKind.Removed, "removed") }
            .Select(k => (Count: lines.Count(l => l.Kind == k.Item1), Verb: k.Item2))
            .Where(k => k.Count > 0)
            .Select(k => $"{k.Count} {(k.Count == 1 ? "line" : "lines")} {k.Verb}"));

    /// <summary>A section's lines with long unchanged runs folded: a row of lines, or a fold of unchanged ones.</summary>
    public static IEnumerable<(DiffLine? Line, IReadOnlyList<string>? Folded)> Rows(IReadOnlyList<DiffLine> lines)
    {
        var i = 0;
        while (i < lines.Count)
        {
            if (lines[i].Kind != DiffKind.Same)
            {
                yield return (lines[i++], null);
                continue;
            }

            var end = i;
            while (end < lines.Count && lines[end].Kind == DiffKind.Same)
            {
                end++;
            }

            var keepHead = i == 0 ? 0 : Context;
            var keepTail = end == lines.Count ? 0 : Context;
            if (end - i <= keepHead + keepTail + 1)
            {
                for (; i < end; i++)
                {
                    yield return (lines[i], null);
                }

                continue;
            }

            for (var k = 0; k < keepHead; k++)
            {
                yield return (lines[i++], null);
            }

            var foldEnd = end - keepTail;
            yield return (null, lines.Skip(i).Take(foldEnd - i).Select(l => l.Left ?? "").ToList());
            for (i = foldEnd; i < end; i++)
            {
                yield return (lines[i], null);
            }
        }
    }
}
