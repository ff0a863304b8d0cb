using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Xunit;

namespace Terrain.Tests.Features.Plans;

/// <summary>Drives the plan pages the way a browser without JavaScript does: read a page, fill in its form, press a button.</summary>
public sealed class PlanPageClient(HttpClient client)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public HttpClient Http => client;

    public async Task<IHtmlDocument> GetAsync(string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.GetAsync(url, Ct);
        Assert.Equal(expected, response.StatusCode);
        return await ParseAsync(response);
    }

    public static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response) =>
        new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync(Ct));

    /// <summary>The form's values as a browser would post them, with some changed.</summary>
    public static List<KeyValuePair<string, string>> Values(IHtmlFormElement form, IReadOnlyDictionary<string, string>? changes = null)
    {
        var values = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            var name = element.GetAttribute("name");
            if (string.IsNullOrEmpty(name) || element is IHtmlButtonElement)
            {
                continue;
            }

            var value = element switch
            {
                IHtmlSelectElement select => select.Options.FirstOrDefault(o => o.IsSelected)?.Value ?? (select.Options.Length > 0 ? select.Options[0].Value : ""),
                IHtmlTextAreaElement area => area.Value,
                IHtmlInputElement input when input.Type is "checkbox" or "radio" => input.IsChecked ? input.Value : null,
                IHtmlInputElement input => input.Value,
                _ => null,
            };
            if (value is not null)
            {
                values.Add(new(name, value));
            }
        }

        foreach (var (name, value) in changes ?? new Dictionary<string, string>())
        {
            var at = values.FindIndex(v => v.Key == name);
            Assert.True(at >= 0, $"The form has no field '{name}'.");
            values[at] = new(name, value);
        }

        return values;
    }

    /// <summary>Submits a form to its action, or to a button's formaction.</summary>
    public Task<HttpResponseMessage> SubmitAsync(IHtmlFormElement form, IReadOnlyDictionary<string, string>? changes = null, string? formAction = null,
        IEnumerable<KeyValuePair<string, string>>? extra = null) =>
        PostAsync(formAction ?? form.GetAttribute("action") ?? "", Values(form, changes).Concat(extra ?? []));

    public Task<HttpResponseMessage> PostAsync(string url, IEnumerable<KeyValuePair<string, string>> values, bool htmx = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(values) };
        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
        }

        return client.SendAsync(request, Ct);
    }

    public static IHtmlFormElement Editor(IHtmlDocument page) =>
        page.QuerySelector<IHtmlFormElement>("form#editor") ?? throw new InvalidOperationException("The page has no editor form.");

    public static string Field(IHtmlDocument page, string name) =>
        page.QuerySelector($"[name='{name}']") switch
        {
            IHtmlTextAreaElement area => area.Value,
            IHtmlSelectElement select => select.Value ?? "",
            IHtmlInputElement input => input.Value,
            _ => throw new InvalidOperationException($"No field '{name}'."),
        };

    /// <summary>An element's text with its whitespace collapsed, as it reads.</summary>
    public static string Text(IElement? element) =>
        System.Text.RegularExpressions.Regex.Replace(element?.TextContent ?? "", @"\s+", " ").Trim();
}
