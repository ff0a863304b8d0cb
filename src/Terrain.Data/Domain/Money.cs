using System.Globalization;

namespace Terrain.Domain;

/// <summary>
/// Amounts of money: decimal in the domain and on the wire, whole cents (a 64-bit integer) in both databases
/// (ADR 0012). The largest single amount is kept low enough that a million of them still sum inside 64 bits.
/// </summary>
public static class Money
{
    /// <summary>Just under ten billion: 10^6 rows of it sum to about 10^18 cents, under long.MaxValue (9.2 x 10^18).</summary>
    public const decimal Max = 9_999_999_999.99m;

    public static long ToCents(decimal amount) => decimal.ToInt64(amount * 100m);

    public static decimal FromCents(long cents) => cents / 100m;

    /// <summary>
    /// An amount as people type it: plain ("12500", "12500.00") or as it is shown ("12,500", "$12,500", "USD 12,500",
    /// "1 250 000"); null when it is blank or not an amount. Currency signs, a three-letter currency code, spaces and the
    /// culture's thousands separators are dropped; the culture's decimal separator is the decimal point. Without a culture
    /// the invariant one: the comma groups thousands, the point is decimal (CSV files).
    /// </summary>
    public static decimal? Parse(string? text, CultureInfo? culture = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var format = (culture ?? CultureInfo.InvariantCulture).NumberFormat;
        var plain = new string(text.Trim().Where(c => !(char.IsWhiteSpace(c) || c is '_' || char.GetUnicodeCategory(c) == UnicodeCategory.CurrencySymbol)).ToArray());
        if (plain.Length > 3 && plain[..3].All(char.IsAsciiLetterUpper))
        {
            plain = plain[3..];
        }
        else if (plain.Length > 3 && plain[^3..].All(char.IsAsciiLetterUpper))
        {
            plain = plain[..^3];
        }

        var group = format.NumberGroupSeparator.Trim();
        if (group.Length > 0)
        {
            plain = plain.Replace(group, "", StringComparison.Ordinal);
        }

        if (format.NumberDecimalSeparator != ".")
        {
            plain = plain.Replace(format.NumberDecimalSeparator, ".", StringComparison.Ordinal);
        }

        return plain.Length > 0 && plain.Any(char.IsAsciiDigit) &&
            decimal.TryParse(plain, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount)
            ? amount
            : null;
    }

    /// <summary>An amount in whole cents between 0 and <see cref="Max"/>, or the reason why not, naming <paramref name="field"/>.</summary>
    public static decimal Validate(decimal amount, string field, string what = "The amount")
    {
        if (amount < 0)
        {
            throw new DomainException($"{what} cannot be negative ({amount.ToString(CultureInfo.InvariantCulture)}).", field);
        }

        if (amount > Max)
        {
            throw new DomainException($"{what} is too large: the largest amount is {Max.ToString("N2", CultureInfo.InvariantCulture)}.", field);
        }

        if (decimal.Round(amount, 2) != amount)
        {
            throw new DomainException($"{what} is in whole cents ({amount.ToString(CultureInfo.InvariantCulture)}).", field);
        }

        return amount;
    }
}
