using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Features.Quotas;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Cycles;

/// <summary>
/// One rep's quotas beside the revenue goals of their plan of record; <see cref="CanSet"/> when the reader may change
/// them. Without an approved plan, the goals of a plan submitted and never approved are shown, marked as such
/// (<see cref="GoalsApproved"/> false); a draft has none.
/// </summary>
public sealed record QuotaLine(QuotaRow Quota, IReadOnlyList<decimal>? Goals, bool GoalsApproved, bool CanSet)
{
    public decimal? GoalTotal => Goals?.Sum();

    /// <summary>Goals minus quota: negative is a shortfall.</summary>
    public decimal? Gap => GoalTotal is { } g && Quota.Total is { } q ? g - q : null;
}

/// <summary>Quotas per rep and quarter: leaders set everyone's, managers their own reps'; one row is saved at a time.</summary>
[May(Act.FollowTeam)]
public sealed class QuotasModel(CycleHandlers cycles, QuotaHandlers quotas, AppDbContext db, AccessPolicy access, TimeProvider clock) : PageModel, IReloadsOnRefusal
{
    private (Guid Rep, IReadOnlyList<string?> Typed) _posted = (Guid.Empty, []);

    public CycleRow Cycle { get; private set; } = null!;

    public IReadOnlyList<QuotaLine> Rows { get; private set; } = [];

    public IReadOnlyList<QuotaLine> RepRows => Rows.Where(r => !r.Quota.IsTeam).ToList();

    /// <summary>Managers' own quotas: their team's target on the team dashboard, where set.</summary>
    public IReadOnlyList<QuotaLine> TeamRows => Rows.Where(r => r.Quota.IsTeam).ToList();

    public bool IsOpen => Cycle.Status == nameof(CycleStatus.Open);

    /// <summary>The row whose save failed, with what was typed and why it was refused.</summary>
    public RowError? Error { get; private set; }

    [TempData]
    public string? Saved { get; set; }

    public sealed record RowError(Guid RepId, IReadOnlyList<string?> Typed, int? Quarter, string Message);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid id, Guid rep, string?[]? quarters, DateOnly? inSeatFrom, DateOnly? inSeatTo, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct) || Rows.FirstOrDefault(r => r.Quota.RepId == rep) is not { } line)
        {
            return NotFound();
        }

        // The person before the input: someone who may not set this quota is refused whatever they typed.
        _posted = (rep, quarters ?? []);
        access.Ensure(Act.SetQuota, new About(rep, line.Quota.ManagerId));
        var amounts = _posted.Typed.Select((text, i) => Parse(text, i)).ToList();
        if (await quotas.SetAsync(new QuotaInput(id, rep, amounts, inSeatFrom, inSeatTo), ct) is not { } saved)
        {
            return NotFound();
        }

        Saved = saved.IsTeam
            ? $"Saved the quota of {saved.RepName}'s team: {Money(saved.Total)} in total."
            : $"Saved {saved.RepName}'s quotas: {Money(saved.Total)} in total.";
        return RedirectToPage("Quotas", null, new { id }, $"rep-{rep}");
    }

    /// <summary>The refusal shows at the row, with what was typed; the status is the API's (set by the filter).</summary>
    public Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        var (key, message) = ModelState.Where(e => e.Value is { Errors.Count: > 0 })
            .Select(e => (e.Key, e.Value!.Errors[0].ErrorMessage)).First();
        var quarter = QuarterOf(key);
        var prefix = quarter is { } q && !message.StartsWith($"Q{q + 1}", StringComparison.Ordinal) ? $"Q{q + 1}: " : "";
        Error = new RowError(_posted.Rep, _posted.Typed, quarter, prefix + message);
        return Task.FromResult<IActionResult?>(null);
    }

    public string? Typed(QuotaLine row, int quarter) =>
        Error is { } e && e.RepId == row.Quota.RepId
            ? quarter < e.Typed.Count ? e.Typed[quarter] : null
            : row.Quota.Quarters[quarter]?.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Money(decimal? value) => value is { } v ? v.ToString("#,0.##", CultureInfo.InvariantCulture) : "–";

    private static decimal? Parse(string? text, int quarter)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return decimal.TryParse(text.Trim(), NumberStyles.Number, CultureInfo.InvariantCulture, out var amount)
            ? amount
            : throw new DomainException($"Q{quarter + 1}: '{text.Trim()}' is not an amount.", $"quarters[{quarter}]");
    }

    /// <summary>The quarter a refusal names: the domain's "quarters[1]" is the input "Quarters[1]".</summary>
    private static int? QuarterOf(string? field) =>
        field is { } f && f.StartsWith("Quarters[", StringComparison.Ordinal) &&
        int.TryParse(f["Quarters[".Length..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            ? i
            : null;

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await cycles.GetAsync(id, ct) is not { } cycle || await quotas.ListAsync(id, null, ct) is not { } rows)
        {
            return false;
        }

        Cycle = cycle;
        var scope = access.VisiblePlans().Where(p => p.CycleId == id);
        var approved = await RevenueGoalsAsync(db.Goals(db.InForce(clock.GetUtcNow()).Where(v => scope.Any(p => p.Id == v.PlanId))), cycle.Quarters.Count, ct);
        var submitted = await RevenueGoalsAsync(db.Goals(db.AwaitingFirstApproval().Where(s => scope.Any(p => p.Id == s.PlanId))), cycle.Quarters.Count, ct);
        Rows = rows.Select(r => new QuotaLine(r, approved.GetValueOrDefault(r.RepId) ?? submitted.GetValueOrDefault(r.RepId),
                approved.ContainsKey(r.RepId), access.May(Act.SetQuota, new About(r.RepId, r.ManagerId))))
            .ToList();
        return true;
    }

    /// <summary>The revenue goals of the given plan-of-record goals, per rep and quarter, summed by the database.</summary>
    private async Task<Dictionary<Guid, IReadOnlyList<decimal>>> RevenueGoalsAsync(IQueryable<PlanGoal> goals, int quarters, CancellationToken ct)
    {
        var sums = await (from g in goals.Where(g => g.Metric == "Revenue")
                          join t in db.PlanGoalTargets on g.Id equals t.GoalId
                          join p in db.Plans on g.PlanId equals p.Id
                          group t.Amount by new { p.OwnerId, t.Quarter } into quarter
                          select new { quarter.Key.OwnerId, quarter.Key.Quarter, Amount = quarter.Sum() }).ToListAsync(ct);
        var reps = await goals.Join(db.Plans, g => g.PlanId, p => p.Id, (g, p) => p.OwnerId).Distinct().ToListAsync(ct);
        var byRep = sums.ToLookup(s => s.OwnerId);
        return reps.ToDictionary(rep => rep, rep => (IReadOnlyList<decimal>)Enumerable.Range(1, quarters)
            .Select(q => byRep[rep].Where(s => s.Quarter == q).Sum(s => s.Amount)).ToList());
    }
}
