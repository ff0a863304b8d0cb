using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Features.ImportMappings;
using Terrain.Features.Imports;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Admin.Imports;

public sealed class IndexModel(ImportJobs jobs, ImportMappingHandlers mappings, AppDbContext db, CurrentUser me, IOptions<TerrainOptions> options)
    : PageModel, IReloadsOnRefusal
{
    /// <summary>A small file is usually imported within this: the page then shows the report at once, not a bar.</summary>
    private static readonly TimeSpan ReportWithin = TimeSpan.FromSeconds(5);

    [BindProperty]
    public ImportKind Kind { get; set; } = ImportKind.Accounts;

    [BindProperty]
    public bool ImportGoodRows { get; set; }

    [BindProperty]
    public bool FullExtract { get; set; }

    /// <summary>The saved mapping to read the file by (its id), or empty to recognise the layout from the header.</summary>
    [BindProperty]
    public string? Mapping { get; set; }

    public IReadOnlyList<ImportMappingView> Mappings { get; private set; } = [];

    [BindProperty]
    [Display(Name = "CSV file")]
    public IFormFile? Upload { get; set; }

    /// <summary>The job the page follows: the one just uploaded, or the one named in the address.</summary>
    public ImportJobView? Job { get; private set; }

    public ImportReport? Report => Job?.Report;

    public IReadOnlyList<ImportJobView> History { get; private set; } = [];

    public string MaxMegabytes => ImportEndpoint.Megabytes(options.Value.MaxImportBytes);

    public static string JobLink(Guid id) => $"/Admin/Imports?job={id}#import-result";

    public async Task<IActionResult> OnGetAsync(Guid? job, CancellationToken ct)
    {
        if (job is { } id)
        {
            Job = await jobs.GetAsync(id, ct);
            if (Job is null)
            {
                return NotFound();
            }
        }

        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        await LoadAsync(ct);
        return null;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        History = await jobs.ListAsync(50, ct);
        Mappings = await mappings.ListAsync(null, ct);
    }

    /// <summary>The job's progress for the page's script to draw, without its report.</summary>
    public async Task<IActionResult> OnGetProgressAsync(Guid job, CancellationToken ct) =>
        await jobs.GetAsync(job, ct) is { } found
            ? new JsonResult(new { State = found.State.ToString(), found.Progress.Phase, found.Progress.Percent, found.Progress.RowsRead, found.Progress.BytesRead, found.SizeBytes })
            : NotFound();

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

        var chosen = await ImportMappingHandlers.ResolveAsync(db, Mapping, Kind, ct);
        if (ModelState.IsValid && Upload is not null)
        {
            await using var stream = Upload.OpenReadStream();
            if (await jobs.StoreAsync(stream, ct) is { } stored)
            {
                if (await jobs.KindMismatchAsync(Kind, stored.Path, chosen?.Id, ct) is { } mismatch)
                {
                    System.IO.File.Delete(stored.Path);
                    ModelState.AddModelError(nameof(Upload), mismatch);
                }
                else
                {
                    var queued = await jobs.QueueAsync(Kind, ImportGoodRows, Kind == ImportKind.Opportunities && FullExtract, Upload.FileName,
                        stored.Path, ownsFile: true, stored.Size, me.Id, null, chosen?.Id, ct);
                    Job = await jobs.WaitAsync(queued.Id, ReportWithin, ct);
                }
            }
            else
            {
                ModelState.AddModelError(nameof(Upload), $"The file is larger than {MaxMegabytes} MB. Split it into smaller files.");
            }
        }

        if (Request.Headers.ContainsKey("HX-Request"))
        {
            return Partial("_Report", this);
        }

        await LoadAsync(ct);
        return Page();
    }
}
