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

public sealed class ImportMappingsTests
{
    /// <summary>A Nordic CRM's own export: its own headings, day-first dates, a comma for decimals and a point for thousands, its own stages.</summary>
    private const string NordicHeader = "Deal Ref,Seller,Phase,Value,Closing,Customer,Title,Notes";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object NordicMapping(string name = "Nordic CRM") => new
    {
        name,
        kind = "Opportunities",
        columns = new Dictionary<string, string>
        {
            ["Deal Ref"] = "externalId",
            ["Seller"] = "owner",
            ["Phase"] = "stage",
            ["Value"] = "amount",
            ["Closing"] = "closeDate",
            ["Customer"] = "account",
            ["Title"] = "name",
            ["Notes"] = "",
        },
        stages = new object[]
        {
            new { name = "Qualifying", outcome = "Open", forecast = "Pipeline" },
            new { name = "Verbal yes", outcome = "Open", forecast = "Commit" },
            new { name = "Signed", outcome = "Won" },
            new { name = "Dropped", outcome = "Lost" },
        },
        dateFormats = new[] { "dd.MM.yyyy" },
        decimalSeparator = ",",
        thousandsSeparator = ".",
    };

    private static ByteArrayContent Csv(string text) => new(Encoding.UTF8.GetBytes(text)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } };

    private static async Task<(HttpStatusCode Status, JsonElement Body, string? ETag)> SendAsync(HttpClient client, HttpMethod method, string path,
        object? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text), response.Headers.ETag?.ToString());
    }

    private static async Task<JsonElement> ImportAsync(HttpClient admin, string kind, string csv, string query, HttpStatusCode expected)
    {
        var response = await admin.PostAsync($"/api/v1/imports/{kind}{query}", Csv(csv), Ct);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {json}");
        return json;
    }

    [Theory, BothDatabases]
    public async Task A_custom_export_with_its_own_columns_dates_decimals_and_stages_is_imported_through_a_saved_mapping(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        var (status, created, etag) = await SendAsync(admin, HttpMethod.Post, "/api/v1/import-mappings", NordicMapping());
        Assert.True(status == HttpStatusCode.Created, created.ToString());
        Assert.NotNull(etag);
        var alpha = app.Org.Accounts.Single(a => a.ExternalId == "R1-1");
        var csv = $"""
            {NordicHeader}
            N-1,rep1@test.terrain,Verbal yes,"12.500,50",14.03.2027,R1-1,Platform deal,call back
            N-2,Rep Two,Signed,"3.000",02.01.2027,,Signed deal,
            N-3,rep1@test.terrain,Dropped,"1.000,00",05.02.2027,,Lost deal,went elsewhere
            N-4,rep1@test.terrain,qualifying,250,28.02.2027,,Early deal,
            """;

        var report = await ImportAsync(admin, "opportunities", csv, "?mapping=nordic%20crm", HttpStatusCode.OK);

        Assert.Equal("Nordic CRM", report.GetProperty("layout").GetString());
        Assert.Equal(4, report.GetProperty("created").GetInt32());
        Assert.Equal(["Notes"], report.GetProperty("ignoredColumns").EnumerateArray().Select(c => c.GetString()!).ToArray());
        var deals = await app.WithDbAsync(d => d.Opportunities.ToDictionaryAsync(o => o.ExternalId, Ct));
        Assert.Equal((12_500.50m, new DateOnly(2027, 3, 14), DealOutcome.Open, ForecastCategory.Commit, (Guid?)alpha.Id),
            (deals["N-1"].Amount, deals["N-1"].CloseDate, deals["N-1"].Outcome, deals["N-1"].Forecast, deals["N-1"].AccountId));
        Assert.Equal((3_000m, DealOutcome.Won, app.Org.Rep2.Id, new DateOnly(2027, 1, 2)), (deals["N-2"].Amount, deals["N-2"].Outcome, deals["N-2"].OwnerId, deals["N-2"].CloseDate));
        Assert.Equal((DealOutcome.Lost, ForecastCategory.Closed), (deals["N-3"].Outcome, deals["N-3"].Forecast));
        Assert.Equal((DealOutcome.Open, ForecastCategory.Pipeline), (deals["N-4"].Outcome, deals["N-4"].Forecast));

        // Without naming the mapping, a header with every column it needs is recognised by it.
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var again = await ImportAsync(admin, "opportunities", csv, "", HttpStatusCode.OK);
        Assert.Equal(("Nordic CRM", 4), (again.GetProperty("layout").GetString(), again.GetProperty("unchanged").GetInt32()));

        // A stage the mapping does not know rejects the file, naming it; nothing changes.
        var unknown = await ImportAsync(admin, "opportunities", $"{NordicHeader}\nN-1,rep1@test.terrain,Signed,\"12.500,50\",14.03.2027,R1-1,Platform deal,\nN-5,rep1@test.terrain,Maybe later,10,01.03.2027,,X,\n",
            $"?mapping={created.GetProperty("id").GetString()}", HttpStatusCode.UnprocessableEntity);
        var issue = Assert.Single(ImportingAccountsTests.Rejected(unknown));
        Assert.Equal((3, "Phase"), (issue.Line, issue.Column));
        Assert.Contains("'Maybe later' is not in the mapping 'Nordic CRM'", issue.Reason, StringComparison.Ordinal);
        Assert.Equal(DealOutcome.Open, (await app.WithDbAsync(d => d.Opportunities.SingleAsync(o => o.ExternalId == "N-1", Ct))).Outcome);

        // A file read by a mapping is read by its date format only: an ISO date is refused, naming the column.
        var iso = await ImportAsync(admin, "opportunities", $"{NordicHeader}\nN-6,rep1@test.terrain,Signed,10,2027-03-01,,X,\n", "?mapping=Nordic CRM",
            HttpStatusCode.UnprocessableEntity);
        Assert.Equal((2, "Closing"), (ImportingAccountsTests.Rejected(iso)[0].Line, ImportingAccountsTests.Rejected(iso)[0].Column));
        Assert.Equal(4, await app.WithDbAsync(d => d.Opportunities.CountAsync(Ct)));
    }

    [Fact]
    public async Task The_command_line_imports_by_the_saved_mapping_it_names_and_refuses_one_that_does_not_exist()
    {
        var app = await TestApp.StartAsync(Db.Sqlite);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(admin, HttpMethod.Post, "/api/v1/import-mappings", NordicMapping())).Status);
        var file = Path.Combine(Path.GetTempPath(), $"nordic-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, $"{NordicHeader}\nN-1,rep1@test.terrain,Verbal yes,\"12.500,50\",14.03.2027,R1-1,Platform deal,\n", Ct);
        string[] On(params string[] args) => [.. args, $"--Terrain:DataDirectory={Path.GetDirectoryName(app.SqliteFile)}", "--Terrain:DatabaseProvider=Sqlite"];
        try
        {
            var unknown = await Terrain.Infrastructure.Cli.TerrainCli.RunAsync(On("import", "opportunities", file, "--mapping", "Nowhere"), Ct);
            var imported = await Terrain.Infrastructure.Cli.TerrainCli.RunAsync(On("import", "opportunities", file, "--mapping", "Nordic CRM"), Ct);

            Assert.Equal((2, 0), (unknown, imported));
            var deal = await app.WithDbAsync(d => d.Opportunities.SingleAsync(Ct));
            Assert.Equal((12_500.50m, ForecastCategory.Commit, new DateOnly(2027, 3, 14)), (deal.Amount, deal.Forecast, deal.CloseDate));
            var job = await app.WithDbAsync(d => d.ImportJobs.SingleAsync(Ct));
            Assert.NotNull(job.MappingId);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Theory, BothDatabases]
    public async Task Activities_and_bookings_are_imported_through_their_own_mappings_and_a_wrong_or_unknown_mapping_is_refused(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        var activities = new
        {
            name = "Kalender",
            kind = "Activities",
            columns = new Dictionary<string, string> { ["Aktivität"] = "externalId", ["Mitarbeiter"] = "owner", ["Art"] = "type", ["Datum"] = "date", ["Erledigt"] = "held" },
            dateFormats = new[] { "dd.MM.yyyy" },
            decimalSeparator = ",",
        };
        var bookings = new
        {
            name = "Finance ledger",
            kind = "Bookings",
            columns = new Dictionary<string, string> { ["Doc"] = "externalId", ["Rep"] = "owner", ["Booked"] = "date", ["Net"] = "amount" },
            dateFormats = new[] { "d/M/yyyy" },
            decimalSeparator = ".",
            thousandsSeparator = " ",
        };
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(admin, HttpMethod.Post, "/api/v1/import-mappings", activities)).Status);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(admin, HttpMethod.Post, "/api/v1/import-mappings", bookings)).Status);

        var held = await ImportAsync(admin, "activities", "Aktivität,Mitarbeiter,Art,Datum,Erledigt\nK-1,rep1@test.terrain,Call,03.11.2026,yes\n", "?mapping=Kalender", HttpStatusCode.OK);
        var booked = await ImportAsync(admin, "bookings", "Doc,Rep,Booked,Net\nB-1,rep1@test.terrain,3/11/2026,12 500.25\nB-2,rep1@test.terrain,4/11/2026,-1 000\n",
            "?mapping=Finance%20ledger", HttpStatusCode.OK);

        Assert.Equal(("Kalender", 1), (held.GetProperty("layout").GetString(), held.GetProperty("created").GetInt32()));
        Assert.Equal(new DateOnly(2026, 11, 3), (await app.WithDbAsync(d => d.Activities.SingleAsync(a => a.ExternalId == "K-1", Ct))).Date);
        Assert.Equal(("Finance ledger", 2), (booked.GetProperty("layout").GetString(), booked.GetProperty("created").GetInt32()));
        var lines = await app.WithDbAsync(d => d.Bookings.OrderBy(b => b.ExternalId).Select(b => new { b.Amount, b.Date }).ToListAsync(Ct));
        Assert.Equal([(12_500.25m, new DateOnly(2026, 11, 3)), (-1_000m, new DateOnly(2026, 11, 4))], lines.Select(l => (l.Amount, l.Date)));

        var wrongKind = await admin.PostAsync("/api/v1/imports/bookings?mapping=Kalender", Csv("Doc,Rep,Booked,Net\n"), Ct);
        var unknown = await admin.PostAsync("/api/v1/imports/opportunities?mapping=Nowhere", Csv("x\n"), Ct);
        var accounts = await admin.PostAsync("/api/v1/imports/accounts?mapping=Kalender", Csv("x\n"), Ct);
        foreach (var (response, says) in new[] { (wrongKind, "is for activities, not bookings"), (unknown, "There is no saved mapping 'Nowhere'"), (accounts, "own format") })
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, problem.ToString());
            Assert.Contains(says, problem.GetProperty("errors").GetProperty("mapping")[0].GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await app.WithDbAsync(d => d.ImportJobs.CountAsync(j => j.Kind == Terrain.Domain.ImportKind.Accounts, Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_mapping_is_refused_naming_the_field_at_fault_and_changed_only_with_the_version_read(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        Dictionary<string, string> Columns(params (string Column, string Field)[] map) => map.ToDictionary(m => m.Column, m => m.Field);
        var required = new[] { ("Id", "externalId"), ("Owner", "owner"), ("Stage", "stage"), ("Amount", "amount"), ("Close", "closeDate") };
        var cases = new (string Name, object Body, string Field, string Says)[]
        {
            ("unknown field", new { name = "A", kind = "Opportunities", columns = Columns([.. required, ("Colour", "colour")]), dateFormats = new[] { "yyyy-MM-dd" } },
                "columns", "'Colour' is mapped to 'colour', which is not a field of opportunities"),
            ("required field unmapped", new { name = "A", kind = "Opportunities", columns = Columns(required[..4]), dateFormats = new[] { "yyyy-MM-dd" } },
                "columns", "required field(s) closeDate"),
            ("field mapped twice", new { name = "A", kind = "Opportunities", columns = Columns([.. required, ("Deal owner", "owner")]), dateFormats = new[] { "yyyy-MM-dd" } },
                "columns", "The field owner is mapped twice"),
            ("minutes for months", new { name = "A", kind = "Opportunities", columns = Columns(required), dateFormats = new[] { "dd.mm.yyyy" } },
                "dateFormats", "'dd.mm.yyyy' is not a date format"),
            ("no date format", new { name = "A", kind = "Opportunities", columns = Columns(required), dateFormats = Array.Empty<string>() },
                "dateFormats", "Give the date format"),
            ("decimal separator", new { name = "A", kind = "Opportunities", columns = Columns(required), dateFormats = new[] { "yyyy-MM-dd" }, decimalSeparator = ";" },
                "decimalSeparator", "point (.) or a comma"),
            ("same separators", new { name = "A", kind = "Opportunities", columns = Columns(required), dateFormats = new[] { "yyyy-MM-dd" }, decimalSeparator = ",", thousandsSeparator = "," },
                "thousandsSeparator", "cannot be the decimal separator"),
            ("built-in name", new { name = "salesforce", kind = "Opportunities", columns = Columns(required), dateFormats = new[] { "yyyy-MM-dd" } },
                "name", "built-in layout"),
            ("users", new { name = "A", kind = "Users", columns = Columns(required), dateFormats = new[] { "yyyy-MM-dd" } },
                "kind", "opportunities, activities or bookings"),
            ("stages on activities", new { name = "A", kind = "Activities", columns = Columns(("Id", "externalId"), ("Who", "owner"), ("When", "date")), dateFormats = new[] { "yyyy-MM-dd" },
                stages = new[] { new { name = "Done", outcome = "Won" } } }, "stages", "Only an opportunities mapping has stages"),
        };
        foreach (var (name, body, field, says) in cases)
        {
            var (status, problem, _) = await SendAsync(admin, HttpMethod.Post, "/api/v1/import-mappings", body);
            Assert.True(status == HttpStatusCode.UnprocessableEntity, $"{name}: {status} {problem}");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages) && messages[0].GetString()!.Contains(says, StringComparison.Ordinal),
                $"{name}: {problem}");
        }

        Assert.Equal(0, await app.WithDbAsync(d => d.ImportMappings.CountAsync(Ct)));

        var (_, created, etag) = await SendAsync(admin, HttpMethod.Post, "/api/v1/import-mappings", NordicMapping());
        var path = $"/api/v1/import-mappings/{created.GetProperty("id").GetString()}";
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await SendAsync(admin, HttpMethod.Post, "/api/v1/import-mappings", NordicMapping("nordic crm"))).Status);
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await SendAsync(admin, HttpMethod.Put, path, NordicMapping("Nordic CRM v2"))).Status);
        var (ok, renamed, newTag) = await SendAsync(admin, HttpMethod.Put, path, NordicMapping("Nordic CRM v2"), etag);
        Assert.True(ok == HttpStatusCode.OK, renamed.ToString());
        Assert.Equal("Nordic CRM v2", renamed.GetProperty("name").GetString());
        var (stale, problemBody, _) = await SendAsync(admin, HttpMethod.Put, path, NordicMapping("Lost update"), etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale);
        Assert.Equal("Nordic CRM v2", problemBody.GetProperty("current").GetProperty("name").GetString());
        var (got, read, readTag) = await SendAsync(admin, HttpMethod.Get, path);
        Assert.Equal((HttpStatusCode.OK, newTag), (got, readTag));
        Assert.Equal("owner", read.GetProperty("columns").GetProperty("Seller").GetString());
        Assert.Equal("Commit", read.GetProperty("stages")[1].GetProperty("forecast").GetString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await SendAsync(admin, HttpMethod.Delete, path, ifMatch: etag)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(admin, HttpMethod.Delete, path, ifMatch: newTag)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(admin, HttpMethod.Get, path)).Status);

        var audit = await app.WithDbAsync(d => d.AuditEntries.Where(e => e.EntityType == "ImportMapping").OrderBy(e => e.At).ThenBy(e => e.Id).Select(e => e.Action).ToListAsync(Ct));
        Assert.Equal(["import-mapping.created", "import-mapping.changed", "import-mapping.deleted"], audit);
    }

    [Theory, BothDatabases]
    public async Task The_admin_pages_start_a_mapping_from_a_header_line_save_it_and_import_by_it(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var browser = await app.BrowserAsAsync("admin@test.terrain");
        var token = await TestApp.AntiforgeryTokenAsync(browser, "/Admin/ImportMappings/Edit");

        var columns = await browser.PostAsync("/Admin/ImportMappings/Edit?handler=Columns", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Kind"] = "Opportunities",
            ["HeaderLine"] = "Opportunity ID,Seller,Phase,Value,Closing,Notes",
        }), Ct);
        var html = await columns.Content.ReadAsStringAsync(Ct);
        Assert.True(columns.StatusCode == HttpStatusCode.OK, html);
        var page = await new AngleSharp.Html.Parser.HtmlParser().ParseDocumentAsync(html, Ct);
        Assert.Equal(["Opportunity ID", "Seller", "Phase", "Value", "Closing", "Notes", "", "", ""],
            page.QuerySelectorAll("input[name$='.Heading']").Select(i => i.GetAttribute("value") ?? ""));
        Assert.Equal("externalId", page.QuerySelector("select[name='Columns[0].Field'] option[selected]")?.GetAttribute("value"));
        Assert.NotNull(page.QuerySelector("select[name='Columns[1].Field'][aria-label='Field held by column Seller']"));

        var form = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Name"] = "Pages CRM",
            ["Kind"] = "Opportunities",
            ["Columns[0].Heading"] = "Opportunity ID",
            ["Columns[0].Field"] = "externalId",
            ["Columns[1].Heading"] = "Seller",
            ["Columns[1].Field"] = "owner",
            ["Columns[2].Heading"] = "Phase",
            ["Columns[2].Field"] = "stage",
            ["Columns[3].Heading"] = "Value",
            ["Columns[3].Field"] = "amount",
            ["Columns[4].Heading"] = "Closing",
            ["Columns[4].Field"] = "",
            ["Stages[0].Name"] = "Verbal yes",
            ["Stages[0].Outcome"] = "Open",
            ["Stages[0].Forecast"] = "Commit",
            ["Stages[1].Name"] = "Signed",
            ["Stages[1].Outcome"] = "Won",
            ["DateFormats"] = "dd.MM.yyyy",
            ["DecimalSeparator"] = ",",
            ["ThousandsSeparator"] = "",
        };
        var refused = await browser.PostAsync("/Admin/ImportMappings/Edit", new FormUrlEncodedContent(form), Ct);
        var refusal = await refused.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("The required field(s) closeDate are mapped from no column.", refusal, StringComparison.Ordinal);

        form["Columns[4].Field"] = "closeDate";
        var saved = await browser.PostAsync("/Admin/ImportMappings/Edit", new FormUrlEncodedContent(form), Ct);
        Assert.True(saved.StatusCode == HttpStatusCode.Redirect, await saved.Content.ReadAsStringAsync(Ct));
        var list = await browser.GetStringAsync("/Admin/ImportMappings", Ct);
        Assert.Contains("Saved the mapping &#x27;Pages CRM&#x27;", list, StringComparison.Ordinal);
        var mapping = await app.WithDbAsync(d => d.ImportMappings.SingleAsync(Ct));
        Assert.Equal((2, ',', "dd.MM.yyyy"), (mapping.Stages.Count, mapping.DecimalSeparator, mapping.DateFormats));

        var importToken = await TestApp.AntiforgeryTokenAsync(browser, "/Admin/Imports");
        Assert.Contains($"<option value=\"{mapping.Id}\">Pages CRM (opportunities)</option>", await browser.GetStringAsync("/Admin/Imports", Ct), StringComparison.Ordinal);
        using var upload = new MultipartFormDataContent
        {
            { new StringContent("Opportunities"), "Kind" },
            { new StringContent(mapping.Id.ToString()), "Mapping" },
            { new StringContent(importToken), "__RequestVerificationToken" },
            { Csv("Opportunity ID,Seller,Phase,Value,Closing,Notes\nP-1,rep1@test.terrain,Verbal yes,\"1234,50\",31.03.2027,\n"), "Upload", "deals.csv" },
        };
        var imported = await browser.PostAsync("/Admin/Imports", upload, Ct);
        var result = await imported.Content.ReadAsStringAsync(Ct);
        Assert.True(imported.StatusCode == HttpStatusCode.OK, result);
        Assert.Contains("Layout: Pages CRM.", result, StringComparison.Ordinal);
        var deal = await app.WithDbAsync(d => d.Opportunities.SingleAsync(Ct));
        Assert.Equal((1_234.50m, ForecastCategory.Commit), (deal.Amount, deal.Forecast));

        var edit = await browser.GetStringAsync($"/Admin/ImportMappings/Edit/{mapping.Id}", Ct);
        Assert.Contains("value=\"Verbal yes\"", edit, StringComparison.Ordinal);
        var delete = await browser.PostAsync($"/Admin/ImportMappings/Edit/{mapping.Id}?handler=Delete", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Version"] = mapping.Version.ToString("N"),
        }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, delete.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(d => d.ImportMappings.CountAsync(Ct)));
    }
}
