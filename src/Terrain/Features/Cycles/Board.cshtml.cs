using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Terrain.Features.Cycles;

public sealed class BoardModel(Board board) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? Manager { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Overdue { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    public BoardView View { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var filter = new BoardFilter(Status, Manager, Overdue, Sort);
        if (Board.Validate(filter) is not null)
        {
            filter = new BoardFilter(null, Manager, Overdue, null);
        }

        if (await board.GetAsync(id, filter, ct) is not { } view)
        {
            return NotFound();
        }

        View = view;
        return Page();
    }

    public string SortLink(string key) => QueryLink(Sort == key ? "-" + key : key);

    public string AriaSort(string key) => Sort == key ? "ascending" : Sort == "-" + key ? "descending" : "none";

    private string QueryLink(string sort) => Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString($"/Cycles/Board/{View.CycleId}",
        new Dictionary<string, string?>
        {
            ["status"] = Status,
            ["manager"] = Manager?.ToString(),
            ["overdue"] = Overdue ? "true" : null,
            ["sort"] = sort,
        }.Where(p => !string.IsNullOrEmpty(p.Value)));

    public static string Label(string status) => status == "ChangesRequested" ? "Changes requested" : status;

    public static string Days(int? days) => days switch
    {
        null => "—",
        -1 => "1 day overdue",
        < 0 => $"{-days} days overdue",
        0 => "due today",
        1 => "1 day",
        _ => $"{days} days",
    };
}
