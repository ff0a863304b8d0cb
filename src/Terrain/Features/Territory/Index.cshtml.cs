using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Features.Accounts;
using Terrain.Features.Users;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Territory;

public sealed class IndexModel(AccountQueries accounts, RepPicker picker, CurrentUser me) : PageModel
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

    /// <summary>What was typed in the rep search (organisations with more reps than a drop-down holds).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Who { get; set; }

    public AccountPage Result { get; private set; } = null!;

    /// <summary>The drop-down's reps; null when there are too many and the rep is searched for instead.</summary>
    public IReadOnlyList<PersonChoice>? Reps { get; private set; }

    public bool ChoosesRep => me.Role != Role.Rep;

    /// <summary>The rep shown, when one is.</summary>
    public PersonChoice? Selected { get; private set; }

    /// <summary>When what was typed names no single rep: the closest matches, to pick from.</summary>
    public IReadOnlyList<PersonChoice>? Matches { get; private set; }

    public string Heading { get; private set; } = "My territory";

    public const int PageSize = 100;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (ChoosesRep)
        {
            Reps = await picker.ListAsync(ct);
            if (!string.IsNullOrWhiteSpace(Who))
            {
                (Selected, var matches) = await picker.ResolveAsync(Who, ct);
                Rep = Selected?.Id;
                Matches = Selected is null ? matches : null;
            }
            else if (Rep is { } id)
            {
                Selected = Reps is null ? await picker.GetAsync(id, ct) : Reps.FirstOrDefault(r => r.Id == id);
            }
        }

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
        if (ChoosesRep)
        {
            Heading = Selected is null ? (me.Role == Role.Manager ? "Team accounts" : "All accounts") : $"{Selected.DisplayName}'s territory";
        }

        return Request.Headers.ContainsKey("HX-Request") && !Request.Headers.ContainsKey("HX-Boosted")
            ? Partial("_AccountTable", this)
            : Page();
    }

    /// <summary>Suggestions for the rep search, as the options of its datalist (htmx, as one types).</summary>
    public async Task<IActionResult> OnGetRepsAsync(CancellationToken ct)
    {
        if (!ChoosesRep)
        {
            return NotFound();
        }

        var found = await picker.SuggestAsync(Who, ct);
        return Partial("_RepOptions", found);
    }

    public string RepLink(Guid rep) => Link(new Dictionary<string, string?> { ["rep"] = rep.ToString(), ["p"] = null });

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
