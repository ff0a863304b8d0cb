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

public sealed class ImportingActivitiesTests
{
    private const string Header = "externalId,owner,type,date,account,held";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static ByteArrayContent Body(byte[] bytes) => new(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } };

    internal static ByteArrayContent Body(string text) => Body(Encoding.UTF8.GetBytes(text));

    internal static ByteArrayContent Fixture(string name) => Body(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", name)));

    internal static async Task<JsonElement> PostAsync(HttpClient client, string kind, HttpContent body, string query = "", HttpStatusCode expected = HttpStatusCode.OK)
    {
        // Imports are background jobs: Prefer: wait gives the report in the answer (see ImportClients).
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/imports/{kind}{query}") { Content = body };
        request.Headers.TryAddWithoutValidation("Prefer", "wait=120");
        var response = await client.SendAsync(request, Ct);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {json}");
        return json;
    }

    private static Task<SalesActivity> ActivityAsync(TestApp app, string externalId) =>
        app.WithDbAsync(d => d.Activities.AsNoTracking().SingleAsync(a => a.ExternalId == externalId, Ct));

    private static string[] Ignored(JsonElement report) => [.. report.GetProperty("ignoredColumns").EnumerateArray().Select(c => c.GetString()!)];

    private static (string, Guid, Guid?, DateOnly, bool) Facts(SalesActivity a) => (a.Type, a.OwnerId, a.AccountId, a.Date, a.Held);

    [Theory, BothDatabases]
    public async Task A_salesforce_activity_report_is_imported_and_importing_it_again_changes_nothing(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var o = app.Org;
        Guid Account(string name) => o.Accounts.Single(a => a.Name == name).Id;

        var report = await PostAsync(admin, "activities", Fixture("salesforce-activities.csv"));

        Assert.Equal("Salesforce", report.GetProperty("layout").GetString());
        Assert.Equal((6, 6, 1), (report.GetProperty("rowsRead").GetInt32(), report.GetProperty("created").GetInt32(), report.GetProperty("unmatchedAccounts").GetInt32()));
        Assert.Equal(["Priority", "Comments"], Ignored(report));
        // A call logged with the subject "Call" and no type; US dates; "Completed" is held.
        Assert.Equal(("Call", o.Rep1.Id, (Guid?)Account("Alpha Manufacturing"), new DateOnly(2026, 11, 2), true), Facts(await ActivityAsync(app, "00T5g00000ACT01")));
        Assert.Equal(("Demo", o.Rep2.Id, (Guid?)Account("Delta Logistics"), new DateOnly(2026, 11, 10), true), Facts(await ActivityAsync(app, "00U5g00000ACT02")));
        // A subject over two lines, and the account by its external id.
        Assert.Equal(("Email", o.Rep1.Id, (Guid?)Account("Alpha Manufacturing"), new DateOnly(2026, 11, 12), true), Facts(await ActivityAsync(app, "00T5g00000ACT03")));
        // An event without a status: ahead of today it is planned, not held; its account matches nothing.
        Assert.Equal(("Meeting", o.Rep3.Id, (Guid?)null, new DateOnly(2026, 12, 15), false), Facts(await ActivityAsync(app, "00U5g00000ACT04")));
        Assert.Equal(("Call", false), ((await ActivityAsync(app, "00T5g00000ACT05")).Type, (await ActivityAsync(app, "00T5g00000ACT05")).Held));
        // "Event" is a meeting; without a status and in the past, it was held.
        Assert.Equal(("Meeting", true), ((await ActivityAsync(app, "00U5g00000ACT06")).Type, (await ActivityAsync(app, "00U5g00000ACT06")).Held));

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var again = await PostAsync(admin, "activities", Fixture("salesforce-activities.csv"));

        Assert.Equal((0, 0, 6), (again.GetProperty("created").GetInt32(), again.GetProperty("updated").GetInt32(), again.GetProperty("unchanged").GetInt32()));
        Assert.Equal(6, await app.WithDbAsync(d => d.Activities.CountAsync(Ct)));
        Assert.Equal(2, await app.WithDbAsync(d => d.AuditEntries.CountAsync(e => e.Action == "import.activities", Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_hubspot_activities_export_reads_its_types_and_outcomes(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");

        var report = await PostAsync(admin, "activities", Fixture("hubspot-activities.csv"));

        Assert.Equal(("HubSpot", 4), (report.GetProperty("layout").GetString(), report.GetProperty("created").GetInt32()));
        Assert.Equal(["Associated Deal"], Ignored(report));
        var rows = await app.WithDbAsync(d => d.Activities.AsNoTracking().OrderBy(a => a.ExternalId).Select(a => new { a.ExternalId, a.Type, a.Held, a.Date }).ToListAsync(Ct));
        Assert.Equal(["7001 Meeting True 2026-11-03", "7002 Call True 2026-11-04", "7003 Call False 2026-11-05", "7004 Other True 2026-11-06"],
            rows.Select(r => $"{r.ExternalId} {r.Type} {r.Held} {r.Date:yyyy-MM-dd}"));
        Assert.Equal(app.Org.Rep3.Id, (await ActivityAsync(app, "7003")).OwnerId);
        Assert.Null((await ActivityAsync(app, "7003")).AccountId);
    }

    [Theory, BothDatabases]
    public async Task Reimporting_an_activity_with_a_new_status_updates_it_in_place(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        await PostAsync(admin, "activities", Body($"{Header}\nA-1,rep1@test.terrain,Meeting,2026-12-01,R1-1,no\nA-2,Rep One,phone call,2026-11-01,,\n"));

        var report = await PostAsync(admin, "activities", Body($"{Header}\nA-1,rep1@test.terrain,Site visit,2026-12-01,R1-1,yes\nA-2,Rep One,Call,2026-11-01,,true\n"));

        Assert.Equal((1, 1, 0), (report.GetProperty("updated").GetInt32(), report.GetProperty("unchanged").GetInt32(), report.GetProperty("created").GetInt32()));
        Assert.Equal(("Visit", true), ((await ActivityAsync(app, "A-1")).Type, (await ActivityAsync(app, "A-1")).Held));
        Assert.Equal(2, await app.WithDbAsync(d => d.Activities.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task Each_bad_activity_row_rejects_the_whole_file_naming_line_column_and_reason(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var good = "OK-1,rep1@test.terrain,Call,2026-11-02,R1-1,yes";
        var cases = new (string Name, string File, int Line, string? Column, string Reason)[]
        {
            ("semicolons", "externalId;owner;type;date\nX-1;rep1@test.terrain;Call;2026-11-02\n", 1, null, "semicolons"),
            ("missing column", "externalId,owner,type,account\nX-1,rep1@test.terrain,Call,R1-1\n", 1, null, "'date'"),
            ("US date in an ISO file", $"{Header}\n{good}\nX-1,rep1@test.terrain,Call,11/2/2026,,yes\n", 3, "date", "is not a date written yyyy-MM-dd"),
            ("unknown owner", $"{Header}\n{good}\nX-1,ghost@test.terrain,Call,2026-11-02,,yes\n", 3, "owner", "No user has the email or display name 'ghost@test.terrain'"),
            ("unknown type", $"{Header}\n{good}\nX-1,rep1@test.terrain,Carrier pigeon,2026-11-02,,yes\n", 3, "type", "'Carrier pigeon' is not an activity type"),
            ("empty type", $"{Header}\n{good}\nX-1,rep1@test.terrain,,2026-11-02,,yes\n", 3, "type", "'type' is empty"),
            ("held", $"{Header}\n{good}\nX-1,rep1@test.terrain,Call,2026-11-02,,maybe\n", 3, "held", "does not say whether the activity was held"),
            ("duplicate", $"{Header}\n{good}\nOK-1,rep2@test.terrain,Call,2026-11-03,,yes\n", 3, "externalId", "on both line 2 and line 3"),
            ("far future", $"{Header}\n{good}\nX-1,rep1@test.terrain,Call,2062-11-02,,no\n", 3, "date", "more than 5 years ahead"),
            ("header only", $"{Header}\n", 1, null, "no rows"),
            ("empty", "", 1, null, "The file is empty"),
        };

        foreach (var (name, file, line, column, reason) in cases)
        {
            var body = await PostAsync(admin, "activities", Body(file), expected: HttpStatusCode.UnprocessableEntity);
            var issue = Assert.Single(ImportingAccountsTests.Rejected(body));
            Assert.True(issue.Line == line && issue.Column == column && issue.Reason.Contains(reason, StringComparison.Ordinal),
                $"{name}: got line {issue.Line}, column {issue.Column}: {issue.Reason}");
        }

        Assert.Equal(0, await app.WithDbAsync(d => d.Activities.CountAsync(Ct)));
        Assert.Equal(0, await app.WithDbAsync(d => d.AuditEntries.CountAsync(e => e.Action == "import.activities", Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_partial_import_saves_the_good_activities_and_reports_the_bad_ones(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");

        var report = await PostAsync(admin, "activities",
            Body($"{Header}\nOK-1,rep1@test.terrain,Call,2026-11-02,,yes\nBAD-1,rep1@test.terrain,Smoke signal,2026-11-02,,yes\n"), "?partial=true");

        Assert.Equal(1, report.GetProperty("created").GetInt32());
        Assert.Equal([(3, "type")], ImportingAccountsTests.Rejected(report).Select(r => (r.Line, r.Column)).ToList());
        Assert.Equal(["OK-1"], await app.WithDbAsync(d => d.Activities.Select(a => a.ExternalId).ToListAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task The_admin_imports_page_imports_activities(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var browser = await app.BrowserAsAsync("admin@test.terrain");
        var token = await TestApp.AntiforgeryTokenAsync(browser, "/Admin/Imports");
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Activities"), "Kind" },
            { new StringContent(token), "__RequestVerificationToken" },
            { Fixture("hubspot-activities.csv"), "Upload", "activities.csv" },
        };

        var response = await browser.PostAsync("/Admin/Imports", form, Ct);

        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, html);
        Assert.Contains("Layout: HubSpot.", html, StringComparison.Ordinal);
        Assert.Contains("Ignored columns: Associated Deal.", html, StringComparison.Ordinal);
        Assert.Equal(4, await app.WithDbAsync(d => d.Activities.CountAsync(Ct)));
    }
}
