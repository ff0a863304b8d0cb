using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.TerritoryDesign;
using Terrain.Features.Dashboards;
using Terrain.Features.Territory;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.TerritoryDesign.Scenarios;

/// <summary>
/// One scenario (ADR 0044): its settings, run and cancel with progress (polled with htmx, or by reloading), the
/// comparison with the alignment it was based on, edits by hand, and apply on a date, refresh or delete. Managers
/// read their own team's scenarios here, without any of the forms (ADR 0045).
/// </summary>
[Authorize(Policy = Policies.Prefix + nameof(Act.ReadScenarios))]
[PostsNeed(Act.AssignAccounts)]
public sealed class ScenarioModel(Scenarios scenarios, ScenarioComparison comparison, AppDbContext db, TimeProvider clock, AccessPolicy access)
    : PageModel, IReloadsOnRefusal
{
    /// <summary>Whether the reader may run, edit, apply and delete it (leaders and admins).</summary>
    public bool CanChange => access.May(Act.AssignAccounts);

    /// <summary>The other scenarios one may read, to compare this one with.</summary>
    public IReadOnlyList<ScenarioSummary> Others { get; private set; } = [];

    [BindProperty]
    public bool ConfirmDelete { get; set; }

    /// <summary>The most moved accounts listed for editing by hand.</summary>
    public const int MovedListed = 200;

    public ScenarioView Scenario { get; private set; } = null!;

    public ScenarioComparisonView? Comparison { get; private set; }

    public IReadOnlyList<MovedAccount> Moved { get; private set; } = [];

    public sealed record MovedAccount(Guid Id, string ExternalId, string Name, decimal Potential, string From, string To, bool Locked);

    [BindProperty]
    public string? Version { get; set; }

    [BindProperty]
    public List<Guid> AccountIds { get; set; } = [];

    [BindProperty]
    public string? ExternalIds { get; set; }

    [BindProperty]
    public Guid? TerritoryId { get; set; }

    [BindProperty]
    public string? EditAction { get; set; }

    [BindProperty]
    public List<Guid> LockedTerritoryIds { get; set; } = [];

    [BindProperty]
    public DateOnly? EffectiveFrom { get; set; }

    [TempData]
    public string? Saved { get; set; }

    public bool Stale { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    /// <summary>The progress block, polled while the scenario runs; once it has ended, the whole page is reloaded.</summary>
    public async Task<IActionResult> OnGetProgressAsync(Guid id, CancellationToken ct)
    {
        if (await scenarios.GetAsync(id, ct) is not { } view)
        {
            return NotFound();
        }

        Scenario = view;
        if (!view.Status.IsBusy())
        {
            Response.Headers["HX-Refresh"] = "true";
        }

        return Partial("_ScenarioProgress", this);
    }

    public async Task<IActionResult> OnGetExportAsync(Guid id, string? format, string? table, CancellationToken ct)
    {
        if (await comparison.CompareAsync(id, ct) is not { } view)
        {
            return NotFound();
        }

        var file = TableExport.Render(TableExport.FormatOf(format) ?? "csv", ScenarioEndpoints.FileName(view), ScenarioComparison.Tables(view),
            table is "territories" or "totals" ? table : null);
        return File(file.Content, file.ContentType, file.FileName);
    }

    public async Task<IActionResult> OnPostRunAsync(Guid id, CancellationToken ct) =>
        Done(id, await scenarios.RunAsync(id, Version, ct), "The optimizer is running.");

    public async Task<IActionResult> OnPostCancelAsync(Guid id, CancellationToken ct) =>
        Done(id, await scenarios.CancelAsync(id, ct), "Cancelling.");

    public async Task<IActionResult> OnPostRefreshAsync(Guid id, CancellationToken ct) =>
        Done(id, await scenarios.RefreshAsync(id, Version, ct), "Based anew on the current alignment; the optimizer is running again.");

    public async Task<IActionResult> OnPostEditAsync(Guid id, CancellationToken ct)
    {
        var ids = AccountIds.ToList();
        var typed = (ExternalIds ?? "").Split([',', ';', '\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct().Take(AccountAssignments.MaxAccounts).ToList();
        if (typed.Count > 0)
        {
            var found = await db.ScenarioAssignments.AsNoTracking().Where(r => r.ScenarioId == id)
                .Join(db.Accounts.Where(a => typed.Contains(a.ExternalId)), r => r.AccountId, a => a.Id, (r, a) => new { a.Id, a.ExternalId }).ToListAsync(ct);
            var unknown = typed.Except(found.Select(f => f.ExternalId), StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
            {
                throw new DomainException($"These account ids are not in this scenario: {string.Join(", ", unknown.Take(20))}.", "externalIds");
            }

            ids.AddRange(found.Select(f => f.Id));
        }

        var edit = EditAction switch
        {
            "lock" => new ScenarioEdit(ids, Lock: true),
            "unlock" => new ScenarioEdit(ids, Lock: false),
            _ => new ScenarioEdit(ids, TerritoryId ?? throw new DomainException("Choose the territory to move the accounts to.", "territoryId")),
        };
        return Done(id, await scenarios.EditAsync(id, edit, Version, ct), EditAction switch
        {
            "lock" => $"Locked {ids.Count} account(s) where they were.",
            "unlock" => $"Unlocked {ids.Count} account(s).",
            _ => $"Moved {ids.Count} account(s) in the scenario.",
        });
    }

    public async Task<IActionResult> OnPostLockTerritoriesAsync(Guid id, CancellationToken ct)
    {
        if (await scenarios.GetAsync(id, ct) is not { } view)
        {
            return NotFound();
        }

        var all = await db.ScenarioTerritories.AsNoTracking().Where(t => t.ScenarioId == id).Select(t => t.TerritoryId).ToListAsync(ct);
        var wanted = LockedTerritoryIds.ToHashSet();
        var now = view.LockedTerritoryIds.ToHashSet();
        var edit = new ScenarioEdit(LockTerritoryIds: [.. all.Where(t => wanted.Contains(t) && !now.Contains(t))],
            UnlockTerritoryIds: [.. all.Where(t => !wanted.Contains(t) && now.Contains(t))]);
        if (edit.LockTerritoryIds!.Count + edit.UnlockTerritoryIds!.Count == 0)
        {
            Saved = "No territory lock changed.";
            return Redirect($"/TerritoryDesign/Scenarios/{id}");
        }

        return Done(id, await scenarios.EditAsync(id, edit, Version, ct), "Territory locks saved. Run the scenario again to rebalance around them.");
    }

    public async Task<IActionResult> OnPostApplyAsync(Guid id, CancellationToken ct)
    {
        var applied = await scenarios.ApplyAsync(id, new ScenarioApply(EffectiveFrom), Version, ct);
        if (applied is null)
        {
            return NotFound();
        }

        Saved = applied.Scheduled > 0
            ? $"Applied: {applied.Scheduled} account move(s) scheduled for {Show.Date(applied.EffectiveFrom)}."
            : $"Applied: {applied.Moved} account(s) moved.";
        return Redirect($"/TerritoryDesign/Scenarios/{id}");
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        if (!ConfirmDelete)
        {
            throw new DomainException("Tick the box to confirm that the scenario is to be deleted.", "confirmDelete");
        }

        var name = (await scenarios.GetAsync(id, ct))?.Name;
        if (name is null || !await scenarios.DeleteAsync(id, Version, ct))
        {
            return NotFound();
        }

        Saved = $"Deleted the scenario {name}.";
        return Redirect("/TerritoryDesign/Scenarios");
    }

    private IActionResult Done(Guid id, ScenarioView? view, string message)
    {
        if (view is null)
        {
            return NotFound();
        }

        Saved = message;
        return Redirect($"/TerritoryDesign/Scenarios/{id}");
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        if (!Guid.TryParse(RouteData.Values["id"]?.ToString(), out var id) || !await LoadAsync(id, ct))
        {
            return NotFound();
        }

        Stale = HttpContext.Refusal() is InvalidStateException { Field: "baseHash" };
        return null;
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await scenarios.GetAsync(id, ct) is not { } view)
        {
            return false;
        }

        Scenario = view;
        Version = view.Version;
        Others = [.. (await scenarios.ListAsync(ct)).Where(o => o.Id != id)];
        EffectiveFrom ??= await BusinessDay.TodayAsync(db, clock.GetUtcNow(), ct);
        if (!view.Status.IsBusy())
        {
            Comparison = await comparison.CompareAsync(id, ct);
            var names = Comparison?.Territories.ToDictionary(t => t.Id, t => t.Name) ?? [];
            var rows = await db.ScenarioAssignments.AsNoTracking().Where(r => r.ScenarioId == id && (r.TerritoryId != r.BaseTerritoryId || r.Locked))
                .Join(db.Accounts, r => r.AccountId, a => a.Id, (r, a) => new { a.Id, a.ExternalId, a.Name, a.AnnualPotential, r.BaseTerritoryId, r.TerritoryId, r.Locked })
                .OrderByDescending(x => x.AnnualPotential).ThenBy(x => x.Id).Take(MovedListed).ToListAsync(ct);
            Moved = [.. rows.Select(r => new MovedAccount(r.Id, r.ExternalId, r.Name, r.AnnualPotential, Name(names, r.BaseTerritoryId), Name(names, r.TerritoryId), r.Locked))];
        }

        return true;
    }

    private static string Name(Dictionary<Guid, string> names, Guid? id) => id is { } t && names.TryGetValue(t, out var n) ? n : "No territory";
}

public static class ScenarioStatusExtensions
{
    public static bool IsBusy(this ScenarioStatus status) => status is ScenarioStatus.Queued or ScenarioStatus.Running;
}
