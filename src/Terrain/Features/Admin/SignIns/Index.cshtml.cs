using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Terrain.Features.Admin.SignIns;

public sealed class IndexModel(SignInLog log) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true)]
    public string? Email { get; set; }

    public SignInPage Result { get; private set; } = null!;

    public int Pages => Math.Max(1, (int)Math.Ceiling(Result.Total / (double)PageSize));

    public async Task OnGetAsync(CancellationToken ct) =>
        Result = await log.ListAsync(Email, Math.Clamp(PageNumber, 1, 1_000_000), PageSize, ct);

    public string PageLink(int page) => Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/Admin/SignIns",
        new Dictionary<string, string?>
        {
            ["email"] = string.IsNullOrWhiteSpace(Email) ? null : Email,
            ["p"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }.Where(v => v.Value is not null));
}
