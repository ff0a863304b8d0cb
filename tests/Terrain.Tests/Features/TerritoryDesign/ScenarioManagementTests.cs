using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using Terrain.Domain;
using Terrain.Domain.TerritoryDesign;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.TerritoryDesign;

/// <summary>
/// The second half of territory scenarios (ADR 0045): moved and placed counted one way everywhere, deleting, managers
/// reading their own team's scenarios, two scenarios compared with each other, and the output enums as closed lists.
/// </summary>
public sealed class ScenarioManagementTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Api = "/api/v1/territory-scenarios";

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

    private static async Task<(Guid Id, string ETag)> CreateAsync(HttpClient client, object input)
    {
        var (status, body, etag) = await SendAsync(client, HttpMethod.Post, Api, input);
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        return (body.GetProperty("id").GetGuid(), etag!);
    }

    /// <summary>Moves R1-1 to rep three's territory and places Theta Unassigned in rep two's, by hand.</summary>
    private static async Task<string> MoveOneAndPlaceOneAsync(TestApp app, HttpClient leader, Guid id)
    {
        var o = app.Org;
        var (moved, view, _) = await SendAsync(leader, HttpMethod.Post, $"{Api}/{id}/edits",
            new { accountIds = new[] { AccountId(app, "R1-1") }, territoryId = o.TerritoryOf[o.Rep3.Id].Id });
        Assert.True(moved == HttpStatusCode.OK, view.ToString());
        var (placed, after, etag) = await SendAsync(leader, HttpMethod.Post, $"{Api}/{id}/edits",
            new { accountIds = new[] { AccountId(app, "UN-1") }, territoryId = o.TerritoryOf[o.Rep2.Id].Id });
        Assert.True(placed == HttpStatusCode.OK, after.ToString());
        return etag!;
    }

    [Theory, BothDatabases]
    public async Task An_account_that_had_no_territory_is_placed_not_moved_in_the_scenario_its_comparison_the_page_and_the_exports(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var (id, _) = await CreateAsync(leader, new { name = "Moved and placed" });
        await MoveOneAndPlaceOneAsync(app, leader, id);

        var (_, view, _) = await SendAsync(leader, HttpMethod.Get, $"{Api}/{id}");
        Assert.Equal(1, view.GetProperty("accountsMoved").GetInt32());
        Assert.Equal(1, view.GetProperty("accountsPlaced").GetInt32());
        var (_, comparison, _) = await SendAsync(leader, HttpMethod.Get, $"{Api}/{id}/compare");
        Assert.Equal(1, comparison.GetProperty("accountsMoved").GetInt32());
        Assert.Equal(1, comparison.GetProperty("accountsPlaced").GetInt32());
        var territories = comparison.GetProperty("territories").EnumerateArray().ToList();
        Assert.Equal(1, territories.Sum(t => t.GetProperty("movedIn").GetInt32()));
        Assert.Equal(1, territories.Sum(t => t.GetProperty("movedOut").GetInt32()));
        Assert.Equal(1, territories.Single(t => t.GetProperty("id").GetGuid() == app.Org.TerritoryOf[app.Org.Rep2.Id].Id).GetProperty("placed").GetInt32());

        var totals = Encoding.UTF8.GetString(await leader.GetByteArrayAsync($"{Api}/{id}/compare.csv?table=totals", Ct));
        Assert.Contains("Accounts moved (from one territory to another),0,1", totals, StringComparison.Ordinal);
        Assert.Contains("Accounts placed (from no territory into one),0,1", totals, StringComparison.Ordinal);
        var csv = Encoding.UTF8.GetString(await leader.GetByteArrayAsync($"{Api}/{id}/compare.csv", Ct));
        Assert.Contains(",Moved in,Moved out,Placed,", csv, StringComparison.Ordinal);

        var browser = await app.BrowserAsAsync("leader@test.terrain");
        var page = await browser.GetStringAsync($"/TerritoryDesign/Scenarios/{id}", Ct);
        Assert.Contains("Accounts placed from no territory into one</th><td class=\"num\">0</td><td class=\"num\">1</td>", page, StringComparison.Ordinal);
        Assert.Contains("Applying moves the 1 account(s) the scenario moves and places the 1 it places", page, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task A_scenario_is_deleted_with_its_rows_and_audited_only_with_its_current_version(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var (id, etag) = await CreateAsync(leader, new { name = "To delete" });

        Assert.Equal(HttpStatusCode.PreconditionRequired, (await SendAsync(leader, HttpMethod.Delete, $"{Api}/{id}")).Status);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await SendAsync(leader, HttpMethod.Delete, $"{Api}/{id}", ifMatch: $"\"{Guid.NewGuid():N}\"")).Status);
        var (deleted, body, _) = await SendAsync(leader, HttpMethod.Delete, $"{Api}/{id}", ifMatch: etag);
        Assert.True(deleted == HttpStatusCode.NoContent, body.ToString());

        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(leader, HttpMethod.Get, $"{Api}/{id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(leader, HttpMethod.Delete, $"{Api}/{id}", ifMatch: etag)).Status);
        var state = await app.WithDbAsync(async d => new
        {
            Rows = await d.ScenarioAssignments.CountAsync(r => r.ScenarioId == id, Ct),
            Territories = await d.ScenarioTerritories.CountAsync(r => r.ScenarioId == id, Ct),
            Audit = await d.AuditEntries.AsNoTracking().Where(e => e.EntityId == id.ToString() && e.Action == "territory-scenario.deleted").ToListAsync(Ct),
        });
        Assert.Equal(0, state.Rows);
        Assert.Equal(0, state.Territories);
        Assert.Contains("To delete", Assert.Single(state.Audit).Details, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task An_applied_scenario_can_be_deleted_and_its_moves_stay(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var (id, _) = await CreateAsync(leader, new { name = "Applied then deleted" });
        var etag = await MoveOneAndPlaceOneAsync(app, leader, id);
        var (applied, body, _) = await SendAsync(leader, HttpMethod.Post, $"{Api}/{id}/apply", new { effectiveFrom = (string?)null }, etag);
        Assert.True(applied == HttpStatusCode.OK, body.ToString());
        var (_, view, appliedEtag) = await SendAsync(leader, HttpMethod.Get, $"{Api}/{id}");
        Assert.Equal("Applied", view.GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(leader, HttpMethod.Delete, $"{Api}/{id}", ifMatch: appliedEtag)).Status);

        var territory = await app.WithDbAsync(d => d.Accounts.Where(a => a.ExternalId == "R1-1").Select(a => a.TerritoryId).SingleAsync(Ct));
        Assert.Equal(app.Org.TerritoryOf[app.Org.Rep3.Id].Id, territory);
        Assert.Equal(2, await app.WithDbAsync(d => d.AccountAssignments.CountAsync(Ct)));
    }

    [Fact]
    public void A_queued_or_running_scenario_cannot_be_deleted()
    {
        var now = DateTimeOffset.Parse("2026-12-01T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var scenario = TerritoryScenario.Create("Busy", ScenarioScope.Organisation, null, null,
            new ScenarioGoals(0.05, 0.05, WorkloadMeasure.AccountCount, "", true, true, ScenarioCentres.Floating), Guid.NewGuid(), "hash", now);
        scenario.EnsureDeletable();
        scenario.Queue(now);

        var refusal = Assert.Throws<InvalidStateException>(scenario.EnsureDeletable);
        Assert.Contains("cancel the run", refusal.Message, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task A_manager_reads_their_own_teams_scenarios_and_changes_none(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var o = app.Org;
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var (team, teamEtag) = await CreateAsync(leader, new { name = "Manager one's team", scope = "Team", managerId = o.Manager1.Id });
        var (org, _) = await CreateAsync(leader, new { name = "Whole organisation" });
        var manager = await app.ApiAsAsync("manager1@test.terrain");

        var (listed, list, _) = await SendAsync(manager, HttpMethod.Get, Api);
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Equal([team], list.EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(manager, HttpMethod.Get, $"{Api}/{team}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(manager, HttpMethod.Get, $"{Api}/{team}/compare")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(manager, HttpMethod.Get, $"{Api}/{org}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(manager, HttpMethod.Get, $"{Api}/{org}/compare")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(manager, HttpMethod.Get, $"{Api}/{team}/compare/{org}")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(manager, HttpMethod.Post, $"{Api}/{team}/run")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(manager, HttpMethod.Post, $"{Api}/{team}/edits",
            new { accountIds = new[] { AccountId(app, "R1-1") }, territoryId = o.TerritoryOf[o.Rep2.Id].Id })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(manager, HttpMethod.Post, $"{Api}/{team}/apply", new { }, teamEtag)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(manager, HttpMethod.Delete, $"{Api}/{team}", ifMatch: teamEtag)).Status);

        var other = await app.ApiAsAsync("manager2@test.terrain");
        Assert.Equal(0, (await SendAsync(other, HttpMethod.Get, Api)).Body.GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(other, HttpMethod.Get, $"{Api}/{team}")).Status);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(rep, HttpMethod.Get, $"{Api}/{team}")).Status);
        var repHome = await (await app.BrowserAsAsync("rep1@test.terrain")).GetStringAsync("/", Ct);
        Assert.DoesNotContain("/TerritoryDesign/Scenarios", repHome, StringComparison.Ordinal);

        var browser = await app.BrowserAsAsync("manager1@test.terrain");
        var page = await browser.GetStringAsync($"/TerritoryDesign/Scenarios/{team}", Ct);
        Assert.Contains("Manager one&#x27;s team", page, StringComparison.Ordinal);
        Assert.Contains("Now and in the scenario", page, StringComparison.Ordinal);
        foreach (var control in new[] { "Run the optimizer", "Refresh from the current alignment", "Apply the scenario", "Delete the scenario", "Edit by hand" })
        {
            Assert.DoesNotContain(control, page, StringComparison.Ordinal);
        }

        var index = await browser.GetStringAsync("/TerritoryDesign/Scenarios", Ct);
        Assert.Contains("<a href=\"/TerritoryDesign/Scenarios\" aria-current=\"page\">Scenarios</a>", index, StringComparison.Ordinal);
        Assert.DoesNotContain("Make the scenario", index, StringComparison.Ordinal);
        Assert.DoesNotContain("Whole organisation", index, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/TerritoryDesign/Scenarios/{org}", Ct)).StatusCode);
        var token = await TestApp.AntiforgeryTokenAsync(browser, "/Auth/Logout");
        using var run = await browser.PostAsync($"/TerritoryDesign/Scenarios/{team}?handler=Run",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, run.StatusCode);
        Assert.StartsWith("/Auth/Denied", run.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task Two_scenarios_are_compared_per_territory_and_in_total_and_exported(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var o = app.Org;
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var (a, _) = await CreateAsync(leader, new { name = "As it is" });
        var (b, _) = await CreateAsync(leader, new { name = "Redrawn by hand" });
        await MoveOneAndPlaceOneAsync(app, leader, b);

        var (status, pair, _) = await SendAsync(leader, HttpMethod.Get, $"{Api}/{a}/compare/{b}");
        Assert.True(status == HttpStatusCode.OK, pair.ToString());
        Assert.Equal("As it is", pair.GetProperty("a").GetProperty("name").GetString());
        Assert.Equal(0, pair.GetProperty("a").GetProperty("accountsMoved").GetInt32());
        Assert.Equal(1, pair.GetProperty("b").GetProperty("accountsMoved").GetInt32());
        Assert.Equal(1, pair.GetProperty("b").GetProperty("accountsPlaced").GetInt32());
        Assert.Equal("Draft", pair.GetProperty("b").GetProperty("status").GetString());
        var territories = pair.GetProperty("territories").EnumerateArray().ToList();
        Assert.Equal(3, territories.Count);
        var three = territories.Single(t => t.GetProperty("id").GetGuid() == o.TerritoryOf[o.Rep3.Id].Id);
        Assert.Equal(210_000m, three.GetProperty("a").GetProperty("potential").GetDecimal());
        Assert.Equal(310_000m, three.GetProperty("b").GetProperty("potential").GetDecimal());
        Assert.Equal(1, three.GetProperty("b").GetProperty("movedIn").GetInt32());

        var csv = Encoding.UTF8.GetString(await leader.GetByteArrayAsync($"{Api}/{a}/compare/{b}.csv", Ct)).TrimStart('\uFEFF');
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Territory,Rep,Potential A,Workload A,Accounts A", lines[0], StringComparison.Ordinal);
        Assert.Equal(4, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("Rep Three's territory,Rep Three,210000,", StringComparison.Ordinal) && l.Contains(",310000,", StringComparison.Ordinal));
        var totals = Encoding.UTF8.GetString(await leader.GetByteArrayAsync($"{Api}/{a}/compare/{b}.csv?table=totals", Ct));
        Assert.Contains("Accounts placed (from no territory into one),0,1", totals, StringComparison.Ordinal);
        using var xlsx = await leader.GetAsync($"{Api}/{a}/compare/{b}.xlsx", Ct);
        using var stream = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(["territories", "totals"], stream.GetSheetNames());
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(leader, HttpMethod.Get, $"{Api}/{a}/compare/{Guid.NewGuid()}")).Status);

        var browser = await app.BrowserAsAsync("leader@test.terrain");
        var page = await browser.GetStringAsync($"/TerritoryDesign/Scenarios/Compare?a={a}&b={b}", Ct);
        Assert.Contains("Redrawn by hand", page, StringComparison.Ordinal);
        Assert.Contains("Per territory, A beside B", page, StringComparison.Ordinal);
        var export = await browser.GetByteArrayAsync($"/TerritoryDesign/Scenarios/Compare?handler=Export&format=csv&table=totals&a={a}&b={b}", Ct);
        Assert.Contains("Accounts moved (from one territory to another),0,1", Encoding.UTF8.GetString(export), StringComparison.Ordinal);
        var scenarioPage = await browser.GetStringAsync($"/TerritoryDesign/Scenarios/{a}", Ct);
        Assert.Contains("Compare with another scenario", scenarioPage, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task The_map_shows_a_scenarios_proposed_alignment_read_only_to_those_who_may_read_it(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var o = app.Org;
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var (id, _) = await CreateAsync(leader, new { name = "On the map" });
        await MoveOneAndPlaceOneAsync(app, leader, id);
        var browser = await app.BrowserAsAsync("leader@test.terrain");

        var page = await browser.GetStringAsync($"/Territory/Map?scenario={id}", Ct);
        Assert.Contains("accounts coloured by the territory it proposes, read-only", page, StringComparison.Ordinal);
        Assert.DoesNotContain("data-move-form", page, StringComparison.Ordinal);
        Assert.Contains($"scenario={id}", page, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await browser.GetStringAsync($"/Territory/Map?handler=Points&scenario={id}", Ct));
        var territories = json.RootElement.GetProperty("territories").EnumerateArray().ToList();
        var three = territories.Single(t => t.GetProperty("territoryId").GetString() == o.TerritoryOf[o.Rep3.Id].Id.ToString());
        Assert.Equal(3, three.GetProperty("accounts").GetInt32());
        Assert.Equal(310_000m, three.GetProperty("potential").GetDecimal());
        Assert.DoesNotContain(territories, t => t.GetProperty("name").GetString() == "Unassigned");
        var alpha = json.RootElement.GetProperty("accounts").EnumerateArray().Single(a => a[1].GetString() == "Alpha Manufacturing");
        Assert.Equal(three.GetProperty("colour").GetInt32(), alpha[5].GetInt32());
        // The live map is unchanged.
        using var live = JsonDocument.Parse(await browser.GetStringAsync("/Territory/Map?handler=Points", Ct));
        Assert.Contains(live.RootElement.GetProperty("territories").EnumerateArray(), t => t.GetProperty("name").GetString() == "Unassigned");

        var manager = await app.BrowserAsAsync("manager2@test.terrain");
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/Territory/Map?scenario={id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/Territory/Map?handler=Points&scenario={id}", Ct)).StatusCode);
    }

    [Fact]
    public async Task The_scenario_outputs_name_their_closed_lists_in_the_openapi_document()
    {
        var app = await TestApp.StartAsync(Db.Sqlite);
        var client = await app.ApiAsAsync("rep1@test.terrain");
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json", Ct)).RootElement;
        var schemas = document.GetProperty("components").GetProperty("schemas");

        static string? Ref(JsonElement property) =>
            property.TryGetProperty("$ref", out var r) ? r.GetString()!.Split('/')[^1]
            : property.TryGetProperty("oneOf", out var options) ? options.EnumerateArray().Select(Ref).SingleOrDefault(x => x is not null)
            : null;
        foreach (var (schema, property, list) in new[]
        {
            ("ScenarioView", "status", "ScenarioStatus"), ("ScenarioView", "scope", "ScenarioScope"), ("ScenarioView", "workload", "WorkloadMeasure"),
            ("ScenarioView", "centres", "ScenarioCentres"), ("ScenarioSummary", "status", "ScenarioStatus"), ("ScenarioSummary", "scope", "ScenarioScope"),
            ("ScenarioSide", "status", "ScenarioStatus"), ("ScenarioInput", "scope", "ScenarioScope"),
        })
        {
            Assert.True(list == Ref(schemas.GetProperty(schema).GetProperty("properties").GetProperty(property)), $"{schema}.{property}");
        }

        Assert.Equal(Enum.GetNames<ScenarioStatus>(), schemas.GetProperty("ScenarioStatus").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("string", schemas.GetProperty("ScenarioStatus").GetProperty("type").GetString());
    }
}
