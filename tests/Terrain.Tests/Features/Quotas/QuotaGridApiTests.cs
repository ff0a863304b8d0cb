using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Planning;
using Terrain.Features.Quotas;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Quotas;

/// <summary>The quota grid through the API: one batch, one transaction, a version per row, CSV in and out, history (ADR 0034).</summary>
public sealed class QuotaGridApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Grid(TestApp app) => $"/api/v1/cycles/{app.Org.Cycle.Id}/quotas";

    private static object Row(Guid rep, int? version, decimal q1, decimal q2, decimal q3, decimal q4) =>
        new { repId = rep, version, q1, q2, q3, q4 };

    private static Task<List<decimal>> StoredAsync(TestApp app, Guid rep) => app.WithDbAsync(db =>
        db.Quotas.Where(q => q.CycleId == app.Org.Cycle.Id && q.RepId == rep).OrderBy(q => q.Quarter).Select(q => q.Amount).ToListAsync(Ct));

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    [Theory, BothDatabases]
    public async Task A_batch_saves_every_row_at_once_and_bumps_each_version(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");

        var saved = await leader.PutAsJsonAsync(Grid(app), new
        {
            rows = new[] { Row(app.Org.Rep1.Id, 0, 10, 20, 30, 40), Row(app.Org.Rep3.Id, 0, 1, 1, 1, 1) },
            reason = "FY2027 kickoff",
        }, Ct);
        var view = await JsonAsync(saved);

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal([10m, 20m, 30m, 40m], await StoredAsync(app, app.Org.Rep1.Id));
        Assert.Equal([1m, 1m, 1m, 1m], await StoredAsync(app, app.Org.Rep3.Id));
        var rows = view.GetProperty("rows").EnumerateArray().Where(r => !r.GetProperty("isTeam").GetBoolean()).ToDictionary(r => r.GetProperty("repName").GetString()!);
        Assert.Equal(1, rows["Rep One"].GetProperty("version").GetInt32());
        Assert.Equal(0, rows["Rep Two"].GetProperty("version").GetInt32());
        Assert.Equal([11m, 21m, 31m, 41m], view.GetProperty("quarterTotals").EnumerateArray().Select(t => t.GetDecimal()));
        Assert.Equal(104m, view.GetProperty("total").GetDecimal());
        Assert.Equal(2, await app.WithDbAsync(d => d.AuditEntries.CountAsync(e => e.Action == "quota.set", Ct)));
        Assert.Equal(8, await app.WithDbAsync(d => d.QuotaChanges.CountAsync(c => c.Source == QuotaSource.Api && c.Reason == "FY2027 kickoff", Ct)));
    }

    [Theory, BothDatabases]
    public async Task One_stale_row_saves_nothing_and_names_the_rows_that_changed(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        (await leader.PutAsJsonAsync(Grid(app), new { rows = new[] { Row(app.Org.Rep2.Id, 0, 5, 5, 5, 5) } }, Ct)).EnsureSuccessStatusCode();

        // The manager read Rep Two at version 0; the leader has since made it version 1.
        var stale = await manager.PutAsJsonAsync(Grid(app), new { rows = new[] { Row(app.Org.Rep1.Id, 0, 9, 9, 9, 9), Row(app.Org.Rep2.Id, 0, 7, 7, 7, 7) } }, Ct);
        var problem = await JsonAsync(stale);

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Empty(await StoredAsync(app, app.Org.Rep1.Id));
        Assert.Equal([5m, 5m, 5m, 5m], await StoredAsync(app, app.Org.Rep2.Id));
        var conflict = Assert.Single(problem.GetProperty("conflicts").EnumerateArray());
        Assert.Equal((1, "Rep Two", 1, "Test Leader"), (conflict.GetProperty("row").GetInt32(), conflict.GetProperty("repName").GetString(),
            conflict.GetProperty("currentVersion").GetInt32(), conflict.GetProperty("changedBy").GetString()));
    }

    [Theory, BothDatabases]
    public async Task Every_invalid_value_is_named_by_row_and_quarter_and_nothing_is_saved(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var manager = await app.ApiAsAsync("manager1@test.terrain");

        var refused = await manager.PutAsJsonAsync(Grid(app), new
        {
            rows = new object[]
            {
                Row(app.Org.Rep1.Id, 0, 1, 1, 1, 1),
                new { repId = app.Org.Rep2.Id, version = (int?)null, q1 = 1m, q2 = -3m, q3 = 0.001m, q4 = (decimal?)null },
            },
        }, Ct);
        var errors = (await JsonAsync(refused)).GetProperty("errors");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Equal(["rows[1].q2", "rows[1].q3", "rows[1].q4", "rows[1].version"], errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Rep Two, Q2: A quota cannot be negative (-3).", errors.GetProperty("rows[1].q2")[0].GetString());
        Assert.Equal("Rep Two, Q4: no quota given; use 0 for a quarter without one.", errors.GetProperty("rows[1].q4")[0].GetString());
        Assert.Empty(await StoredAsync(app, app.Org.Rep1.Id));
    }

    [Theory, BothDatabases]
    public async Task The_person_is_checked_before_the_input(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var body = new { rows = new[] { new { repId = app.Org.Rep3.Id, version = (int?)null, q1 = -1m } } };

        var otherTeam = await (await app.ApiAsAsync("manager1@test.terrain")).PutAsJsonAsync(Grid(app), body, Ct);
        var admin = await (await app.ApiAsAsync("admin@test.terrain")).PutAsJsonAsync(Grid(app), body, Ct);
        var rep = await (await app.ApiAsAsync("rep1@test.terrain")).PutAsJsonAsync(Grid(app), body, Ct);

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (otherTeam.StatusCode, admin.StatusCode, rep.StatusCode));
    }

    [Theory, BothDatabases]
    public async Task Quotas_go_out_as_csv_and_come_back_in_through_the_same_checks(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        (await leader.PutAsJsonAsync(Grid(app), new { rows = new[] { Row(app.Org.Rep1.Id, 0, 100, 100, 100, 100) } }, Ct)).EnsureSuccessStatusCode();

        var csv = await leader.GetStringAsync($"{Grid(app)}/csv", Ct);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("email,name,manager,q1,q2,q3,q4,version", lines[0]);
        Assert.Contains("rep1@test.terrain,Rep One,Manager One,100,100,100,100,1", lines);

        // Back in, edited: every row applied, recorded as a CSV change.
        var edited = "email,q1,q2,q3,q4,version\nrep1@test.terrain,\"$1,000\",100,100,100,1\nREP3@test.terrain,50,50,50,50,\n";
        var imported = await leader.PostAsync($"{Grid(app)}/import?reason=Board%20sign-off", new StringContent(edited, Encoding.UTF8, "text/csv"), Ct);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Equal([1000m, 100m, 100m, 100m], await StoredAsync(app, app.Org.Rep1.Id));
        Assert.Equal([50m, 50m, 50m, 50m], await StoredAsync(app, app.Org.Rep3.Id));
        var history = await leader.GetFromJsonAsync<JsonElement>($"{Grid(app)}/{app.Org.Rep1.Id}/history", Ct);
        var newest = history[0];
        Assert.Equal(("Csv", 1, 100m, 1000m, "Board sign-off"), (newest.GetProperty("source").GetString(), newest.GetProperty("quarter").GetInt32(),
            newest.GetProperty("old").GetDecimal(), newest.GetProperty("new").GetDecimal(), newest.GetProperty("reason").GetString()));

        // A bad row: nothing applied, each problem named by line and column.
        var bad = "email,q1,q2,q3,q4\nrep1@test.terrain,1,2,3,4\nnobody@test.terrain,1,1,1,1\nrep2@test.terrain,1,x,1,\n";
        var rejected = await leader.PostAsync($"{Grid(app)}/import", new StringContent(bad, Encoding.UTF8, "text/csv"), Ct);
        var problems = (await JsonAsync(rejected)).GetProperty("rejected").EnumerateArray()
            .Select(p => $"{p.GetProperty("line").GetInt32()}:{p.GetProperty("column").GetString()}").ToList();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        Assert.Equal(["3:email", "4:q2", "4:q4"], problems);
        Assert.Equal([1000m, 100m, 100m, 100m], await StoredAsync(app, app.Org.Rep1.Id));

        // A stale version (the file says 1, the quota is at 2): refused as a conflict, nothing applied.
        var stale = await leader.PostAsync($"{Grid(app)}/import", new StringContent("email,q1,q2,q3,q4,version\nrep1@test.terrain,7,7,7,7,1\n", Encoding.UTF8, "text/csv"), Ct);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal([1000m, 100m, 100m, 100m], await StoredAsync(app, app.Org.Rep1.Id));
    }

    [Theory, BothDatabases]
    public async Task A_reps_history_is_theirs_and_their_managers_to_read(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        (await leader.PutAsJsonAsync(Grid(app), new { rows = new[] { Row(app.Org.Rep1.Id, 0, 1, 2, 3, 4) } }, Ct)).EnsureSuccessStatusCode();
        (await leader.PutAsJsonAsync(Grid(app), new { rows = new[] { Row(app.Org.Rep1.Id, 1, 1, 2, 3, 5) } }, Ct)).EnsureSuccessStatusCode();

        var own = await (await app.ApiAsAsync("rep1@test.terrain")).GetFromJsonAsync<JsonElement>($"{Grid(app)}/{app.Org.Rep1.Id}/history", Ct);
        var other = await (await app.ApiAsAsync("manager2@test.terrain")).GetAsync($"{Grid(app)}/{app.Org.Rep1.Id}/history", Ct);

        Assert.Equal(["2:Q4 4→5", "1:Q1 →1", "1:Q2 →2", "1:Q3 →3", "1:Q4 →4"], own.EnumerateArray().Select(e =>
            $"{e.GetProperty("version").GetInt32()}:Q{e.GetProperty("quarter").GetInt32()} {(e.GetProperty("old").ValueKind == JsonValueKind.Null ? "" : e.GetProperty("old").GetDecimal().ToString(System.Globalization.CultureInfo.InvariantCulture))}→{e.GetProperty("new").GetDecimal()}"));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public void Amounts_are_read_plain_or_as_displayed_and_said_briefly()
    {
        Assert.Equal(1_200_000.5m, QuotaCsv.ParseAmount("$1,200,000.50"));
        Assert.Equal(1_200_000m, QuotaCsv.ParseAmount(" 1 200 000 "));
        Assert.Equal(1_500m, QuotaCsv.ParseAmount("USD1500"));
        Assert.Equal(-5m, QuotaCsv.ParseAmount("-5"));
        Assert.Null(QuotaCsv.ParseAmount("abc"));
        Assert.Null(QuotaCsv.ParseAmount("  "));
        Assert.Equal(["23.8M", "4.2M", "850K", "9,999"], new[] { 23_800_000m, 4_200_000m, 850_000m, 9_999m }.Select(QuotaGrid.Compact));
    }
}
