using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Features.Imports;
using Terrain.Tests.Infrastructure;
using Xunit;
using static Terrain.Tests.Features.Imports.ImportingAccountsTests;

namespace Terrain.Tests.Features.Imports;

/// <summary>Bad uploads, odd encodings, huge numbers and simultaneous imports: a clear answer each time, never a 500.</summary>
public sealed class ImportingSafelyTests
{
    private const string Accounts = "/api/v1/imports/accounts";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ByteArrayContent Bytes(byte[] bytes, string contentType) =>
        new(bytes) { Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType) } };

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"Expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory, BothDatabases]
    public async Task Malformed_multipart_bodies_get_400_problem_details_naming_the_problem(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        var csv = "external_id,name,potential\nMP-1,Multipart,10\n";
        var truncated = "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\nContent-Type: text/csv\r\n\r\n" + csv;

        var noBoundary = await admin.PostAsync(Accounts, Bytes(Encoding.UTF8.GetBytes(csv), "multipart/form-data"), Ct);
        var garbage = await admin.PostAsync(Accounts, Bytes([0x00, 0xFF, 0x13, 0x37, .. Encoding.UTF8.GetBytes(csv)], "multipart/form-data; boundary=xyz"), Ct);
        var unfinished = await admin.PostAsync(Accounts, Bytes(Encoding.UTF8.GetBytes(truncated), "multipart/form-data; boundary=xyz"), Ct);

        await AssertProblemAsync(noBoundary, HttpStatusCode.BadRequest);
        await AssertProblemAsync(garbage, HttpStatusCode.BadRequest);
        await AssertProblemAsync(unfinished, HttpStatusCode.BadRequest);
        var problem = await noBoundary.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Contains("boundary", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("multipart/form-data", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(d => d.Accounts.AnyAsync(a => a.ExternalId == "MP-1", Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_chunked_body_over_the_limit_gets_413_problem_details(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        var big = new StringBuilder("external_id,name,potential\n");
        for (var i = 0; big.Length < 1_200_000; i++)
        {
            big.Append("CH-").Append(i).Append(",Chunked ").Append(i).Append(",10\n");
        }

        var bytes = Encoding.UTF8.GetBytes(big.ToString());
        var chunked = new StreamContent(new UnknownLengthStream(bytes)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } };
        var chunkedForm = new MultipartFormDataContent
        {
            { new StreamContent(new UnknownLengthStream(bytes)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "big.csv" },
        };
        var small = new StreamContent(new UnknownLengthStream(Encoding.UTF8.GetBytes("external_id,name,potential\nCH-S,Small Chunked,10\n")))
        {
            Headers = { ContentType = new MediaTypeHeaderValue("text/csv") },
        };
        Assert.Null(chunked.Headers.ContentLength);

        var tooLarge = await admin.PostAsync(Accounts, chunked, Ct);
        var tooLargeForm = await admin.PostAsync(Accounts, chunkedForm, Ct);
        var fine = await admin.PostAsync(Accounts, small, Ct);

        await AssertProblemAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge);
        await AssertProblemAsync(tooLargeForm, HttpStatusCode.RequestEntityTooLarge);
        Assert.True(fine.StatusCode == HttpStatusCode.OK, await fine.Content.ReadAsStringAsync(Ct));
        Assert.False(await app.WithDbAsync(d => d.Accounts.AnyAsync(a => a.ExternalId == "CH-1", Ct)));
        Assert.True(await app.WithDbAsync(d => d.Accounts.AnyAsync(a => a.ExternalId == "CH-S", Ct)));
    }

    [Theory, BothDatabases]
    public async Task Text_plain_is_not_taken_as_csv_but_the_csv_types_and_a_csv_file_name_are(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        static string Body(string id) => $"external_id,name,potential\n{id},Content Type {id},10\n";
        static MultipartFormDataContent Form(string id, string type, string name) =>
            new() { { new ByteArrayContent(Encoding.UTF8.GetBytes(Body(id))) { Headers = { ContentType = new MediaTypeHeaderValue(type) } }, "file", name } };

        var plain = await admin.PostAsync(Accounts, new StringContent(Body("CT-PLAIN")), Ct);
        var plainPart = await admin.PostAsync(Accounts, Form("CT-PLAIN-PART", "text/plain", "accounts.csv"), Ct);
        var octetTxt = await admin.PostAsync(Accounts, Form("CT-OCTET-TXT", "application/octet-stream", "accounts.txt"), Ct);
        var accepted = new List<HttpResponseMessage>
        {
            await admin.PostAsync(Accounts, new StringContent(Body("CT-CSV"), Encoding.UTF8, "text/csv"), Ct),
            await admin.PostAsync(Accounts, new StringContent(Body("CT-APP"), Encoding.UTF8, "application/csv"), Ct),
            await admin.PostAsync(Accounts, new StringContent(Body("CT-EXCEL"), Encoding.UTF8, "application/vnd.ms-excel"), Ct),
            await admin.PostAsync(Accounts, Form("CT-EXCEL-PART", "application/vnd.ms-excel", "accounts.csv"), Ct),
            await admin.PostAsync(Accounts, Form("CT-OCTET", "application/octet-stream", "accounts.csv"), Ct),
        };

        Assert.Equal("text/plain", plain.RequestMessage!.Content!.Headers.ContentType!.MediaType);
        await AssertProblemAsync(plain, HttpStatusCode.UnsupportedMediaType);
        await AssertProblemAsync(plainPart, HttpStatusCode.UnsupportedMediaType);
        await AssertProblemAsync(octetTxt, HttpStatusCode.UnsupportedMediaType);
        Assert.All(accepted, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(["CT-APP", "CT-CSV", "CT-EXCEL", "CT-EXCEL-PART", "CT-OCTET"],
            await app.WithDbAsync(d => d.Accounts.Where(a => a.ExternalId.StartsWith("CT-")).Select(a => a.ExternalId).OrderBy(x => x).ToListAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task Simultaneous_imports_of_the_same_new_accounts_never_fail_with_500_or_duplicate_them(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var clients = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => app.ApiAsAsync("admin@test.terrain").WaitingForImports()));
        var csv = "external_id,name,potential,owner_email\n" + string.Concat(Enumerable.Range(1, 50).Select(i => $"SIM-{i},Simultaneous {i},{i}000,rep1@test.terrain\n"));

        var responses = await Task.WhenAll(clients.Select(c => c.PostAsync(Accounts, Csv(csv), Ct)));

        foreach (var response in responses)
        {
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity,
                $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        }

        var reports = await Task.WhenAll(responses.Where(r => r.IsSuccessStatusCode).Select(r => r.Content.ReadFromJsonAsync<JsonElement>(Ct)));
        Assert.Equal(50, reports.Sum(r => r.GetProperty("created").GetInt32()));
        var counts = await app.WithDbAsync(d => d.Accounts.Where(a => a.ExternalId.StartsWith("SIM-"))
            .GroupBy(a => a.ExternalId).Select(g => g.Count()).ToListAsync(Ct));
        Assert.Equal(50, counts.Count);
        Assert.All(counts, c => Assert.Equal(1, c));
    }

    [Theory, BothDatabases]
    public async Task An_account_import_that_loses_a_race_for_the_same_record_reports_it_and_writes_nothing(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var csv = "external_id,name,potential\nRACE-0,Innocent Bystander,5\nRACE-1,Loser,10\n";
        // Another writer inserts RACE-1 after the importer has looked for it but before it saves.
        var progress = new OnFirstReport(() => Insert(app, d => d.Accounts.Add(Account.Create("RACE-1",
            new AccountDetails("Winner", null, null, null, null, null, null, 20m), null, app.Clock.GetUtcNow()))));

        var report = await RunAsync(app, scope => scope.GetRequiredService<AccountImporter>().ImportAsync(Stream(csv), false, app.Org.Admin.Id, progress, Ct));

        AssertConflict(report);
        Assert.Equal(["Winner"], await app.WithDbAsync(d => d.Accounts.Where(a => a.ExternalId.StartsWith("RACE-")).Select(a => a.Name).ToListAsync(Ct)));
        Assert.False(await app.WithDbAsync(d => d.AuditEntries.AnyAsync(e => e.Action == "import.accounts", Ct)));
    }

    /// <summary>PostgreSQL only: SQLite has no connection to lose, and no retrying strategy.</summary>
    [Fact]
    public async Task An_account_import_that_loses_its_connection_while_saving_runs_again_whole_and_saves_once()
    {
        Assert.SkipWhen(Databases.SkipReason(Db.Postgres) is not null, Databases.SkipReason(Db.Postgres) ?? "");
        var app = await TestApp.StartAsync(Db.Postgres);
        var lost = new LosesTheConnectionOnTheFirstInsert();
        var options = new DbContextOptionsBuilder<AppDbContext>();
        new DatabaseSettings(DatabaseProvider.Postgres, app.PostgresConnection!).Configure(options);
        await using var db = new AppDbContext(options.AddInterceptors(lost).Options);
        var csv = "external_id,name,potential,owner_email\nRETRY-1,Retried,10,rep1@test.terrain\nR1-1,Alpha Renamed,100000,rep1@test.terrain\n";

        var report = await new AccountImporter(db, app.Clock, NullLogger<AccountImporter>.Instance)
            .ImportAsync(Stream(csv), false, app.Org.Admin.Id, null, Ct);

        Assert.Equal(1, lost.Times);
        Assert.True(report.Applied, string.Join("; ", report.Rejected.Select(r => r.Reason)));
        Assert.Equal((1, 1), (report.Created, report.Updated));
        Assert.Equal(["Alpha Renamed", "Retried"], await app.WithDbAsync(d => d.Accounts
            .Where(a => a.ExternalId == "RETRY-1" || a.ExternalId == "R1-1").OrderBy(a => a.Name).Select(a => a.Name).ToListAsync(Ct)));
        Assert.Equal(1, await app.WithDbAsync(d => d.AuditEntries.CountAsync(e => e.Action == "import.accounts", Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_user_import_that_loses_a_race_for_the_same_record_reports_it_and_writes_nothing(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var csv = "email,display_name,role,manager_email\nrace0@test.terrain,Innocent Bystander,Rep,manager1@test.terrain\nrace1@test.terrain,Loser,Rep,manager1@test.terrain\n";
        var progress = new OnFirstReport(() => Insert(app, d => d.Users.Add(AppUser.Create("race1@test.terrain", "Winner", Role.Rep,
            d.Users.Single(u => u.Email == "manager1@test.terrain"), app.Clock.GetUtcNow()))));

        var report = await RunAsync(app, scope => scope.GetRequiredService<UserImporter>().ImportAsync(Stream(csv), false, app.Org.Admin.Id, progress, Ct));

        AssertConflict(report);
        Assert.Equal(["Winner"], await app.WithDbAsync(d => d.Users.Where(u => u.Email!.StartsWith("race")).Select(u => u.DisplayName).ToListAsync(Ct)));
        Assert.False(await app.WithDbAsync(d => d.AuditEntries.AnyAsync(e => e.Action == "import.users", Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_file_that_is_not_UTF8_is_rejected_naming_the_line_even_for_a_partial_import(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        byte[] latin1 = [.. Encoding.UTF8.GetBytes("external_id,name,potential\nU8-1,Fine,1\nU8-2,Caf"), 0xE9, .. Encoding.UTF8.GetBytes(",2\nU8-3,Fine Too,3\n")];

        var whole = await admin.PostAsync(Accounts, Bytes(latin1, "text/csv"), Ct);
        var partial = await admin.PostAsync(Accounts + "?partial=true", Bytes(latin1, "text/csv"), Ct);

        foreach (var response in new[] { whole, partial })
        {
            await AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            var issue = Assert.Single(Rejected(body));
            Assert.Equal((3, (string?)null), (issue.Line, issue.Column));
            Assert.Contains("not UTF-8", issue.Reason, StringComparison.Ordinal);
            Assert.Contains("save it as CSV UTF-8", body.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
            Assert.Contains("line 3", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.False(await app.WithDbAsync(d => d.Accounts.AnyAsync(a => a.ExternalId.StartsWith("U8-"), Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_UTF8_file_with_a_byte_order_mark_keeps_its_accents(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        byte[] withBom = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("external_id,name,potential\nBOM-1,Café Zürich,1\n")];

        var response = await admin.PostAsync(Accounts, Bytes(withBom, "text/csv"), Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("Café Zürich", await app.WithDbAsync(d => d.Accounts.Where(a => a.ExternalId == "BOM-1").Select(a => a.Name).SingleAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_potential_the_database_cannot_hold_is_rejected_naming_potential(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        var csv = """
            external_id,name,potential
            BIG-1,Decimal Max,79228162514264337593543950335
            BIG-2,Ten Billion,10000000000
            BIG-3,Rounds Up To It,9999999999.995
            BIG-4,Beyond Decimal,123456789012345678901234567890123
            BIG-5,Fine,10
            """;

        var rejected = await admin.PostAsync(Accounts, Csv(csv), Ct);
        var largest = await admin.PostAsync(Accounts, Csv("external_id,name,potential\nBIG-MAX,Largest,9999999999.99\n"), Ct);

        await AssertProblemAsync(rejected, HttpStatusCode.UnprocessableEntity);
        var issues = Rejected(await rejected.Content.ReadFromJsonAsync<JsonElement>(Ct));
        Assert.Equal([(2, "potential"), (3, "potential"), (4, "potential"), (5, "potential")], issues.Select(i => (i.Line, i.Column)).ToList());
        Assert.All(issues, i => Assert.Contains("too large", i.Reason, StringComparison.Ordinal));
        Assert.All(issues, i => Assert.Contains("9,999,999,999.99", i.Reason, StringComparison.Ordinal));
        Assert.True(largest.StatusCode == HttpStatusCode.OK, await largest.Content.ReadAsStringAsync(Ct));
        // The largest potential reads back, over the API and through EF.
        var list = await admin.GetAsync("/api/v1/accounts", Ct);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(["BIG-MAX"], await app.WithDbAsync(d => d.Accounts.Where(a => a.ExternalId.StartsWith("BIG-")).Select(a => a.ExternalId).ToListAsync(Ct)));
        Assert.True(await app.WithDbAsync(d => d.Accounts.Where(a => a.ExternalId == "BIG-MAX").Select(a => a.AnnualPotential).SingleAsync(Ct)) == 9_999_999_999.99m);
    }

    private static MemoryStream Stream(string text) => new(Encoding.UTF8.GetBytes(text));

    private static async Task<ImportReport> RunAsync(TestApp app, Func<IServiceProvider, Task<ImportReport>> import)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await import(scope.ServiceProvider);
    }

    private static void Insert(TestApp app, Action<AppDbContext> add)
    {
        using var scope = app.Services.CreateScope();
        var other = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        add(other);
        other.SaveChanges();
    }

    private static void AssertConflict(ImportReport report)
    {
        Assert.False(report.Applied);
        var issue = Assert.Single(report.Rejected);
        Assert.Equal((1, (string?)null), (issue.Line, issue.Column));
        Assert.Contains("at the same time", issue.Reason, StringComparison.Ordinal);
        Assert.Contains("nothing was imported", issue.Reason, StringComparison.Ordinal);
        Assert.Contains("Run the import again", issue.Reason, StringComparison.Ordinal);
    }

    /// <summary>Runs an action, synchronously, the first time the importer reports progress after reading the file.</summary>
    private sealed class OnFirstReport(Action action) : IProgress<ImportProgress>
    {
        private bool _done;

        public void Report(ImportProgress value)
        {
            if (!_done && value.Phase == "Checking")
            {
                _done = true;
                action();
            }
        }
    }

    /// <summary>A connection lost the first time an account is inserted, as when the server restarts mid-save.</summary>
    private sealed class LosesTheConnectionOnTheFirstInsert : DbCommandInterceptor
    {
        public int Times { get; private set; }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command,
            CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (Times == 0 && command.CommandText.Contains("INSERT INTO \"Accounts\"", StringComparison.Ordinal))
            {
                Times++;
                throw new NpgsqlException("Injected: the connection to the server was lost.", new IOException("Injected."));
            }

            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    /// <summary>A body whose length HttpClient cannot know, so it is sent chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
