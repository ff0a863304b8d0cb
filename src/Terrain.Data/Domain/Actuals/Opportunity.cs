using System.Globalization;

namespace Terrain.Domain.Actuals;

/// <summary>Where a deal stands: open (pipeline), won (a booking) or lost (win rate needs them).</summary>
public enum DealOutcome
{
    Open = 0,
    Won = 1,
    Lost = 2,
}

/// <summary>The CRM's forecast category of a deal.</summary>
public enum ForecastCategory
{
    Pipeline = 0,
    BestCase = 1,
    Commit = 2,
    Omitted = 3,
    Closed = 4,
}

public enum DealType
{
    NewBusiness = 0,
    Expansion = 1,
    Renewal = 2,
}

/// <summary>
/// One opportunity (or one product line of it) as an import read it, checked and converted: owner and account matched,
/// the amount in the company's currency. <see cref="LineId"/> is empty where the export has one row per opportunity.
/// </summary>
public sealed record DealFacts(
    string ExternalId,
    string LineId,
    string Name,
    Guid? AccountId,
    string AccountName,
    Guid OwnerId,
    string Stage,
    DealOutcome Outcome,
    ForecastCategory Forecast,
    decimal Amount,
    string Currency,
    decimal OriginalAmount,
    int? Probability,
    DateOnly CloseDate,
    DateOnly CreatedDate,
    DealType? Type,
    string? ProductId,
    string? ProductName,
    string? LossReason)
{
    public const int MaxId = 64;

    /// <summary>Checks the values a layout could not: lengths, amounts, probability, dates; names the field at fault.</summary>
    public DealFacts Validated()
    {
        Text(ExternalId, "externalId", MaxId, required: true);
        Text(LineId, "lineId", MaxId);
        Text(Name, "name", 200);
        Text(AccountName, "account", 200);
        Text(Stage, "stage", 60, required: true);
        Text(ProductName, "product", 100);
        Text(LossReason, "lossReason", 200);
        Money.Validate(Amount, "amount", "The amount");
        Money.Validate(OriginalAmount, "amount", "The amount");
        if (Currency.Length != 3 || !Currency.All(char.IsAsciiLetterUpper))
        {
            throw new DomainException($"'{Currency}' is not a currency code (three capital letters, e.g. USD).", "currency");
        }

        if (Probability is < 0 or > 100)
        {
            throw new DomainException($"The probability is a percentage from 0 to 100, not {Probability}.", "probability");
        }

        if (CreatedDate > CloseDate && Outcome != DealOutcome.Open)
        {
            throw new DomainException(
                $"The deal closed on {CloseDate:yyyy-MM-dd}, before it was created ({CreatedDate:yyyy-MM-dd}).", "closeDate");
        }

        return this;
    }

    private static void Text(string? value, string field, int max, bool required = false)
    {
        if (required && string.IsNullOrWhiteSpace(value))
        {
            throw new DomainException($"The {Fields.Label(field).ToLower(CultureInfo.InvariantCulture)} is empty.", field);
        }

        if (value is { Length: > 0 } && value.Length > max)
        {
            throw new DomainException($"The {Fields.Label(field).ToLower(CultureInfo.InvariantCulture)} is longer than {max} characters.", field);
        }

        if (value?.Contains('\0', StringComparison.Ordinal) == true)
        {
            throw new DomainException($"The {Fields.Label(field).ToLower(CultureInfo.InvariantCulture)} contains a NUL character.", field);
        }
    }
}

/// <summary>
/// An opportunity as the latest import left it, keyed by the CRM's id (and line id). Every change an import makes
/// is also written as an <see cref="OpportunityChange"/>, so that the pipeline can be read as of any past import.
/// A deal missing from a full extract is marked deleted, not lost.
/// </summary>
public sealed class Opportunity
{
    private Opportunity()
    {
    }

    public Guid Id { get; private set; }

    public string ExternalId { get; private set; } = "";

    public string LineId { get; private set; } = "";

    public string Name { get; private set; } = "";

    public Guid? AccountId { get; private set; }

    public string AccountName { get; private set; } = "";

    public Guid OwnerId { get; private set; }

    public string Stage { get; private set; } = "";

    public DealOutcome Outcome { get; private set; }

    public ForecastCategory Forecast { get; private set; }

    /// <summary>In the company's currency, converted at the rate of the close date.</summary>
    public decimal Amount { get; private set; }

    public string Currency { get; private set; } = "";

    /// <summary>In <see cref="Currency"/>, as the CRM has it.</summary>
    public decimal OriginalAmount { get; private set; }

    public int? Probability { get; private set; }

