using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Terrain.Domain;
using Terrain.Features.Imports;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Cli;

/// <summary>
/// The real command line, killed (SIGKILL) in the middle of an import: the data is exactly as it was, and the job it
/// left running is taken over by a worker and completed, never lost.
/// </summary>
public sealed class ImportKillTests
{
    private const int Rows = 120_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, BothDatabases]
    public async Task A_command_line_import_killed_midway_leaves_the_data_as_it_was_and_its_job_is_taken_over(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var before = await AccountsAsync(app);
        var file = Path.Combine(Path.GetTempPath(), $"terrain-kill-{Guid.NewGuid():N}.csv");
        await using (var writer = new StreamWriter(file, false, new UTF8Encoding(false)))
        {
            await writer.WriteAsync("external_id,name,potential\n");
            for (var i = 0; i < Rows; i++)
            {
                await writer.WriteAsync($"KILL-{i:D6},Killed Account {i},{i}\n");
            }
        }

        try
        {
            using var cli = StartCli(app, file);
            var output = new StringBuilder();
            cli.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            cli.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            cli.BeginOutputReadLine();
            cli.BeginErrorReadLine();

            ImportJob? job = null;
            // Generous: a shared, busy machine can take long to start a process.
            var until = DateTime.UtcNow.AddSeconds(180);
            while (DateTime.UtcNow < until && !cli.HasExited)
            {
                job = await app.WithDbAsync(d => d.ImportJobs.AsNoTracking().OrderByDescending(j => j.CreatedAt).FirstOrDefaultAsync(Ct));
                if (job is { State: ImportJobState.Running } && (job.RowsRead > 0 || job.BytesRead > 0))
                {
                    break;
                }

                await Task.Delay(20, Ct);
            }

            Assert.False(cli.HasExited, $"The import ended before it could be killed:\n{output}");
            Assert.True(job is { State: ImportJobState.Running }, $"The job is {job?.State}, held by {job?.Instance}:\n{output}");
            var id = job!.Id;
            cli.Kill(entireProcessTree: true);
            await cli.WaitForExitAsync(Ct);

            // Nothing of the killed run is in the data, and its job still says running: its instance is gone.
            Assert.Equal(before, await AccountsAsync(app));
            var left = await app.WithDbAsync(d => d.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == id, Ct));
            Assert.Equal(ImportJobState.Running, left.State);
            Assert.Equal(1, left.Attempts);

            // Once its lease has run out, a worker takes it over and runs it to the end.
            app.Clock.SetUtcNow(DateTimeOffset.UtcNow.AddMinutes(5));
            var worker = app.Services.GetRequiredService<ImportWorker>();
            await worker.RunQueuedAsync(Ct);

            var done = await app.WithDbAsync(d => d.ImportJobs.AsNoTracking().SingleAsync(j => j.Id == id, Ct));
            Assert.Equal(ImportJobState.Done, done.State);
            Assert.Equal(2, done.Attempts);
            Assert.Equal(Rows, done.Created);
            Assert.Equal(before.Count + Rows, (await AccountsAsync(app)).Count);
            Assert.True(File.Exists(file), "The command line's own file is not the job's to delete.");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static Task<List<string>> AccountsAsync(TestApp app) => app.WithDbAsync(d => d.Accounts.AsNoTracking()
        .OrderBy(a => a.ExternalId).Select(a => a.ExternalId + "|" + a.Name).ToListAsync(Ct));

    private static Process StartCli(TestApp app, string file)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "terrain.dll"));
        foreach (var arg in new[] { "import", "accounts", file, "--Terrain:ImportLease=00:00:05" })
        {
            start.ArgumentList.Add(arg);
        }

        if (app.Db == Db.Postgres)
        {
            start.ArgumentList.Add("--Terrain:DatabaseProvider=Postgres");
            start.ArgumentList.Add($"--ConnectionStrings:Terrain={app.PostgresConnection}");
        }
        else
        {
            start.ArgumentList.Add($"--Terrain:DataDirectory={Path.GetDirectoryName(app.SqliteFile)}");
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the command line.");
    }
}
