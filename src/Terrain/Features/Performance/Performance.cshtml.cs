using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Domain.Performance;
using Terrain.Domain.Planning;
using Terrain.Features.Plans;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Performance;

/// <summary>The rep's performance against the plan in force, as of a business date: the same figures as the API.</summary>
public sealed class PerformanceModel(GoalPerformance performance, ActionStatusUpdate actions, AccessPolicy access, Data.AppDbContext db) : PageModel, IReloadsOnRefusal
{
    [BindProperty(SupportsGet = true)]
    public DateOnly? AsOf { get; set; }

    public PlanPerformance View { get; private set; } = null!;

    /// <summary>Whether the reader keeps this plan's action statuses (its owner or the owner's manager).</summary>
    public bool CanTrackActions { get; private set; }

    public bool CanSetThresholds => access.May(Act.SetMetrics);

    [TempData]
    public string? Flash { get; set; }

    /// <summary>The action whose status change was refused or lost a race, and why.</summary>
    public (Guid Action, string Message)? ActionError { get; private set; }

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
        CanTrackActions = access.May(Act.TrackActions, new About(view.RepId, await ManagerOfAsync(view.RepId, ct)));
        return Page();
    }

    /// <summary>One action's status, from the select beside it: the same handler as PATCH /api/v1/plans/{id}/actions/{actionId}.</summary>
    public async Task<IActionResult> OnPostActionAsync(Guid id, Guid actionId, string? status, string? version, CancellationToken ct)
    {
        var result = await actions.UpdateAsync(id, actionId, status, version ?? "", ct);
        switch (result.Outcome)
        {
            case ActionStatusOutcome.NotFound:
                return NotFound();
            case ActionStatusOutcome.Saved:
                Flash = $"“{result.Current!.Title}” is now {ActionItem.StatusLabel(result.Current.Status).ToLowerInvariant()}.";
                return RedirectToPage(null, null, new { id, asOf = AsOf?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }, "actions");
            default:
                await OnGetAsync(id, ct);
                ActionError = (actionId, $"Someone set this action to {ActionItem.StatusLabel(result.Current?.Status).ToLowerInvariant()} after you opened the page; yours was not saved. Choose again.");
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
        }
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        var id = Guid.Parse((string)RouteData.Values["id"]!, CultureInfo.InvariantCulture);
        var status = Response.StatusCode;
        if (await OnGetAsync(id, ct) is NotFoundResult)
        {
            return NotFound();
        }

        Response.StatusCode = status;
        if (Guid.TryParse(Request.Form["actionId"], CultureInfo.InvariantCulture, out var action))
        {
            ActionError = (action, string.Join(" ", ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage)));
        }

        return null;
    }

    private async Task<Guid?> ManagerOfAsync(Guid rep, CancellationToken ct) =>
        await db.Users.Where(u => u.Id == rep).Select(u => u.ManagerId)
            .FirstOrDefaultAsync(ct);

    public static string Amount(GoalPerformanceRow goal, decimal? value) => PlanFormat.Target(goal.Metric, value);

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

    public static string Ratio(decimal? ratio) => ratio is { } r ? r.ToString("0.##", CultureInfo.InvariantCulture) + "×" : "–";

    public static string Days(decimal? days) => days is { } d ? d.ToString("0.#", CultureInfo.InvariantCulture) + " days" : "–";

    public static string Coverage(PeriodRow p) => p.CoverageMet == true ? "met" : p.Coverage is { } c ? c.ToString("0.##", CultureInfo.InvariantCulture) + "×" : "–";
}
