using Terrain.Domain.Performance;
using Terrain.Domain.Planning;
using Terrain.Infrastructure.Web;

namespace Terrain.Features.Plans;

/// <summary>
/// The model of <c>_SectionView.cshtml</c>: one section's content and the names it refers to. <see cref="Compact"/>
/// folds long worksheets (C and D accounts) away behind a disclosure, for the plan page; print shows everything.
/// With the cycle's <see cref="Strategy"/>, goals show the objective they serve and accounts the target segment they match.
/// </summary>
public sealed record SectionDisplay(SectionView Section, PlanFacts Facts, bool Compact = false, CycleStrategy? Strategy = null);

/// <summary>How plan pages write numbers, dates and labels, so that the plan, the editor and the print read alike.</summary>
public static class PlanFormat
{
    public static string Money(decimal? value) => Show.Money(value);

    /// <summary>A goal's figure: money for revenue and pipeline goals, a plain number for counts (new logos, meetings).</summary>
    public static string Target(string? metric, decimal? value) => GoalMetrics.MeasureOf(metric) switch
    {
        GoalMeasure.Revenue or GoalMeasure.Pipeline => Show.Money(value),
        _ => Show.Number(value),
    };

    public static string Date(DateOnly? value) => Show.Date(value);

    public static string Date(DateTimeOffset value) => Show.Date(value);

    public static string Status(string status) => status == nameof(PlanStatus.ChangesRequested) ? "Changes requested" : status;

    public static string ResourceKind(string? kind) => kind switch
    {
        null => "–",
        "PreSales" => "Pre-sales",
        _ => kind,
    };

    public static string Quadrant(string name) => char.ToUpperInvariant(name[0]) + name[1..];

    public static string KindLabel(SectionKind kind) => kind switch
    {
        SectionKind.Narrative => "Text",
        SectionKind.Swot => "SWOT",
        SectionKind.AccountSegmentation => "Account tiers",
        SectionKind.Goals => "Goals per quarter",
        SectionKind.KeyAccountPlans => "Key account plans",
        SectionKind.ProspectingPlan => "Prospecting plan",
        SectionKind.ActionPlan => "Actions",
        SectionKind.ResourcesNeeded => "Resources",
        _ => "Risks",
    };

    /// <summary>Paragraphs split on blank lines, each paragraph's lines kept.</summary>
    public static IReadOnlyList<string[]> Paragraphs(string? text) =>
        (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal)
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('\n'))
            .ToList();
}
