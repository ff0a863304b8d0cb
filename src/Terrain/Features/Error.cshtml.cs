using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Terrain.Features;

[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "Something went wrong";

    public string Message { get; private set; } = "The error has been logged. Try again, or go back to the home page.";

    public void OnGet(int? status) => Describe(status);

    public void OnPost(int? status) => Describe(status);

    /// <summary>The flood guard says when to come back in Retry-After; it survives the re-execution that shows this page.</summary>
    private string Wait() =>
        int.TryParse(Response.Headers.RetryAfter.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? seconds == 1 ? "1 second" : $"{seconds} seconds"
            : "a minute";

    private void Describe(int? status)
    {
        (Title, Message) = status switch
        {
            404 => ("Not found", "There is nothing here, or it is not yours to see."),
            403 => ("Not allowed", "Your role does not give you access to this page."),
            413 => ("Too large", "What you sent is larger than Terrain accepts here. Only imports take large files."),
            400 => ("Bad request", "The request could not be understood. If you submitted a form, reload the page and try again."),
            429 => ("Too many attempts", $"Too many sign-in attempts came from your network in a short time. Wait {Wait()} and try again."),
            _ => (Title, Message),
        };
    }
}
