using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Terrain.Features.Imports;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Admin.Imports;

public sealed class IndexModel(ImportRunner runner, CurrentUser me, IOptions<TerrainOptions> options) : PageModel
{
    [BindProperty]
    public ImportKind Kind { get; set; } = ImportKind.Accounts;

    [BindProperty]
    public bool ImportGoodRows { get; set; }

    [BindProperty]
    public bool FullExtract { get; set; }

    [BindProperty]
    [Display(Name = "CSV file")]
    public IFormFile? Upload { get; set; }

    public ImportReport? Report { get; private set; }

    public long MaxMegabytes => options.Value.MaxImportBytes / (1024 * 1024);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Upload is null || Upload.Length == 0)
        {
            ModelState.AddModelError(nameof(Upload), "Choose a CSV file to import.");
        }
        else if (Upload.Length > options.Value.MaxImportBytes)
        {
            ModelState.AddModelError(nameof(Upload), $"The file is larger than {MaxMegabytes} MB. Split it into smaller files.");
        }
        else if (!ImportEndpoint.IsCsv(Upload.ContentType, Upload.FileName))
        {
            ModelState.AddModelError(nameof(Upload), $"'{Upload.FileName}' is not a CSV file (it is {Upload.ContentType}).");
        }

        if (ModelState.IsValid && Upload is not null)
        {
            await using var stream = Upload.OpenReadStream();
            Report = await runner.RunAsync(Kind, stream, ImportGoodRows, me.Id, full: Kind == ImportKind.Opportunities && FullExtract, ct: ct);
        }

        return Request.Headers.ContainsKey("HX-Request") ? Partial("_Report", this) : Page();
    }
}
