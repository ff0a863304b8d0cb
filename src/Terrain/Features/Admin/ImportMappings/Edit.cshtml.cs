using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using nietras.SeparatedValues;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Features.ImportMappings;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Admin.ImportMappings;

/// <summary>
/// Creates or changes a saved mapping: the same handler as /api/v1/import-mappings. A mapping starts from a header
/// line, pasted or read from the first line of a file, listing each column with the field it most likely holds.
/// </summary>
[May(Act.Import)]
public sealed class EditModel(ImportMappingHandlers handlers) : PageModel, IReloadsOnRefusal
{
    /// <summary>Blank rows offered for columns and stages typed by hand.</summary>
    private const int BlankRows = 3;

    /// <summary>More than the longest header line of a real export.</summary>
    private const int MaxHeaderBytes = 256 * 1024;

    public sealed class ColumnRow
    {
        public string? Heading { get; set; }

        public string? Field { get; set; }
    }

    public sealed class StageRow
    {
        public string? Name { get; set; }

        public DealOutcome Outcome { get; set; }

        public ForecastCategory? Forecast { get; set; }
    }

    [FromRoute]
    public Guid? Id { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public ImportKind Kind { get; set; } = ImportKind.Opportunities;

    [BindProperty]
    public List<ColumnRow> Columns { get; set; } = [];

    [BindProperty]
    public List<StageRow> Stages { get; set; } = [];

    /// <summary>One format per line.</summary>
    [BindProperty]
    public string? DateFormats { get; set; } = "yyyy-MM-dd";

    [BindProperty]
    public string? DecimalSeparator { get; set; } = ".";

    [BindProperty]
    public string? ThousandsSeparator { get; set; } = "";

    [BindProperty]
    public string? Version { get; set; }

    [BindProperty]
    public string? HeaderLine { get; set; }

    [BindProperty]
    public IFormFile? HeaderFile { get; set; }

    public string? Stale { get; private set; }

    public IReadOnlyList<MappableField> Fields => ImportMapping.FieldsOf(Kind);

    public static IReadOnlyList<ImportKind> Kinds => [ImportKind.Opportunities, ImportKind.Activities, ImportKind.Bookings];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Id is { } id)
        {
            if (await handlers.GetAsync(id, ct) is not { } mapping)
            {
                return NotFound();
            }

            Show(mapping);
        }

