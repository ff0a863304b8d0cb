using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Features.Cycles;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Quotas;

/// <summary>The allocation form as posted: amounts and percentages as typed, read the way the quota grid reads them.</summary>
public sealed class AllocationForm
{
    public string? Target { get; set; }

    public AllocationMethod Method { get; set; } = AllocationMethod.Potential;

    public int PotentialWeight { get; set; } = 50;

    public int BookingsWeight { get; set; } = 30;

    public int EqualWeight { get; set; } = 20;

    public Seasonality Seasonality { get; set; } = Seasonality.LastYear;

    public List<string?> Season { get; set; } = [];

    public string? Ramp { get; set; } = "25, 50, 75, 100";

    public string? Reason { get; set; }

    /// <summary>The request the API would take; text that is not a number is refused naming its input.</summary>
    public AllocationRequest ToRequest(int quarters)
    {
        decimal? target = null;
        if (!string.IsNullOrWhiteSpace(Target))
        {
            target = QuotaCsv.ParseAmount(Target) ?? throw new DomainException($"'{Target.Trim()}' is not an amount.", "target");
        }

        List<decimal>? season = null;
        if (Seasonality == Seasonality.Custom)
        {
            season = [];
            for (var q = 0; q < quarters; q++)
            {
                var text = Season.ElementAtOrDefault(q)?.Trim().TrimEnd('%');
                season.Add(decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var p)
                    ? p
                    : throw new DomainException($"Q{q + 1}: '{text}' is not a percentage.", "seasonPercents"));
            }
        }

        var ramp = new List<int>();
        foreach (var step in (Ramp ?? "").Split([',', ';', '/', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            ramp.Add(int.TryParse(step.TrimEnd('%'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var r)
                ? r
                : throw new DomainException($"'{step}' is not a whole percentage.", "ramp"));
        }

        return new AllocationRequest(target, Method, Method == AllocationMethod.Blend ? new BlendWeights(PotentialWeight, BookingsWeight, EqualWeight) : null,
            Seasonality, season, ramp, Reason);
    }
}

/// <summary>One team's number as posted (the manager's id, none for the reps without a manager): amounts as typed.</summary>
public sealed class TeamRowForm
{
    public Guid? ManagerId { get; set; }

    public List<string?> Quarters { get; set; } = [];
}

/// <summary>One rep's row of the draft as posted: amounts as typed.</summary>
public sealed class DraftRowForm
{
    public Guid RepId { get; set; }

    public List<string?> Quarters { get; set; } = [];
}

/// <summary>
/// A leader allocates a cycle's revenue target to teams, then within each team to its reps (ADR 0038, ADR 0041, ADR
/// 0048): the settings, a preview, the teams' numbers and the reps' draft adjusted here by hand, totals with the
/// differences to the target and to each team's number, and publishing, which writes the quotas and sends the letters.
/// A manager comes here for the second step of their own team: sharing its number out between their reps.
/// </summary>
[May(Act.AllocateTeamQuota)]
[FormPrefix("Form")]
public sealed class AllocateModel(QuotaAllocations allocations, CycleHandlers cycles, QuotaGrid grid, IOptions<TerrainOptions> options, AccessPolicy access)
    : PageModel, IReloadsOnRefusal
{
    public string Currency => options.Value.Currency;

    /// <summary>Whether the caller allocates the whole target (a leader); otherwise they share out their own team's number (a manager).</summary>
    public bool Leads => access.May(Act.AllocateQuota);

    /// <summary>The teams' numbers as posted (kept on a refusal so that nothing typed is lost).</summary>
    [BindProperty]
    public List<TeamRowForm> Teams { get; set; } = [];

    public string? PostedTeamAmount(int row, int quarter) => Teams.ElementAtOrDefault(row)?.Quarters.ElementAtOrDefault(quarter);

    /// <summary>The draft's rows as posted (kept on a refusal so that nothing typed is lost).</summary>
    [BindProperty]
    public List<DraftRowForm> Draft { get; set; } = [];

    [BindProperty]
    public int DraftVersion { get; set; }

    public string? PostedAmount(int row, int quarter) => Draft.ElementAtOrDefault(row)?.Quarters.ElementAtOrDefault(quarter);

    public CycleRow Cycle { get; private set; } = null!;

    /// <summary>The cycle's latest allocation with the quotas now held.</summary>
    public AllocationView? Current { get; private set; }

    /// <summary>What the posted settings would give, not saved.</summary>
    public AllocationView? Preview { get; private set; }

    /// <summary>The strategy's revenue objectives, the default target.</summary>
    public (string Strategy, decimal Target)? Objectives { get; private set; }

    [BindProperty]
    public AllocationForm Form { get; set; } = new();

    [TempData]
    public string? Saved { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (Current is { } current)
        {
            Form.Target = current.Target.ToString("0.##", CultureInfo.InvariantCulture);
            Form.Method = current.Method;
            (Form.PotentialWeight, Form.BookingsWeight, Form.EqualWeight) = current.Weights is { } w ? (w.Potential, w.Bookings, w.Equal) : (50, 30, 20);
            Form.Seasonality = current.Seasonality;
            Form.Season = current.Season.Select(s => (string?)s.ToString("0.##", CultureInfo.InvariantCulture)).ToList();
            Form.Ramp = string.Join(", ", current.Ramp);
        }
        else if (Objectives is { } objectives)
        {
            Form.Target = objectives.Target.ToString("0.##", CultureInfo.InvariantCulture);
        }

        return Page();
    }

    public async Task<IActionResult> OnGetExportAsync(Guid id, string? format, string? table, CancellationToken ct) =>
        await allocations.ExportAsync(id, Dashboards.TableExport.FormatOf(format) ?? "csv", ct, table) is { } file
            ? File(file.Content, file.ContentType, file.FileName)
            : NotFound();

    public async Task<IActionResult> OnPostPreviewAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        Preview = await allocations.PreviewAsync(id, Form.ToRequest(Cycle.Quarters.Count), ct);
        return Preview is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (await allocations.CreateAsync(id, Form.ToRequest(Cycle.Quarters.Count), ct) is not { } view)
        {
            return NotFound();
        }

        Saved = $"Allocated {Show.Money(view.Target)} to {view.Reps.Count} reps as a draft: adjust it below if needed, then publish it. No quota changes until then.";
        return RedirectToPage("Allocate", null, new { id }, "allocation");
    }

    public async Task<IActionResult> OnPostPublishAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (await allocations.PublishAsync(id, ct) is not { } view)
        {
            return NotFound();
        }

        Saved = $"Published: the draft is now the quotas of {view.Reps.Count} reps, who have their quota letter to acknowledge.";
        return RedirectToPage("Allocate", null, new { id }, "allocation");
    }

