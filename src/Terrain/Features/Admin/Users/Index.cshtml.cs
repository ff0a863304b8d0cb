using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Features.Users;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Mail;

namespace Terrain.Features.Admin.Users;

public sealed class IndexModel(UserQueries users, Invitations invitations, MailSender mail, CurrentUser me, TimeProvider clock)
    : PageModel, Infrastructure.Web.IReloadsOnRefusal
{
    public IReadOnlyList<UserRow> Users { get; private set; } = [];

    /// <summary>Invitations go out by email; without a mail server the admin copies each link.</summary>
    public bool MailConfigured => mail.IsConfigured;

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>The invitation just issued, shown once: its link exists nowhere else.</summary>
    public IssuedInvitation? Issued { get; private set; }

    public UserRow? IssuedFor { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Users = await users.ListAsync(null, null, ct);
        // The link of a user just created on the form, handed over once.
        if (TempData["InvitationLink"] is string link && Guid.TryParse(TempData["InvitationFor"] as string, out var id)
            && Users.FirstOrDefault(u => u.Id == id) is { InvitationExpiresAt: { } expires } user)
        {
            IssuedFor = user;
            Issued = new IssuedInvitation(id, user.Email, expires, false, link);
        }
    }

    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        Users = await users.ListAsync(null, null, ct);
        return null;
    }

    /// <summary>A new invitation link for a user without a password: emailed, or shown here to copy. The previous link stops working.</summary>
    public async Task<IActionResult> OnPostInviteAsync(Guid id, CancellationToken ct)
    {
        Issued = await invitations.IssueAsync(id, me.Id, ct);
        if (Issued is null)
        {
            return NotFound();
        }

        Users = await users.ListAsync(null, null, ct);
        IssuedFor = Users.FirstOrDefault(u => u.Id == id);
        return Page();
    }

    /// <summary>How the user stands at the door, in a few words.</summary>
    public static string SignInState(UserRow user, DateTimeOffset now) => !user.IsActive
        ? "Deactivated"
        : user.HasPassword
            ? "Active"
            : user.InvitationExpiresAt is { } expires
                ? expires > now ? $"Invited (expires {Infrastructure.Web.Show.Date(expires)})" : "Invitation expired"
                : "Not invited yet";
}
