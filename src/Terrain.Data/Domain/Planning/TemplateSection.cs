using System.Text.Json.Serialization;

namespace Terrain.Domain.Planning;

/// <summary>What a plan section holds, which decides its editor and its checks.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SectionKind>))]
public enum SectionKind
{
    Narrative,
    Swot,
    AccountSegmentation,
    Goals,
    KeyAccountPlans,
    ProspectingPlan,
    ActionPlan,
    ResourcesNeeded,
    Risks,
}

/// <summary>One section of a cycle's plan template: its place, title, instructions for the rep, and kind.</summary>
public sealed class TemplateSection
{
    public const int MaxSections = 30;

    private TemplateSection()
    {
    }

    public Guid Id { get; private set; }

    public Guid CycleId { get; private set; }

    public int Order { get; private set; }

    /// <summary>A stable, URL-safe name (e.g. "swot"), unique within the template.</summary>
    public string Key { get; private set; } = "";

    public string Title { get; private set; } = "";

    public string Instructions { get; private set; } = "";

    public SectionKind Kind { get; private set; }

    public bool Required { get; private set; }

    public static TemplateSection Create(Guid cycleId, int order, SectionSpec spec, DateTimeOffset now)
    {
        spec.Validate();
        return new TemplateSection
        {
            Id = Guid.CreateVersion7(now),
            CycleId = cycleId,
            Order = order,
            Key = spec.Key,
            Title = spec.Title.Trim(),
            Instructions = spec.Instructions.Trim(),
            Kind = spec.Kind,
            Required = spec.Required,
        };
    }

    public SectionSpec ToSpec() => new(Key, Title, Instructions, Kind, Required);
}

public sealed record SectionSpec(string Key, string Title, string Instructions, SectionKind Kind, bool Required = true)
{
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Key) || Key.Length > 40 || !Key.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            throw new DomainException($"The section key '{Key}' must be 1 to 40 lower-case letters, digits or dashes.", "key");
        }

        if (string.IsNullOrWhiteSpace(Title) || Title.Trim().Length > 120)
        {
            throw new DomainException($"Section '{Key}' needs a title of at most 120 characters.", "title");
        }

        Text.EnsurePrintable(Title.Trim(), "title");
        if ((Instructions ?? "").Length > 4000)
        {
            throw new DomainException($"The instructions of section '{Key}' are longer than 4,000 characters.", "instructions");
        }

        if (!Enum.IsDefined(Kind))
        {
            throw new DomainException($"Section '{Key}' has an unknown kind. Use one of: {string.Join(", ", Enum.GetNames<SectionKind>())}.", "kind");
        }
    }

    /// <summary>Checks a whole template: at least one section, unique keys, not too many.</summary>
    public static void ValidateTemplate(IReadOnlyList<SectionSpec> sections)
    {
        if (sections.Count == 0)
        {
            throw new DomainException("A template needs at least one section.", "sections");
        }

        if (sections.Count > TemplateSection.MaxSections)
        {
            throw new DomainException($"A template has at most {TemplateSection.MaxSections} sections.", "sections");
        }

        foreach (var section in sections)
        {
            section.Validate();
        }

        var duplicate = sections.GroupBy(s => s.Key).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new DomainException($"The section key '{duplicate.Key}' is used twice.", "key");
        }
    }
}