    public async Task<IActionResult> OnPostTeamsAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        access.Ensure(Act.AllocateQuota);
        var names = Current?.Teams.ToDictionary(t => t.ManagerId ?? Guid.Empty, t => t.Manager) ?? [];
        var teams = new List<AllocatedTeam>();
        for (var i = 0; i < Teams.Count; i++)
        {
            var amounts = new List<decimal>();
            for (var q = 0; q < Cycle.Quarters.Count; q++)
            {
                var text = Teams[i].Quarters.ElementAtOrDefault(q);
                amounts.Add(QuotaCsv.ParseAmount(text ?? "") ?? throw new DomainException(
                    $"Team of {names.GetValueOrDefault(Teams[i].ManagerId ?? Guid.Empty, "a manager")}, {Cycle.Quarters[q].Label}: '{text?.Trim()}' is not an amount.",
                    $"teams[{i}].quarters[{q}]"));
            }

            teams.Add(new AllocatedTeam(Teams[i].ManagerId, amounts));
        }

        if (await allocations.SetTeamsAsync(id, new TeamAllocation(DraftVersion, teams), ct) is not { } view)
        {
            return NotFound();
        }

        Saved = view.TeamsDifference == 0
            ? "Teams' quotas saved: each team changed has its reps shared out again within it, and its manager is told."
            : $"Teams' quotas saved: the teams are {Show.Money(Math.Abs(view.TeamsDifference ?? 0))} {(view.TeamsDifference < 0 ? "short of" : "over")} the target.";
        return RedirectToPage("Allocate", null, new { id }, "teams");
    }

    public async Task<IActionResult> OnPostAdjustAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        var names = Current?.Reps.ToDictionary(r => r.RepId, r => r.Name) ?? [];
        var reps = new List<AdjustedRep>();
        for (var i = 0; i < Draft.Count; i++)
        {
            var amounts = new List<decimal>();
            for (var q = 0; q < Cycle.Quarters.Count; q++)
            {
                var text = Draft[i].Quarters.ElementAtOrDefault(q);
                amounts.Add(QuotaCsv.ParseAmount(text ?? "") ?? throw new DomainException(
                    $"{names.GetValueOrDefault(Draft[i].RepId, "A rep")}, {Cycle.Quarters[q].Label}: '{text?.Trim()}' is not an amount.", $"reps[{i}].quarters[{q}]"));
            }

            reps.Add(new AdjustedRep(Draft[i].RepId, amounts));
        }

        if (await allocations.AdjustAsync(id, new AllocationAdjustment(DraftVersion, reps), ct) is not { } view)
        {
            return NotFound();
        }

        var teamsOff = view.Teams.Where(t => t.Difference is not null and not 0).ToList();
        Saved = teamsOff.Count > 0
            ? $"Adjustments saved: the reps of {string.Join(", ", teamsOff.Select(t => $"the team of {t.Manager} are {Show.Money(Math.Abs(t.Difference!.Value))} {(t.Difference < 0 ? "short of" : "over")} its quota"))}."
            : !view.WholeOrganisation
            ? "Adjustments saved: your team's reps sum to its quota."
            : view.Difference == 0
            ? "Adjustments saved: the draft sums to the target and can be published."
            : $"Adjustments saved: the draft is {Show.Money(Math.Abs(view.Difference))} {(view.Difference < 0 ? "short of" : "over")} the target.";
        return RedirectToPage("Allocate", null, new { id }, "allocation");
    }

    /// <summary>Every handler has loaded the page before it can be refused; a refused adjustment keeps the amounts as typed.</summary>
    public Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct) => Task.FromResult<IActionResult?>(null);

    public static string Percent(decimal share) => (share * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await cycles.GetAsync(id, ct) is not { } cycle)
        {
            return false;
        }

        Cycle = cycle;
        Current = await allocations.CurrentAsync(id, ct);
        Objectives = await grid.RevenueObjectivesAsync(cycle.StrategyId, ct) is { } o ? (o.Name, o.Target) : null;
        return true;
    }
}
