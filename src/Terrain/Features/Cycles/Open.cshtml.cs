using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Cycles;

/// <summary>A leader (or an admin, ADR 0015) opens the next planning cycle: its schedule, calendar, strategy and template.</summary>
[May(Act.RunCycles)]
[FormPrefix("Form")]
public sealed class OpenModel(CycleHandlers cycles, TimeProvider clock) : PageModel, IReloadsOnRefusal
{
    [BindProperty]
    public CycleForm Form { get; set; } = new();

    [BindProperty]
    public Guid? StrategyId { get; set; }

    [BindProperty]
    public bool RequireAcknowledgement { get; set; }

    [BindProperty]
    public Guid? CopyTemplateFrom { get; set; }

    public IReadOnlyList<CycleRow> Earlier { get; private set; } = [];

    public IReadOnlyList<StrategyOption> Strategies { get; private set; } = [];

    [TempData]
    public string? Saved { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        var latest = Earlier.Count > 0 ? Earlier[0] : null;
        var zone = latest?.TimeZone ?? "UTC";
        Form = CycleForm.Next(latest, Deadlines.LocalDate(clock.GetUtcNow(), Deadlines.IsKnownTimeZone(zone) ? zone : "UTC"));
        CopyTemplateFrom = latest?.Id;
        // The published strategy whose period overlaps the proposed one, when there is one.
        var input = Form.ToInput(null, false, null);
        StrategyId = Strategies.FirstOrDefault(s => s.PeriodStart <= input.PeriodEnd && s.PeriodEnd >= input.PeriodStart)?.Id;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var opened = await cycles.OpenAsync(Form.ToInput(StrategyId, RequireAcknowledgement, CopyTemplateFrom), ct);
        Saved = $"{opened.Name} is open: {opened.Plans} draft plan{(opened.Plans == 1 ? "" : "s")} started, drafts due {opened.DraftDue:d MMM yyyy}.";
        return Redirect("/Cycles");
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        await LoadAsync(ct);
        return null;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Earlier = (await cycles.Query().ToListAsync(ct)).Select(CycleHandlers.Complete).ToList();
        Strategies = await cycles.PublishedStrategiesAsync(ct);
    }
}
