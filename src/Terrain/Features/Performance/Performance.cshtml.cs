using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain.Performance;
using Terrain.Features.Plans;

namespace Terrain.Features.Performance;

/// <summary>The rep's performance against the plan in force, as of a business date: the same figures as the API.</summary>
public sealed class PerformanceModel(GoalPerformance performance) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public DateOnly? AsOf { get; set; }

    public PlanPerformance View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            AsOf = null;
        }

        if (await performance.GetAsync(id, AsOf, ct) is not { } view)
        {
            return NotFound();
        }

        View = view;
        return Page();
    }

    public static string Amount(GoalPerformanceRow goal, decimal? value) => GoalMetrics.MeasureOf(goal.Metric) switch
    {
        GoalMeasure.Revenue or GoalMeasure.Pipeline => PlanFormat.Money(value),
        _ => value is { } v ? v.ToString("#,0.##", CultureInfo.InvariantCulture) : "–",
    };

    public static string Percent(decimal? ratio) =>
        ratio is { } r ? (r * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "no target";

    public static string Raw(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    public static string StatusLabel(GoalStatus status) => status switch
    {
        GoalStatus.OnTrack => "On track",
        GoalStatus.AtRisk => "At risk",
        GoalStatus.OffTrack => "Off track",
        GoalStatus.NoTarget => "No target",
        GoalStatus.NotRated => "Not rated yet",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string Coverage(PeriodRow p) => p.CoverageMet == true ? "met" : p.Coverage is { } c ? c.ToString("0.##", CultureInfo.InvariantCulture) + "×" : "–";
}
