using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Features.ExchangeRates;
using Terrain.Features.Imports;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Admin.ExchangeRates;

/// <summary>Dated exchange rates into the company's currency: add or change one, remove one, or load a file of them.</summary>
public sealed class IndexModel(ExchangeRateHandlers handlers) : PageModel, IReloadsOnRefusal
{
    [BindProperty]
    [Display(Name = "Currency")]
    public string? Currency { get; set; }

    [BindProperty]
    [Display(Name = "Valid from")]
    public DateOnly? ValidFrom { get; set; }

    [BindProperty]
    [Display(Name = "Rate")]
    public decimal? Rate { get; set; }

    [BindProperty]
    [Display(Name = "CSV file")]
    public IFormFile? Upload { get; set; }

    [TempData]
    public string? Saved { get; set; }

    public ExchangeRatesView View { get; private set; } = new("", []);

    public ExchangeRateImportReport? Report { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => View = await handlers.ListAsync(null, ct);

    public async Task<IActionResult> OnPostSetAsync(CancellationToken ct)
    {
        if (ValidFrom is null)
        {
            ModelState.AddModelError(nameof(ValidFrom), "Give the day the rate applies from.");
            return await ShowAsync(ct);
        }

        var (row, created) = await handlers.SetAsync(Currency ?? "", ValidFrom.Value, Rate, ct);
        Saved = $"{(created ? "Added" : "Saved")} {row.Currency} at {row.Rate} from {row.ValidFrom:d MMM yyyy}.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string? currency, DateOnly validFrom, CancellationToken ct)
    {
        Saved = !string.IsNullOrWhiteSpace(currency) && await handlers.DeleteAsync(currency, validFrom, ct)
            ? $"Removed the {currency} rate of {validFrom:d MMM yyyy}."
            : $"There was no {currency} rate on {validFrom:d MMM yyyy}.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostImportAsync(CancellationToken ct)
    {
        if (Upload is null || Upload.Length == 0)
        {
            ModelState.AddModelError(nameof(Upload), "Choose a CSV file of rates.");
        }
        else if (Upload.Length > ExchangeRateEndpoints.MaxFileBytes)
        {
            ModelState.AddModelError(nameof(Upload), $"A rates file is limited to {ExchangeRateEndpoints.MaxFileBytes / (1024 * 1024)} MB.");
        }
        else if (!ImportEndpoint.IsCsv(Upload.ContentType, Upload.FileName))
        {
            ModelState.AddModelError(nameof(Upload), $"'{Upload.FileName}' is not a CSV file.");
        }
        else
        {
            await using var stream = Upload.OpenReadStream();
            Report = await handlers.ImportAsync(stream, ct);
            if (!Report.Applied)
            {
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            }
        }

        return await ShowAsync(ct);
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        View = await handlers.ListAsync(null, ct);
        return null;
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        View = await handlers.ListAsync(null, ct);
        return Page();
    }
}
