using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Features.ImportMappings;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Admin.ImportMappings;

/// <summary>The saved mappings of actuals exports, for those who import.</summary>
[May(Act.Import)]
public sealed class IndexModel(ImportMappingHandlers handlers) : PageModel
{
    public IReadOnlyList<ImportMappingView> Mappings { get; private set; } = [];

    [TempData]
    public string? Saved { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => Mappings = await handlers.ListAsync(null, ct);
}
