using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Api;

/// <summary>
/// A big body sent to an endpoint that takes small ones is refused with 413 before it is read; only the imports take
/// large files. On real Kestrel: the in-memory TestServer enforces no body limit.
/// </summary>
public sealed class BodyLimitTests
{
    private const int Small = 64 * 1024;
    private const int Import = 1024 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<KestrelApp> StartAsync() => KestrelApp.StartAsync(
        $"--Terrain:MaxRequestBytes={Small}", $"--Terrain:MaxImportBytes={Import}");

    /// <summary>Accounts CSV of about the given size, between the small limit and the import limit.</summary>
    private static string AccountsCsv(string prefix, int bytes)
    {
        var csv = new StringBuilder("external_id,name,potential\n");
        for (var i = 0; csv.Length < bytes; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{prefix}-{i:D6},Account {prefix} {i:D6},10\n");
        }

        return csv.ToString();
    }

    [Fact]
    public async Task A_large_sign_in_body_gets_413_without_the_server_waiting_for_it()
    {
        await using var app = await StartAsync();

        // The attack declares a body larger than any sign-in needs (here half the import limit) and sends it slowly
        // or not at all: only the headers and a few bytes go out, so an answer proves the body was never read.
        foreach (var (path, type) in new[] { ("/api/v1/auth/login", "application/json"), ("/Auth/Login", "application/x-www-form-urlencoded") })
        {
            var status = await app.RawStatusLineAsync(
                $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {type}\r\nContent-Length: {Import / 2}\r\n\r\n{{\"email\":",
                TimeSpan.FromSeconds(10));
            Assert.True(status?.StartsWith("HTTP/1.1 413", StringComparison.Ordinal) == true, $"{path}: got '{status ?? "no answer in 10 s"}'");
        }

        using var client = app.Client();
        var body = new StringContent($"{{\"email\":\"{new string('a', Small * 2)}\",\"password\":\"x\"}}", Encoding.UTF8, "application/json");
        var response = await client.PostAsync("/api/v1/auth/login", body, Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Imports_still_take_files_between_the_small_limit_and_the_import_limit()
    {
        await using var app = await StartAsync();
        using var api = await app.AdminApiAsync().WaitingForImports();
        var apiCsv = AccountsCsv("API", Small * 3);

        var imported = await api.PostAsync("/api/v1/imports/accounts",
            new StringContent(apiCsv, Encoding.UTF8, new MediaTypeHeaderValue("text/csv")), Ct);

        Assert.True(imported.StatusCode == HttpStatusCode.OK, await imported.Content.ReadAsStringAsync(Ct));

        using var browser = await app.AdminBrowserAsync();
        var page = new HtmlParser().ParseDocument(await browser.GetStringAsync("/Admin/Imports", Ct));
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var pageCsv = AccountsCsv("PAGE", Small * 3);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Accounts"), "Kind" },
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(pageCsv)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "Upload", "accounts.csv" },
        };

        var uploaded = await browser.PostAsync("/Admin/Imports", form, Ct);

        Assert.True(uploaded.StatusCode == HttpStatusCode.OK, await uploaded.Content.ReadAsStringAsync(Ct));
        // The page shows the report when the import ends within a few seconds, else a progress bar: wait for the job.
        for (var until = DateTime.UtcNow.AddSeconds(120); DateTime.UtcNow < until
            && await app.WithDbAsync(d => d.ImportJobs.AnyAsync(j => j.State == Terrain.Domain.ImportJobState.Queued || j.State == Terrain.Domain.ImportJobState.Running, Ct));)
        {
            await Task.Delay(100, Ct);
        }

        var expected = apiCsv.Count(c => c == '\n') - 1 + pageCsv.Count(c => c == '\n') - 1;
        Assert.Equal(expected, await app.WithDbAsync(d => d.Accounts.CountAsync(Ct)));
    }
}
