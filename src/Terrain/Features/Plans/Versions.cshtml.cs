using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain.Planning;

namespace Terrain.Features.Plans;

public sealed class VersionsModel(PlanHandlers plans, PlanVersions versions) : PageModel
{
    public PlanRow Plan { get; private set; } = null!;

    public IReadOnlyList<VersionRow> Versions { get; private set; } = [];

    /// <summary>What the compare form starts with; null when there is nothing to compare yet.</summary>
    public (string A, string B)? Pair { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await plans.GetAsync(id, ct) is not { } plan || await versions.ListAsync(id, ct) is not { } list)
        {
            return NotFound();
        }

        (Plan, Versions) = (plan, list);
        Pair = DefaultPair(plan, list);
        return Page();
    }

    public static bool IsRevising(PlanRow plan) => plan.Status is nameof(PlanStatus.Draft) or nameof(PlanStatus.ChangesRequested);

    /// <summary>
    /// The last submission against the draft while the rep is revising it, else the last two submissions; a plan
    /// submitted once compares that submission with the plan as it is.
    /// </summary>
    public static (string A, string B)? DefaultPair(PlanRow plan, IReadOnlyList<VersionRow> versions)
    {
        if (versions.Count == 0)
        {
            return null;
        }

        var last = versions[^1].Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (IsRevising(plan) || versions.Count == 1)
        {
            return (last, PlanVersions.Current);
        }

        return (versions[^2].Number.ToString(System.Globalization.CultureInfo.InvariantCulture), last);
    }

    public static string Label(VersionRow v) => $"Submission {v.Number} · {v.SubmittedAt:d MMM yyyy HH:mm} UTC";

    public string CompareLink(string a, string b) => $"/Plans/{Plan.Id}/Compare?a={a}&b={b}";
}
