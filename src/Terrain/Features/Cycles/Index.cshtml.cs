using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Terrain.Features.Cycles;

public sealed class IndexModel(CycleHandlers cycles) : PageModel
{
    public IReadOnlyList<CycleRow> Cycles { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Cycles = (await cycles.Query().ToListAsync(ct)).Select(CycleHandlers.Complete).ToList();
}
