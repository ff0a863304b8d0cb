using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Terrain.Features.Imports;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Planning;

/// <summary>
/// Whoever becomes an active rep while FY2027 is open gets a plan with deadlines of their own; whoever leaves has it
/// closed (ADR 0030). FY2027's kickoff was 23 Nov 2026, its draft due 7 Dec; the fake clock starts on 26 Nov.
/// </summary>
public sealed class LateJoinersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<Dictionary<string, JsonElement>> BoardAsync(TestApp app)
    {
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var board = await leader.GetFromJsonAsync<JsonElement>($"/api/v1/cycles/{app.Org.Cycle.Id}/board", Ct);
        return board.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("repEmail").GetString()!, r => r);
    }

    private static async Task<HttpResponseMessage> PatchUserAsync(HttpClient admin, Guid id, object body)
    {
        var etag = (await admin.GetAsync($"/api/v1/users/{id}", Ct)).Headers.ETag!.ToString();
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/users/{id}") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await admin.SendAsync(request, Ct);
    }

    private static async Task<Guid> CreateUserAsync(HttpClient admin, string email, string role, string managerEmail = "manager1@test.terrain")
    {
        var response = await admin.PostAsJsonAsync("/api/v1/users",
            new { email, displayName = "Late " + role, role, managerEmail, password = "Another-password-9" }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    [Theory, BothDatabases]
    public async Task A_rep_created_after_kickoff_gets_a_draft_due_two_weeks_from_joining(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");

        await CreateUserAsync(admin, "late.rep@test.terrain", "Rep");
        await CreateUserAsync(admin, "late.manager@test.terrain", "Manager", "leader@test.terrain");

        var rows = await BoardAsync(app);
        Assert.Equal(4, rows.Count);
        var late = rows["late.rep@test.terrain"];
        Assert.Equal("2026-11-26", late.GetProperty("joinedOn").GetString());
        Assert.Equal("2026-12-10", late.GetProperty("draftOutcome").GetProperty("due").GetString());
        Assert.Equal("due in 14 days", late.GetProperty("draftOutcome").GetProperty("text").GetString());
        Assert.Equal("2026-12-07", rows["rep1@test.terrain"].GetProperty("draftOutcome").GetProperty("due").GetString());
        Assert.True(await app.WithDbAsync(d => d.AuditEntries.AnyAsync(e => e.Action == "plan.started", Ct)));
    }

    [Theory, BothDatabases]
    public async Task An_imported_rep_gets_a_plan_once_however_often_the_file_is_imported(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var csv = "email,display_name,role,manager_email\nimported.rep@test.terrain,Imported Rep,Rep,manager2@test.terrain\n";

        for (var i = 0; i < 2; i++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var report = await scope.ServiceProvider.GetRequiredService<UserImporter>()
                .ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), false, app.Org.Admin.Id, null, Ct);
            Assert.True(report.Applied);
        }

        var rows = await BoardAsync(app);
        Assert.Equal("2026-12-10", rows["imported.rep@test.terrain"].GetProperty("draftOutcome").GetProperty("due").GetString());
        Assert.Equal(1, await app.WithDbAsync(d => d.Plans.CountAsync(p => d.Users.Any(u => u.Id == p.OwnerId && u.Email == "imported.rep@test.terrain"), Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_user_made_a_rep_gets_a_plan_and_loses_it_to_the_board_when_made_something_else(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var id = await CreateUserAsync(admin, "switcher@test.terrain", "Manager", "leader@test.terrain");
        Assert.False((await BoardAsync(app)).ContainsKey("switcher@test.terrain"));

        app.Clock.Advance(TimeSpan.FromDays(2));
        admin = await app.ApiAsAsync("admin@test.terrain");
        Assert.Equal(HttpStatusCode.OK, (await PatchUserAsync(admin, id, new { role = "Rep", managerEmail = "manager1@test.terrain" })).StatusCode);
        var joined = (await BoardAsync(app))["switcher@test.terrain"];
        Assert.Equal("2026-12-12", joined.GetProperty("draftOutcome").GetProperty("due").GetString());
        Assert.False(joined.GetProperty("left").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, (await PatchUserAsync(admin, id, new { role = "Manager", managerEmail = "leader@test.terrain" })).StatusCode);
        var left = (await BoardAsync(app))["switcher@test.terrain"];
        Assert.True(left.GetProperty("left").GetBoolean());
        Assert.False(left.GetProperty("draftOverdue").GetBoolean());
    }

    [Theory, BothDatabases]
    public async Task A_deactivated_rep_has_the_plan_closed_and_the_accounts_listed_and_coming_back_reopens_it(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");

        Assert.Equal(HttpStatusCode.OK, (await PatchUserAsync(admin, app.Org.Rep2.Id, new { isActive = false })).StatusCode);

        var leader = await app.ApiAsAsync("leader@test.terrain");
        var board = await leader.GetFromJsonAsync<JsonElement>($"/api/v1/cycles/{app.Org.Cycle.Id}/board", Ct);
        Assert.Equal(1, board.GetProperty("summary").GetProperty("left").GetInt32());
        Assert.Equal(["Delta Logistics", "Epsilon Energy"],
            board.GetProperty("accountsToReassign").EnumerateArray().Select(a => a.GetProperty("accountName").GetString()).Order());
        Assert.True(await app.WithDbAsync(d => d.AuditEntries.AnyAsync(e => e.Action == "plan.closed" && e.EntityId == app.Org.PlanOf[app.Org.Rep2.Id].Id.ToString(), Ct)));

        Assert.Equal(HttpStatusCode.OK, (await PatchUserAsync(admin, app.Org.Rep2.Id, new { isActive = true })).StatusCode);
        Assert.False((await BoardAsync(app))["rep2@test.terrain"].GetProperty("left").GetBoolean());
        Assert.Equal(3, await app.WithDbAsync(d => d.Plans.CountAsync(Ct)));
    }
}