    public DateOnly CloseDate { get; private set; }

    public DateOnly CreatedDate { get; private set; }

    public DealType? Type { get; private set; }

    /// <summary>One of the strategy's offerings, by id, when the product name matched one.</summary>
    public string? ProductId { get; private set; }

    public string? ProductName { get; private set; }

    public string? LossReason { get; private set; }

    public bool Deleted { get; private set; }

    public Guid LastImportId { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public static (Opportunity Deal, OpportunityChange Change) Create(DealFacts facts, Guid importId, DateTimeOffset at)
    {
        var deal = new Opportunity { Id = Guid.CreateVersion7(at), ExternalId = facts.ExternalId, LineId = facts.LineId };
        deal.Set(facts, importId, at);
        return (deal, OpportunityChange.Of(deal, importId, at));
    }

    /// <summary>Applies what the import read; the new change when anything changed, else null.</summary>
    public OpportunityChange? Apply(DealFacts facts, Guid importId, DateTimeOffset at)
    {
        if (facts.ExternalId != ExternalId || facts.LineId != LineId)
        {
            throw new InvalidOperationException("The facts are of another opportunity.");
        }

        LastImportId = importId;
        if (!Deleted && Same(facts))
        {
            return null;
        }

        Set(facts, importId, at);
        return OpportunityChange.Of(this, importId, at);
    }

    /// <summary>A full extract no longer has this deal: it was deleted in the CRM (not lost).</summary>
    public OpportunityChange? MarkDeleted(Guid importId, DateTimeOffset at)
    {
        if (Deleted)
        {
            return null;
        }

        Deleted = true;
        LastImportId = importId;
        UpdatedAt = at;
        return OpportunityChange.Of(this, importId, at);
    }

    private bool Same(DealFacts f) =>
        f.Name == Name && f.AccountId == AccountId && f.AccountName == AccountName && f.OwnerId == OwnerId && f.Stage == Stage &&
        f.Outcome == Outcome && f.Forecast == Forecast && f.Amount == Amount && f.Currency == Currency &&
        f.OriginalAmount == OriginalAmount && f.Probability == Probability && f.CloseDate == CloseDate &&
        f.CreatedDate == CreatedDate && f.Type == Type && f.ProductId == ProductId && f.ProductName == ProductName &&
        f.LossReason == LossReason;

    private void Set(DealFacts f, Guid importId, DateTimeOffset at)
    {
        Name = f.Name;
        AccountId = f.AccountId;
        AccountName = f.AccountName;
        OwnerId = f.OwnerId;
        Stage = f.Stage;
        Outcome = f.Outcome;
        Forecast = f.Forecast;
        Amount = f.Amount;
        Currency = f.Currency;
        OriginalAmount = f.OriginalAmount;
        Probability = f.Probability;
        CloseDate = f.CloseDate;
        CreatedDate = f.CreatedDate;
        Type = f.Type;
        ProductId = f.ProductId;
        ProductName = f.ProductName;
        LossReason = f.LossReason;
        Deleted = false;
        LastImportId = importId;
        UpdatedAt = at;
    }
}

/// <summary>
/// The state of an opportunity from one import until the next import that changed it: the history that pipeline
/// "as of" a past import and the deal-by-deal comparison between two dates are read from. The current change has no
/// <see cref="ValidTo"/>.
/// </summary>
public sealed class OpportunityChange
{
    private OpportunityChange()
    {
    }

    public Guid Id { get; private set; }

    public Guid OpportunityId { get; private set; }

    public Guid ImportId { get; private set; }

    public DateTimeOffset ValidFrom { get; private set; }

    public DateTimeOffset? ValidTo { get; private set; }

    public Guid OwnerId { get; private set; }

    public string Stage { get; private set; } = "";

    public DealOutcome Outcome { get; private set; }

    public ForecastCategory Forecast { get; private set; }

    public decimal Amount { get; private set; }

    public DateOnly CloseDate { get; private set; }

    public bool Deleted { get; private set; }

    public static OpportunityChange Of(Opportunity deal, Guid importId, DateTimeOffset at) => new()
    {
        Id = Guid.CreateVersion7(at),
        OpportunityId = deal.Id,
        ImportId = importId,
        ValidFrom = at,
        OwnerId = deal.OwnerId,
        Stage = deal.Stage,
        Outcome = deal.Outcome,
        Forecast = deal.Forecast,
        Amount = deal.Amount,
        CloseDate = deal.CloseDate,
        Deleted = deal.Deleted,
    };

    /// <summary>Ends this state where a later import changed the deal.</summary>
    public void End(DateTimeOffset at) => ValidTo ??= at;
}
