using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Imports;

public sealed class ImportingAccountsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    internal static List<(int Line, string? Column, string Reason)> Rejected(JsonElement body) =>
        body.GetProperty("rejected").EnumerateArray()
            .Select(r => (r.GetProperty("line").GetInt32(),
                r.GetProperty("column").ValueKind == JsonValueKind.Null ? null : r.GetProperty("column").GetString(),
                r.GetProperty("reason").GetString()!))
            .ToList();

    [Theory, BothDatabases]
    public async Task A_real_csv_file_is_imported_and_importing_it_again_creates_no_duplicates(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        var file = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "accounts.csv"), Ct);

        var first = await admin.PostAsync("/api/v1/imports/accounts", new ByteArrayContent(file) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, Ct);
        var second = await admin.PostAsync("/api/v1/imports/accounts", new ByteArrayContent(file) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var report = await first.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(4, report.GetProperty("rowsRead").GetInt32());
        Assert.Equal(4, report.GetProperty("created").GetInt32());
        var again = await second.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(0, again.GetProperty("created").GetInt32());
        Assert.Equal(4, again.GetProperty("unchanged").GetInt32());

        var contoso = await app.WithDbAsync(d => d.Accounts.Include(a => a.Owner).SingleAsync(a => a.ExternalId == "CSV-002", Ct));
        Assert.Equal("Contoso, Ltd.", contoso.Name);
        Assert.Equal(450_000.50m, contoso.AnnualPotential);
        Assert.Equal("rep1@test.terrain", contoso.Owner!.Email);
        Assert.Equal(12, await app.WithDbAsync(d => d.Accounts.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task Changed_rows_update_the_account_matched_on_external_id(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();

        var response = await admin.PostAsync("/api/v1/imports/accounts",
            Csv("external_id,name,potential,owner_email\nR1-1,Alpha Manufacturing,123456,rep2@test.terrain\nR1-2,Beta Health,50000,rep1@test.terrain\n"), Ct);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(1, report.GetProperty("updated").GetInt32());
        var alpha = await app.WithDbAsync(d => d.Accounts.SingleAsync(a => a.ExternalId == "R1-1", Ct));
        Assert.Equal(123_456m, alpha.AnnualPotential);
        Assert.Equal(app.Org.Rep2.Id, alpha.OwnerId);
    }

    [Theory, BothDatabases]
    public async Task Any_rejected_row_rejects_the_whole_file_naming_line_column_and_reason(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        var csv = """
            external_id,name,potential,owner_email,latitude,longitude
            OK-1,Good Row,1000,rep1@test.terrain,,
            BAD-1,Negative,-5,rep1@test.terrain,,
            BAD-2,Unknown Owner,10,ghost@test.terrain,,
            OK-1,Duplicate Id,10,,,
            BAD-3,Not A Number,1.000.000,,,
            BAD-4,Far North,10,,95,10
            BAD-5,,10,,,
            BAD-6,Manager Owner,10,manager1@test.terrain,,
            """;

        var response = await admin.PostAsync("/api/v1/imports/accounts", Csv(csv), Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var rejected = Rejected(body);
        Assert.Equal([(3, "potential"), (4, "owner_email"), (5, "external_id"), (6, "potential"), (7, "latitude"), (8, "name"), (9, "owner_email")],
            rejected.Select(r => (r.Line, r.Column)).ToList());
        Assert.Contains("negative", rejected[0].Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("line 2", rejected[2].Reason, StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(d => d.Accounts.AnyAsync(a => a.ExternalId == "OK-1", Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_partial_import_keeps_the_good_rows_and_reports_the_rest(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();

        var response = await admin.PostAsync("/api/v1/imports/accounts?partial=true",
            Csv("external_id,name,potential\nOK-1,Good,10\nBAD-1,Bad,-1\nOK-2,Also Good,20\n"), Ct);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, report.GetProperty("created").GetInt32());
        Assert.Equal([(3, "potential")], Rejected(report).Select(r => (r.Line, r.Column)).ToList());
        Assert.Equal(2, await app.WithDbAsync(d => d.Accounts.CountAsync(a => a.ExternalId.StartsWith("OK-"), Ct)));
    }

    [Theory, BothDatabases]
    public async Task Header_names_match_ignoring_case_spaces_dashes_and_underscores(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();

        foreach (var header in new[] { "external_id,NAME,Potential", "External ID,Name,Annual Potential", "ExternalId,name,POTENTIAL", "external-id,name,potential" })
        {
            var response = await admin.PostAsync("/api/v1/imports/accounts", Csv($"{header}\nH-1,Header Test,10\n"), Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{header}: {await response.Content.ReadAsStringAsync(Ct)}");
        }

        Assert.Equal(1, await app.WithDbAsync(d => d.Accounts.CountAsync(a => a.ExternalId == "H-1", Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_wrong_header_or_malformed_csv_is_rejected_and_nothing_is_written(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();

        var unknown = await admin.PostAsync("/api/v1/imports/accounts", Csv("external_id,name,potential,colour\nX-1,X,1,red\n"), Ct);
        var missing = await admin.PostAsync("/api/v1/imports/accounts", Csv("external_id,name\nX-1,X\n"), Ct);
        var ragged = await admin.PostAsync("/api/v1/imports/accounts", Csv("external_id,name,potential\nX-1,X,1\nX-2,\"Unclosed,2\nX-3,Y,3,extra\n"), Ct);
        var empty = await admin.PostAsync("/api/v1/imports/accounts", Csv(""), Ct);

        Assert.Equal((1, "colour"), Rejected(await unknown.Content.ReadFromJsonAsync<JsonElement>(Ct)).Select(r => (r.Line, r.Column)).Single());
        Assert.Equal((1, "potential"), Rejected(await missing.Content.ReadFromJsonAsync<JsonElement>(Ct)).Select(r => (r.Line, r.Column)).Single());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ragged.StatusCode);
        Assert.NotEmpty(Rejected(await ragged.Content.ReadFromJsonAsync<JsonElement>(Ct)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.False(await app.WithDbAsync(d => d.Accounts.AnyAsync(a => a.ExternalId.StartsWith("X-"), Ct)));
    }

    [Theory, BothDatabases]
    public async Task Wrong_content_type_oversized_upload_and_unknown_kind_get_clear_errors(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();

        var json = await admin.PostAsJsonAsync("/api/v1/imports/accounts", new { externalId = "J-1" }, Ct);
        var big = await admin.PostAsync("/api/v1/imports/accounts", Csv("external_id,name,potential\n" + new string('x', 1_100_000)), Ct);
        using var form = new MultipartFormDataContent { { new ByteArrayContent([0x50, 0x4B, 0x03, 0x04]) { Headers = { ContentType = new MediaTypeHeaderValue("application/zip") } }, "file", "accounts.zip" } };
        var zip = await admin.PostAsync("/api/v1/imports/accounts", form, Ct);
        var kind = await admin.PostAsync("/api/v1/imports/planets", Csv("a\n1\n"), Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, zip.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, kind.StatusCode);
        Assert.Equal("application/problem+json", big.Content.Headers.ContentType?.MediaType);
    }

    [Theory, BothDatabases]
    public async Task A_csv_uploaded_as_multipart_form_data_is_imported(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("external_id,name,potential\nM-1,Multipart,10\n") { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "accounts.csv" },
        };

        var response = await admin.PostAsync("/api/v1/imports/accounts", form, Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        Assert.True(await app.WithDbAsync(d => d.Accounts.AnyAsync(a => a.ExternalId == "M-1", Ct)));
    }

    [Theory, BothDatabases]
    public async Task The_admin_import_page_uploads_with_an_antiforgery_token_and_shows_the_report(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var browser = await app.BrowserAsAsync("admin@test.terrain");
        var token = await TestApp.AntiforgeryTokenAsync(browser, "/Admin/Imports");
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("Accounts"), "Kind" },
            { new StringContent("external_id,name,potential\nP-1,From The Page,10\nP-2,Bad,-3\n") { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "Upload", "accounts.csv" },
        };

        var response = await browser.PostAsync("/Admin/Imports", form, Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Import rejected: nothing was changed", html, StringComparison.Ordinal);
        Assert.Contains("The annual potential cannot be negative (-3).", html, StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(d => d.Accounts.AnyAsync(a => a.ExternalId == "P-1", Ct)));
    }
}
