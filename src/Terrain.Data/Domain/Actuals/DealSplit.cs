using System.Globalization;

namespace Terrain.Domain.Actuals;

/// <summary>
/// A revenue split of one opportunity (every product line of it): the share of its credit that goes to a rep. The
/// splits of one opportunity total 100%; the owner's credit is what the others' splits leave (ADR 0046). Keyed by the
/// CRM's opportunity id, not by a row, so splits may be imported before or after their opportunity.
/// </summary>
public sealed class DealSplit
{
    private DealSplit()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>The CRM's id of the opportunity (<see cref="Opportunity.ExternalId"/>).</summary>
    public string OpportunityExternalId { get; private set; } = "";

    public Guid RepId { get; private set; }

    /// <summary>The rep's share in percent, above 0 and at most 100, with at most two decimals.</summary>
    public decimal Percent { get; private set; }

    /// <summary>The import that set this split.</summary>
    public Guid ImportId { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public static DealSplit Create(string opportunityExternalId, Guid repId, decimal percent, Guid importId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        OpportunityExternalId = opportunityExternalId,
        RepId = repId,
        Percent = ValidPercent(percent),
        ImportId = importId,
        UpdatedAt = now,
    };

    public static decimal ValidPercent(decimal percent) =>
        percent is <= 0 or > 100 || decimal.Round(percent, 2) != percent
            ? throw new DomainException(
                $"A split is a percentage above 0 and at most 100, with at most two decimals, not {percent.ToString(CultureInfo.InvariantCulture)}.", "percent")
            : percent;
}

/// <summary>Why a rep is credited with (part of) a deal.</summary>
public enum CreditKind
{
    /// <summary>The deal's owner: 100% less the revenue splits given to others.</summary>
    Owner = 0,

    /// <summary>A revenue split received from the owner.</summary>
    Split = 1,

    /// <summary>An overlay rep of the deal's account, on top of the 100%.</summary>
    Overlay = 2,
}

/// <summary>
/// One rep's credit for one deal, read from a SQL view over opportunities, revenue splits and account overlays
/// (<c>Terrain.Data.DealCreditConfiguration</c>): the rows of a deal add up to its amount, plus the overlay credit.
/// </summary>
public sealed class DealCredit
{
    private DealCredit()
    {
    }

    public Guid OpportunityId { get; private set; }

    public Guid RepId { get; private set; }

    public CreditKind Kind { get; private set; }

    /// <summary>The share in percent.</summary>
    public decimal Percent { get; private set; }

    /// <summary>The credited amount in the company's currency, whole cents.</summary>
    public decimal Amount { get; private set; }

    /// <summary>
    /// A share of an amount as the view computes it: truncated toward zero to the cent, so that the owner, who gets
    /// what the others' shares leave, makes the revenue split of a deal add up to its amount exactly.
    /// </summary>
    public static decimal Share(decimal amount, decimal percent) =>
        Money.FromCents(Money.ToCents(amount) * Money.ToCents(percent) / 10_000);
}

/// <summary>The fields of a revenue split row that an import reads.</summary>
public enum SplitField
{
    Opportunity,
    Rep,
    Percent,
    SplitType,
}

/// <summary>One split row as read, before its rep is matched.</summary>
public sealed record SplitRow(string Opportunity, string Rep, decimal Percent);

/// <summary>
/// Revenue splits as Terrain's own columns and a Salesforce "Opportunities with Splits" report write them: one row per
/// opportunity and rep.
/// </summary>
public static class SplitLayouts
{
    public static readonly ActualsLayout<SplitField> Terrain = new("Terrain", new Dictionary<SplitField, string[]>
    {
        [SplitField.Opportunity] = ["opportunity", "opportunityId", "externalId"],
        [SplitField.Rep] = ["rep", "owner"],
        [SplitField.Percent] = ["percent"],
        [SplitField.SplitType] = ["splitType"],
    }, [SplitField.Opportunity, SplitField.Rep, SplitField.Percent], ["yyyy-MM-dd"]);

    public static readonly ActualsLayout<SplitField> Salesforce = new("Salesforce", new Dictionary<SplitField, string[]>
    {
        [SplitField.Opportunity] = ["Opportunity ID"],
        [SplitField.Rep] = ["Split Owner", "Opportunity Split Owner"],
        [SplitField.Percent] = ["Split Percent", "Split %"],
        [SplitField.SplitType] = ["Split Type", "Opportunity Split Type"],
    }, [SplitField.Opportunity, SplitField.Rep, SplitField.Percent], ["M/d/yyyy"]);

    public static readonly IReadOnlyList<ActualsLayout<SplitField>> BuiltIn = [Terrain, Salesforce];

    /// <summary>Reads one row; throws <see cref="DealRowException"/> naming the column at fault.</summary>
    public static SplitRow Read(ActualsColumns<SplitField> columns, Func<int, string> cell)
    {
        var type = columns.Text(cell, SplitField.SplitType);
        if (type.Length > 0 && DealLayout.Normalize(type) is not ("revenue" or "revenuesplit"))
        {
            throw new DealRowException(columns.Column(SplitField.SplitType),
                $"'{type}' is not a revenue split. Only revenue splits (totalling 100%) are imported; overlay credit is set per account, on the territory's accounts.");
        }

        var text = columns.Required(cell, SplitField.Percent);
        var plain = text.TrimEnd('%', ' ', '\u00A0');
        if (!decimal.TryParse(plain, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent))
        {
            throw new DealRowException(columns.Column(SplitField.Percent), $"'{text}' is not a percentage (e.g. 40 or 33.34%).");
        }

        if (percent is <= 0 or > 100 || decimal.Round(percent, 2) != percent)
        {
            throw new DealRowException(columns.Column(SplitField.Percent),
                $"'{text}' is not a split: a percentage above 0 and at most 100, with at most two decimals.");
        }

        var opportunity = columns.Required(cell, SplitField.Opportunity);
        if (opportunity.Length > DealFacts.MaxId)
        {
            throw new DealRowException(columns.Column(SplitField.Opportunity), $"'{columns.Column(SplitField.Opportunity)}' is longer than {DealFacts.MaxId} characters.");
        }

        return new SplitRow(opportunity, columns.Required(cell, SplitField.Rep), percent);
    }
}
