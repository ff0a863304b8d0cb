using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Terrain.Data;
using Terrain.Infrastructure;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Data;

/// <summary>
/// A restart of PostgreSQL under load shows up as slower answers, never as failed ones: reads and writes are retried
/// through the outage, every write lands exactly as last sent, and /health is healthy again right after.
/// </summary>
public sealed class DatabaseRestartTests
{
    private static readonly TimeSpan LoadFor = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan RestartAfter = TimeSpan.FromSeconds(3);
    private const int Readers = 6;

    [Fact]
    public async Task A_restart_of_PostgreSQL_under_load_costs_latency_not_errors()
    {
        var setup = Stopwatch.StartNew();
        using var server = PrivatePostgres.Start();
        var serverStarted = setup.Elapsed;
        var database = server.ConnectionString("terrain");
        var (app, org) = await StartTerrainAsync(database);
        await using var stopApp = app;
        var cycleId = org.Cycle.Id;
        var baseUrl = new Uri(app.Urls.First());
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        var login = await http.PostAsJsonAsync("/api/v1/auth/login", new { email = org.Leader.Email, password = TestOrg.Password }, Ct);
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<Token>(Ct))!.AccessToken;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var ready = setup.Elapsed;
        var outcomes = new ConcurrentBag<Outcome>();
        var lastWritten = new ConcurrentDictionary<Guid, decimal>();
        var clock = Stopwatch.StartNew();
        var stop = clock.Elapsed + LoadFor;
        var load = Enumerable.Range(0, Readers).Select(_ => Task.Run(() => LoopAsync(write: false, () => http.GetAsync("/api/v1/accounts?pageSize=50", Ct))))
            .Concat(new[] { org.Rep1.Id, org.Rep2.Id }.Select(rep => Task.Run(() =>
            {
                var n = 0m;
                return LoopAsync(write: true, async () =>
                {
                    var amount = 100_000m + ++n;
                    var response = await http.PutAsJsonAsync("/api/v1/quotas", new { cycleId, repId = rep, quarters = new[] { amount, amount, amount, amount } }, Ct);
                    if (response.IsSuccessStatusCode)
                    {
                        lastWritten[rep] = amount;
                    }

                    return response;
                });
            })))
            .ToList();

        await Task.Delay(RestartAfter, Ct);
        var restart = Stopwatch.StartNew();
        await Task.Run(server.Restart, Ct);
        var restartTook = restart.Elapsed;
        await Task.WhenAll(load);
        var health = await http.GetAsync("/health", Ct);

        var all = outcomes.ToList();
        var failed = all.Where(o => o.Error is not null || o.Status is < 200 or >= 300).ToList();
        var output = TestContext.Current.TestOutputHelper!;
        output.WriteLine($"PostgreSQL started in {serverStarted.TotalSeconds:0.0} s, Terrain seeded and signed in after {ready.TotalSeconds:0.0} s.");
        output.WriteLine($"{all.Count} requests ({all.Count(o => o.Write)} writes), {failed.Count} failed; restart took {restartTook.TotalSeconds:0.0} s; "
            + $"latency max {all.Max(o => o.Took).TotalMilliseconds:0} ms, median {all.Select(o => o.Took).Order().ElementAt(all.Count / 2).TotalMilliseconds:0} ms");
        foreach (var failure in failed.Take(10))
        {
            output.WriteLine($"  {failure}");
        }

        Assert.Empty(failed);
        Assert.True(lastWritten.Count == 2, "The writers never got a request through.");
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync(Ct));

        // Every write that was answered 200 is stored exactly as it was last sent, once.
        foreach (var (rep, amount) in lastWritten)
        {
            var rows = await http.GetFromJsonAsync<List<QuotaView>>($"/api/v1/quotas?cycle={cycleId}&rep={rep}", Ct);
            Assert.Equal([amount, amount, amount, amount], Assert.Single(rows!).Quarters);
        }

        async Task LoopAsync(bool write, Func<Task<HttpResponseMessage>> send)
        {
            while (clock.Elapsed < stop)
            {
                var started = clock.Elapsed;
                try
                {
                    using var response = await send();
                    var error = response.IsSuccessStatusCode ? null : await response.Content.ReadAsStringAsync(Ct);
                    outcomes.Add(new Outcome(write, clock.Elapsed - started, (int)response.StatusCode, error));
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    outcomes.Add(new Outcome(write, clock.Elapsed - started, null, e.Message));
                }
            }
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(WebApplication App, TestOrg Org)> StartTerrainAsync(string connectionString)
    {
        var builder = TerrainHost.CreateBuilder(
        [
            "--urls=http://127.0.0.1:0",
            "--environment=Testing",
            "--Terrain:DatabaseProvider=Postgres",
            $"--ConnectionStrings:Terrain={connectionString}",
            "--Terrain:Reminders=false",
            "--Terrain:LoginAttemptsPerMinute=1000",
            // Every retried failure is logged as an error by EF; the test counts what the clients see instead.
            "--Logging:LogLevel:Default=Critical",
        ]);
        builder.Services.Configure<PasswordHasherOptions>(o => o.IterationCount = TestOrg.TestIterations);
        var app = TerrainHost.Build(builder);
        TestOrg org;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Database.MigrateAsync(Ct);
            org = await TestOrg.SeedAsync(db, TestApp.Start);
        }

        await app.StartAsync(Ct);
        return (app, org);
    }

    private sealed record Token(string AccessToken);

    private sealed record QuotaView(List<decimal?> Quarters);

    private sealed record Outcome(bool Write, TimeSpan Took, int? Status, string? Error)
    {
        public override string ToString() => $"{(Write ? "PUT" : "GET")} after {Took.TotalMilliseconds:0} ms: {Status?.ToString() ?? "no answer"} {Error}";
    }
}
