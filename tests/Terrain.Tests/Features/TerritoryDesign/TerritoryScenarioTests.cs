using System.Data.Common;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Territories;
using Terrain.Domain.TerritoryDesign;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.TerritoryDesign;

/// <summary>
/// Territory scenarios (ADR 0044): made from the current alignment, run in the background, compared, edited by hand,
/// and applied on a date all or nothing, refused over an alignment that has changed since.
/// </summary>
public sealed class TerritoryScenarioTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Api = "/api/v1/territory-scenarios";

    /// <summary>
    /// Twelve more accounts for rep one, spread over two cities (rep one holds far more than the others), and one
    /// account without coordinates.
    /// </summary>
    private static async Task SeedAsync(TestApp app)
    {
        await app.WithDbAsync(async db =>
        {
            var territory = await db.Territories.Include(t => t.Rep).SingleAsync(t => t.Id == app.Org.TerritoryOf[app.Org.Rep1.Id].Id, Ct);
            var now = app.Clock.GetUtcNow();
            for (var i = 0; i < 12; i++)
            {
                var (lat, lon) = i % 2 == 0 ? (48.1 + (i * 0.01), 11.5 + (i * 0.01)) : (53.5 + (i * 0.01), 10.0 - (i * 0.01));
                var account = Account.Create($"S-{i}", new AccountDetails($"Spread {i:00}", "Manufacturing", i % 3 == 0 ? "Enterprise" : "SMB", "South", "80331",
                    lat, lon, 20_000 + (i * 1_000)), territory.Rep, now);
                account.PlaceIn(territory);
                db.Accounts.Add(account);
            }

            var nowhere = Account.Create("S-X", new AccountDetails("Nowhere Ltd", "Manufacturing", "SMB", "South", "", null, null, 1_000), territory.Rep, now);
            nowhere.PlaceIn(territory);
            db.Accounts.Add(nowhere);
            await db.SaveChangesAsync(Ct);
            return true;
        });
    }

    private static Guid AccountId(TestApp app, string externalId) => app.Org.Accounts.Single(a => a.ExternalId == externalId).Id;

    private static async Task<(HttpStatusCode Status, JsonElement Body, string? ETag)> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null,
        string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text), response.Headers.ETag?.ToString());
    }

    private static async Task<Guid> CreateAsync(HttpClient client, object input)
    {
        var (status, body, _) = await SendAsync(client, HttpMethod.Post, Api, input);
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        return body.GetProperty("id").GetGuid();
    }

    /// <summary>Waits for the background run to end (no timing is asserted: the limit only keeps a broken run from hanging the suite).</summary>
    private static async Task<(JsonElement Body, string ETag)> RunToEndAsync(HttpClient client, Guid id, bool queue = true)
    {
        if (queue)
        {
            var (status, body, _) = await SendAsync(client, HttpMethod.Post, $"{Api}/{id}/run");
            Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        }

        var limit = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var (_, view, etag) = await SendAsync(client, HttpMethod.Get, $"{Api}/{id}");
            var state = view.GetProperty("status").GetString();
            if (state is not ("Queued" or "Running"))
            {
                return (view, etag!);
            }

            Assert.True(DateTime.UtcNow < limit, $"The scenario is still {state} after three minutes.");
            await Task.Delay(100, Ct);
        }
    }

    private static Task<List<ScenarioAssignment>> RowsAsync(TestApp app, Guid id) =>
        app.WithDbAsync(db => db.ScenarioAssignments.AsNoTracking().Where(r => r.ScenarioId == id).OrderBy(r => r.AccountId).ToListAsync(Ct));

    [Theory, BothDatabases]
    public async Task A_scenario_runs_in_the_background_proposes_an_alignment_that_keeps_its_locks_and_compares_and_exports_it(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await SeedAsync(app);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var o = app.Org;
        var locked = AccountId(app, "R3-1");
        var lockedTerritory = o.TerritoryOf[o.Rep2.Id].Id;

        var id = await CreateAsync(leader, new
        {
            name = "Balance the south",
            potentialTolerancePercent = 25,
            workloadTolerancePercent = 50,
            lockedAccountIds = new[] { locked },
            lockedTerritoryIds = new[] { lockedTerritory },
        });
        var (view, _) = await RunToEndAsync(leader, id);

        Assert.True(view.GetProperty("status").GetString() == "Proposed", view.ToString());
        var outcome = view.GetProperty("outcome");
        Assert.True(outcome.GetProperty("accountsMoved").GetInt32() > 0, view.ToString());
        Assert.Equal("Nowhere Ltd", Assert.Single(view.GetProperty("notPlaced").EnumerateArray()).GetProperty("name").GetString());
        var rows = await RowsAsync(app, id);
        Assert.Equal(o.TerritoryOf[o.Rep3.Id].Id, rows.Single(r => r.AccountId == locked).TerritoryId);
        Assert.All(rows.Where(r => r.BaseTerritoryId == lockedTerritory || r.TerritoryId == lockedTerritory),
            r => Assert.Equal(r.BaseTerritoryId, r.TerritoryId));
        var nowhere = await app.WithDbAsync(d => d.Accounts.Where(a => a.ExternalId == "S-X").Select(a => a.Id).SingleAsync(Ct));
        Assert.Equal(rows.Single(r => r.AccountId == nowhere).BaseTerritoryId, rows.Single(r => r.AccountId == nowhere).TerritoryId);
        // Nothing moved in the live alignment until the scenario is applied.
        Assert.Equal(0, await app.WithDbAsync(d => d.AccountAssignments.CountAsync(Ct)));

        var (status, comparison, _) = await SendAsync(leader, HttpMethod.Get, $"{Api}/{id}/compare");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, comparison.GetProperty("territories").GetArrayLength());
        Assert.Equal(outcome.GetProperty("accountsMoved").GetInt32(), comparison.GetProperty("accountsMoved").GetInt32());
        Assert.True(comparison.GetProperty("scenario").GetProperty("potentialMaxDeviationPercent").GetDouble()
            < comparison.GetProperty("current").GetProperty("potentialMaxDeviationPercent").GetDouble());
        // Moved in and out count the accounts that change territory; Theta Unassigned, which had none, is placed, not moved (ADR 0045).
        var territories = comparison.GetProperty("territories").EnumerateArray().ToList();
        Assert.Equal(comparison.GetProperty("accountsMoved").GetInt32(), territories.Sum(t => t.GetProperty("movedOut").GetInt32()));
        Assert.Equal(comparison.GetProperty("accountsMoved").GetInt32(), territories.Sum(t => t.GetProperty("movedIn").GetInt32()));
        Assert.Equal(comparison.GetProperty("accountsPlaced").GetInt32(), territories.Sum(t => t.GetProperty("placed").GetInt32()));
        Assert.Equal(view.GetProperty("accountsPlaced").GetInt32(), comparison.GetProperty("accountsPlaced").GetInt32());

        var csv = Encoding.UTF8.GetString(await leader.GetByteArrayAsync($"{Api}/{id}/compare.csv", Ct)).TrimStart('\uFEFF');
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Territory,Rep,Locked,Potential now,Potential scenario", lines[0], StringComparison.Ordinal);
        Assert.Equal(4, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("Rep Two's territory,Rep Two,yes,135000", StringComparison.Ordinal));
        var totals = Encoding.UTF8.GetString(await leader.GetByteArrayAsync($"{Api}/{id}/compare.csv?table=totals", Ct));
        Assert.Contains("Accounts moved", totals, StringComparison.Ordinal);

        using var xlsx = await leader.GetAsync($"{Api}/{id}/compare.xlsx", Ct);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType?.MediaType);
        using var stream = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync(Ct));
        var sheet = stream.Query(useHeaderRow: true, sheetName: "territories").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(3, sheet.Count);
        Assert.Equal(135_000m, Convert.ToDecimal(sheet.Single(r => (string?)r["Territory"] == "Rep Two's territory")["Potential scenario"],
            System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory, BothDatabases]
    public async Task An_infeasible_tolerance_is_reported_with_its_reasons_and_the_closest_balance_reached(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        // Zeta Bank alone holds 200,000 of 525,000: no territory of three can be within 0.1% of the mean.
        var id = await CreateAsync(leader, new { name = "Too tight", potentialTolerancePercent = 0.1, workloadTolerancePercent = 0.1 });

        var (view, _) = await RunToEndAsync(leader, id);

        Assert.True(view.GetProperty("status").GetString() == "Proposed", view.ToString());
        var outcome = view.GetProperty("outcome");
        Assert.Equal("Infeasible", outcome.GetProperty("solverStatus").GetString());
        Assert.False(outcome.GetProperty("withinTolerance").GetBoolean());
        Assert.NotEmpty(outcome.GetProperty("reasons").EnumerateArray());
        Assert.True(outcome.GetProperty("potentialMaxDeviationPercent").GetDouble() > 0.1);
    }

    [Theory, BothDatabases]
    public async Task Applying_a_hand_edited_scenario_moves_its_accounts_through_audited_assignments_and_tells_the_reps(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var o = app.Org;
        var id = await CreateAsync(leader, new { name = "By hand" });
        var account = AccountId(app, "R1-1");
        var target = o.TerritoryOf[o.Rep3.Id].Id;

        var (edited, view, etag) = await SendAsync(leader, HttpMethod.Post, $"{Api}/{id}/edits", new { accountIds = new[] { account }, territoryId = target });
        Assert.True(edited == HttpStatusCode.OK, view.ToString());
        Assert.Equal(1, view.GetProperty("accountsMoved").GetInt32());

        var (noIfMatch, _, _) = await SendAsync(leader, HttpMethod.Post, $"{Api}/{id}/apply", new { effectiveFrom = "2026-11-26" });
        Assert.Equal((HttpStatusCode)428, noIfMatch);
        var (stale, _, _) = await SendAsync(leader, HttpMethod.Post, $"{Api}/{id}/apply", new { effectiveFrom = "2026-11-26" }, $"\"{Guid.NewGuid():N}\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale);

        var (applied, result, _) = await SendAsync(leader, HttpMethod.Post, $"{Api}/{id}/apply", new { effectiveFrom = "2026-11-26" }, etag);

        Assert.True(applied == HttpStatusCode.OK, result.ToString());
        Assert.Equal(1, result.GetProperty("moved").GetInt32());
        var state = await app.WithDbAsync(async d => new
        {
            Account = await d.Accounts.AsNoTracking().SingleAsync(a => a.Id == account, Ct),
            Moves = await d.AccountAssignments.AsNoTracking().ToListAsync(Ct),
            Audit = await d.AuditEntries.AsNoTracking().Where(e => e.EntityType == "TerritoryScenario").Select(e => e.Action).ToListAsync(Ct),
            Told = await d.Notifications.AsNoTracking().Where(n => n.Key.StartsWith("book:")).Select(n => n.UserId).ToListAsync(Ct),
            Scenario = await d.TerritoryScenarios.AsNoTracking().SingleAsync(s => s.Id == id, Ct),
        });
        Assert.Equal((o.Rep3.Id, (Guid?)target), (state.Account.OwnerId!.Value, state.Account.TerritoryId));
        Assert.Equal(AssignmentSource.Scenario, Assert.Single(state.Moves).Source);
        Assert.Contains("territory-scenario.applied", state.Audit);
        Assert.Equal(new[] { o.Rep1.Id, o.Rep3.Id }.Order(), state.Told.Order());
        Assert.Equal(ScenarioStatus.Applied, state.Scenario.Status);
        Assert.Equal(new DateOnly(2026, 11, 26), state.Scenario.AppliedFrom);

        var (again, _, _) = await SendAsync(leader, HttpMethod.Post, $"{Api}/{id}/run");
        Assert.Equal(HttpStatusCode.Conflict, again);
    }

    [Theory, BothDatabases]
    public async Task A_scenario_whose_alignment_changed_since_is_refused_until_it_is_refreshed(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var o = app.Org;
        var id = await CreateAsync(leader, new { name = "Stale", lockedAccountIds = new[] { AccountId(app, "R2-2") } });
        await SendAsync(leader, HttpMethod.Post, $"{Api}/{id}/edits", new { accountIds = new[] { AccountId(app, "R1-1") }, territoryId = o.TerritoryOf[o.Rep3.Id].Id });
        // Someone moves another account of the organisation meanwhile.
        var (moved, _, _) = await SendAsync(leader, HttpMethod.Post, "/api/v1/accounts/assignments",
            new { accountIds = new[] { AccountId(app, "UN-1") }, territoryId = o.TerritoryOf[o.Rep2.Id].Id });
        Assert.Equal(HttpStatusCode.OK, moved);
        var (_, _, etag) = await SendAsync(leader, HttpMethod.Get, $"{Api}/{id}");

        var (refused, problem, _) = await SendAsync(leader, HttpMethod.Post, $"{Api}/{id}/apply", new { }, etag);

        Assert.Equal(HttpStatusCode.Conflict, refused);
        Assert.Contains("The alignment has changed since this scenario was made; refresh it.", problem.ToString(), StringComparison.Ordinal);
        Assert.Equal(o.Rep1.Id, await app.WithDbAsync(d => d.Accounts.Where(a => a.Id == AccountId(app, "R1-1")).Select(a => a.OwnerId).SingleAsync(Ct)));

        var (refreshed, view, _) = await SendAsync(leader, HttpMethod.Post, $"{Api}/{id}/refresh");
        Assert.True(refreshed == HttpStatusCode.Accepted, view.ToString());
        var (after, freshTag) = await RunToEndAsync(leader, id, queue: false);
        Assert.Equal("Proposed", after.GetProperty("status").GetString());
        // The lock survived the refresh; the account moved meanwhile is part of the new base.
        Assert.Contains(AccountId(app, "R2-2"), after.GetProperty("lockedAccountIds").EnumerateArray().Select(e => e.GetGuid()));
        var rows = await RowsAsync(app, id);
        Assert.Equal(o.TerritoryOf[o.Rep2.Id].Id, rows.Single(r => r.AccountId == AccountId(app, "UN-1")).BaseTerritoryId);

        var (applied, result, _) = await SendAsync(leader, HttpMethod.Post, $"{Api}/{id}/apply", new { }, freshTag);
        Assert.True(applied == HttpStatusCode.OK, result.ToString());
    }

    [Theory, BothDatabases]
    public async Task Apply_is_all_or_nothing_when_a_part_fails_midway(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var o = app.Org;
        var id = await CreateAsync(leader, new { name = "Half" });
        await SendAsync(leader, HttpMethod.Post, $"{Api}/{id}/edits", new { accountIds = new[] { AccountId(app, "R1-1") }, territoryId = o.TerritoryOf[o.Rep3.Id].Id });
        var (_, _, etag) = await SendAsync(leader, HttpMethod.Post, $"{Api}/{id}/edits",
            new { accountIds = new[] { AccountId(app, "R3-2") }, territoryId = o.TerritoryOf[o.Rep2.Id].Id });
        var failing = new FailsOnTheSecondMoveBatch();
        await using var broken = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.ConfigureDbContext<AppDbContext>(x => x.AddInterceptors(failing))));
        var client = broken.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = leader.DefaultRequestHeaders.Authorization;

        var (status, _, _) = await SendAsync(client, HttpMethod.Post, $"{Api}/{id}/apply", new { }, etag);

        Assert.True(failing.Failed, "the failure was not staged");
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        var state = await app.WithDbAsync(async d => new
        {
            Owners = await d.Accounts.AsNoTracking().Where(a => a.ExternalId == "R1-1" || a.ExternalId == "R3-2").OrderBy(a => a.ExternalId).Select(a => a.OwnerId).ToListAsync(Ct),
            Moves = await d.AccountAssignments.CountAsync(Ct),
            Audit = await d.AuditEntries.CountAsync(e => e.Action == "account.assigned" || e.Action == "territory-scenario.applied", Ct),
            Told = await d.Notifications.CountAsync(n => n.Key.StartsWith("book:"), Ct),
            Scenario = await d.TerritoryScenarios.AsNoTracking().SingleAsync(s => s.Id == id, Ct),
        });
        Assert.Equal(new Guid?[] { o.Rep1.Id, o.Rep3.Id }, state.Owners);
        Assert.Equal((0, 0, 0), (state.Moves, state.Audit, state.Told));
        Assert.Equal(ScenarioStatus.Draft, state.Scenario.Status);

        // Without the failure, the same request applies both moves.
        var (applied, result, _) = await SendAsync(leader, HttpMethod.Post, $"{Api}/{id}/apply", new { }, etag);
        Assert.True(applied == HttpStatusCode.OK, result.ToString());
        Assert.Equal(2, result.GetProperty("moved").GetInt32());
    }

    [Theory, BothDatabases]
    public async Task A_locked_territory_takes_no_hand_moves_and_bad_settings_are_refused_naming_the_field(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var o = app.Org;

        var (tight, tightBody, _) = await SendAsync(leader, HttpMethod.Post, Api, new { name = "Bad", potentialTolerancePercent = 0 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tight);
        Assert.True(tightBody.GetProperty("errors").TryGetProperty("potentialTolerancePercent", out _), tightBody.ToString());
        var (region, regionBody, _) = await SendAsync(leader, HttpMethod.Post, Api, new { name = "Bad", scope = "Region" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, region);
        Assert.True(regionBody.GetProperty("errors").TryGetProperty("region", out _), regionBody.ToString());
        var (weights, weightsBody, _) = await SendAsync(leader, HttpMethod.Post, Api, new { name = "Bad", workload = "SegmentWeights", segmentWeights = "Enterprise=lots" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, weights);
        Assert.True(weightsBody.GetProperty("errors").TryGetProperty("segmentWeights", out _), weightsBody.ToString());

        var id = await CreateAsync(leader, new { name = "Locked", lockedTerritoryIds = new[] { o.TerritoryOf[o.Rep3.Id].Id } });
        var (refused, body, _) = await SendAsync(leader, HttpMethod.Post, $"{Api}/{id}/edits",
            new { accountIds = new[] { AccountId(app, "R1-1") }, territoryId = o.TerritoryOf[o.Rep3.Id].Id });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused);
        Assert.True(body.GetProperty("errors").TryGetProperty("territoryId", out _), body.ToString());
    }

    [Theory, BothDatabases]
    public async Task The_pages_make_a_scenario_show_its_comparison_and_refuse_a_stale_apply(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var browser = await app.BrowserAsAsync("leader@test.terrain");
        var token = await TestApp.AntiforgeryTokenAsync(browser, "/TerritoryDesign/Scenarios");
        using var made = await browser.PostAsync("/TerritoryDesign/Scenarios", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Form.Name"] = "From the page",
            ["Form.Scope"] = "Organisation",
            ["Form.PotentialTolerancePercent"] = "5",
            ["Form.WorkloadTolerancePercent"] = "5",
            ["Form.Workload"] = "AccountCount",
            ["Form.Centres"] = "Floating",
            ["Form.RunNow"] = "false",
            ["__RequestVerificationToken"] = token,
        }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, made.StatusCode);
        var path = made.Headers.Location!.OriginalString;

        var page = await browser.GetStringAsync(path, Ct);
        Assert.Contains("Now and in the scenario", page, StringComparison.Ordinal);
        Assert.Contains("Rep Three&#x27;s territory", page, StringComparison.Ordinal);

        var leader = await app.ApiAsAsync("leader@test.terrain");
        await SendAsync(leader, HttpMethod.Post, "/api/v1/accounts/assignments",
            new { accountIds = new[] { AccountId(app, "UN-1") }, territoryId = app.Org.TerritoryOf[app.Org.Rep2.Id].Id });
        var version = System.Text.RegularExpressions.Regex.Match(page, "name=\"Version\" value=\"([0-9a-f]{32})\"").Groups[1].Value;
        token = await TestApp.AntiforgeryTokenAsync(browser, path);
        using var apply = await browser.PostAsync($"{path}?handler=Apply", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Version"] = version,
            ["EffectiveFrom"] = "2026-11-26",
            ["__RequestVerificationToken"] = token,
        }), Ct);
        var html = await apply.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.Conflict, apply.StatusCode);
        Assert.Contains("The alignment has changed since this scenario was made; refresh it.", html, StringComparison.Ordinal);
        Assert.Contains("Refresh the scenario", html, StringComparison.Ordinal);
    }

    /// <summary>Fails the second batch of account moves, after the first has been written in the same transaction.</summary>
    private sealed class FailsOnTheSecondMoveBatch : DbCommandInterceptor
    {
        private int _batches;

        public bool Failed { get; private set; }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Check(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            Check(command);
            return ValueTask.FromResult(result);
        }

        private void Check(DbCommand command)
        {
            if (command.CommandText.Contains("INSERT INTO \"AccountAssignments\"", StringComparison.Ordinal) && ++_batches == 2)
            {
                Failed = true;
                throw new InvalidOperationException("Staged failure of the second batch of moves.");
            }
        }
    }
}