        AddBlankRows();
        return Page();
    }

    /// <summary>Reads the header line (pasted, or the first line of the file) into one row per column with a suggested field.</summary>
    public async Task<IActionResult> OnPostColumnsAsync(CancellationToken ct)
    {
        var text = HeaderFile is { Length: > 0 } file ? await FirstBytesAsync(file, ct) : HeaderLine ?? "";
        var header = HeaderOf(text);
        var chosen = Columns.Where(c => !string.IsNullOrWhiteSpace(c.Field) && !string.IsNullOrWhiteSpace(c.Heading))
            .ToDictionary(c => DealLayout.Normalize(c.Heading!), c => c.Field!);
        Columns = [.. ImportMappingHandlers.Suggest(Kind, header).Select(s => new ColumnRow
        {
            Heading = s.Heading,
            Field = chosen.GetValueOrDefault(DealLayout.Normalize(s.Heading), s.Field),
        })];
        ModelState.Clear();
        AddBlankRows();
        return Page();
    }

    public IActionResult OnPostAddStages()
    {
        ModelState.Clear();
        Stages.AddRange(Enumerable.Range(0, 5).Select(_ => new StageRow()));
        AddBlankRows(stages: false);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var input = new ImportMappingInput(Name, Kind,
            Columns.Where(c => !string.IsNullOrWhiteSpace(c.Heading) && !string.IsNullOrWhiteSpace(c.Field))
                .GroupBy(c => c.Heading!.Trim(), StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count() == 1 ? g.First().Field!
                    : throw new DomainException($"The column '{g.Key}' is listed twice.", "columns")),
            [.. Stages.Where(s => !string.IsNullOrWhiteSpace(s.Name)).Select(s => new MappedStage(s.Name!, s.Outcome, s.Forecast))],
            (DateFormats ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            DecimalSeparator, ThousandsSeparator);
        if (Id is not { } id)
        {
            var created = await handlers.CreateAsync(input, ct);
            TempData["Saved"] = $"Saved the mapping '{created.Name}'. Choose it on the import page, or pass mapping={created.Name} to the API.";
            return RedirectToPage("Index");
        }

        var result = await handlers.UpdateAsync(id, input, Version ?? "", ct);
        switch (result.Outcome)
        {
            case MappingOutcome.NotFound:
                return NotFound();
            case MappingOutcome.Stale or MappingOutcome.PreconditionRequired:
                Stale = "Someone changed this mapping after you opened it, so your change was not saved. Your values are shown; save again to replace theirs.";
                Version = result.Current!.Version;
                ModelState.Remove(nameof(Version));
                Response.StatusCode = StatusCodes.Status409Conflict;
                AddBlankRows();
                return Page();
            case MappingOutcome.Saved:
                TempData["Saved"] = $"Saved the mapping '{result.Current!.Name}'.";
                return RedirectToPage("Index");
            default:
                throw new InvalidOperationException($"Unknown outcome {result.Outcome}.");
        }
    }

    public async Task<IActionResult> OnPostDeleteAsync(CancellationToken ct)
    {
        if (Id is not { } id)
        {
            return NotFound();
        }

        var result = await handlers.DeleteAsync(id, Version, ct);
        switch (result.Outcome)
        {
            case MappingOutcome.NotFound:
                return NotFound();
            case MappingOutcome.Stale:
                Stale = "Someone changed this mapping after you opened it, so it was not deleted. Look at it again first.";
                Show(result.Current!);
                ModelState.Clear();
                Response.StatusCode = StatusCodes.Status409Conflict;
                AddBlankRows();
                return Page();
            case MappingOutcome.Saved or MappingOutcome.PreconditionRequired:
                TempData["Saved"] = $"Deleted the mapping '{Name}'.";
                return RedirectToPage("Index");
            default:
                throw new InvalidOperationException($"Unknown outcome {result.Outcome}.");
        }
    }

    public Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        AddBlankRows();
        return Task.FromResult<IActionResult?>(null);
    }

    /// <summary>The columns of a header line, comma delimited as imports read it; a header of one field holding semicolons or tabs is refused saying so.</summary>
    public static IReadOnlyList<string> HeaderOf(string text)
    {
        var firstLine = text.TrimStart('\uFEFF');
        IReadOnlyList<string> header;
        try
        {
            using var reader = Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true, CultureInfo = CultureInfo.InvariantCulture })
                .FromText(firstLine);
            header = reader.Header.ColNames.Select(c => c.Trim()).Where(c => c.Length > 0).ToList();
        }
        catch (Exception e) when (e is NotSupportedException or InvalidDataException or ArgumentException or FormatException)
        {
            throw new DomainException($"The header line could not be read as CSV: {e.Message}", "headerLine");
        }

        if (header.Count == 0)
        {
            throw new DomainException("Paste the first line of the file (its column headings) or choose the file.", "headerLine");
        }

        var hint = ActualsLayout.DelimiterHint(header);
        return hint.Length > 0 ? throw new DomainException(hint.Trim(), "headerLine") : header;
    }

    private static async Task<string> FirstBytesAsync(IFormFile file, CancellationToken ct)
    {
        await using var stream = file.OpenReadStream();
        var buffer = new byte[Math.Min(MaxHeaderBytes, file.Length)];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        // Only the header is wanted: the rows that follow may be cut anywhere, even inside a quote.
        var end = text.IndexOfAny(['\r', '\n']);
        return end >= 0 ? text[..end] : text;
    }

    private void Show(ImportMappingView mapping)
    {
        (Name, Kind, Version) = (mapping.Name, mapping.Kind, mapping.Version);
        Columns = [.. mapping.Columns.Select(c => new ColumnRow { Heading = c.Key, Field = c.Value })];
        Stages = [.. mapping.Stages.Select(s => new StageRow { Name = s.Name, Outcome = s.Outcome, Forecast = s.Forecast })];
        DateFormats = string.Join('\n', mapping.DateFormats);
        (DecimalSeparator, ThousandsSeparator) = (mapping.DecimalSeparator, mapping.ThousandsSeparator);
    }

    /// <summary>Blank rows at the end, for columns and stages typed by hand; a form posted back keeps the blanks it had.</summary>
    private void AddBlankRows(bool stages = true)
    {
        var blankColumns = Columns.AsEnumerable().Reverse().TakeWhile(c => string.IsNullOrWhiteSpace(c.Heading)).Count();
        Columns.AddRange(Enumerable.Range(0, Math.Max(0, BlankRows - blankColumns)).Select(_ => new ColumnRow()));
        if (stages && Kind == ImportKind.Opportunities)
        {
            var blankStages = Stages.AsEnumerable().Reverse().TakeWhile(s => string.IsNullOrWhiteSpace(s.Name)).Count();
            Stages.AddRange(Enumerable.Range(0, Math.Max(0, BlankRows - blankStages)).Select(_ => new StageRow()));
        }
    }
}
