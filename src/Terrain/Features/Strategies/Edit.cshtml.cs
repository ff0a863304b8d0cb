using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Strategies;

/// <summary>
/// The editor of a draft strategy: every part in one form that works without JavaScript. Rows keep their ids in hidden
/// fields (objectives stay linked to the goals that point at them), blank rows at the end of each table add rows, and
/// a ticked "remove" drops one. A refused save shows the reason next to the field the domain names and keeps what was
/// typed; a save against a version someone else replaced is refused, never merged over theirs.
/// </summary>
[May(Act.WriteStrategy)]
[RequestFormLimits(ValueCountLimit = 5_000)]
public sealed class EditModel(StrategyHandlers handlers) : PageModel, IReloadsOnRefusal
{
    /// <summary>Where each posted row went in the patch, to name the input a refusal is about.</summary>
    private readonly RowMap _map = new();

    public StrategyDetail Strategy { get; private set; } = null!;

    [BindProperty]
    public StrategyForm Form { get; set; } = new();

    /// <summary>The version the form was loaded from; a save is only applied on top of it.</summary>
    [BindProperty]
    public string? Version { get; set; }

    /// <summary>The form field a save was refused for, and why.</summary>
    public (string Key, string Message)? Error { get; private set; }

    /// <summary>Someone else saved the strategy after this form was loaded; nothing was saved.</summary>
    public bool Stale { get; private set; }

    /// <summary>Why this revision cannot be edited (published or superseded), in a sentence.</summary>
    public string? ReadOnlyReason { get; private set; }

    [TempData]
    public string? Flash { get; set; }

    public string EditUrl => $"/Strategies/{Strategy.Id}/Edit";

    public bool HasChangeNote => Strategy.Revision > 1;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        Form = StrategyForm.From(Strategy);
        Version = Strategy.Version;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, string? then, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }

        if (ReadOnlyReason is not null)
        {
            return Redisplay(StatusCodes.Status409Conflict);
        }

        var patch = Form.ToPatch(HasChangeNote, _map);
        if (await handlers.PatchAsync(id, patch, Version ?? "", ct) is null)
        {
            return NotFound();
        }

        Flash = "Saved.";
        return Redirect(then == "view" ? $"/Strategies/{id}" : $"/Strategies/{id}/Edit");
    }

    public string? ErrorFor(string key) => Error is { } e && e.Key == key ? e.Message : null;

    /// <summary>The list-level error of a table (e.g. too many rows), shown above it.</summary>
    public string? ErrorForList(string list) => ErrorFor($"{StrategyForm.Prefix}.{list}");

    public static string IdFor(string key) => StrategyForm.IdFor(key);

    /// <summary>The offerings and segments an objective can point at: as typed in this form, plus its own value.</summary>
    public IReadOnlyList<string> Choices(IEnumerable<string?> names, string? current)
    {
        var list = names.Select(n => n?.Trim()).OfType<string>().Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (!string.IsNullOrWhiteSpace(current) && !list.Contains(current.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            list.Add(current.Trim());
        }

        return list;
    }

    /// <summary>A refused save: the form comes back as typed, with the refusal where the reader looks for it.</summary>
    public async Task<IActionResult?> ReloadAsync(string? handler, CancellationToken ct)
    {
        switch (HttpContext.Refusal())
        {
            case InvalidStateException { Field: "version" }:
                Stale = true;
                break;
            case DomainException refusal when refusal is InvalidStateException or NotAllowedException:
                await LoadAsync(Strategy.Id, ct);
                ReadOnlyReason ??= refusal.Message;
                break;
            case { } refusal:
                Error = (StrategyForm.KeyFor(refusal.Field, _map), refusal.Message);
                break;
        }

        Form.AddSpareRows();
        return null;
    }

    private IActionResult Redisplay(int status)
    {
        Form.AddSpareRows();
        Response.StatusCode = status;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await handlers.GetAsync(id, ct) is not { } strategy)
        {
            return false;
        }

        Strategy = strategy;
        ReadOnlyReason = strategy.IsDraft
            ? null
            : $"Revision {strategy.Revision} is {strategy.Status.ToLowerInvariant()} and read-only: every published revision is kept as it was. To change the strategy, draft a new revision.";
        return true;
    }
}

/// <summary>For each table of the form, which form row each row sent to the domain came from (blank and removed rows are not sent).</summary>
public sealed class RowMap : Dictionary<string, List<int>>;

/// <summary>
/// The edit form, as typed: every value is text so that nothing typed is lost when a save is refused. Field names are
/// the JSON names of <see cref="StrategyContent"/> in PascalCase, so that a domain field path such as
/// <c>objectives[2].target</c> maps to the input <c>Form.Objectives[k].Target</c>.
/// </summary>
public sealed partial class StrategyForm
{
    public const string Prefix = "Form";

    public const int SpareRows = 2;

    public string? Name { get; set; }

    public string? PeriodStart { get; set; }

    public string? PeriodEnd { get; set; }

