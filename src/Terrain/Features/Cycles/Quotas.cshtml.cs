using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Features.Imports;
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

/// <summary>One grid row as posted: what was typed, and the version and values it was read at.</summary>
public sealed class QuotaGridInput
{
    public Guid RepId { get; set; }

    public int Version { get; set; }

    /// <summary>The row's values when the page was rendered (<see cref="QuotasModel.Fingerprint"/>): an untouched row is not sent on.</summary>
    public string? Was { get; set; }

    public string? Q1 { get; set; }

    public string? Q2 { get; set; }

    public string? Q3 { get; set; }

    public string? Q4 { get; set; }

    public DateOnly? From { get; set; }

    public DateOnly? To { get; set; }

    public string? Quarter(int n) => n switch
    {
        1 => Q1,
        2 => Q2,
        3 => Q3,
        _ => Q4,
    };
}

/// <summary>
/// The quota grid of a cycle (ADR 0034): every rep the reader may see by quarter, saved in one go with a version check
/// per row, totals per rep, team and scope, the quota against the strategy's revenue objectives, CSV export and
/// import, and a rep's quota history. Leaders set everyone's quotas, managers their own reps'.
/// </summary>
[May(Act.FollowTeam)]
public sealed class QuotasModel(CycleHandlers cycles, QuotaGrid grid, SaveQuotas saver, QuotaCsv csv, AppDbContext db, AccessPolicy access,
    TimeProvider clock) : PageModel, IReloadsOnRefusal
{
    public CycleRow Cycle { get; private set; } = null!;

    public QuotaGridView View { get; private set; } = null!;

    public IReadOnlyList<QuotaLine> Rows { get; private set; } = [];

    public IReadOnlyList<QuotaLine> RepRows => Rows.Where(r => !r.Quota.IsTeam).ToList();

    /// <summary>Managers' own quotas: their team's target on the team dashboard, where set.</summary>
    public IReadOnlyList<QuotaLine> TeamRows => Rows.Where(r => r.Quota.IsTeam).ToList();

    public bool IsOpen => Cycle.Status == nameof(CycleStatus.Open);

    [BindProperty]
    public List<QuotaGridInput> Grid { get; set; } = [];

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public IFormFile? Upload { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? Team { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? History { get; set; }

    /// <summary>Refusals by the grid's field names (<c>rows[3].q2</c>, the form's row index), nothing saved.</summary>
    public Dictionary<string, List<string>> Errors { get; } = [];

    public IReadOnlyList<QuotaConflict> Conflicts { get; private set; } = [];

    public QuotaImportReport? Report { get; private set; }

    public IReadOnlyList<QuotaHistoryEntry>? HistoryRows { get; private set; }

    public string? HistoryOf { get; private set; }

    /// <summary>The teams a leader or admin can narrow the grid to.</summary>
    public IReadOnlyList<(Guid Id, string Name)> Teams { get; private set; } = [];

    [TempData]
    public string? Saved { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnGetCsvAsync(Guid id, CancellationToken ct) =>
        await csv.ExportAsync(id, Team, ct) is { } text
            ? File(Encoding.UTF8.GetBytes(text), "text/csv", "quotas.csv")
            : NotFound();

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        // The person before the input: every posted row must be a rep the reader sees and may set.
        var lines = Rows.ToDictionary(r => r.Quota.RepId);
        foreach (var posted in Grid)
        {
            if (!lines.TryGetValue(posted.RepId, out var line))
            {
                return NotFound();
            }

            access.Ensure(Act.SetQuota, new About(posted.RepId, line.Quota.ManagerId));
        }

        if (!ModelState.IsValid)
        {
            // A date or version the browser could not have sent: said above the grid, nothing saved.
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        var count = Cycle.Quarters.Count;
        var batch = new List<QuotaBatchRow>();
        var formIndex = new List<int>();
        for (var i = 0; i < Grid.Count; i++)
        {
            var posted = Grid[i];
            var name = lines[posted.RepId].Quota.RepName;
            var amounts = new decimal?[4];
            for (var n = 1; n <= count; n++)
            {
                var text = posted.Quarter(n);
                amounts[n - 1] = Domain.Money.Parse(text, CultureInfo.CurrentCulture);
                if (!string.IsNullOrWhiteSpace(text) && amounts[n - 1] is null)
                {
                    AddError($"rows[{i}].q{n}", $"{name}, Q{n}: '{text.Trim()}' is not an amount.");
                }
            }

            if (Fingerprint(amounts.Take(count).ToList(), posted.From, posted.To) == posted.Was)
            {
                continue;
            }

            batch.Add(new QuotaBatchRow(posted.RepId, posted.Version, amounts[0], amounts[1], amounts[2], amounts[3], posted.From, posted.To));
            formIndex.Add(i);
        }

        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        if (batch.Count == 0)
        {
            Saved = "Nothing changed: no quota was edited.";
            return RedirectToPage("Quotas", null, new { id, team = Team }, "quota-grid");
        }

        switch (await saver.SaveAsync(id, new QuotaBatch(batch, Reason), QuotaSource.Grid, ct))
        {
            case QuotaSaveOutcome.Saved saved:
                var names = batch.Select(b => lines[b.RepId].Quota.RepName).ToList();
                Saved = $"Saved the quotas of {saved.Changed} {(saved.Changed == 1 ? "rep" : "reps")} ({string.Join(", ", names)}).";
                return RedirectToPage("Quotas", null, new { id, team = Team }, "quota-grid");
            case QuotaSaveOutcome.Invalid invalid:
                foreach (var (field, messages) in invalid.Errors)
                {
                    foreach (var message in messages)
                    {
                        AddError(FormField(field, formIndex), message);
                    }
                }

                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
            case QuotaSaveOutcome.Stale stale:
                Conflicts = stale.Conflicts.Select(c => c with { Row = formIndex[c.Row] }).ToList();
                Response.StatusCode = StatusCodes.Status409Conflict;
                return Page();
            default:
                return NotFound();
        }
    }

    public async Task<IActionResult> OnPostImportAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        access.Ensure(Act.SetQuota);
        if (Upload is null || Upload.Length == 0)
        {
            ModelState.AddModelError(nameof(Upload), "Choose a CSV file of quotas.");
        }
        else if (Upload.Length > QuotaCsv.MaxFileBytes)
        {
            ModelState.AddModelError(nameof(Upload), $"A quota file is limited to {QuotaCsv.MaxFileBytes / (1024 * 1024)} MB.");
        }
        else if (!ImportEndpoint.IsCsv(Upload.ContentType, Upload.FileName))
        {
            ModelState.AddModelError(nameof(Upload), $"'{Upload.FileName}' is not a CSV file.");
        }
        else
        {
            await using var stream = Upload.OpenReadStream();
            Report = await csv.ImportAsync(id, stream, Reason, ct);
            if (Report is null)
            {
                return NotFound();
            }

            if (Report.Applied)
            {
                Saved = $"Imported {Report.RowsRead} {(Report.RowsRead == 1 ? "row" : "rows")}: {Report.Changed} {(Report.Changed == 1 ? "quota" : "quotas")} changed.";
                return RedirectToPage("Quotas", null, new { id, team = Team }, "quota-grid");
            }

            Response.StatusCode = Report.Conflicts.Count > 0 ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    /// <summary>The page again after a refusal (the person, or a closed cycle): loaded before the refusal, shown as it is.</summary>
    public Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct) => Task.FromResult<IActionResult?>(null);

    /// <summary>The input a grid field names: <c>rows[3].q2</c> is <c>q-3-2</c>; a field that is not a quarter names the row.</summary>
    public static string InputId(string field)
    {
        var end = field.IndexOf(']', StringComparison.Ordinal);
        var row = field.StartsWith("rows[", StringComparison.Ordinal) && end > 5 ? field[5..end] : "0";
        return field.EndsWith(".q1", StringComparison.Ordinal) || field.EndsWith(".q2", StringComparison.Ordinal) ||
               field.EndsWith(".q3", StringComparison.Ordinal) || field.EndsWith(".q4", StringComparison.Ordinal)
            ? $"q-{row}-{field[^1]}"
            : $"row-error-{row}";
    }

    public IReadOnlyList<string> ErrorsFor(string field) => Errors.TryGetValue(field, out var list) ? list : [];

    public bool HasErrors(int row) => Errors.Keys.Any(k => k.StartsWith($"rows[{row}].", StringComparison.Ordinal))
                                      || Conflicts.Any(c => c.Row == row);

    /// <summary>What an input shows: what was typed when the page comes back refused, otherwise the amount held.</summary>
    /// <remarks>
    /// After a conflict, a quarter the reader left as they read it shows what is held now (someone else's change is
    /// not undone by a quarter nobody touched); a quarter they changed keeps what they typed.
    /// </remarks>
    public string? Typed(int row, QuotaLine line, int quarter)
    {
        if (Posted(row, line) is not { } posted)
        {
            return Plain(line.Quota.Quarters[quarter]);
        }

        var typed = posted.Quarter(quarter + 1);
        if (Conflicts.Any(c => c.RepId == line.Quota.RepId) && posted.Was?.Split('|') is { } read && quarter < read.Length &&
            Plain(Domain.Money.Parse(typed, CultureInfo.CurrentCulture)) == (read[quarter].Length == 0 ? null : read[quarter]))
        {
            return Plain(line.Quota.Quarters[quarter]);
        }

        return typed;
    }

    public DateOnly? TypedFrom(int row, QuotaLine line) => Posted(row, line) is { } posted ? posted.From : line.Quota.InSeatFrom;

    public DateOnly? TypedTo(int row, QuotaLine line) => Posted(row, line) is { } posted ? posted.To : line.Quota.InSeatTo;

    /// <summary>
    /// The version a row goes back with: after a conflict, the version now held (the reader has been shown who changed
    /// it and saving again replaces it knowingly); otherwise the one read.
    /// </summary>
    public int VersionOf(int row, QuotaLine line) =>
        Posted(row, line) is { } posted && Conflicts.All(c => c.RepId != line.Quota.RepId) ? posted.Version : line.Quota.Version;

    public string WasOf(int row, QuotaLine line) =>
        Posted(row, line) is { } posted && Conflicts.All(c => c.RepId != line.Quota.RepId) && posted.Was is { } was
            ? was
            : Fingerprint(line.Quota.Quarters, line.Quota.InSeatFrom, line.Quota.InSeatTo);

    private QuotaGridInput? Posted(int row, QuotaLine line) =>
        row < Grid.Count && Grid[row].RepId == line.Quota.RepId ? Grid[row] : null;

    /// <summary>A row's values in one string, the same however they were typed.</summary>
    public static string Fingerprint(IReadOnlyList<decimal?> quarters, DateOnly? from, DateOnly? to) =>
        string.Join('|', quarters.Select(Plain)) + $"|{from:yyyy-MM-dd}|{to:yyyy-MM-dd}";

    private static string? Plain(decimal? amount) => amount?.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Money(decimal? value) => Infrastructure.Web.Show.Money(value);

    public static string AmountData(decimal? value) => value?.ToString("0.##", CultureInfo.InvariantCulture) ?? "";

    private void AddError(string field, string message)
    {
        if (!Errors.TryGetValue(field, out var list))
        {
            Errors[field] = list = [];
        }

        list.Add(message);
    }

    /// <summary>The batch's <c>rows[2].q1</c> is the form's row that became the batch's third.</summary>
    private static string FormField(string field, IReadOnlyList<int> formIndex)
    {
        if (field.StartsWith("rows[", StringComparison.Ordinal) && field.IndexOf(']', StringComparison.Ordinal) is var end and > 5 &&
            int.TryParse(field[5..end], NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < formIndex.Count)
        {
            return $"rows[{formIndex[index]}]{field[(end + 1)..]}";
        }

        return field;
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await cycles.GetAsync(id, ct) is not { } cycle || await grid.GetAsync(id, Team, ct) is not { } view)
        {
            return false;
        }

        Cycle = cycle;
        View = view;
        var scope = access.VisiblePlans().Where(p => p.CycleId == id);
        var approved = await RevenueGoalsAsync(db.Goals(db.InForce(clock.GetUtcNow()).Where(v => scope.Any(p => p.Id == v.PlanId))), cycle.Quarters.Count, ct);
        var submitted = await RevenueGoalsAsync(db.Goals(db.AwaitingFirstApproval().Where(s => scope.Any(p => p.Id == s.PlanId))), cycle.Quarters.Count, ct);
        var settable = view.Settable.ToHashSet();
        Rows = view.Rows.Select(r => new QuotaLine(r, approved.GetValueOrDefault(r.RepId) ?? submitted.GetValueOrDefault(r.RepId),
                approved.ContainsKey(r.RepId), settable.Contains(r.RepId)))
            .ToList();
        if (access.Actor.Role is Role.Leader or Role.Admin)
        {
            Teams = await access.VisibleUsers().Where(m => m.Role == Role.Manager).OrderBy(m => m.DisplayName)
                .Select(m => new ValueTuple<Guid, string>(m.Id, m.DisplayName)).ToListAsync(ct);
        }

        if (History is { } rep)
        {
            HistoryRows = await grid.HistoryAsync(id, rep, ct);
            HistoryOf = Rows.FirstOrDefault(r => r.Quota.RepId == rep)?.Quota.RepName
                        ?? await access.VisibleUsers().Where(u => u.Id == rep).Select(u => u.DisplayName).FirstOrDefaultAsync(ct);
        }

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
