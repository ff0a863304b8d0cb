using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Features.Plans;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.ExchangeRates;

/// <summary>An admin keeps the dated rates the actuals imports convert with: one at a time, by file, or on the page.</summary>
public sealed class ExchangeRatesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    private static async Task<List<(string Currency, DateOnly From, decimal Rate)>> RatesAsync(TestApp app) =>
        (await app.WithDbAsync(d => d.ExchangeRates.AsNoTracking().ToListAsync(Ct)))
        .Select(r => (r.Currency, r.ValidFrom, r.Rate)).OrderBy(r => r.Currency).ThenBy(r => r.ValidFrom).ToList();

    [Theory, BothDatabases]
    public async Task An_admin_sets_changes_and_removes_a_rate_and_each_change_is_audited(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");

        var created = await admin.PutAsJsonAsync("/api/v1/exchange-rates/eur/2027-01-01", new { rate = 1.0825m }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/v1/exchange-rates/EUR/2027-01-01", created.Headers.Location?.ToString());
        var changed = await admin.PutAsJsonAsync("/api/v1/exchange-rates/EUR/2027-01-01", new { rate = 1.091234m }, Ct);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync("/api/v1/exchange-rates/EUR/2027-02-01", new { rate = 1.1m }, Ct)).StatusCode);

        var list = await JsonAsync(await (await app.ApiAsAsync("rep1@test.terrain")).GetAsync("/api/v1/exchange-rates", Ct));
        Assert.Equal("USD", list.GetProperty("companyCurrency").GetString());
        Assert.Equal([("2027-02-01", 1.1m), ("2027-01-01", 1.091234m)],
            list.GetProperty("rates").EnumerateArray().Select(r => (r.GetProperty("validFrom").GetString()!, r.GetProperty("rate").GetDecimal())));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/v1/exchange-rates/EUR/2027-02-01", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/v1/exchange-rates/EUR/2027-02-01", Ct)).StatusCode);
        Assert.Equal([("EUR", new DateOnly(2027, 1, 1), 1.091234m)], await RatesAsync(app));
        var audit = await app.WithDbAsync(d => d.AuditEntries.Where(a => a.EntityType == "ExchangeRate").OrderBy(a => a.Id).Select(a => a.Action).ToListAsync(Ct));
        Assert.Equal(["exchange-rate.set", "exchange-rate.set", "exchange-rate.set", "exchange-rate.deleted"], audit);
    }

    [Theory, BothDatabases]
    public async Task A_wrong_rate_is_refused_naming_the_field(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var cases = new (string Url, object Body, string Field)[]
        {
            ("/api/v1/exchange-rates/USD/2027-01-01", new { rate = 1m }, "currency"),
            ("/api/v1/exchange-rates/EURO/2027-01-01", new { rate = 1m }, "currency"),
            ("/api/v1/exchange-rates/EUR/2027-01-01", new { rate = -1m }, "rate"),
            ("/api/v1/exchange-rates/EUR/2027-01-01", new { rate = 1.0000001m }, "rate"),
            ("/api/v1/exchange-rates/EUR/2027-01-01", new { }, "rate"),
        };

        foreach (var (url, body, field) in cases)
        {
            var response = await admin.PutAsJsonAsync(url, body, Ct);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.True((await JsonAsync(response)).GetProperty("errors").TryGetProperty(field, out _), $"{url} {body}: expected {field}");
        }

        Assert.Empty(await RatesAsync(app));
    }

    [Theory, BothDatabases]
    public async Task A_rates_file_with_any_bad_row_changes_nothing_and_names_each_row(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        await admin.PutAsJsonAsync("/api/v1/exchange-rates/EUR/2027-01-01", new { rate = 1.08m }, Ct);

        var rejected = await admin.PostAsync("/api/v1/exchange-rates/import", Csv(
            "currency,validFrom,rate\nEUR,2027-01-01,1.09\nGBP,3/1/2027,1.27\nGBP,2027-03-01,1.27\nGBP,2027-03-01,1.28\nUSD,2027-03-01,1\nCHF,2027-03-01,-2\n"), Ct);
        var problem = await JsonAsync(rejected);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        Assert.Equal([(3, "validFrom"), (5, "validFrom"), (6, "currency"), (7, "rate")],
            problem.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("line").GetInt32(), r.GetProperty("column").GetString())));
        Assert.Equal([("EUR", new DateOnly(2027, 1, 1), 1.08m)], await RatesAsync(app));

        var applied = await JsonAsync(await admin.PostAsync("/api/v1/exchange-rates/import", Csv(
            "Currency,Valid From,Rate\r\nEUR,2027-01-01,1.09\r\nEUR,2027-02-01,1.1\r\nGBP,2027-01-01,1.27\r\n"), Ct));
        Assert.Equal((3, 2, 1, 0), (applied.GetProperty("rowsRead").GetInt32(), applied.GetProperty("created").GetInt32(),
            applied.GetProperty("updated").GetInt32(), applied.GetProperty("unchanged").GetInt32()));
        Assert.Equal([("EUR", new DateOnly(2027, 1, 1), 1.09m), ("EUR", new DateOnly(2027, 2, 1), 1.1m), ("GBP", new DateOnly(2027, 1, 1), 1.27m)],
            await RatesAsync(app));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType,
            (await admin.PostAsync("/api/v1/exchange-rates/import", new StringContent("{}", Encoding.UTF8, "application/json"), Ct)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task The_rates_page_adds_a_rate_and_shows_a_rejected_file_row_by_row(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var pages = new PlanPageClient(await app.BrowserAsAsync("admin@test.terrain"));

        var page = await pages.GetAsync("/Admin/ExchangeRates");
        var setForm = page.QuerySelectorAll("form").OfType<IHtmlFormElement>().Single(f => f.GetAttribute("action")!.Contains("handler=Set", StringComparison.Ordinal));
        var saved = await pages.SubmitAsync(setForm, new Dictionary<string, string> { ["Currency"] = "eur", ["ValidFrom"] = "2027-01-01", ["Rate"] = "1.0825" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var after = await pages.GetAsync("/Admin/ExchangeRates");
        Assert.Contains("Added EUR at 1.0825 from 1 Jan 2027.", after.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("1.082500", after.QuerySelector("main table")!.TextContent, StringComparison.Ordinal);

        var wrong = await pages.SubmitAsync(setForm, new Dictionary<string, string> { ["Currency"] = "usd", ["ValidFrom"] = "2027-01-01", ["Rate"] = "1" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        Assert.Contains("company's currency", (await PlanPageClient.ParseAsync(wrong)).QuerySelector("[data-valmsg-for=Currency]")!.TextContent, StringComparison.Ordinal);

        var token = await TestApp.AntiforgeryTokenAsync(pages.Http, "/Admin/ExchangeRates");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes("currency,validFrom,rate\nGBP,2027-01-01,x\n")) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "Upload", "rates.csv" },
        };
        var rejected = await pages.Http.PostAsync("/Admin/ExchangeRates?handler=Import", form, Ct);
        var report = await PlanPageClient.ParseAsync(rejected);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        Assert.Contains("nothing was changed", report.QuerySelector(".import-report")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("'x' is not a rate", report.QuerySelector(".import-report table")!.TextContent, StringComparison.Ordinal);
    }
}
