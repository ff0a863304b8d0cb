using System.Globalization;
using System.Text.RegularExpressions;

namespace Terrain.Infrastructure.Web;

/// <summary>
/// How every page writes money, numbers and dates (ADR 0032): one way, in the installation's culture
/// (<c>Terrain:Culture</c>) with the company's currency symbol (<c>Terrain:Currency</c>). Money has its symbol and
/// thousands separators and shows cents only when there are some; a date reads "27 Jan 2027" (month names in the
/// culture's language), never 01/27/2027 on one page and 2027-01-27 on the next. Files and the API keep plain
/// numbers and ISO dates: this is for people.
/// </summary>
public static partial class Show
{
    public const string DatePattern = "d MMM yyyy";

    private static CultureInfo Culture => CultureInfo.CurrentCulture;

    public static string Money(decimal? value) => value is { } v ? Money(v) : "–";

    public static string Money(decimal value) =>
        value.ToString(decimal.Truncate(value) == value ? "C0" : "C2", Culture);

    /// <summary>A share as a whole percentage ("42%"), written the locale's way.</summary>
    public static string Percent(decimal ratio) => ratio.ToString("P0", Culture);

    /// <summary>A whole number with thousands separators (a count, opportunities needed).</summary>
    public static string Number(decimal? value) => value is { } v ? v.ToString("#,0.##", Culture) : "–";

    public static string Date(DateOnly? value) => value is { } d ? d.ToString(DatePattern, Culture) : "–";

    public static string Date(DateTimeOffset? value) => value is { } d ? d.ToString(DatePattern, Culture) : "–";

    /// <summary>A moment: the date and the time of day in UTC, which is what the server knows.</summary>
    public static string Moment(DateTimeOffset value, bool seconds = false) =>
        value.UtcDateTime.ToString(DatePattern + (seconds ? ", HH:mm:ss 'UTC'" : ", HH:mm 'UTC'"), Culture);

    /// <summary>
    /// A moment in a time zone (a cycle's): "2 Dec 2026, 10:14 Europe/Berlin"; in UTC as <see cref="Moment(DateTimeOffset, bool)"/>
    /// when the zone is UTC, unknown or not given.
    /// </summary>
    public static string Moment(DateTimeOffset value, string? timeZone, bool seconds = false)
    {
        if (timeZone is null || !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) || zone.BaseUtcOffset == TimeSpan.Zero && !zone.SupportsDaylightSavingTime)
        {
            return Moment(value, seconds);
        }

        return TimeZoneInfo.ConvertTime(value, zone).ToString(DatePattern + (seconds ? ", HH:mm:ss" : ", HH:mm"), Culture) + " " + timeZone;
    }

    /// <summary>A named period with its dates, as stored in frozen review figures: "Q1 (1 Jan 2026 to 31 Mar 2026)".</summary>
    public static string Period(string label, DateOnly start, DateOnly end) =>
        $"{label} ({start.ToString(DatePattern, CultureInfo.InvariantCulture)} to {end.ToString(DatePattern, CultureInfo.InvariantCulture)})";

    /// <summary>Text frozen before ADR 0032 wrote ISO dates ("Q1 (2026-01-01 to 2026-03-31)"): they read like every other date.</summary>
    public static string DatesIn(string text) => IsoDate().Replace(text, m =>
        DateOnly.TryParseExact(m.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? Date(d) : m.Value);

    [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}\b")]
    private static partial Regex IsoDate();

    /// <summary>
    /// The culture pages are written in: <paramref name="name"/> with the currency symbol of <paramref name="currency"/>
    /// (ISO 4217), so that a company counting in euros sees € under an en-US culture and not $.
    /// </summary>
    public static CultureInfo CultureFor(string name, string currency)
    {
        var culture = (CultureInfo)CultureInfo.GetCultureInfo(name).Clone();
        var code = currency.Trim().ToUpperInvariant();
        if (!culture.IsNeutralCulture && new RegionInfo(culture.Name).ISOCurrencySymbol == code)
        {
            return culture;
        }

        culture.NumberFormat.CurrencySymbol = SymbolOf(code);
        return culture;
    }

    private static string SymbolOf(string code)
    {
        foreach (var specific in CultureInfo.GetCultures(CultureTypes.SpecificCultures))
        {
            var region = new RegionInfo(specific.Name);
            if (region.ISOCurrencySymbol == code)
            {
                return region.CurrencySymbol;
            }
        }

        return code + " ";
    }
}
