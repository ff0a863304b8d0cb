using System.Globalization;
using System.Text.Json.Serialization;

namespace Terrain.Domain.Planning;

/// <summary>How one part of a revenue goal (new business, or existing customers) is expected to convert.</summary>
public sealed class ConversionAssumption
{
    /// <summary>Win rate by value, in percent: won value ÷ (won + lost value). More than 0, at most 100.</summary>
    public decimal? WinRate { get; set; }

    /// <summary>The average size of an opportunity decided (won or lost), in the company's currency. More than 0.</summary>
    public decimal? DealSize { get; set; }

    [JsonIgnore]
    public bool IsBlank => WinRate is null && DealSize is null;

    [JsonIgnore]
    public bool IsComplete => WinRate is not null && DealSize is not null;
}

/// <summary>
/// The "pipeline needed" worksheet of one revenue goal (ADR 0028): the win rate, deal size, cycle length, new-business
/// share and expected slippage the plan counts on. From them the plan derives the pipeline and the number of
/// opportunities it needs and by when they must be created; a review splits a goal's gap by the same factors
/// (<see cref="Performance.GapDecomposition"/>).
/// </summary>
public sealed class PipelineAssumptions
{
    public const int MaxCycleDays = 730;

    /// <summary>The share of the goal's target expected from new business, in percent (0 to 100); the rest from existing customers.</summary>
    public decimal? NewShare { get; set; }

    public ConversionAssumption? NewBusiness { get; set; }

    public ConversionAssumption? Existing { get; set; }

    /// <summary>The typical days from an opportunity's creation to its close (1 to 730).</summary>
    public int? CycleDays { get; set; }

    /// <summary>The share of opportunities due to close in a period expected to be pushed out of it, in percent (0 to less than 100).</summary>
    public decimal? Slippage { get; set; }

    [JsonIgnore]
    public bool IsBlank => NewShare is null && (NewBusiness?.IsBlank ?? true) && (Existing?.IsBlank ?? true) && CycleDays is null && Slippage is null;

    /// <summary>Checks what is there and names the field at fault; blank parts are dropped. Null when nothing is stated.</summary>
    public PipelineAssumptions? Normalized(string field)
    {
        NewShare = Percent(NewShare, $"{field}.newShare", allowZero: true, allowHundred: true);
        NewBusiness = Part(NewBusiness, $"{field}.newBusiness");
        Existing = Part(Existing, $"{field}.existing");
        Slippage = Percent(Slippage, $"{field}.slippage", allowZero: true, allowHundred: false);
        if (CycleDays is { } days && days is < 1 or > MaxCycleDays)
        {
            throw new DomainException($"{Fields.Label($"{field}.cycleDays")} is a number of days from 1 to {MaxCycleDays}, not {days}.", $"{field}.cycleDays");
        }

        return IsBlank ? null : this;
    }

    /// <summary>
    /// The assumptions as a complete set of numbers, or null while something needed is missing: a win rate and a deal
    /// size for every part the target is expected from. A share left empty means all from the one part stated.
    /// </summary>
    public ConversionPlan? Plan()
    {
        var newPart = NewBusiness is { IsComplete: true } n ? n : null;
        var existing = Existing is { IsComplete: true } e ? e : null;
        var share = NewShare is { } s ? s / 100m
            : newPart is not null && existing is null ? 1m
            : existing is not null && newPart is null ? 0m
            : (decimal?)null;
        if (share is not { } newShare || (newShare > 0 && newPart is null) || (newShare < 1 && existing is null))
        {
            return null;
        }

        // A part the plan does not count on is assumed to convert like the other one.
        var nb = Rate(newPart ?? existing!);
        var ex = Rate(existing ?? newPart!);
        return new ConversionPlan(newShare, nb, ex, (Slippage ?? 0) / 100m, CycleDays);
    }

