using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Actuals;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Imports;

public sealed class ImportingOpportunitiesTests
{
    private const string Header = "externalId,owner,stage,amount,currency,closeDate,name";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ByteArrayContent Body(byte[] bytes) => new(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } };

    private static ByteArrayContent Body(string text) => Body(Encoding.UTF8.GetBytes(text));

    private static ByteArrayContent Fixture(string name) => Body(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", name)));

    private static async Task<JsonElement> PostAsync(HttpClient client, HttpContent body, string query = "", HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.PostAsync($"/api/v1/imports/opportunities{query}", body, Ct);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {json}");
        return json;
    }

    private static Task<Opportunity> DealAsync(TestApp app, string externalId, string lineId = "") =>
        app.WithDbAsync(d => d.Opportunities.SingleAsync(o => o.ExternalId == externalId && o.LineId == lineId, Ct));

    private static Task<List<OpportunityChange>> ChangesAsync(TestApp app, Guid dealId) =>
        app.WithDbAsync(d => d.OpportunityChanges.Where(c => c.OpportunityId == dealId).OrderBy(c => c.ValidFrom).ToListAsync(Ct));

    private static Task<int> AddRateAsync(TestApp app, string currency, DateOnly from, decimal rate) =>
        app.WithDbAsync(d =>
        {
            d.ExchangeRates.Add(ExchangeRate.Create(currency, from, rate, TestApp.Start));
            return d.SaveChangesAsync(Ct);
        });

    [Theory, BothDatabases]
    public async Task A_salesforce_report_export_is_imported_and_importing_it_again_changes_nothing(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();

        var report = await PostAsync(admin, Fixture("salesforce-opportunities.csv"));

        Assert.Equal("Salesforce", report.GetProperty("layout").GetString());
        Assert.Equal(4, report.GetProperty("rowsRead").GetInt32());
        Assert.Equal(4, report.GetProperty("created").GetInt32());
        Assert.Equal(1, report.GetProperty("unmatchedAccounts").GetInt32());
        Assert.Equal(["Lead Source", "Fiscal Period"], report.GetProperty("ignoredColumns").EnumerateArray().Select(c => c.GetString()!).ToArray());

        var cloud = await DealAsync(app, "0065g00000AAA01", "Terrain Cloud");
        var alpha = app.Org.Accounts.Single(a => a.ExternalId == "R1-1");
        Assert.Equal(("Alpha, platform expansion", alpha.Id, app.Org.Rep1.Id), (cloud.Name, cloud.AccountId, cloud.OwnerId));
        Assert.Equal((12_500m, "USD", "off-cloud", DealOutcome.Open, ForecastCategory.Commit), (cloud.Amount, cloud.Currency, cloud.ProductId, cloud.Outcome, cloud.Forecast));
        Assert.Equal((new DateOnly(2027, 3, 4), new DateOnly(2026, 1, 15), DealType.Expansion, 75), (cloud.CloseDate, cloud.CreatedDate, cloud.Type, cloud.Probability));
        var services = await DealAsync(app, "0065g00000AAA01", "Onboarding Services");
        Assert.Equal((2_000m, "off-services"), (services.Amount, services.ProductId));
        var renewal = await DealAsync(app, "0065g00000AAA02");
        Assert.Equal(("Delta\nrenewal", DealOutcome.Won, 40_000m, app.Org.Rep2.Id), (renewal.Name.Replace("\r", "", StringComparison.Ordinal), renewal.Outcome, renewal.Amount, renewal.OwnerId));
        var lost = await DealAsync(app, "0065g00000AAA03");
        Assert.Equal(("New logo, \"big\"", (Guid?)null, "Unknown Corp", DealOutcome.Lost), (lost.Name, lost.AccountId, lost.AccountName, lost.Outcome));
        Assert.Equal(4, await app.WithDbAsync(d => d.OpportunityChanges.CountAsync(Ct)));

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var again = await PostAsync(admin, Fixture("salesforce-opportunities.csv"));

        Assert.Equal((0, 0, 4), (again.GetProperty("created").GetInt32(), again.GetProperty("updated").GetInt32(), again.GetProperty("unchanged").GetInt32()));
        Assert.Equal(4, await app.WithDbAsync(d => d.Opportunities.CountAsync(Ct)));
        Assert.Equal(4, await app.WithDbAsync(d => d.OpportunityChanges.CountAsync(Ct)));
        Assert.Equal(2, await app.WithDbAsync(d => d.AuditEntries.CountAsync(e => e.Action == "import.opportunities", Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_hubspot_export_is_imported_converting_other_currencies_at_the_close_dates_rate(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        await AddRateAsync(app, "EUR", new DateOnly(2026, 1, 1), 1.05m);
        await AddRateAsync(app, "EUR", new DateOnly(2027, 1, 1), 1.1m);
        await AddRateAsync(app, "EUR", new DateOnly(2027, 3, 1), 1.2m);

        var report = await PostAsync(admin, Fixture("hubspot-deals.csv"));

        Assert.Equal("HubSpot", report.GetProperty("layout").GetString());
        Assert.Equal(3, report.GetProperty("created").GetInt32());
        Assert.Equal(["Pipeline"], report.GetProperty("ignoredColumns").EnumerateArray().Select(c => c.GetString()!).ToArray());
        var won = await DealAsync(app, "9001");
        Assert.Equal((DealOutcome.Won, 30_000m, new DateOnly(2026, 10, 14), new DateOnly(2026, 5, 2)), (won.Outcome, won.Amount, won.CloseDate, won.CreatedDate));
        Assert.Equal(app.Org.Accounts.Single(a => a.Name == "Beta Health").Id, won.AccountId);
        var pilot = await DealAsync(app, "9002");
        Assert.Equal((49_500.55m, "EUR", 45_000.50m, ForecastCategory.BestCase), (pilot.Amount, pilot.Currency, pilot.OriginalAmount, pilot.Forecast));
        Assert.Equal((app.Org.Rep3.Id, app.Org.Accounts.Single(a => a.ExternalId == "R3-1").Id), (pilot.OwnerId, pilot.AccountId));
        Assert.Equal(DealOutcome.Lost, (await DealAsync(app, "9003")).Outcome);
    }

    [Theory, BothDatabases]
    public async Task A_changed_amount_and_stage_write_a_change_and_end_the_previous_one(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        await PostAsync(admin, Body($"{Header}\nD-1,rep1@test.terrain,Discovery,1000,,2027-01-31,Deal one\n"));
        var first = TestApp.Start;
        app.Clock.Advance(TimeSpan.FromMinutes(7));

        var report = await PostAsync(admin, Body($"{Header}\nD-1,rep1@test.terrain,Negotiation,1500,,2027-01-31,Deal one\n"));

        Assert.Equal(1, report.GetProperty("updated").GetInt32());
        var deal = await DealAsync(app, "D-1");
        Assert.Equal(("Negotiation", 1_500m), (deal.Stage, deal.Amount));
        var changes = await ChangesAsync(app, deal.Id);
        Assert.Equal(2, changes.Count);
        Assert.Equal(("Discovery", 1_000m, first, first.AddMinutes(7)), (changes[0].Stage, changes[0].Amount, changes[0].ValidFrom, changes[0].ValidTo));
        Assert.Equal(("Negotiation", 1_500m, (DateTimeOffset?)null), (changes[1].Stage, changes[1].Amount, changes[1].ValidTo));
    }

    [Theory, BothDatabases]
    public async Task A_full_extract_marks_a_missing_deal_deleted_while_an_increment_leaves_it(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        await PostAsync(admin, Body($"{Header}\nD-1,rep1@test.terrain,Discovery,1000,,2027-01-31,One\nD-2,Rep Two,Discovery,2000,,2027-02-28,Two\n"));
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        var increment = await PostAsync(admin, Body($"{Header}\nD-1,rep1@test.terrain,Discovery,1000,,2027-01-31,One\n"));
        Assert.Equal((1, 0), (increment.GetProperty("unchanged").GetInt32(), increment.GetProperty("deleted").GetInt32()));
        Assert.False((await DealAsync(app, "D-2")).Deleted);

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var full = await PostAsync(admin, Body($"{Header}\nD-1,rep1@test.terrain,Discovery,1000,,2027-01-31,One\n"), "?full=true");

        Assert.Equal((1, 1), (full.GetProperty("unchanged").GetInt32(), full.GetProperty("deleted").GetInt32()));
        var gone = await DealAsync(app, "D-2");
        Assert.True(gone.Deleted);
        Assert.Equal(DealOutcome.Open, gone.Outcome);
        var changes = await ChangesAsync(app, gone.Id);
        Assert.Equal([false, true], changes.Select(c => c.Deleted));
        Assert.NotNull(changes[0].ValidTo);
        Assert.False((await DealAsync(app, "D-1")).Deleted);
    }

    [Theory, BothDatabases]
    public async Task Each_bad_input_rejects_the_whole_file_naming_line_column_and_reason(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        var good = "OK-1,rep1@test.terrain,Discovery,1000,,2027-01-31,Good";
        var latin1 = Encoding.UTF8.GetBytes($"{Header}\n{good}\nBAD,rep1@test.terrain,Discovery,10,,2027-01-31,Caf").Concat(new byte[] { 0xE9, (byte)'\n' }).ToArray();
        var cases = new (string Name, byte[] File, int Line, string? Column, string Reason)[]
        {
            ("semicolons", Encoding.UTF8.GetBytes("externalId;owner;stage;amount;closeDate\nX-1;rep1@test.terrain;Discovery;10;2027-01-31\n"), 1, null, "semicolons"),
            ("not UTF-8", latin1, 3, null, "not UTF-8"),
            ("missing column", Encoding.UTF8.GetBytes($"externalId,owner,stage,amount,name\nX-1,rep1@test.terrain,Discovery,10,X\n"), 1, null, "'closeDate'"),
            ("US date in an ISO file", Encoding.UTF8.GetBytes($"{Header}\n{good}\nX-1,rep1@test.terrain,Discovery,10,,3/14/2027,X\n"), 3, "closeDate", "is not a date"),
            ("amount", Encoding.UTF8.GetBytes($"{Header}\n{good}\nX-1,rep1@test.terrain,Discovery,12x5,,2027-01-31,X\n"), 3, "amount", "is not an amount"),
            ("unknown owner", Encoding.UTF8.GetBytes($"{Header}\n{good}\nX-1,ghost@test.terrain,Discovery,10,,2027-01-31,X\n"), 3, "owner", "No user has the email or display name 'ghost@test.terrain'"),
            ("no rate", Encoding.UTF8.GetBytes($"{Header}\n{good}\nX-1,rep1@test.terrain,Discovery,10,GBP,2027-01-31,X\n"), 3, "currency", "no exchange rate from GBP to USD"),
            ("duplicate", Encoding.UTF8.GetBytes($"{Header}\n{good}\nOK-1,rep2@test.terrain,Discovery,10,,2027-01-31,Again\n"), 3, "externalId", "on both line 2 and line 3"),
            ("far future", Encoding.UTF8.GetBytes($"{Header}\n{good}\nX-1,rep1@test.terrain,Discovery,10,,2062-01-31,X\n"), 3, "closeDate", "more than 5 years ahead"),
            ("empty", [], 1, null, "The file is empty"),
            ("header only", Encoding.UTF8.GetBytes($"{Header}\n"), 1, null, "no rows"),
            ("huge field", Encoding.UTF8.GetBytes($"{Header}\n{good}\nX-1,rep1@test.terrain,Discovery,10,,2027-01-31,{new string('x', 10_000)}\n"), 3, "name", "longer than 200 characters"),
        };

        foreach (var (name, file, line, column, reason) in cases)
        {
            var body = await PostAsync(admin, Body(file), expected: HttpStatusCode.UnprocessableEntity);
            var rejected = ImportingAccountsTests.Rejected(body);
            var issue = Assert.Single(rejected);
            Assert.True(issue.Line == line && issue.Column == column && issue.Reason.Contains(reason, StringComparison.Ordinal),
                $"{name}: got line {issue.Line}, column {issue.Column}: {issue.Reason}");
        }

        Assert.Equal(0, await app.WithDbAsync(d => d.Opportunities.CountAsync(Ct)));
        Assert.Equal(0, await app.WithDbAsync(d => d.AuditEntries.CountAsync(e => e.Action == "import.opportunities", Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_partial_import_saves_the_good_rows_and_reports_the_bad_ones(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();

        var report = await PostAsync(admin, Body($"{Header}\nOK-1,rep1@test.terrain,Discovery,1000,,2027-01-31,Good\nBAD-1,ghost@test.terrain,Discovery,10,,2027-01-31,Bad\n"),
            "?partial=true");

        Assert.Equal(1, report.GetProperty("created").GetInt32());
        var issue = Assert.Single(ImportingAccountsTests.Rejected(report));
        Assert.Equal((3, "owner"), (issue.Line, issue.Column));
        Assert.Equal(["OK-1"], await app.WithDbAsync(d => d.Opportunities.Select(o => o.ExternalId).ToListAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_full_partial_import_does_not_delete_deals_whose_rows_were_rejected(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        await PostAsync(admin, Body($"{Header}\nD-1,rep1@test.terrain,Discovery,1000,,2027-01-31,One\nD-2,rep1@test.terrain,Discovery,2000,,2027-01-31,Two\n"));
        app.Clock.Advance(TimeSpan.FromMinutes(1));

        var report = await PostAsync(admin, Body($"{Header}\nD-2,ghost@test.terrain,Discovery,2000,,2027-01-31,Two\n"), "?full=true&partial=true");

        Assert.Equal(1, report.GetProperty("deleted").GetInt32());
        Assert.True((await DealAsync(app, "D-1")).Deleted);
        Assert.False((await DealAsync(app, "D-2")).Deleted);
    }

    [Theory, BothDatabases]
    public async Task The_admin_imports_page_imports_a_full_extract_of_opportunities(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        await PostAsync(admin, Body($"{Header}\nD-1,rep1@test.terrain,Discovery,1000,,2027-01-31,One\nD-2,rep1@test.terrain,Discovery,2000,,2027-01-31,Two\n"));
        var browser = await app.BrowserAsAsync("admin@test.terrain");
        var token = await TestApp.AntiforgeryTokenAsync(browser, "/Admin/Imports");
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Opportunities"), "Kind" },
            { new StringContent("true"), "FullExtract" },
            { new StringContent(token), "__RequestVerificationToken" },
            { Body($"{Header}\nD-1,rep1@test.terrain,Discovery,1000,,2027-01-31,One\n"), "Upload", "deals.csv" },
        };

        var response = await browser.PostAsync("/Admin/Imports", form, Ct);

        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, html);
        Assert.Contains("Layout: Terrain.", html, StringComparison.Ordinal);
        Assert.True((await DealAsync(app, "D-2")).Deleted);
    }
}
