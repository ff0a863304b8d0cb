using Terrain.Domain;
using Terrain.Domain.Actuals;
using Xunit;

namespace Terrain.Tests.Domain.Actuals;

/// <summary>Opportunity rows as Salesforce, HubSpot and Terrain's own format write them, read by their layout.</summary>
public sealed class DealLayoutTests
{
    private static readonly string[] SalesforceHeader =
    [
        "\uFEFFOpportunity Owner", "Account Name", "Opportunity Name", "Stage", "Fiscal Period", "Forecast Category", "Amount",
        "Probability (%)", "Age", "Close Date", "Created Date", "Next Step", "Lead Source", "Type", "Opportunity ID", "Product Name",
    ];

    private static readonly string[] HubSpotHeader =
    [
        "Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date", "Create Date", "Deal owner", "Pipeline", "Associated Company", "Forecast category",
    ];

    private static DealRow Read(DealReader reader, params string[] cells) => reader.Read(i => i < cells.Length ? cells[i] : "");

    [Fact]
    public void The_layout_is_recognised_from_the_header()
    {
        Assert.Same(DealLayout.Salesforce, DealLayout.Detect(SalesforceHeader));
        Assert.Same(DealLayout.HubSpot, DealLayout.Detect(HubSpotHeader));
        Assert.Same(DealLayout.Terrain, DealLayout.Detect(["externalId", "owner", "stage", "amount", "closeDate"]));
        Assert.Null(DealLayout.Detect(["id", "who", "what"]));
        Assert.Equal([DealField.Amount, DealField.CloseDate], DealLayout.Salesforce.Missing(["Opportunity ID", "Opportunity Owner", "Stage"]));
    }

    [Fact]
    public void A_salesforce_row_reads_its_us_dates_currency_prefixed_amounts_and_stages_and_unused_columns_are_listed()
    {
        var reader = new DealReader(DealLayout.Salesforce, SalesforceHeader);

        var won = Read(reader, "Rosa Delgado", "Acme, Inc.", "Acme - Plant 2", "Closed Won", "Q1-2026", "Closed", "USD 12,500.00",
            "100", "40", "3/4/2026", "1/15/2026", "", "Web", "New Business", "0065g00000XyZ1", "FieldOps Platform");
        var open = Read(reader, "Diego Alvarez", "Beta", "Beta expansion", "Negotiation/Review", "Q2-2026", "Best Case", "$1,200.50",
            "60", "12", "12/31/2026", "11/2/2026", "", "", "Existing Business", "0065g00000XyZ2", "");

        Assert.Equal(["Fiscal Period", "Age", "Next Step", "Lead Source"], reader.Ignored);
        Assert.Equal(("0065g00000XyZ1", "FieldOps Platform", "Rosa Delgado", "Acme, Inc."), (won.ExternalId, won.LineId, won.Owner, won.Account));
        Assert.Equal((DealOutcome.Won, ForecastCategory.Closed, 12_500m, "USD"), (won.Outcome, won.Forecast, won.Amount, won.Currency));
        Assert.Equal((new DateOnly(2026, 3, 4), new DateOnly(2026, 1, 15), 100, DealType.NewBusiness), (won.CloseDate, won.CreatedDate, won.Probability, won.Type));
        Assert.Equal((DealOutcome.Open, ForecastCategory.BestCase, 1_200.50m, "USD"), (open.Outcome, open.Forecast, open.Amount, open.Currency));
        Assert.Equal((new DateOnly(2026, 12, 31), DealType.Expansion, "Negotiation/Review", ""), (open.CloseDate, open.Type, open.Stage, open.LineId));
    }

    [Fact]
    public void A_hubspot_row_reads_its_timestamps_and_closed_won_and_lost_stages()
    {
        var reader = new DealReader(DealLayout.HubSpot, HubSpotHeader);

        var lost = Read(reader, "1234567", "Zeta renewal", "Closed lost", "8000", "2026-03-14 10:22", "2026-01-02 09:00", "Aisha Karimi", "Sales Pipeline", "Zeta Bank", "");
        var open = Read(reader, "1234568", "Eta", "Contract sent", "2500.75", "2026-06-30 00:00", "2026-05-01 12:30", "Aisha Karimi", "Sales Pipeline", "Eta", "Commit");

        Assert.Equal(["Pipeline"], reader.Ignored);
        Assert.Equal((DealOutcome.Lost, ForecastCategory.Closed, 8_000m, (string?)null), (lost.Outcome, lost.Forecast, lost.Amount, lost.Currency));
        Assert.Equal((new DateOnly(2026, 3, 14), new DateOnly(2026, 1, 2)), (lost.CloseDate, lost.CreatedDate));
        Assert.Equal((DealOutcome.Open, ForecastCategory.Commit, 2_500.75m), (open.Outcome, open.Forecast, open.Amount));
    }

