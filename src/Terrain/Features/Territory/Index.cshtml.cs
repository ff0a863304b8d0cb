using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Features.Accounts;
using Terrain.Features.Users;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Territory;

public sealed class IndexModel(AccountQueries accounts, RepPicker picker, CurrentUser me, AccessPolicy access, AccountAssignments assignments,
    Territories territories, BookOfBusiness book) : PageModel, IReloadsOnRefusal
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

    /// <summary>Leaders and admins move accounts from this list (ADR 0038).</summary>
    public bool CanAssign => access.May(Act.AssignAccounts);

    /// <summary>The move controls, for those who may move accounts.</summary>
    public MoveForm? Move { get; private set; }

    /// <summary>What changed lately in the book of business of the rep shown (a rep's own, or the rep picked).</summary>
    public BookChanges? Changes { get; private set; }

    [TempData]
    public string? Saved { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var found = await LoadAsync(ct);
        if (!found)
        {
            return NotFound();
        }

        return Request.Headers.ContainsKey("HX-Request") && !Request.Headers.ContainsKey("HX-Boosted")
            ? Partial("_AccountTable", this)
            : Page();
    }

    /// <summary>Moves the ticked accounts (form fields ids, or all in one field idList, as the map posts them) to a territory, now or from a date.</summary>
    public async Task<IActionResult> OnPostMoveAsync(List<Guid> ids, string? idList, Guid? territoryId, DateOnly? effectiveFrom, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var outcome = await assignments.AssignAsync(new AssignmentRequest(AccountAssignments.ParseIds(ids, idList), territoryId, effectiveFrom), ct);
        Saved = Describe(outcome);
        return Redirect(Link(new()));
    }

    /// <summary>Moves every account the filter matches (not only the page shown).</summary>
    public async Task<IActionResult> OnPostMoveAllAsync(Guid? territoryId, DateOnly? effectiveFrom, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var ids = await accounts.MatchingIdsAsync(Filter(Rep?.ToString()), AccountAssignments.MaxAccounts + 1, ct) ?? [];
        var outcome = await assignments.AssignAsync(new AssignmentRequest(ids, territoryId, effectiveFrom), ct);
        Saved = Describe(outcome);
        return Redirect(Link(new()));
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct) =>
        await LoadAsync(ct) ? null : NotFound();

    public static string Describe(AssignmentOutcome o)
    {
        var parts = new List<string>();
        if (o.Moved > 0)
        {
            parts.Add($"Moved {o.Moved:N0} account(s) to {o.TerritoryName}");
        }

        if (o.Scheduled > 0)
        {
            parts.Add($"{o.Scheduled:N0} account(s) will move to {o.TerritoryName} on {Show.Date(o.EffectiveFrom)}");
        }

        if (o.Unchanged > 0)
        {
            parts.Add($"{o.Unchanged:N0} already there");
        }

        return string.Join("; ", parts) + ".";
    }

    private AccountFilter Filter(string? owner) => new()
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

    private async Task<bool> LoadAsync(CancellationToken ct)
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
        var page = await accounts.ListAsync(Filter(owner), ct);
        if (page is null)
        {
            return false;
        }

        Result = page;
        if (ChoosesRep)
        {
            Heading = Selected is null ? (me.Role == Role.Manager ? "Team accounts" : "All accounts") : $"{Selected.DisplayName}'s territory";
        }

        if (me.Role == Role.Rep || Selected is not null)
        {
            Changes = await book.ForRepAsync(me.Role == Role.Rep ? me.Id : Selected!.Id, null, ct);
        }

        if (CanAssign)
        {
            Move = new MoveForm("move-form", "/Territory", await territories.ChoicesAsync(ct),
                new Dictionary<string, string?> { ["q"] = Search, ["industry"] = Industry, ["segment"] = Segment, ["region"] = Region, ["rep"] = Rep?.ToString(), ["sort"] = Sort },
                "Move", "MoveAll", page.Total, [.. ModelState.Values.SelectMany(v => v.Errors).Select(e => e.ErrorMessage)]);
        }

        return true;
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
