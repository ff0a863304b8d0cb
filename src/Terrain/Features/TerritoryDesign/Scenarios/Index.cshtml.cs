using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.TerritoryDesign;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.TerritoryDesign.Scenarios;

/// <summary>
/// The territory scenarios one may read, and for leaders and admins a form to make one from the current alignment
/// (ADR 0044); managers see their own team's, read-only (ADR 0045).
/// </summary>
[Authorize(Policy = Policies.Prefix + nameof(Act.ReadScenarios))]
[PostsNeed(Act.AssignAccounts)]
[FormPrefix("Form")]
public sealed class IndexModel(Scenarios scenarios, AppDbContext db, AccessPolicy access) : PageModel, IReloadsOnRefusal
{
    /// <summary>Whether the reader may make, run, edit, apply and delete scenarios (leaders and admins).</summary>
    public bool CanChange => access.May(Act.AssignAccounts);

    [TempData]
    public string? Saved { get; set; }

    [BindProperty]
    public ScenarioForm Form { get; set; } = new();

    public IReadOnlyList<ScenarioSummary> List { get; private set; } = [];

    public IReadOnlyList<string> Regions { get; private set; } = [];

    public IReadOnlyList<(Guid Id, string Name)> Managers { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            // A number that is no number: said under its field, as the domain's refusals are.
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await LoadAsync(ct);
            return Page();
        }

        var created = await scenarios.CreateAsync(Form.ToInput(), ct);
        if (Form.RunNow)
        {
            await scenarios.RunAsync(created.Id, null, ct);
        }

        return Redirect($"/TerritoryDesign/Scenarios/{created.Id}");
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        await LoadAsync(ct);
        return null;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        List = await scenarios.ListAsync(ct);
        if (!CanChange)
        {
            return;
        }

        Regions = await db.Accounts.AsNoTracking().Where(a => a.Region != "").Select(a => a.Region).Distinct().OrderBy(r => r).Take(500).ToListAsync(ct);
        Managers = [.. (await db.Users.AsNoTracking().Where(u => u.Role == Role.Manager && u.IsActive).OrderBy(u => u.DisplayName).ThenBy(u => u.Id)
            .Select(u => new { u.Id, u.DisplayName }).Take(1000).ToListAsync(ct)).Select(u => (u.Id, u.DisplayName))];
    }
}

/// <summary>The new-scenario form of the page; tolerances in percent.</summary>
public sealed class ScenarioForm
{
    public string? Name { get; set; }

    public ScenarioScope Scope { get; set; } = ScenarioScope.Organisation;

    public string? Region { get; set; }

    public Guid? ManagerId { get; set; }

    public double? PotentialTolerancePercent { get; set; } = 5;

    public double? WorkloadTolerancePercent { get; set; } = 5;

    public WorkloadMeasure Workload { get; set; } = WorkloadMeasure.AccountCount;

    public string? SegmentWeights { get; set; }

    public bool Compact { get; set; } = true;

    public bool MinimalDisruption { get; set; } = true;

    public ScenarioCentres Centres { get; set; } = ScenarioCentres.Floating;

    public bool RunNow { get; set; } = true;

    public ScenarioInput ToInput() => new(Name, Scope, Scope == ScenarioScope.Region ? Region : null, Scope == ScenarioScope.Team ? ManagerId : null,
        PotentialTolerancePercent, WorkloadTolerancePercent, Workload, SegmentWeights, Compact, MinimalDisruption, Centres);
}
