using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;

namespace Terrain.Infrastructure.Web;

/// <summary>A page whose view needs data that a refused POST handler has not loaded (or loaded before the refusal).</summary>
public interface IReloadsOnRefusal
{
    /// <summary>
    /// Loads what the view shows. Null re-renders the page; a result replaces it: NotFound when the record is gone, or
    /// a partial for htmx, which swaps only successful answers. <paramref name="handler"/> names the refused handler
    /// ("Submit" for OnPostSubmitAsync), for a page with several forms.
    /// </summary>
    Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct);
}

/// <summary>A page that binds its own form and answers an unreadable amount itself (the plan section editor).</summary>
public interface IReadsItsOwnAmounts;

/// <summary>
/// Where a page's inputs live: the domain's field <c>rows[3].nextMove</c> is the input <c>{Prefix}.Rows[3].NextMove</c>,
/// the name model binding gives it. A page without it binds its inputs as top-level properties (<c>PeriodStart</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class FormPrefixAttribute(string prefix) : Attribute
{
    public string Prefix { get; } = prefix;
}

/// <summary>
/// The one place a page turns a domain refusal into what the reader sees: the API's status code (see
/// <see cref="Problems.StatusFor"/>) and the page again, with the refusal in ModelState under the input it names.
/// </summary>
public sealed class RefusalPageFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        // An amount the form posted that is not one (AmountBinder) is refused before the handler runs, which would
        // otherwise save the field as empty.
        if (context.HttpContext.Items.TryGetValue(AmountBinder.Unreadable, out var field) && field is string key &&
            context.HandlerInstance is PageModel reader and IReloadsOnRefusal and not IReadsItsOwnAmounts &&
            reader.ModelState.ErrorFor(key) is not null)
        {
            reader.Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            var reloaded = await ((IReloadsOnRefusal)reader).ReloadAsync(context.HandlerMethod?.Name, reader.HttpContext.RequestAborted);
            context.Result = reloaded ?? new PageResult { StatusCode = StatusCodes.Status422UnprocessableEntity };
            return;
        }

        var executed = await next();
        if (executed.ExceptionHandled || executed.Exception is not DomainException refusal || executed.HandlerInstance is not PageModel page)
        {
            return;
        }

        executed.ExceptionHandled = true;
        page.HttpContext.Items[typeof(DomainException)] = refusal;
        var status = Problems.StatusFor(refusal);
        page.ModelState.AddRefusal(refusal, page.GetType().GetCustomAttribute<FormPrefixAttribute>()?.Prefix ?? "");
        page.Response.StatusCode = status;
        var replaced = page is IReloadsOnRefusal reloads ? await reloads.ReloadAsync(executed.HandlerMethod?.Name, page.HttpContext.RequestAborted) : null;
        executed.Result = replaced ?? new PageResult { StatusCode = status };
    }
}

public static class Refusals
{
    /// <summary>
    /// The refusal being shown, as the domain raised it (its type, field and problems), for a page whose form maps the
    /// domain's names its own way; null outside <see cref="IReloadsOnRefusal.ReloadAsync"/>.
    /// </summary>
    public static DomainException? Refusal(this HttpContext context) =>
        context.Items.TryGetValue(typeof(DomainException), out var refusal) ? refusal as DomainException : null;

    /// <summary>
    /// The input a domain field names: "periodStart" is "PeriodStart", "objectives[2].target" with prefix "Form" is
    /// "Form.Objectives[2].Target", a name that already carries the prefix stays as it is. Refusals of the person,
    /// and those naming no field, belong to the form as a whole ("").
    /// </summary>
    public static string KeyFor(string? field, string prefix = "")
    {
        if (string.IsNullOrEmpty(field))
        {
            return "";
        }

        if (prefix.Length > 0 && field.StartsWith(prefix + ".", StringComparison.Ordinal))
        {
            return field;
        }

        var path = string.Join('.', field.Split('.').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
        return prefix.Length == 0 ? path : $"{prefix}.{path}";
    }

    /// <summary>
    /// Records a refusal under the input it names. A refusal with a list of problems records its summary (ending in a
    /// colon, to introduce them) and then each problem, in order, under the same input.
    /// </summary>
    public static void AddRefusal(this ModelStateDictionary state, DomainException refusal, string prefix = "")
    {
        var key = refusal is NotAllowedException ? "" : KeyFor(refusal.Field, prefix);
        if (refusal.Problems.Count == 0)
        {
            state.AddModelError(key, refusal.Message);
            return;
        }

        state.AddModelError(key, refusal.Summary + ":");
        foreach (var problem in refusal.Problems)
        {
            state.AddModelError(key, problem);
        }
    }

    /// <summary>The first refusal recorded for an input, or null.</summary>
    public static string? ErrorFor(this ModelStateDictionary state, string key) =>
        state.TryGetValue(key, out var entry) && entry.Errors.Count > 0 ? entry.Errors[0].ErrorMessage : null;

    /// <summary>Every message recorded, for a page that shows a refusal in one place whatever input it names.</summary>
    public static IReadOnlyList<string> Messages(this ModelStateDictionary state) =>
        state.Values.SelectMany(e => e.Errors).Select(e => e.ErrorMessage).ToList();
}
