using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Features.Users;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Territory;

/// <summary>
/// A rep's book of business changes since a date: accounts gained and lost, and moves dated to come (ADR 0039). A rep
/// reads their own; a manager their reps'; leaders and admins anyone's.
/// </summary>
public sealed class ChangesModel(BookOfBusiness book, RepPicker picker, CurrentUser me) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? Rep { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? Since { get; set; }

    public BookChanges? Changes { get; private set; }

    public PersonChoice? Person { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var rep = Rep ?? (me.Role == Domain.Role.Rep ? me.Id : (Guid?)null);
        if (rep is not { } id)
        {
            return Page();
        }

        Changes = await book.ForRepAsync(id, Since, ct);
        if (Changes is null)
        {
            return NotFound();
        }

        Person = await picker.GetAsync(id, ct);
        return Page();
    }
}
