using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Imports;

/// <summary>
/// The bad files of issue 10 that the per-kind tests do not already send, for each kind of actuals: each gets a report
/// naming the line and the reason, and changes nothing. (Semicolons, Latin-1, an empty file and a 10,000-character
/// name are in <see cref="ImportingOpportunitiesTests"/> and <see cref="ImportingActivitiesTests"/>.)
/// </summary>
public sealed class ImportingBadInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, (string Header, string Good, string Row)> Kinds = new()
    {
        ["opportunities"] = ("externalId,owner,stage,amount,closeDate,name", "G-1,rep1@test.terrain,Discovery,1000,2027-01-31,Zürich deal", "{0},rep1@test.terrain,Discovery,10,2027-01-31,{1}"),
        ["activities"] = ("externalId,owner,type,date,account", "G-1,rep1@test.terrain,Call,2026-11-02,Zürich", "{0},rep1@test.terrain,Call,2026-11-03,{1}"),
        ["bookings"] = ("externalId,owner,date,amount,account", "G-1,rep1@test.terrain,2026-11-02,1000,Zürich", "{0},rep1@test.terrain,2026-11-03,10,{1}"),
    };

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Theory, BothDatabases]
    public async Task Each_bad_file_of_each_kind_gets_a_report_naming_the_line_and_reason_and_changes_nothing(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        foreach (var (kind, (header, good, row)) in Kinds)
        {
            byte[] Row(string id, string text) => Utf8(string.Format(System.Globalization.CultureInfo.InvariantCulture, row, id, text) + "\n");
            var start = Utf8($"{header}\n{good}\n");
            var cases = new (string Name, byte[] File, int Line, string Reason)[]
            {
                ("tabs", Utf8(header.Replace(',', '\t') + "\n" + good.Replace(',', '\t') + "\n"), 1, "single field holding semicolons or tabs"),
                // “Acme” with Windows-1252's curly quotes, 0x93 and 0x94: never valid UTF-8.
                ("Windows-1252", [.. start, .. Row("W-1", "")[..^1], 0x93, .. "Acme"u8, 0x94, (byte)'\n'], 3, "Windows-1252"),
                // A UTF-8 file (the good row's ü) with one row pasted in from a Latin-1 file (ü as the single byte 0xFC).
                ("mixed encoding", [.. start, .. Row("M-1", "Fine"), .. Row("M-2", "Z")[..^1], 0xFC, .. "rich"u8, (byte)'\n'], 4, "not UTF-8"),
                ("a PNG image", [0x89, .. "PNG\r\n"u8, 0x1A, (byte)'\n', 0, 0, 0, 0x0D, .. "IHDR"u8], 1, "binary data"),
                ("an Excel workbook", [.. "PK"u8, 3, 4, 20, 0, 6, 0, 8, 0, .. "[Content_Types].xml"u8], 1, "binary data"),
                ("UTF-16 without its byte-order mark", Encoding.Unicode.GetBytes($"{header}\n{good}\n"), 1, "binary data"),
                ("empty", [], 1, "The file is empty"),
                ("a 10,000-character field", [.. start, .. Row(new string('x', 10_000), "X")], 3, "longer than"),
            };

            foreach (var (name, file, line, reason) in cases)
            {
                var response = await admin.PostAsync($"/api/v1/imports/{kind}", new ByteArrayContent(file) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, Ct);
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
                Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{kind}, {name}: {response.StatusCode} {body}");
                var issue = Assert.Single(ImportingAccountsTests.Rejected(body));
                Assert.True(issue.Line == line && issue.Reason.Contains(reason, StringComparison.Ordinal), $"{kind}, {name}: line {issue.Line}: {issue.Reason}");
            }

            // Over the configured size (1 MB in tests): refused before any job is queued.
            var large = new byte[(1024 * 1024) + 1];
            Array.Fill(large, (byte)'a');
            var tooLarge = await admin.PostAsync($"/api/v1/imports/{kind}", new ByteArrayContent(large) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, Ct);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
            Assert.Contains("limited to 1 MB", (await tooLarge.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal((0, 0, 0), await app.WithDbAsync(async d => (await d.Opportunities.CountAsync(Ct), await d.Activities.CountAsync(Ct), await d.Bookings.CountAsync(Ct))));
        Assert.Equal(0, await app.WithDbAsync(d => d.AuditEntries.CountAsync(e => e.Action == "import.opportunities" || e.Action == "import.activities" || e.Action == "import.bookings", Ct)));
        Assert.Equal(Kinds.Count * 8, await app.WithDbAsync(d => d.ImportJobs.CountAsync(Ct)));
    }
}
