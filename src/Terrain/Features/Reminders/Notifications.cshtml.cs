using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Terrain.Features.Reminders;

/// <summary>
/// The signed-in person's notifications: all the open ones, each of which can be marked read or dismissed. A reminder
/// whose cause is gone has already left the list (<see cref="NotificationCauses"/>). Everyone signed in may use it, on
/// their own notifications only; another person's id answers 404.
/// </summary>
public sealed class NotificationsModel(MyNotifications mine) : PageModel
{
    public const int Shown = 100;

    public NotificationList Notifications { get; private set; } = new(0, 0, []);

    public async Task OnGetAsync(CancellationToken ct) => Notifications = await mine.ListAsync(Shown, ct);

    public async Task<IActionResult> OnPostReadAsync(long id, string? returnUrl, CancellationToken ct) =>
        await mine.MarkReadAsync(id, ct) ? Back(returnUrl) : NotFound();

    public async Task<IActionResult> OnPostDismissAsync(long id, string? returnUrl, CancellationToken ct) =>
        await mine.DismissAsync(id, ct) ? Back(returnUrl) : NotFound();

    public async Task<IActionResult> OnPostReadAllAsync(string? returnUrl, CancellationToken ct)
    {
        await mine.MarkAllReadAsync(ct);
        return Back(returnUrl);
    }

    /// <summary>Back to the page the form was on (the home page or this one), never to another site.</summary>
    private IActionResult Back(string? returnUrl) =>
        LocalRedirect(returnUrl is { Length: > 0 } && Url.IsLocalUrl(returnUrl) ? returnUrl : "/Notifications");
}
