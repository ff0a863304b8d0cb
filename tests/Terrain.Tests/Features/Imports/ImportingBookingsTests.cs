using System.Net;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Actuals;
using Terrain.Tests.Infrastructure;
using Xunit;
using static Terrain.Tests.Features.Imports.ImportingActivitiesTests;

namespace Terrain.Tests.Features.Imports;

public sealed class ImportingBookingsTests
{
    private const string Header = "externalId,lineId,owner,account,date,amount,currency,product";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<Booking> BookingAsync(TestApp app, string externalId, string lineId = "1") =>
        app.WithDbAsync(d => d.Bookings.AsNoTracking().SingleAsync(b => b.ExternalId == externalId && b.LineId == lineId, Ct));

    internal static Task<int> AddRateAsync(TestApp app, string currency, DateOnly from, decimal rate) =>
        app.WithDbAsync(d =>
        {
            d.ExchangeRates.Add(ExchangeRate.Create(currency, from, rate, TestApp.Start));
            return d.SaveChangesAsync(Ct);
        });

    [Theory, BothDatabases]
    public async Task A_finance_file_with_negative_lines_and_other_currencies_is_imported_once(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var o = app.Org;
        await AddRateAsync(app, "EUR", new DateOnly(2026, 1, 1), 1.1m);
        await AddRateAsync(app, "EUR", new DateOnly(2026, 11, 15), 1.2m);

        var report = await PostAsync(admin, "bookings", Fixture("bookings.csv"));

        Assert.Equal(("Terrain", 5, 5, 1), (report.GetProperty("layout").GetString(), report.GetProperty("rowsRead").GetInt32(),
            report.GetProperty("created").GetInt32(), report.GetProperty("unmatchedAccounts").GetInt32()));
        Assert.Equal(["Invoice Number"], report.GetProperty("ignoredColumns").EnumerateArray().Select(c => c.GetString()!));
        var cloud = await BookingAsync(app, "INV-1001");
        Assert.Equal((12_500m, "USD", "off-cloud", "0065g00000AAA01", o.Rep1.Id, (Guid?)o.Accounts.Single(a => a.ExternalId == "R1-1").Id),
            (cloud.Amount, cloud.Currency, cloud.ProductId, cloud.OpportunityExternalId, cloud.OwnerId, cloud.AccountId));
        Assert.Equal((2_000m, "off-services"), ((await BookingAsync(app, "INV-1001", "2")).Amount, (await BookingAsync(app, "INV-1001", "2")).ProductId));
        // A downgrade in parentheses is negative.
        var downgrade = await BookingAsync(app, "INV-1002");
        Assert.Equal((-3_000m, o.Rep2.Id, (string?)null), (downgrade.Amount, downgrade.OwnerId, downgrade.OpportunityExternalId));
        // A cancellation in euros converts at the rate in force on its date (1.1 until 15 November), and keeps the original.
        var cancelled = await BookingAsync(app, "INV-1003");
        Assert.Equal((-550m, "EUR", -500m, (Guid?)null), (cancelled.Amount, cancelled.Currency, cancelled.OriginalAmount, cancelled.AccountId));
        // The currency from the amount's prefix, at the later rate.
        var prefixed = await BookingAsync(app, "INV-1004");
        Assert.Equal((1_200m, "EUR", 1_000m), (prefixed.Amount, prefixed.Currency, prefixed.OriginalAmount));

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var again = await PostAsync(admin, "bookings", Fixture("bookings.csv"));

        Assert.Equal((0, 0, 5), (again.GetProperty("created").GetInt32(), again.GetProperty("updated").GetInt32(), again.GetProperty("unchanged").GetInt32()));
        Assert.Equal(5, await app.WithDbAsync(d => d.Bookings.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_currency_without_a_rate_rejects_its_rows_naming_the_column_that_gave_it(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");

        var body = await PostAsync(admin, "bookings", Fixture("bookings.csv"), expected: HttpStatusCode.UnprocessableEntity);

        var rejected = ImportingAccountsTests.Rejected(body);
        Assert.Equal([(5, "currency"), (7, "amount")], rejected.Select(r => (r.Line, r.Column)));
        Assert.All(rejected, r => Assert.Contains("no exchange rate from EUR to USD", r.Reason, StringComparison.Ordinal));
        Assert.Equal(0, await app.WithDbAsync(d => d.Bookings.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_changed_amount_updates_the_line_and_bad_rows_reject_the_file(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        await PostAsync(admin, "bookings", Body($"{Header}\nB-1,1,rep1@test.terrain,,2026-11-02,1000,,\nB-1,2,rep1@test.terrain,,2026-11-02,500,,\n"));

        var report = await PostAsync(admin, "bookings", Body($"{Header}\nB-1,1,rep1@test.terrain,,2026-11-02,-250.50,,Terrain Cloud\n"));

        Assert.Equal((1, 0), (report.GetProperty("updated").GetInt32(), report.GetProperty("created").GetInt32()));
        Assert.Equal((-250.50m, "off-cloud"), ((await BookingAsync(app, "B-1")).Amount, (await BookingAsync(app, "B-1")).ProductId));

        var good = "OK-1,1,rep1@test.terrain,,2026-11-02,10,,";
        var cases = new (string File, int Line, string? Column, string Reason)[]
        {
            ("externalId,owner,date\nX,rep1@test.terrain,2026-11-02\n", 1, null, "'amount'"),
            ($"{Header}\n{good}\nX-1,1,rep1@test.terrain,,14/03/2026,10,,\n", 3, "date", "is not a date"),
            ($"{Header}\n{good}\nX-1,1,nobody,,2026-11-02,10,,\n", 3, "owner", "No user has the email or display name 'nobody'"),
            ($"{Header}\n{good}\nOK-1,1,rep2@test.terrain,,2026-11-03,10,,\n", 3, "externalId", "on both line 2 and line 3"),
            ($"{Header}\n{good}\nX-1,1,rep1@test.terrain,,2026-11-02,ten,,\n", 3, "amount", "is not an amount"),
            ($"{Header}\n{good}\nX-1,1,rep1@test.terrain,,2026-11-02,10.005,,\n", 3, "amount", "more than two decimals"),
            ($"{Header}\n{good}\nX-1,1,rep1@test.terrain,,2026-11-02,10,EURO,\n", 3, "currency", "is not a currency code"),
        };
        foreach (var (file, line, column, reason) in cases)
        {
            var body = await PostAsync(admin, "bookings", Body(file), expected: HttpStatusCode.UnprocessableEntity);
            var issue = Assert.Single(ImportingAccountsTests.Rejected(body));
            Assert.True(issue.Line == line && issue.Column == column && issue.Reason.Contains(reason, StringComparison.Ordinal),
                $"got line {issue.Line}, column {issue.Column}: {issue.Reason}");
        }

        Assert.Equal(2, await app.WithDbAsync(d => d.Bookings.CountAsync(Ct)));
    }
}