    public string? Summary { get; set; }

    public string? ChangeNote { get; set; }

    public List<OfferingInput> Offerings { get; set; } = [];

    public List<SegmentInput> Segments { get; set; } = [];

    public List<ValuePropositionInput> ValuePropositions { get; set; } = [];

    /// <summary>One per line.</summary>
    public string? Differentiators { get; set; }

    public List<CompetitorInput> Competitors { get; set; } = [];

    public List<ObjectiveInput> Objectives { get; set; } = [];

    /// <summary>One per line, in order.</summary>
    public string? Priorities { get; set; }

    public static StrategyForm From(StrategyDetail strategy)
    {
        var c = strategy.Content;
        var form = new StrategyForm
        {
            Name = strategy.Name,
            PeriodStart = Iso(strategy.PeriodStart),
            PeriodEnd = Iso(strategy.PeriodEnd),
            Summary = c.Summary,
            ChangeNote = strategy.ChangeNote,
            Offerings = c.Offerings.Select(o => new OfferingInput { Id = o.Id, Name = o.Name, Positioning = o.Positioning }).ToList(),
            Segments = c.Segments.Select(s => new SegmentInput
            {
                Id = s.Id,
                Name = s.Name,
                Profile = s.Profile,
                Industries = string.Join(", ", s.Industries),
                AccountSegments = string.Join(", ", s.AccountSegments),
                Regions = string.Join(", ", s.Regions),
                MinPotential = Number(s.MinPotential),
                MaxPotential = Number(s.MaxPotential),
            }).ToList(),
            ValuePropositions = c.ValuePropositions.Select(v => new ValuePropositionInput { Title = v.Title, Description = v.Description }).ToList(),
            Differentiators = string.Join("\n", c.Differentiators),
            Competitors = c.Competitors.Select(k => new CompetitorInput { Name = k.Name, HowWeWin = k.HowWeWin }).ToList(),
            Objectives = c.Objectives.Select(o => new ObjectiveInput
            {
                Id = o.Id,
                Name = o.Name,
                Metric = o.Metric,
                Product = o.Product,
                Segment = o.Segment,
                Target = Number(o.Target),
            }).ToList(),
            Priorities = string.Join("\n", c.Priorities),
        };
        form.AddSpareRows();
        return form;
    }

    /// <summary>Tops every table up to <see cref="SpareRows"/> blank rows at its end, for adding rows without JavaScript.</summary>
    public void AddSpareRows()
    {
        Offerings = Pad(Offerings ?? [], r => r.IsBlank);
        Segments = Pad(Segments ?? [], r => r.IsBlank);
        ValuePropositions = Pad(ValuePropositions ?? [], r => r.IsBlank);
        Competitors = Pad(Competitors ?? [], r => r.IsBlank);
        Objectives = Pad(Objectives ?? [], r => r.IsBlank);
    }

    /// <summary>The change the form asks for. Blank and removed rows are left out; <paramref name="map"/> records where each row sent came from.</summary>
    public StrategyPatch ToPatch(bool withChangeNote, RowMap map)
    {
        var content = new StrategyContent
        {
            Summary = Summary,
            Offerings = Rows(Offerings, "offerings", map, (o, _) => new Offering { Id = o.Id, Name = o.Name, Positioning = o.Positioning }),
            Segments = Rows(Segments, "segments", map, (s, i) => new TargetSegment
            {
                Id = s.Id,
                Name = s.Name,
                Profile = s.Profile,
                Industries = Items(s.Industries, ','),
                AccountSegments = Items(s.AccountSegments, ','),
                Regions = Items(s.Regions, ','),
                MinPotential = Amount(s.MinPotential, $"{Prefix}.Segments[{i}].MinPotential"),
                MaxPotential = Amount(s.MaxPotential, $"{Prefix}.Segments[{i}].MaxPotential"),
            }),
            ValuePropositions = Rows(ValuePropositions, "valuePropositions", map, (v, _) => new ValueProposition { Title = v.Title, Description = v.Description }),
            Differentiators = Items(Differentiators, '\n'),
            Competitors = Rows(Competitors, "competitors", map, (k, _) => new Competitor { Name = k.Name, HowWeWin = k.HowWeWin }),
            Objectives = Rows(Objectives, "objectives", map, (o, i) => new Objective
            {
                Id = o.Id,
                Name = o.Name,
                Metric = o.Metric,
                Product = o.Product,
                Segment = o.Segment,
                Target = Amount(o.Target, $"{Prefix}.Objectives[{i}].Target"),
            }),
            Priorities = Items(Priorities, '\n'),
        };
        return new StrategyPatch
        {
            Name = Name ?? "",
            PeriodStart = ParseDate(PeriodStart, "periodStart", "start"),
            PeriodEnd = ParseDate(PeriodEnd, "periodEnd", "end"),
            Content = content,
            ChangeNote = withChangeNote ? ChangeNote ?? "" : null,
        };
    }

