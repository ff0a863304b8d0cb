namespace Terrain.Domain.Territories;

/// <summary>What an account must have for a rule to place it: every condition given must hold (empty ones are ignored).</summary>
public sealed record RuleConditions(string? PostalPrefix, string? Region, string? Segment, string? Industry);

/// <summary>
/// Places accounts that belong to nobody (and unowned accounts an import brings in) in a territory. Rules are tried in
/// <see cref="Priority"/> order, 1 first; the first rule whose conditions all hold wins (ADR 0039). A postal-code
/// condition is a prefix ("941" covers 94107); region, segment and industry match whole values; case is ignored.
/// </summary>
public sealed class AssignmentRule
{
    public const int MaxValue = 100;

    private AssignmentRule()
    {
    }

    public Guid Id { get; private set; }

    public int Priority { get; private set; }

    public string PostalPrefix { get; private set; } = "";

    public string Region { get; private set; } = "";

    public string Segment { get; private set; } = "";

    public string Industry { get; private set; } = "";

    public Guid TerritoryId { get; private set; }

    public Guid Version { get; private set; }

    public static AssignmentRule Create(RuleConditions conditions, Guid territoryId, int priority, DateTimeOffset now)
    {
        var rule = new AssignmentRule { Id = Guid.CreateVersion7(now) };
        rule.Change(conditions, territoryId, priority);
        return rule;
    }

    public void Change(RuleConditions conditions, Guid territoryId, int priority)
    {
        var postal = Clean(conditions.PostalPrefix, "postalPrefix", 20).Replace(" ", "", StringComparison.Ordinal);
        var region = Clean(conditions.Region, "region", MaxValue);
        var segment = Clean(conditions.Segment, "segment", MaxValue);
        var industry = Clean(conditions.Industry, "industry", MaxValue);
        if (postal.Length + region.Length + segment.Length + industry.Length == 0)
        {
            throw new DomainException("Give the rule at least one condition: a postal-code prefix, a region, a segment or an industry.", "postalPrefix");
        }

        if (territoryId == Guid.Empty)
        {
            throw new DomainException("Choose the territory the rule places accounts in.", "territoryId");
        }

        if (priority < 1)
        {
            throw new DomainException("The priority is a whole number from 1 (tried first).", "priority");
        }

        PostalPrefix = postal;
        Region = region;
        Segment = segment;
        Industry = industry;
        TerritoryId = territoryId;
        Priority = priority;
        Version = Guid.NewGuid();
    }

    public void MoveTo(int priority)
    {
        Priority = priority;
        Version = Guid.NewGuid();
    }

    public bool Matches(string postalCode, string region, string segment, string industry) =>
        (PostalPrefix.Length == 0 || postalCode.Replace(" ", "", StringComparison.Ordinal).StartsWith(PostalPrefix, StringComparison.OrdinalIgnoreCase))
        && (Region.Length == 0 || string.Equals(region.Trim(), Region, StringComparison.OrdinalIgnoreCase))
        && (Segment.Length == 0 || string.Equals(segment.Trim(), Segment, StringComparison.OrdinalIgnoreCase))
        && (Industry.Length == 0 || string.Equals(industry.Trim(), Industry, StringComparison.OrdinalIgnoreCase));

    /// <summary>The conditions in words: "postal code 941…, segment SMB".</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (PostalPrefix.Length > 0)
        {
            parts.Add($"postal code {PostalPrefix}…");
        }

        if (Region.Length > 0)
        {
            parts.Add($"region {Region}");
        }

        if (Segment.Length > 0)
        {
            parts.Add($"segment {Segment}");
        }

        if (Industry.Length > 0)
        {
            parts.Add($"industry {Industry}");
        }

        return string.Join(", ", parts);
    }

    /// <summary>The first rule, in priority order, that the account meets; null when none does.</summary>
    public static AssignmentRule? FirstMatch(IEnumerable<AssignmentRule> rules, string postalCode, string region, string segment, string industry) =>
        rules.OrderBy(r => r.Priority).ThenBy(r => r.Id).FirstOrDefault(r => r.Matches(postalCode, region, segment, industry));

    private static string Clean(string? value, string field, int max)
    {
        var trimmed = value?.Trim() ?? "";
        return trimmed.Length <= max
            ? Text.EnsurePrintable(trimmed, field)
            : throw new DomainException($"The {field} is longer than {max} characters.", field);
    }
}
