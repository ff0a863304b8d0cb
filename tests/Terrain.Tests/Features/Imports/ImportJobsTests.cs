using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Terrain.Domain;
using Terrain.Features.Imports;
using Terrain.Infrastructure;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Imports;

/// <summary>Imports as background jobs whose state lives in the database: queued, claimed, run, reported, taken over.</summary>
public sealed class ImportJobsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    /// <summary>A queued accounts job over a file in the app's import folder, added without waking any worker.</summary>
    private static async Task<ImportJob> AddJobAsync(TestApp app, string csv, string name = "accounts.csv", ImportKind kind = ImportKind.Accounts)
    {
        var folder = app.Services.GetRequiredService<IOptions<TerrainOptions>>().Value.ImportFolderPath;
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, csv, Ct);
        var job = ImportJob.Queue(kind, false, false, name, path, true, new FileInfo(path).Length, app.Org.Admin.Id, app.Clock.GetUtcNow());
        await app.WithDbAsync(async d =>
        {
            d.ImportJobs.Add(job);
            return await d.SaveChangesAsync(Ct);
        });
        return job;
    }

    private static Task<ImportJob> JobAsync(TestApp app, Guid id) =>
        app.WithDbAsync(d => d.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == id, Ct));

    private static Task<int> RunAsStaleAsync(TestApp app, Guid id, int attempts) =>
        app.WithDbAsync(d => d.ImportJobs.Where(j => j.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.State, ImportJobState.Running)
            .SetProperty(j => j.Instance, "gone-host/4242/deadbeef")
            .SetProperty(j => j.StartedAt, app.Clock.GetUtcNow() - TimeSpan.FromMinutes(10))
            .SetProperty(j => j.HeartbeatAt, app.Clock.GetUtcNow() - TimeSpan.FromMinutes(5))
            .SetProperty(j => j.Attempts, attempts), Ct));

    [Theory, BothDatabases]
    public async Task An_import_answers_202_with_its_job_runs_in_the_background_and_keeps_its_report_in_the_history(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");

        var response = await admin.PostAsync("/api/v1/imports/accounts?partial=true",
            Csv("external_id,name,potential\nJOB-1,Job One,10\nJOB-2,Job Two,-5\nJOB-3,Job Three,30\n"), Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = accepted.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/imports/jobs/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal($"/api/v1/imports/jobs/{id}", accepted.GetProperty("links").GetProperty("self").GetString());
        Assert.Contains(accepted.GetProperty("state").GetString(), new[] { "Queued", "Running", "Done" });
        Assert.Equal("Accounts", accepted.GetProperty("kind").GetString());
        Assert.True(accepted.GetProperty("partial").GetBoolean());

        JsonElement job;
        var until = DateTime.UtcNow.AddSeconds(60);
        do
        {
            await Task.Delay(50, Ct);
            job = await admin.GetFromJsonAsync<JsonElement>(response.Headers.Location, Ct);
        }
        while (job.GetProperty("state").GetString() is "Queued" or "Running" && DateTime.UtcNow < until);

        Assert.Equal("Done", job.GetProperty("state").GetString());
        Assert.True(job.GetProperty("applied").GetBoolean());
        Assert.Equal(1, job.GetProperty("attempts").GetInt32());
        Assert.Equal(100, job.GetProperty("progress").GetProperty("percent").GetInt32());
        Assert.Equal(app.Org.Admin.DisplayName, job.GetProperty("requestedBy").GetString());
        var report = job.GetProperty("report");
        Assert.Equal(3, report.GetProperty("rowsRead").GetInt32());
        Assert.Equal(2, report.GetProperty("created").GetInt32());
        var rejected = Assert.Single(report.GetProperty("rejected").EnumerateArray());
        Assert.Equal(3, rejected.GetProperty("line").GetInt32());
        Assert.Equal(2, await app.WithDbAsync(d => d.Accounts.CountAsync(a => a.ExternalId.StartsWith("JOB-"), Ct)));

        // The history keeps it, newest first, with its counts; the upload itself is gone.
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        using var users = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports/users")
        {
            Content = Csv("email,display_name,role,manager_email\njob.rep@test.terrain,Job Rep,Rep,manager1@test.terrain\n"),
            Headers = { { "Prefer", "wait=60" } },
        };
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(users, Ct)).StatusCode);
        var history = await admin.GetFromJsonAsync<JsonElement>("/api/v1/imports/jobs", Ct);
        var rows = history.EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal("Users", rows[0].GetProperty("kind").GetString());
        Assert.Equal(id, rows[1].GetProperty("id").GetGuid());
        Assert.Equal(2, rows[1].GetProperty("counts").GetProperty("created").GetInt32());
        Assert.Equal(1, rows[1].GetProperty("counts").GetProperty("rejected").GetInt32());
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("report").ValueKind);
        var stored = await JobAsync(app, id);
        Assert.Equal("", stored.StoredPath);

        var limit = await admin.GetAsync("/api/v1/imports/jobs?limit=0", Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, limit.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/imports/jobs/{Guid.NewGuid()}", Ct)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task Prefer_wait_answers_as_a_synchronous_import_did_and_says_it_waited(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");

        using var good = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports/accounts") { Content = Csv("external_id,name,potential\nPW-1,Waited,10\n") };
        good.Headers.Add("Prefer", "respond-async, wait=30");
        var ok = await admin.SendAsync(good, Ct);
        using var bad = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports/accounts") { Content = Csv("external_id,name,potential\nPW-2,Waited,-1\n") };
        bad.Headers.Add("Prefer", "wait=9999");
        var rejected = await admin.SendAsync(bad, Ct);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("wait=30", Assert.Single(ok.Headers.GetValues("Preference-Applied")));
        Assert.Equal(1, (await ok.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("created").GetInt32());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        Assert.Equal($"wait={ImportJobs.MaxWaitSeconds}", Assert.Single(rejected.Headers.GetValues("Preference-Applied")));
        Assert.False(await app.WithDbAsync(d => d.Accounts.AnyAsync(a => a.ExternalId == "PW-2", Ct)));
    }

    [Theory, BothDatabases]
    public async Task Two_instances_never_run_two_imports_of_the_same_kind_at_once(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await using var other = app.SecondInstance();
        var here = app.Services.GetRequiredService<ImportWorker>();
        var there = other.Services.GetRequiredService<ImportWorker>();
        Assert.NotEqual(here.Instance, there.Instance);
        var first = await AddJobAsync(app, "external_id,name,potential\nRACE-1,Race One,10\n");
        var second = await AddJobAsync(app, "external_id,name,potential\nRACE-2,Race Two,20\n");

        // The claim is a conditional update: the second instance cannot take a job of a kind that is running.
        Assert.True(await here.TryClaimAsync(first.Id, ImportKind.Accounts, Ct));
        Assert.False(await there.TryClaimAsync(first.Id, ImportKind.Accounts, Ct));
        Assert.False(await there.TryClaimAsync(second.Id, ImportKind.Accounts, Ct));

        // And the database itself refuses a second running job of the kind, whatever the code does.
        await Assert.ThrowsAnyAsync<Exception>(() => app.WithDbAsync(d => d.ImportJobs.Where(j => j.Id == second.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, ImportJobState.Running), Ct)));
        Assert.Equal(ImportJobState.Queued, (await JobAsync(app, second.Id)).State);

        // Both instances then race for what is queued while a watcher counts the running jobs of the kind.
        await here.RunClaimedAsync((first.Id, ImportKind.Accounts), null, Ct);
        var third = await AddJobAsync(app, "external_id,name,potential\nRACE-3,Race Three,30\n");
        using var stop = new CancellationTokenSource();
        var mostRunning = 0;
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var running = await app.WithDbAsync(d => d.ImportJobs.CountAsync(j => j.Kind == ImportKind.Accounts && j.State == ImportJobState.Running, Ct));
                mostRunning = Math.Max(mostRunning, running);
                await Task.Delay(5, Ct);
            }
        }, Ct);
        await Task.WhenAll(here.RunQueuedAsync(Ct), there.RunQueuedAsync(Ct));
        await stop.CancelAsync();
        await watcher;

        Assert.True(mostRunning <= 1, $"{mostRunning} accounts imports ran at once.");
        foreach (var job in new[] { first, second, third })
        {
            var done = await JobAsync(app, job.Id);
            Assert.Equal(ImportJobState.Done, done.State);
            Assert.Equal(1, done.Attempts);
            Assert.Equal(1, done.Created);
        }

        Assert.Equal(3, await app.WithDbAsync(d => d.Accounts.CountAsync(a => a.ExternalId.StartsWith("RACE-"), Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_running_job_whose_heartbeat_stopped_is_taken_over_and_failed_after_its_last_attempt(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var worker = app.Services.GetRequiredService<ImportWorker>();
        var orphan = await AddJobAsync(app, "external_id,name,potential\nORPHAN-1,Orphan,10\n");
        var hopeless = await AddJobAsync(app, "email,display_name,role\nhopeless@test.terrain,Hopeless,Admin\n", "users.csv", ImportKind.Users);
        var fresh = await AddJobAsync(app, "externalId,owner,stage,amount,closeDate\n", "deals.csv", ImportKind.Opportunities);
        await RunAsStaleAsync(app, orphan.Id, attempts: 1);
        await RunAsStaleAsync(app, hopeless.Id, attempts: ImportJob.MaxAttempts);
        // A job of another kind whose instance is alive keeps running where it is.
        await app.WithDbAsync(d => d.ImportJobs.Where(j => j.Id == fresh.Id).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.State, ImportJobState.Running).SetProperty(j => j.Instance, "alive-host/1/cafe")
            .SetProperty(j => j.Attempts, 1).SetProperty(j => j.HeartbeatAt, app.Clock.GetUtcNow()), Ct));

        await worker.RunQueuedAsync(Ct);

        var taken = await JobAsync(app, orphan.Id);
        Assert.Equal(ImportJobState.Done, taken.State);
        Assert.Equal(2, taken.Attempts);
        Assert.Equal(worker.Instance, taken.Instance);
        Assert.True(taken.Applied);
        Assert.True(await app.WithDbAsync(d => d.Accounts.AnyAsync(a => a.ExternalId == "ORPHAN-1", Ct)));

        var failed = await JobAsync(app, hopeless.Id);
        Assert.Equal(ImportJobState.Failed, failed.State);
        Assert.Contains($"started {ImportJob.MaxAttempts} times", failed.FailureReason, StringComparison.Ordinal);
        Assert.Equal("", failed.StoredPath);
        Assert.False(await app.WithDbAsync(d => d.Users.AnyAsync(u => u.Email == "hopeless@test.terrain", Ct)));

        var alive = await JobAsync(app, fresh.Id);
        Assert.Equal(ImportJobState.Running, alive.State);
        Assert.Equal("alive-host/1/cafe", alive.Instance);

        var admin = await app.ApiAsAsync("admin@test.terrain");
        var view = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/imports/jobs/{hopeless.Id}", Ct);
        Assert.Equal("Failed", view.GetProperty("state").GetString());
        Assert.Equal(failed.FailureReason, view.GetProperty("failureReason").GetString());
    }

    [Theory, BothDatabases]
    public async Task The_admin_page_follows_a_job_with_an_accessible_progress_bar_and_lists_the_history(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var waiting = await AddJobAsync(app, "external_id,name,potential\nPAGE-1,Page,10\n", "waiting.csv");
        // Held for a command line that is alive: no worker here takes it, so the page shows it in progress.
        await app.WithDbAsync(d => d.ImportJobs.Where(j => j.Id == waiting.Id).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Instance, "cli-host/7/beef").SetProperty(j => j.HeartbeatAt, app.Clock.GetUtcNow()), Ct));
        var browser = await app.BrowserAsAsync("admin@test.terrain");

        var html = await browser.GetStringAsync($"/Admin/Imports?job={waiting.Id}", Ct);
        var page = new HtmlParser().ParseDocument(html);

        var bar = page.QuerySelector("progress.job-progress")!;
        Assert.NotNull(page.QuerySelector($"label[for='{bar.Id}']"));
        Assert.Equal("polite", page.QuerySelector(".job-status")!.GetAttribute("aria-live"));
        Assert.Equal("status", page.QuerySelector(".job-status")!.GetAttribute("role"));
        Assert.NotNull(page.QuerySelector("script[src^='/js/imports.js']"));
        Assert.Contains($"url=/Admin/Imports?job={waiting.Id}", page.QuerySelector("noscript")!.InnerHtml, StringComparison.Ordinal);
        var history = page.QuerySelectorAll("section[aria-labelledby=history-title] tbody tr").ToList();
        Assert.Contains(history, r => r.TextContent.Contains("waiting.csv", StringComparison.Ordinal) && r.TextContent.Contains("Queued", StringComparison.Ordinal));

        var progress = await browser.GetFromJsonAsync<JsonElement>($"/Admin/Imports?handler=Progress&job={waiting.Id}", Ct);
        Assert.Equal("Queued", progress.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/Admin/Imports?job={Guid.NewGuid()}", Ct)).StatusCode);
    }

    [Fact]
    public async Task An_upload_far_above_the_old_50_MB_limit_is_streamed_to_disk_and_imported()
    {
        // The default limit (2 GB) on real Kestrel, which enforces body limits; the file is written to disk and sent
        // from there, never held whole in memory by the test or the server.
        await using var app = await KestrelApp.StartAsync();
        using var admin = await app.AdminApiAsync().WaitingForImports();
        var path = Path.Combine(Path.GetTempPath(), $"terrain-big-{Guid.NewGuid():N}.csv");
        try
        {
            await using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
            {
                await writer.WriteAsync("external_id,name,potential\nBIG-1,Big One,10\n");
                var blank = new string(' ', 1024 * 1024);
                for (var i = 0; i < 60; i++)
                {
                    // Blank lines are skipped by the importer: the size is real, the import stays quick.
                    await writer.WriteAsync(blank);
                    await writer.WriteAsync('\n');
                }

                await writer.WriteAsync("BIG-2,Big Two,20\n");
            }

            Assert.True(new FileInfo(path).Length > 60L * 1024 * 1024);
            await using var file = File.OpenRead(path);
            using var content = new StreamContent(file, 1 << 16);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");

            var response = await admin.PostAsync("/api/v1/imports/accounts", content, Ct);

            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
            var report = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(2, report.GetProperty("created").GetInt32());
            var job = await app.WithDbAsync(d => d.ImportJobs.AsNoTracking().SingleAsync(Ct));
            Assert.Equal(new FileInfo(path).Length, job.SizeBytes);
            Assert.Equal(ImportJobState.Done, job.State);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
