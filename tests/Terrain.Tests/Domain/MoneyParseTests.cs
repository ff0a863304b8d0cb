using System.Globalization;
using Terrain.Domain;
using Terrain.Infrastructure.Web;
using Xunit;

namespace Terrain.Tests.Domain;

/// <summary>Amounts as people type them (issue 12 §8): what a money input posts is read leniently, junk is refused.</summary>
public sealed class MoneyParseTests
{
    [Theory]
    [InlineData("12500", "12500")]
    [InlineData("12,500", "12500")]
    [InlineData("12500.00", "12500.00")]
    [InlineData("$12,500", "12500")]
    [InlineData(" $ 12,500.50 ", "12500.50")]
    [InlineData("USD 1,250,000", "1250000")]
    [InlineData("1,250,000 USD", "1250000")]
    [InlineData("1 250 000", "1250000")]
    [InlineData("1\u00a0250\u00a0000", "1250000")]
    [InlineData("€7", "7")]
    [InlineData(".5", "0.5")]
    [InlineData("-40", "-40")]
    public void Typed_amounts_are_read_in_english(string typed, string expected) =>
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), Money.Parse(typed, CultureInfo.GetCultureInfo("en-US")));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Blank_is_no_amount(string? typed) => Assert.Null(Money.Parse(typed, CultureInfo.GetCultureInfo("en-US")));

    [Theory]
    [InlineData("12abc")]
    [InlineData("lots")]
    [InlineData("$")]
    [InlineData("1.2.3")]
    [InlineData("12-5")]
    [InlineData("1e5")]
    [InlineData("(500)")]
    public void Junk_is_not_an_amount(string typed) => Assert.Null(Money.Parse(typed, CultureInfo.GetCultureInfo("en-US")));

    [Fact]
    public void A_culture_with_a_decimal_comma_reads_its_own_separators()
    {
        var german = CultureInfo.GetCultureInfo("de-DE");
        Assert.Equal(1250000.5m, Money.Parse("1.250.000,50 €", german));
        Assert.Equal(12.5m, Money.Parse("12,5", german));
    }

    [Fact]
    public void Without_a_culture_the_comma_groups_and_the_point_is_decimal() =>
        Assert.Equal(1200000.5m, Money.Parse("$1,200,000.50"));

    [Theory]
    [InlineData("BestCase", "Best case")]
    [InlineData("Commit", "Commit")]
    [InlineData("Targets[1]", "Targets 2")]
    [InlineData("TargetRevenue", "Target revenue")]
    public void A_field_is_named_in_words(string property, string words) => Assert.Equal(words, AmountBinder.Words(property));
}
