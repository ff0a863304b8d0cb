using System.Globalization;
using Terrain.Domain.Performance;
using Terrain.Domain.Reviews;

namespace Terrain.Features.Reviews;

/// <summary>How the gap split of a goal (ADR 0028) reads on the review page: a row per factor, planned beside actual.</summary>
public static class GapBreakdownView
{
    public sealed record Line(GapFactor Factor, string Label, string Planned, string Actual, decimal Amount);

    public static IReadOnlyList<Line> Lines(GapBreakdown b) => b.Parts.Select(p =>
    {
        var (planned, actual) = Values(p.Factor, b.PlannedFactors, b.ActualFactors);
        return new Line(p.Factor, GapDecomposition.Label(p.Factor), planned, actual, p.Amount);
    }).ToList();

    /// <summary>"PipelineShortfall" reads "Pipeline shortfall".</summary>
    public static string Category(VarianceCategory category)
    {
        var name = category.ToString();
        return name[0] + string.Concat(name[1..].Select(c => char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));
    }

    public static string Money(decimal value) => Infrastructure.Web.Show.Money(value);

    public static string Raw(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static (string Planned, string Actual) Values(GapFactor factor, RevenueFactors p, RevenueFactors a) => factor switch
    {
        GapFactor.Volume => ($"{Number(p.Volume)} due", $"{Number(a.Volume)} due"),
        GapFactor.Slippage => ($"{Percent(p.Slippage)} pushed out", $"{Percent(a.Slippage)} pushed out"),
        GapFactor.WinRate => ($"{Percent(p.NewBusiness.WinRate)} new, {Percent(p.Existing.WinRate)} existing", $"{Percent(a.NewBusiness.WinRate)} new, {Percent(a.Existing.WinRate)} existing"),
        GapFactor.DealSize => ($"{Whole(p.NewBusiness.DealSize)} new, {Whole(p.Existing.DealSize)} existing", $"{Whole(a.NewBusiness.DealSize)} new, {Whole(a.Existing.DealSize)} existing"),
        GapFactor.Mix => ($"{Percent(p.NewMix)} new business", $"{Percent(a.NewMix)} new business"),
        _ => throw new ArgumentOutOfRangeException(nameof(factor), factor, null),
    };

    private static string Number(decimal value) => value.ToString("#,0.#", CultureInfo.InvariantCulture);

    private static string Whole(decimal value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Percent(decimal ratio) => (ratio * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