    /// <summary>The form field a domain field path names: <c>objectives[2].target</c> → <c>Form.Objectives[k].Target</c>.</summary>
    public static string KeyFor(string? field, RowMap map)
    {
        if (string.IsNullOrEmpty(field))
        {
            return "";
        }

        if (field.StartsWith(Prefix + ".", StringComparison.Ordinal))
        {
            return field;
        }

        var m = FieldPath().Match(field);
        if (!m.Success)
        {
            return "";
        }

        var list = m.Groups["list"].Value;
        var name = Pascal(list);
        if (list is "differentiators" or "priorities" || !m.Groups["index"].Success)
        {
            return $"{Prefix}.{name}";
        }

        var index = int.Parse(m.Groups["index"].Value, CultureInfo.InvariantCulture);
        if (!map.TryGetValue(list, out var rows) || index >= rows.Count || !m.Groups["property"].Success)
        {
            return $"{Prefix}.{name}";
        }

        return $"{Prefix}.{name}[{rows[index].ToString(CultureInfo.InvariantCulture)}].{Pascal(m.Groups["property"].Value)}";
    }

    public static string IdFor(string key) => NotIdentifier().Replace(key, "_");

    public static DateOnly ParseDate(string? text, string field, string which)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new DomainException($"Give the date the period {which}s.", field);
        }

        return DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            || DateOnly.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
            ? date
            : throw new DomainException($"'{text.Trim()}' is not a date; use the form 2027-01-01.", field);
    }

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Number(decimal? value) => value?.ToString("0.##", CultureInfo.InvariantCulture);

    private static decimal? Amount(string? text, string key)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return Money.Parse(text, CultureInfo.CurrentCulture) is { } amount
            ? amount
            : throw new DomainException($"'{text.Trim()}' is not a number.", key);
    }

    private static List<string> Items(string? text, char separator) =>
        (text ?? "").Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static List<TOut> Rows<TIn, TOut>(List<TIn>? rows, string list, RowMap map, Func<TIn, int, TOut> convert)
        where TIn : FormRow
    {
        var sent = new List<TOut>();
        var from = map[list] = [];
        for (var i = 0; i < (rows?.Count ?? 0); i++)
        {
            var row = rows![i];
            if (row is null || row.Remove || row.IsBlank)
            {
                continue;
            }

            sent.Add(convert(row, i));
            from.Add(i);
        }

        return sent;
    }

    private static List<T> Pad<T>(List<T> rows, Func<T, bool> blank)
        where T : new()
    {
        var trailing = 0;
        for (var i = rows.Count - 1; i >= 0 && blank(rows[i]); i--)
        {
            trailing++;
        }

        for (var i = trailing; i < SpareRows; i++)
        {
            rows.Add(new T());
        }

        return rows;
    }

    private static string Pascal(string name) => char.ToUpperInvariant(name[0]) + name[1..];

    [GeneratedRegex(@"^(?<list>[A-Za-z]+)(\[(?<index>\d+)\](\.(?<property>[A-Za-z]+))?)?")]
    private static partial Regex FieldPath();

    [GeneratedRegex("[^A-Za-z0-9]")]
    private static partial Regex NotIdentifier();
}

public abstract class FormRow
{
    /// <summary>Ticked to drop the row on save.</summary>
    public bool Remove { get; set; }

    public abstract bool IsBlank { get; }

    protected static bool Blank(params string?[] values) => values.All(string.IsNullOrWhiteSpace);
}

public sealed class OfferingInput : FormRow
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? Positioning { get; set; }

    public override bool IsBlank => Blank(Name, Positioning);
}

public sealed class SegmentInput : FormRow
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? Profile { get; set; }

    /// <summary>Comma-separated.</summary>
    public string? Industries { get; set; }

    /// <summary>Comma-separated.</summary>
    public string? AccountSegments { get; set; }

    /// <summary>Comma-separated.</summary>
    public string? Regions { get; set; }

    public string? MinPotential { get; set; }

    public string? MaxPotential { get; set; }

    public override bool IsBlank => Blank(Name, Profile, Industries, AccountSegments, Regions, MinPotential, MaxPotential);
}

public sealed class ValuePropositionInput : FormRow
{
    public string? Title { get; set; }

    public string? Description { get; set; }

    public override bool IsBlank => Blank(Title, Description);
}

public sealed class CompetitorInput : FormRow
{
    public string? Name { get; set; }

    public string? HowWeWin { get; set; }

    public override bool IsBlank => Blank(Name, HowWeWin);
}

public sealed class ObjectiveInput : FormRow
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? Metric { get; set; }

    public string? Product { get; set; }

    public string? Segment { get; set; }

    public string? Target { get; set; }

    public override bool IsBlank => Blank(Name, Metric, Product, Segment, Target);

    public static IReadOnlyList<(string Value, string Label)> Metrics { get; } =
        Goal.Metrics.Select(m => (m, Goal.MetricLabel(m))).ToList();
}
