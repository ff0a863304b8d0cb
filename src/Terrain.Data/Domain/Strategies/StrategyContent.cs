using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Terrain.Domain.Strategies;

/// <summary>What we sell: one product or offering and how we position it.</summary>
public sealed class Offering
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? Positioning { get; set; }
}

/// <summary>
/// To whom: a target segment or ideal customer profile. Its criteria are checked against account fields, so a rep's
/// segmentation worksheet can show which accounts the strategy aims at. Within one criterion any listed value matches;
/// every criterion that is set must match.
/// </summary>
public sealed class TargetSegment
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    /// <summary>The ideal customer profile in words: who they are, what pains they have.</summary>
    public string? Profile { get; set; }

    public List<string> Industries { get; set; } = [];

    /// <summary>Account segments (the account's own segment field, e.g. Enterprise or Mid-Market).</summary>
    public List<string> AccountSegments { get; set; } = [];

    public List<string> Regions { get; set; } = [];

    public decimal? MinPotential { get; set; }

    public decimal? MaxPotential { get; set; }

    [JsonIgnore]
    public bool HasCriteria => Industries.Count > 0 || AccountSegments.Count > 0 || Regions.Count > 0 || MinPotential is not null || MaxPotential is not null;

    /// <summary>True when every criterion that is set matches the account (case-insensitive); a segment without criteria matches nothing.</summary>
    public bool Matches(string? industry, string? segment, string? region, decimal potential) =>
        HasCriteria
        && AnyOf(Industries, industry)
        && AnyOf(AccountSegments, segment)
        && AnyOf(Regions, region)
        && (MinPotential is not { } min || potential >= min)
        && (MaxPotential is not { } max || potential <= max);

    private static bool AnyOf(List<string> allowed, string? value) =>
        allowed.Count == 0 || allowed.Any(a => string.Equals(a, value?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The criteria in words, e.g. "Industry Manufacturing or Logistics; potential at least 50,000".</summary>
    public string DescribeCriteria()
    {
        var parts = new List<string>();
        if (Industries.Count > 0)
        {
            parts.Add("industry " + string.Join(" or ", Industries));
        }

        if (AccountSegments.Count > 0)
        {
            parts.Add("segment " + string.Join(" or ", AccountSegments));
        }

        if (Regions.Count > 0)
        {
            parts.Add("region " + string.Join(" or ", Regions));
        }

        if (MinPotential is { } min)
        {
            parts.Add("potential at least " + min.ToString("#,0", CultureInfo.InvariantCulture));
        }

        if (MaxPotential is { } max)
        {
            parts.Add("potential at most " + max.ToString("#,0", CultureInfo.InvariantCulture));
        }

        return parts.Count == 0 ? "no criteria yet" : string.Join("; ", parts);
    }
}

/// <summary>Why they buy: a value proposition.</summary>
public sealed class ValueProposition
{
    public string? Title { get; set; }

    public string? Description { get; set; }
}

/// <summary>A competitor we meet, and how we win against them.</summary>
public sealed class Competitor
{
    public string? Name { get; set; }

    public string? HowWeWin { get; set; }
}

/// <summary>
/// A measurable strategic objective for the period: a metric (the same four metrics as a plan's goals), an optional
/// product or segment, and a target. Its <see cref="Id"/> stays the same across revisions, so the goals that reps link
/// to it stay linked when the strategy is revised.
/// </summary>
public sealed class Objective
{
    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? Metric { get; set; }

    /// <summary>The name of one of the strategy's offerings, or null.</summary>
    public string? Product { get; set; }

    /// <summary>The name of one of the strategy's target segments, or null.</summary>
    public string? Segment { get; set; }

    public decimal? Target { get; set; }

    [JsonIgnore]
    public string Title => Name ?? (Metric is null ? "Untitled objective" : Planning.Goal.MetricLabel(Metric));
}

/// <summary>
/// The sales strategy's structured parts: what we sell, to whom, why they buy, measurable objectives, and priorities.
/// A draft may be incomplete; <see cref="Normalize"/> refuses only invalid values (naming the field), and
/// <see cref="EnsurePublishable"/> refuses publishing what is still missing.
/// </summary>
public sealed class StrategyContent
{
    public const int MaxRows = 30;

    /// <summary>The parts, in the order a reader (and a workshop agenda) goes through them.</summary>
    public static readonly IReadOnlyList<(string Key, string Title)> Parts =
    [
        ("sell", "What we sell"),
        ("whom", "To whom"),
        ("why", "Why they buy"),
        ("objectives", "Objectives"),
        ("priorities", "Priorities"),
    ];

    /// <summary>The situation and the direction in a few paragraphs: the opening of the document.</summary>
    public string? Summary { get; set; }

    public List<Offering> Offerings { get; set; } = [];

    public List<TargetSegment> Segments { get; set; } = [];

    public List<ValueProposition> ValuePropositions { get; set; } = [];

    public List<string> Differentiators { get; set; } = [];

    public List<Competitor> Competitors { get; set; } = [];

    public List<Objective> Objectives { get; set; } = [];

    public List<string> Priorities { get; set; } = [];

    [JsonIgnore]
    public bool IsEmpty => Summary is null && Offerings.Count == 0 && Segments.Count == 0 && ValuePropositions.Count == 0 &&
                           Differentiators.Count == 0 && Competitors.Count == 0 && Objectives.Count == 0 && Priorities.Count == 0;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static StrategyContent Read(string json) => JsonSerializer.Deserialize<StrategyContent>(json, Json) ?? new StrategyContent();

    public string Write() => JsonSerializer.Serialize(this, Json);

    /// <summary>A deep copy, e.g. to start a new revision from the published one.</summary>
    public StrategyContent Copy() => Read(Write());

    public TargetSegment? Segment(string? name) =>
        name is null ? null : Segments.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The offerings by id, with their names.</summary>
    public IReadOnlyDictionary<string, string> OfferingNames() =>
        Offerings.Where(o => o.Id is not null && o.Name is not null).DistinctBy(o => o.Id).ToDictionary(o => o.Id!, o => o.Name!);

    /// <summary>The target segments by id, with their names.</summary>
    public IReadOnlyDictionary<string, string> SegmentNames() =>
        Segments.Where(s => s.Id is not null && s.Name is not null).DistinctBy(s => s.Id).ToDictionary(s => s.Id!, s => s.Name!);

    /// <summary>
    /// The objectives plan goals may link to, by id: name, metric, and the product and segment they count, by id
    /// (objectives name them; the names are matched to this revision's offerings and segments).
    /// </summary>
    public IReadOnlyDictionary<string, Planning.ObjectiveFact> ObjectiveFacts() =>
        Objectives.Where(o => o.Id is not null && o.Metric is not null).DistinctBy(o => o.Id)
            .ToDictionary(o => o.Id!, o => new Planning.ObjectiveFact(o.Title, o.Metric!,
                o.Product is null ? null : IdOfName(Offerings.Select(x => (x.Id, x.Name)), o.Product),
                o.Segment is null ? null : IdOfName(Segments.Select(x => (x.Id, x.Name)), o.Segment)));

    /// <summary>An objective naming a product or segment that is no longer there counts nothing: its id is this marker.</summary>
    public const string MissingId = "(missing)";

    private static string IdOfName(IEnumerable<(string? Id, string? Name)> rows, string name) =>
        rows.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)).Id ?? MissingId;

    /// <summary>The target segments whose criteria the account matches.</summary>
    public IEnumerable<TargetSegment> SegmentsMatching(string? industry, string? segment, string? region, decimal potential) =>
        Segments.Where(s => s.Matches(industry, segment, region, potential));

    /// <summary>Trims text, drops blank rows, gives new rows their ids, and refuses invalid values naming the field.</summary>
    public void Normalize()
    {
        Summary = Fields.Clean(Summary, "summary", 8000);
        Offerings = Rows(Offerings, "offerings", "offerings");
        Segments = Rows(Segments, "segments", "target segments");
        ValuePropositions = Rows(ValuePropositions, "valuePropositions", "value propositions");
        Competitors = Rows(Competitors, "competitors", "competitors");
        Objectives = Rows(Objectives, "objectives", "objectives");
        Differentiators = Lines(Differentiators, "differentiators", "differentiators");
        Priorities = Lines(Priorities, "priorities", "priorities");

        var ids = new HashSet<string>();
        for (var i = 0; i < Offerings.Count; i++)
        {
            var o = Offerings[i];
            o.Name = Fields.Clean(o.Name, $"offerings[{i}].name", 100);
            o.Positioning = Fields.Clean(o.Positioning, $"offerings[{i}].positioning", 2000);
            o.Id = IdOf(o.Id, ids, $"offerings[{i}].id");
            Required(o.Name, $"offerings[{i}].name", o.Positioning is not null);
        }

        Unique(Offerings.Select(o => o.Name), "offerings", "name");
        Offerings = Offerings.Where(o => o.Name is not null).ToList();

        for (var i = 0; i < Segments.Count; i++)
        {
            var s = Segments[i];
            var f = $"segments[{i}]";
            s.Name = Fields.Clean(s.Name, $"{f}.name", 100);
            s.Profile = Fields.Clean(s.Profile, $"{f}.profile", 2000);
            s.Industries = Lines(s.Industries, $"{f}.industries", "industries", 100);
            s.AccountSegments = Lines(s.AccountSegments, $"{f}.accountSegments", "account segments", 100);
            s.Regions = Lines(s.Regions, $"{f}.regions", "regions", 100);
            s.MinPotential = Fields.Amount(s.MinPotential, $"{f}.minPotential");
            s.MaxPotential = Fields.Amount(s.MaxPotential, $"{f}.maxPotential");
            if (s.MinPotential is { } min && s.MaxPotential is { } max && max < min)
            {
                throw new DomainException($"Segment {i + 1}: the maximum potential is below the minimum.", $"{f}.maxPotential");
            }

            s.Id = IdOf(s.Id, ids, $"{f}.id");
            Required(s.Name, $"{f}.name", s.Profile is not null || s.HasCriteria);
        }

        Unique(Segments.Select(s => s.Name), "segments", "name");
        Segments = Segments.Where(s => s.Name is not null).ToList();

        for (var i = 0; i < ValuePropositions.Count; i++)
        {
            var v = ValuePropositions[i];
            v.Title = Fields.Clean(v.Title, $"valuePropositions[{i}].title", 200);
            v.Description = Fields.Clean(v.Description, $"valuePropositions[{i}].description", 2000);
            Required(v.Title, $"valuePropositions[{i}].title", v.Description is not null);
        }

        ValuePropositions = ValuePropositions.Where(v => v.Title is not null).ToList();

        for (var i = 0; i < Competitors.Count; i++)
        {
            var c = Competitors[i];
            c.Name = Fields.Clean(c.Name, $"competitors[{i}].name", 100);
            c.HowWeWin = Fields.Clean(c.HowWeWin, $"competitors[{i}].howWeWin", 2000);
            Required(c.Name, $"competitors[{i}].name", c.HowWeWin is not null);
        }

        Competitors = Competitors.Where(c => c.Name is not null).ToList();

        for (var i = 0; i < Objectives.Count; i++)
        {
            var o = Objectives[i];
            var f = $"objectives[{i}]";
            o.Name = Fields.Clean(o.Name, $"{f}.name", 200);
            o.Metric = Fields.OneOf(o.Metric, Planning.Goal.Metrics, $"{f}.metric");
            o.Product = Fields.Clean(o.Product, $"{f}.product", 100);
            o.Segment = Fields.Clean(o.Segment, $"{f}.segment", 100);
            o.Target = Fields.Amount(o.Target, $"{f}.target", whole: o.Metric is "NewLogos" or "Activity");
            o.Id = IdOf(o.Id, ids, $"{f}.id");
            if (o.Name is null && o.Metric is null && o.Target is null && o.Product is null && o.Segment is null)
            {
                continue;
            }

            if (o.Metric is null)
            {
                throw new DomainException(
                    $"Objective {i + 1} needs a metric: one of {string.Join(", ", Planning.Goal.Metrics)}.", $"{f}.metric");
            }

            if (o.Target is not > 0)
            {
                throw new DomainException($"Objective {i + 1} needs a target for the period, above zero.", $"{f}.target");
            }

            if (o.Product is not null)
            {
                o.Product = Offerings.FirstOrDefault(p => string.Equals(p.Name, o.Product, StringComparison.OrdinalIgnoreCase))?.Name
                    ?? throw new DomainException($"Objective {i + 1}: '{o.Product}' is not one of the offerings.", $"{f}.product");
            }

            if (o.Segment is not null)
            {
                o.Segment = Segment(o.Segment)?.Name
                    ?? throw new DomainException($"Objective {i + 1}: '{o.Segment}' is not one of the target segments.", $"{f}.segment");
            }
        }

        Objectives = Objectives.Where(o => o.Metric is not null).ToList();
    }

    /// <summary>Publishing needs the whole story: something to sell, someone to sell it to, why they buy, and objectives.</summary>
    public void EnsurePublishable()
    {
        if (IsEmpty)
        {
            throw new DomainException("The strategy is empty: write what we sell, to whom, why they buy and the objectives before publishing.", "content");
        }

        if (Offerings.Count == 0)
        {
            throw new DomainException("Say what we sell: add at least one offering before publishing.", "offerings");
        }

        if (Segments.Count == 0)
        {
            throw new DomainException("Say to whom we sell: add at least one target segment before publishing.", "segments");
        }

        var vague = Segments.FindIndex(s => !s.HasCriteria);
        if (vague >= 0)
        {
            throw new DomainException(
                $"Segment {vague + 1} ({Segments[vague].Name}) has no criteria: give an industry, segment, region or potential range so that accounts can be matched.",
                $"segments[{vague}].industries");
        }

        if (ValuePropositions.Count == 0)
        {
            throw new DomainException("Say why they buy: add at least one value proposition before publishing.", "valuePropositions");
        }

        if (Objectives.Count == 0)
        {
            throw new DomainException("Add at least one measurable objective before publishing.", "objectives");
        }
    }

    private static List<T> Rows<T>(List<T>? rows, string field, string what)
    {
        rows ??= [];
        Fields.EnsureAtMost(rows, MaxRows, field, what);
        return rows;
    }

    private static List<string> Lines(List<string>? lines, string field, string what, int max = 500)
    {
        lines ??= [];
        Fields.EnsureAtMost(lines, MaxRows, field, what);
        return lines.Select((l, i) => Fields.Clean(l, $"{field}[{i}]", max)).OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static string IdOf(string? id, HashSet<string> ids, string field)
    {
        var value = string.IsNullOrWhiteSpace(id) ? Fields.NewId() : id.Trim();
        if (value.Length > 40 || !ids.Add(value))
        {
            throw new DomainException($"{Fields.Label(field)} is too long or used twice.", field);
        }

        return value;
    }

    private static void Required(string? value, string field, bool rowHasContent)
    {
        if (value is null && rowHasContent)
        {
            throw new DomainException($"{Fields.Label(field)} is required.", field);
        }
    }

    /// <summary>Refuses a name used twice, naming the row as it was sent (blank rows, dropped afterwards, still count).</summary>
    private static void Unique(IEnumerable<string?> names, string list, string property)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        foreach (var name in names)
        {
            if (name is not null && !seen.Add(name))
            {
                throw new DomainException($"'{name}' appears twice in {list}: names must be unique.", $"{list}[{i}].{property}");
            }

            i++;
        }
    }
}