    public string Describe()
    {
        static string Pct(decimal? v) => v is { } x ? x.ToString("0.##", CultureInfo.InvariantCulture) + "%" : "–";
        static string Money(decimal? v) => v is { } x ? x.ToString("#,0.##", CultureInfo.InvariantCulture) : "–";
        return $"pipeline assumptions: new business {Pct(NewShare)} of the target (win rate {Pct(NewBusiness?.WinRate)}, deal size {Money(NewBusiness?.DealSize)}), " +
               $"existing customers (win rate {Pct(Existing?.WinRate)}, deal size {Money(Existing?.DealSize)}), " +
               $"cycle {(CycleDays is { } d ? $"{d} days" : "–")}, slippage {Pct(Slippage)}";
    }

    private static PartRate Rate(ConversionAssumption part) => new(part.WinRate!.Value / 100m, part.DealSize!.Value);

    private static ConversionAssumption? Part(ConversionAssumption? part, string field)
    {
        if (part is null)
        {
            return null;
        }

        part.WinRate = Percent(part.WinRate, $"{field}.winRate", allowZero: false, allowHundred: true);
        if (part.DealSize is { } size)
        {
            Money.Validate(size, $"{field}.dealSize", Fields.Label($"{field}.dealSize"));
            if (size == 0)
            {
                throw new DomainException($"{Fields.Label($"{field}.dealSize")} must be more than 0.", $"{field}.dealSize");
            }
        }

        return part.IsBlank ? null : part;
    }

    private static decimal? Percent(decimal? value, string field, bool allowZero, bool allowHundred)
    {
        if (value is not { } v)
        {
            return null;
        }

        var ok = (allowZero ? v >= 0 : v > 0) && (allowHundred ? v <= 100 : v < 100) && decimal.Round(v, 2) == v;
        return ok
            ? v
            : throw new DomainException(
                $"{Fields.Label(field)} is a percentage {(allowZero ? "from 0" : "more than 0")} {(allowHundred ? "to 100" : "and less than 100")} with at most two decimals, not {v.ToString(CultureInfo.InvariantCulture)}.",
                field);
    }
}

/// <summary>How one part converts: win rate by value as a ratio (more than 0, at most 1) and the average decided deal size.</summary>
public sealed record PartRate(decimal WinRate, decimal DealSize)
{
    /// <summary>Won value per opportunity decided.</summary>
    public decimal Yield => WinRate * DealSize;
}

/// <summary>A complete set of pipeline assumptions, as ratios; <see cref="NewShare"/> is the share of the target's value.</summary>
public sealed record ConversionPlan(decimal NewShare, PartRate NewBusiness, PartRate Existing, decimal Slippage, int? CycleDays)
{
    /// <summary>
    /// The pipeline needed for a target: the value and number of opportunities that must be due to close in the
    /// period (the expected slippage included), and the last day they can be created to close by its end.
    /// </summary>
    public PipelineNeeded For(decimal target, DateOnly periodEnd)
    {
        var newValue = target * NewShare;
        var existingValue = target - newValue;
        // Decided pipeline = target ÷ win rate; pipeline due in the period adds what is expected to slip out of it.
        decimal Pipeline(decimal value, PartRate part) => value / part.WinRate / (1 - Slippage);
        var newPipeline = Pipeline(newValue, NewBusiness);
        var existingPipeline = Pipeline(existingValue, Existing);
        var count = Math.Ceiling(newPipeline / NewBusiness.DealSize) + Math.Ceiling(existingPipeline / Existing.DealSize);
        return new PipelineNeeded(decimal.Round(newPipeline + existingPipeline, 2), (int)Math.Min(count, int.MaxValue),
            CycleDays is { } days ? periodEnd.AddDays(-days) : null);
    }
}

/// <summary>The pipeline a target needs: value due to close in the period, opportunities, and the day they must exist by.</summary>
public sealed record PipelineNeeded(decimal Pipeline, int Opportunities, DateOnly? CreateBy);
