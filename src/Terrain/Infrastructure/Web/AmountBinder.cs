using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Terrain.Domain;

namespace Terrain.Infrastructure.Web;

/// <summary>
/// Reads every decimal a form posts as people type amounts: "12500", "12,500", "12500.00" and "$12,500" are all 12500
/// (<see cref="Money.Parse"/>, in the page's culture). Money inputs are text inputs formatted with thousands separators
/// (money.js), so this is what makes their shown value postable. Anything else is refused with a message that names the
/// field; <see cref="RefusalPageFilter"/> answers such a post like a domain refusal (422) before its handler runs.
/// </summary>
public sealed partial class AmountBinder : IModelBinder
{
    /// <summary>Where the binder records the inputs it could not read, for the page filter.</summary>
    public static readonly object Unreadable = new();

    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        var context = bindingContext;
        var posted = context.ValueProvider.GetValue(context.ModelName);
        if (posted == ValueProviderResult.None)
        {
            return Task.CompletedTask;
        }

        context.ModelState.SetModelValue(context.ModelName, posted);
        var text = posted.FirstValue;
        if (string.IsNullOrWhiteSpace(text))
        {
            // Blank is "no amount" for an optional one; a required one is left to validation, as the framework does.
            if (context.ModelMetadata.IsReferenceOrNullableType)
            {
                context.Result = ModelBindingResult.Success(null);
            }

            return Task.CompletedTask;
        }

        if (Money.Parse(text, CultureInfo.CurrentCulture) is { } amount)
        {
            context.Result = ModelBindingResult.Success(amount);
            return Task.CompletedTask;
        }

        context.ModelState.TryAddModelError(context.ModelName, Message(LabelOf(context), text));
        var items = context.HttpContext.Items;
        if (!items.ContainsKey(Unreadable))
        {
            items[Unreadable] = context.ModelName;
        }

        context.Result = ModelBindingResult.Failed();
        return Task.CompletedTask;
    }

    /// <summary>"Best case: '12abc' is not an amount. Type digits, such as 12,500 or 12500.00."</summary>
    public static string Message(string label, string text) =>
        $"{label}: '{text.Trim()}' is not an amount. Type digits, such as {12500m.ToString("#,0", CultureInfo.CurrentCulture)} or {12500m.ToString("0.00", CultureInfo.CurrentCulture)}.";

    /// <summary>The field as a person reads it: its display name, else its property name in words ("BestCase" is "Best case").</summary>
    private static string LabelOf(ModelBindingContext context)
    {
        if (context.ModelMetadata.DisplayName is { Length: > 0 } display)
        {
            return display;
        }

        var name = context.ModelMetadata.PropertyName ?? context.ModelName.Split('.')[^1];
        return Words(name);
    }

    /// <summary>"BestCase" is "Best case", "Targets[1]" is "Targets 2".</summary>
    public static string Words(string name)
    {
        var index = Index().Match(name);
        var bare = index.Success ? name[..index.Index] : name;
        var words = Capitals().Replace(bare, " $1").Trim().ToLowerInvariant();
        words = words.Length == 0 ? words : char.ToUpperInvariant(words[0]) + words[1..];
        return index.Success
            ? $"{words} {(int.Parse(index.Groups[1].Value, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture)}"
            : words;
    }

    [GeneratedRegex(@"\[(\d+)\]$")]
    private static partial Regex Index();

    [GeneratedRegex("(?<!^)([A-Z])")]
    private static partial Regex Capitals();
}

/// <summary>Puts <see cref="AmountBinder"/> in front of the framework's decimal binder.</summary>
public sealed class AmountBinderProvider : IModelBinderProvider
{
    private static readonly AmountBinder Binder = new();

    public IModelBinder? GetBinder(ModelBinderProviderContext context) =>
        context.Metadata.UnderlyingOrModelType == typeof(decimal) ? Binder : null;
}