    [Theory]
    [InlineData("12500", 12_500, null)]
    [InlineData("12,500.00", 12_500, null)]
    [InlineData("USD 12,500.00", 12_500, "USD")]
    [InlineData("$12,500.00", 12_500, "USD")]
    [InlineData("€ 900", 900, "EUR")]
    [InlineData("EUR 1,000,000.01", 1_000_000.01, "EUR")]
    [InlineData("-1,200", -1_200, null)]
    [InlineData("(1,200.00)", -1_200, null)]
    [InlineData("0.01", 0.01, null)]
    public void Amounts_are_read_as_exports_write_them(string text, double amount, string? currency)
    {
        var reader = new DealReader(DealLayout.Salesforce, SalesforceHeader);

        Assert.Equal(((decimal)amount, currency), reader.Amount(text, "Amount"));
    }

    [Theory]
    [InlineData("12.5.0", "'12.5.0' is not an amount.")]
    [InlineData("abc", "'abc' is not an amount.")]
    [InlineData("## 12", "'## 12' is not an amount: '##' is not a currency.")]
    [InlineData("1.005", "'1.005' has more than two decimals.")]
    [InlineData("", "'Amount' is empty.")]
    public void A_bad_amount_names_the_column_and_why(string text, string message)
    {
        var reader = new DealReader(DealLayout.Salesforce, SalesforceHeader);

        var e = Assert.Throws<DealRowException>(() => reader.Amount(text, "Amount"));

        Assert.Equal(("Amount", message), (e.Column, e.Message));
    }

    [Fact]
    public void Dates_are_read_by_the_layouts_format_only_never_guessed()
    {
        var salesforce = new DealReader(DealLayout.Salesforce, SalesforceHeader);
        var terrain = new DealReader(DealLayout.Terrain, ["externalId", "owner", "stage", "amount", "closeDate"]);

        Assert.Equal(new DateOnly(2026, 3, 4), salesforce.Date("3/4/2026", "Close Date"));
        Assert.Equal(new DateOnly(2024, 2, 29), salesforce.Date("2/29/2024", "Close Date"));
        var iso = Assert.Throws<DealRowException>(() => salesforce.Date("2026-03-04", "Close Date"));
        Assert.Equal("'2026-03-04' is not a date written M/d/yyyy or M/d/yyyy h:mm tt or M/d/yyyy H:mm.", iso.Message);
        Assert.Throws<DealRowException>(() => salesforce.Date("2/29/2026", "Close Date"));
        Assert.Throws<DealRowException>(() => terrain.Date("3/4/2026", "closeDate"));
        Assert.Equal(new DateOnly(2026, 3, 4), terrain.Date("2026-03-04", "closeDate"));
    }

    [Fact]
    public void A_row_without_a_required_value_or_with_an_unknown_forecast_category_names_the_column()
    {
        var reader = new DealReader(DealLayout.HubSpot, HubSpotHeader);

        var noOwner = Assert.Throws<DealRowException>(() => Read(reader, "1", "Deal", "Qualified", "10", "2026-01-01", "", "", "", "", ""));
        var forecast = Assert.Throws<DealRowException>(() => Read(reader, "1", "Deal", "Qualified", "10", "2026-01-01", "", "Ann", "", "", "Maybe"));
        var missing = Assert.Throws<DomainException>(() => new DealReader(DealLayout.HubSpot, ["Record ID", "Deal Name", "Amount"]));

        Assert.Equal("Deal owner", noOwner.Column);
        Assert.Equal("Forecast category", forecast.Column);
        Assert.Contains("Maybe", forecast.Message, StringComparison.Ordinal);
        Assert.Equal("The file has no 'Deal owner', 'Deal Stage', 'Close Date' column that the HubSpot layout needs.", missing.Message);
    }

    [Fact]
    public void Other_currencies_convert_at_the_rate_in_force_on_the_close_date_and_never_without_one()
    {
        var at = DateTimeOffset.UnixEpoch;
        ExchangeRate[] rates =
        [
            ExchangeRate.Create("EUR", new DateOnly(2026, 1, 1), 1.08m, at),
            ExchangeRate.Create("eur", new DateOnly(2026, 7, 1), 1.123457m, at),
        ];

        Assert.Equal(1_080m, ExchangeRate.Convert(1_000m, "EUR", "USD", new DateOnly(2026, 6, 30), rates));
        Assert.Equal(1_123.46m, ExchangeRate.Convert(1_000m, "EUR", "USD", new DateOnly(2026, 7, 1), rates));
        Assert.Null(ExchangeRate.Convert(1_000m, "EUR", "USD", new DateOnly(2025, 12, 31), rates));
        Assert.Null(ExchangeRate.Convert(1_000m, "GBP", "USD", new DateOnly(2026, 7, 1), rates));
        Assert.Equal(1_000m, ExchangeRate.Convert(1_000m, "USD", "USD", new DateOnly(2020, 1, 1), rates));
        Assert.Throws<DomainException>(() => ExchangeRate.Create("EURO", new DateOnly(2026, 1, 1), 1m, at));
        Assert.Throws<DomainException>(() => ExchangeRate.Create("EUR", new DateOnly(2026, 1, 1), 1.0000001m, at));
    }
}
