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

    private void Describe(int? status)
    {
        (Title, Message) = status switch
        {
            404 => ("Not found", "There is nothing here, or it is not yours to see."),
            403 => ("Not allowed", "Your role does not give you access to this page."),
            413 => ("Too large", "What you sent is larger than Terrain accepts here. Only imports take large files."),
            400 => ("Bad request", "The request could not be understood. If you submitted a form, reload the page and try again."),
            _ => (Title, Message),
        };
    }
}
