using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Features.Accounts;
using Terrain.Features.Users;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Territory;

public sealed class IndexModel(AccountQueries accounts, UserQueries users, CurrentUser me) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Industry { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Segment { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Region { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    /// <summary>For managers and leaders: whose territory to show (user id); empty shows every visible account.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? Rep { get; set; }

    public AccountPage Result { get; private set; } = null!;

    public IReadOnlyList<PersonName> Reps { get; private set; } = [];

    public string Heading { get; private set; } = "My territory";

    public const int PageSize = 100;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var owner = me.Role == Role.Rep ? "me" : Rep?.ToString();
        var filter = new AccountFilter
        {
            Owner = owner,
            Search = Search,
            Industry = Industry,
            Segment = Segment,
            Region = Region,
            Sort = AccountFilter.SortKeys.Contains(Sort?.TrimStart('-') ?? "") ? Sort : null,
            Page = Math.Clamp(PageNumber, 1, AccountFilter.MaxPage),
            PageSize = PageSize,
        };
        var page = await accounts.ListAsync(filter, ct);
        if (page is null)
        {
            return NotFound();
        }

        Result = page;
        if (me.Role != Role.Rep)
        {
            Reps = await users.NamesAsync(Role.Rep, ct);
            var selected = Reps.FirstOrDefault(r => r.Id == Rep);
            Heading = selected is null ? (me.Role == Role.Manager ? "Team accounts" : "All accounts") : $"{selected.DisplayName}'s territory";
        }

        return Request.Headers.ContainsKey("HX-Request") && !Request.Headers.ContainsKey("HX-Boosted")
            ? Partial("_AccountTable", this)
            : Page();
    }

    public string SortLink(string key)
    {
        var next = Sort == key ? "-" + key : key;
        return Link(new Dictionary<string, string?> { ["sort"] = next, ["p"] = null });
    }

    public string AriaSort(string key) => Sort == key ? "ascending" : Sort == "-" + key ? "descending" : "none";

    public string PageLink(int page) => Link(new Dictionary<string, string?> { ["p"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    private string Link(Dictionary<string, string?> changes)
    {
        var values = new Dictionary<string, string?>
        {
            ["q"] = Search,
            ["industry"] = Industry,
            ["segment"] = Segment,
            ["region"] = Region,
            ["sort"] = Sort,
            ["rep"] = Rep?.ToString(),
            ["p"] = PageNumber > 1 ? PageNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
        };
        foreach (var (key, value) in changes)
        {
            values[key] = value;
        }

        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/Territory",
            values.Where(v => !string.IsNullOrEmpty(v.Value)));
        return query;
    }
}
