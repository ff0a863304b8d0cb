using System.Globalization;

namespace Terrain.Domain.Actuals;

/// <summary>A call, meeting, email, demo, ... from the CRM, keyed by its external id. Activity goals count the held ones.</summary>
public sealed class SalesActivity
{
    public static readonly IReadOnlyList<string> KnownTypes = ["Call", "Meeting", "Email", "Demo", "Visit", "Task", "Other"];

    private SalesActivity()
    {
    }

    public Guid Id { get; private set; }

    public string ExternalId { get; private set; } = "";

    public Guid OwnerId { get; private set; }

    /// <summary>One of <see cref="KnownTypes"/>.</summary>
    public string Type { get; private set; } = "";

    public DateOnly Date { get; private set; }

    public Guid? AccountId { get; private set; }

    public bool Held { get; private set; }

    public Guid LastImportId { get; private set; }

    public static SalesActivity Create(string externalId, Guid ownerId, string type, DateOnly date, Guid? accountId, bool held, Guid importId, DateTimeOffset at)
    {
        var activity = new SalesActivity { Id = Guid.CreateVersion7(at), ExternalId = externalId };
        activity.Apply(ownerId, type, date, accountId, held, importId);
        return activity;
    }

    /// <summary>Returns false when nothing changed.</summary>
    public bool Apply(Guid ownerId, string type, DateOnly date, Guid? accountId, bool held, Guid importId)
    {
        LastImportId = importId;
        var canonical = TypeOf(type) ?? throw new DomainException(
            $"'{type}' is not an activity type: use one of {string.Join(", ", KnownTypes)}.", "type");
        if (OwnerId == ownerId && Type == canonical && Date == date && AccountId == accountId && Held == held)
        {
            return false;
        }

        (OwnerId, Type, Date, AccountId, Held) = (ownerId, canonical, date, accountId, held);
        return true;
    }

    /// <summary>The type as Terrain names it, matched ignoring case; null when it is none of them.</summary>
    public static string? TypeOf(string? type) =>
        KnownTypes.FirstOrDefault(t => string.Equals(t, type?.Trim(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// A revenue line from finance, for companies that count quota on billed or signed revenue: it replaces the won
/// opportunity's amount. Downgrades and cancellations are negative lines, and are real.
/// </summary>
public sealed class Booking
{
    private Booking()
    {
    }

    public Guid Id { get; private set; }

    public string ExternalId { get; private set; } = "";

    public string LineId { get; private set; } = "";

    public Guid OwnerId { get; private set; }

    public Guid? AccountId { get; private set; }

    public DateOnly Date { get; private set; }

    /// <summary>In the company's currency; negative for a downgrade or cancellation.</summary>
    public decimal Amount { get; private set; }

    public string Currency { get; private set; } = "";

    public decimal OriginalAmount { get; private set; }

    public string? ProductId { get; private set; }

    /// <summary>The opportunity the line books, when finance knows it.</summary>
    public string? OpportunityExternalId { get; private set; }

    public Guid LastImportId { get; private set; }

    public static Booking Create(string externalId, string lineId, Guid importId, DateTimeOffset at) =>
        new() { Id = Guid.CreateVersion7(at), ExternalId = externalId, LineId = lineId, LastImportId = importId };

    /// <summary>Returns false when nothing changed.</summary>
    public bool Apply(Guid ownerId, Guid? accountId, DateOnly date, decimal amount, string currency, decimal originalAmount,
        string? productId, string? opportunityExternalId, Guid importId)
    {
        LastImportId = importId;
        ValidateSigned(amount, "amount");
        ValidateSigned(originalAmount, "amount");
        if (OwnerId == ownerId && AccountId == accountId && Date == date && Amount == amount && Currency == currency &&
            OriginalAmount == originalAmount && ProductId == productId && OpportunityExternalId == opportunityExternalId)
        {
            return false;
        }

        (OwnerId, AccountId, Date, Amount, Currency, OriginalAmount, ProductId, OpportunityExternalId) =
            (ownerId, accountId, date, amount, currency, originalAmount, productId, opportunityExternalId);
        return true;
    }

    /// <summary>A booking may be negative, but never beyond the largest amount either way.</summary>
    public static decimal ValidateSigned(decimal amount, string field) =>
        amount < 0 ? -Money.Validate(-amount, field, "The amount") : Money.Validate(amount, field, "The amount");
}

/// <summary>
/// How much one unit of <see cref="Currency"/> is worth in the company's currency from <see cref="ValidFrom"/> until
/// the next rate of the same currency. Kept to six decimals (<see cref="Scale"/>), unlike money.
/// </summary>
public sealed class ExchangeRate
{
    public const int Scale = 6;

    private ExchangeRate()
    {
    }

    public Guid Id { get; private set; }

    public string Currency { get; private set; } = "";

    public DateOnly ValidFrom { get; private set; }

    public decimal Rate { get; private set; }

    public static ExchangeRate Create(string currency, DateOnly validFrom, decimal rate, DateTimeOffset at)
    {
        var code = currency.Trim().ToUpperInvariant();
        if (code.Length != 3 || !code.All(char.IsAsciiLetterUpper))
        {
            throw new DomainException($"'{currency}' is not a currency code (three letters, e.g. EUR).", "currency");
        }

        return new ExchangeRate { Id = Guid.CreateVersion7(at), Currency = code, ValidFrom = validFrom, Rate = Checked(rate) };
    }

    /// <summary>Sets a new rate for the same day; false when it is the rate already held.</summary>
    public bool Reprice(decimal rate)
    {
        if (Checked(rate) == Rate)
        {
            return false;
        }

        Rate = rate;
        return true;
    }

    private static decimal Checked(decimal rate) => rate <= 0 || rate > 1_000_000 || decimal.Round(rate, Scale) != rate
        ? throw new DomainException(
            $"The rate is a positive number of at most {Scale} decimals below 1,000,000 ({rate.ToString(CultureInfo.InvariantCulture)}).", "rate")
        : rate;

    /// <summary>
    /// The amount in the company's currency at the rate in force on <paramref name="on"/>, rounded half to even to
    /// the cent; null when no rate of that currency is in force then (amounts in different currencies never add up).
    /// </summary>
    public static decimal? Convert(decimal amount, string currency, string companyCurrency, DateOnly on, IEnumerable<ExchangeRate> rates)
    {
        if (currency == companyCurrency)
        {
            return amount;
        }

        var rate = rates.Where(r => r.Currency == currency && r.ValidFrom <= on).MaxBy(r => r.ValidFrom);
        return rate is null ? null : decimal.Round(amount * rate.Rate, 2, MidpointRounding.ToEven);
    }
}
