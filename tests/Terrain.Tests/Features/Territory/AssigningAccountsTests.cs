using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Terrain.Domain.Territories;
using Terrain.Features.Territory;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Territory;

/// <summary>Leaders move accounts between territories: now, from a date, in bulk (all or nothing) and by rules (ADR 0039).</summary>
public sealed class AssigningAccountsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string path, object? body)
    {
        using var response = await client.PostAsync(path, body is null ? null : JsonContent.Create(body), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text));
    }

    private static async Task<int> ApplyDueAsync(TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AccountAssignments>().ApplyDueAsync(Ct);
    }

    [Theory, BothDatabases]
    public async Task Moving_two_accounts_now_makes_the_territorys_rep_their_owner_audits_each_and_tells_both_reps(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var o = app.Org;
        var moving = o.Accounts.Where(a => a.ExternalId is "R1-1" or "R1-2").Select(a => a.Id).ToList();
        var target = o.TerritoryOf[o.Rep3.Id];

        var (status, body) = await PostAsync(leader, "/api/v1/accounts/assignments", new { accountIds = moving, territoryId = target.Id });

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(2, body.GetProperty("moved").GetInt32());
        var state = await app.WithDbAsync(async d => new
        {
            Accounts = await d.Accounts.AsNoTracking().Where(a => moving.Contains(a.Id)).ToListAsync(Ct),
            Audit = await d.AuditEntries.AsNoTracking().Where(e => e.Action == "account.assigned").ToListAsync(Ct),
            Told = await d.Notifications.AsNoTracking().Where(n => n.Key.StartsWith("book:")).ToListAsync(Ct),
            Moves = await d.AccountAssignments.AsNoTracking().ToListAsync(Ct),
        });
        Assert.All(state.Accounts, a => Assert.Equal((o.Rep3.Id, (Guid?)target.Id), (a.OwnerId!.Value, a.TerritoryId)));
        Assert.Equal(moving.Order(), state.Audit.Select(e => Guid.Parse(e.EntityId)).Order());
        Assert.All(state.Audit, e =>
        {
            Assert.Equal(o.Leader.Id, e.ActorId);
            Assert.Contains(o.TerritoryOf[o.Rep1.Id].Id.ToString(), e.Details!, StringComparison.Ordinal);
            Assert.Contains(target.Id.ToString(), e.Details!, StringComparison.Ordinal);
            Assert.Contains("\"effectiveFrom\":\"2026-11-26\"", e.Details!, StringComparison.Ordinal);
        });
        Assert.Equal(new[] { o.Rep1.Id, o.Rep3.Id }.Order(), state.Told.Select(n => n.UserId).Order());
        Assert.Contains("lose 2 accounts", state.Told.Single(n => n.UserId == o.Rep1.Id).Body, StringComparison.Ordinal);
        Assert.All(state.Moves, m => Assert.Equal(AssignmentStatus.Applied, m.Status));

        // Rep one's book of business says what left it.
        var rep1 = await app.ApiAsAsync("rep1@test.terrain");
        var changes = await rep1.GetFromJsonAsync<JsonElement>("/api/v1/territories/changes", Ct);
        Assert.Equal(2, changes.GetProperty("items").GetArrayLength());
        Assert.All(changes.GetProperty("items").EnumerateArray(), i => Assert.False(i.GetProperty("gained").GetBoolean()));
    }

    [Theory, BothDatabases]
    public async Task A_bulk_move_with_an_unknown_account_moves_none_and_names_the_unknown_ones(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var o = app.Org;
        var known = o.Accounts.Single(a => a.ExternalId == "R1-1").Id;
        var unknown = Guid.NewGuid();

        var (status, body) = await PostAsync(leader, "/api/v1/accounts/assignments",
            new { accountIds = new[] { known, unknown }, territoryId = o.TerritoryOf[o.Rep3.Id].Id });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains(unknown.ToString(), body.GetProperty("errors").GetProperty("accountIds")[0].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(known.ToString(), body.GetProperty("errors").GetProperty("accountIds")[0].GetString(), StringComparison.Ordinal);
        var after = await app.WithDbAsync(d => d.Accounts.AsNoTracking().SingleAsync(a => a.Id == known, Ct));
        Assert.Equal(o.Rep1.Id, after.OwnerId);
        Assert.Equal(0, await app.WithDbAsync(d => d.AuditEntries.CountAsync(e => e.Action == "account.assigned", Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_stale_version_refuses_the_move_with_409(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var o = app.Org;
        var account = o.Accounts.Single(a => a.ExternalId == "R1-1").Id;

        var (status, _) = await PostAsync(leader, "/api/v1/accounts/assignments", new
        {
            accountIds = new[] { account },
            territoryId = o.TerritoryOf[o.Rep3.Id].Id,
            versions = new Dictionary<Guid, string> { [account] = Guid.NewGuid().ToString("N") },
        });

        Assert.Equal(HttpStatusCode.Conflict, status);
    }

    [Theory, BothDatabases]
    public async Task A_dated_move_waits_as_pending_and_is_applied_on_its_day_not_before(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var o = app.Org;
        var account = o.Accounts.Single(a => a.ExternalId == "R2-1").Id;
        var target = o.TerritoryOf[o.Rep3.Id];

        var (status, body) = await PostAsync(leader, "/api/v1/accounts/assignments",
            new { accountIds = new[] { account }, territoryId = target.Id, effectiveFrom = "2027-04-01" });

        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(1, body.GetProperty("scheduled").GetInt32());
        Assert.Equal(o.Rep2.Id, await OwnerAsync());

        app.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 31, 23, 59, 0, TimeSpan.Zero));
        Assert.Equal(0, await ApplyDueAsync(app));
        Assert.Equal(o.Rep2.Id, await OwnerAsync());

        app.Clock.SetUtcNow(new DateTimeOffset(2027, 4, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, await ApplyDueAsync(app));
        Assert.Equal(o.Rep3.Id, await OwnerAsync());
        Assert.Equal(0, await ApplyDueAsync(app));
        var audit = await app.WithDbAsync(d => d.AuditEntries.AsNoTracking().Where(e => e.EntityId == account.ToString())
            .OrderBy(e => e.Id).Select(e => e.Action).ToListAsync(Ct));
        Assert.Equal(["account.assignment-scheduled", "account.assigned"], audit);
        var rep3 = await app.ApiAsAsync("rep3@test.terrain");
        var changes = await rep3.GetFromJsonAsync<JsonElement>("/api/v1/territories/changes?since=2027-01-01", Ct);
        var gained = Assert.Single(changes.GetProperty("items").EnumerateArray());
        Assert.True(gained.GetProperty("gained").GetBoolean());
        Assert.Equal("2027-04-01", gained.GetProperty("effectiveFrom").GetString());

        Task<Guid?> OwnerAsync() => app.WithDbAsync(d => d.Accounts.AsNoTracking().Where(a => a.Id == account).Select(a => a.OwnerId).SingleAsync(Ct));
    }

    [Theory, BothDatabases]
    public async Task A_later_dated_move_replaces_the_pending_one(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var o = app.Org;
        var account = o.Accounts.Single(a => a.ExternalId == "R2-1").Id;

        await PostAsync(leader, "/api/v1/accounts/assignments", new { accountIds = new[] { account }, territoryId = o.TerritoryOf[o.Rep3.Id].Id, effectiveFrom = "2027-04-01" });
        await PostAsync(leader, "/api/v1/accounts/assignments", new { accountIds = new[] { account }, territoryId = o.TerritoryOf[o.Rep1.Id].Id, effectiveFrom = "2027-05-01" });
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 6, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(1, await ApplyDueAsync(app));
        Assert.Equal(o.Rep1.Id, await app.WithDbAsync(d => d.Accounts.AsNoTracking().Where(a => a.Id == account).Select(a => a.OwnerId).SingleAsync(Ct)));
        var statuses = await app.WithDbAsync(d => d.AccountAssignments.AsNoTracking().OrderBy(m => m.EffectiveFrom).Select(m => m.Status).ToListAsync(Ct));
        Assert.Equal([AssignmentStatus.Cancelled, AssignmentStatus.Applied], statuses);
    }

    [Theory, BothDatabases]
    public async Task Rules_place_the_accounts_that_belong_to_nobody_first_matching_rule_first(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var o = app.Org;

        // Theta Unassigned: postal code 10115, region North, segment Mid-Market.
        var (s1, general) = await PostAsync(leader, "/api/v1/assignment-rules", new { region = "north", territoryId = o.TerritoryOf[o.Rep3.Id].Id });
        var (s2, specific) = await PostAsync(leader, "/api/v1/assignment-rules", new { postalPrefix = "101", segment = "Mid-Market", territoryId = o.TerritoryOf[o.Rep2.Id].Id, priority = 1 });
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (s1, s2));
        var rules = await leader.GetFromJsonAsync<JsonElement>("/api/v1/assignment-rules", Ct);
        Assert.Equal([specific.GetProperty("id").GetGuid(), general.GetProperty("id").GetGuid()], rules.EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
        Assert.Equal([1, 2], rules.EnumerateArray().Select(r => r.GetProperty("priority").GetInt32()));

        var preview = await leader.GetFromJsonAsync<JsonElement>("/api/v1/assignment-rules/preview", Ct);
        Assert.Equal((1, 1), (preview.GetProperty("unowned").GetInt32(), preview.GetProperty("placed").GetInt32()));
        var (applied, result) = await PostAsync(leader, "/api/v1/assignment-rules/apply", null);

        Assert.True(applied == HttpStatusCode.OK, result.ToString());
        var theta = await app.WithDbAsync(d => d.Accounts.AsNoTracking().SingleAsync(a => a.ExternalId == "UN-1", Ct));
        Assert.Equal((o.Rep2.Id, (Guid?)o.TerritoryOf[o.Rep2.Id].Id), (theta.OwnerId!.Value, theta.TerritoryId));
        var unassigned = await leader.GetFromJsonAsync<JsonElement>("/api/v1/accounts/unassigned", Ct);
        Assert.Equal(0, unassigned.GetProperty("total").GetInt32());
    }

    [Theory, BothDatabases]
    public async Task Newly_imported_accounts_without_an_owner_are_placed_by_the_rules_and_owned_ones_join_their_reps_territory(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        var o = app.Org;
        await PostAsync(leader, "/api/v1/assignment-rules", new { postalPrefix = "941", territoryId = o.TerritoryOf[o.Rep3.Id].Id });

        var csv = """
            external_id,name,postal_code,potential,owner_email
            NEW-1,Iota Robotics,94107,1000,
            NEW-2,Kappa Foods,10001,2000,
            NEW-3,Lambda Labs,94110,3000,rep1@test.terrain
            """;
        using var response = await admin.PostAsync("/api/v1/imports/accounts", new StringContent(csv, Encoding.UTF8, "text/csv"), Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        var accounts = await app.WithDbAsync(d => d.Accounts.AsNoTracking().Where(a => a.ExternalId.StartsWith("NEW-")).ToDictionaryAsync(a => a.ExternalId, Ct));
        Assert.Equal((o.Rep3.Id, (Guid?)o.TerritoryOf[o.Rep3.Id].Id), (accounts["NEW-1"].OwnerId!.Value, accounts["NEW-1"].TerritoryId));
        Assert.Equal((null, null), (accounts["NEW-2"].OwnerId, accounts["NEW-2"].TerritoryId));
        Assert.Equal((o.Rep1.Id, (Guid?)o.TerritoryOf[o.Rep1.Id].Id), (accounts["NEW-3"].OwnerId!.Value, accounts["NEW-3"].TerritoryId));
        var placedAudit = await app.WithDbAsync(d => d.AuditEntries.AsNoTracking().Where(e => e.Action == "account.assigned").Select(e => e.EntityId).ToListAsync(Ct));
        Assert.Equal([accounts["NEW-1"].Id.ToString()], placedAudit);
    }

    [Theory, BothDatabases]
    public async Task Naming_a_new_rep_hands_the_whole_territory_over_and_a_rep_covers_one_territory_at_most(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var o = app.Org;
        var (created, vacant) = await PostAsync(leader, "/api/v1/territories", new { name = "Spare", baseAddress = "Berlin" });
        Assert.Equal(HttpStatusCode.Created, created);
        var territory = o.TerritoryOf[o.Rep3.Id];

        // Rep one already covers a territory.
        using var taken = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/territories/{vacant.GetProperty("id").GetGuid()}")
        {
            Content = JsonContent.Create(new { name = "Spare", repId = o.Rep1.Id }),
        };
        taken.Headers.TryAddWithoutValidation("If-Match", $"\"{vacant.GetProperty("version").GetString()}\"");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await leader.SendAsync(taken, Ct)).StatusCode);

        // Rep three's territory falls vacant: its accounts stay in it, with no owner.
        var current = await leader.GetAsync($"/api/v1/territories/{territory.Id}", Ct);
        using var vacate = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/territories/{territory.Id}")
        {
            Content = JsonContent.Create(new { name = "North East", baseLatitude = 52.5, baseLongitude = 13.4 }),
        };
        vacate.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.ToString());
        var answer = await leader.SendAsync(vacate, Ct);

        Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync(Ct));
        var owners = await app.WithDbAsync(d => d.Accounts.AsNoTracking().Where(a => a.TerritoryId == territory.Id).Select(a => a.OwnerId).ToListAsync(Ct));
        Assert.Equal([null, null], owners);
        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/territories/{territory.Id}") { Content = JsonContent.Create(new { name = "Again" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await leader.SendAsync(stale, Ct)).StatusCode);
        Assert.Equal(1, await app.WithDbAsync(d => d.Notifications.CountAsync(n => n.UserId == o.Rep3.Id && n.Key.StartsWith("book:"), Ct)));
    }

    [Theory, BothDatabases]
    public async Task An_overlay_rep_shares_an_account_with_a_credit_split_and_the_owner_stays_the_owner(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var o = app.Org;
        var account = o.Accounts.Single(a => a.ExternalId == "R3-1").Id;

        using var set = await leader.PutAsJsonAsync($"/api/v1/accounts/{account}/overlays/{o.Rep1.Id}", new { creditPercent = 25.5m, role = "Solutions specialist" }, Ct);
        using var owner = await leader.PutAsJsonAsync($"/api/v1/accounts/{account}/overlays/{o.Rep3.Id}", new { creditPercent = 10 }, Ct);
        using var tooMuch = await leader.PutAsJsonAsync($"/api/v1/accounts/{account}/overlays/{o.Rep2.Id}", new { creditPercent = 101 }, Ct);

        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, owner.StatusCode);
        Assert.Contains("creditPercent", await tooMuch.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var overlays = await leader.GetFromJsonAsync<JsonElement>($"/api/v1/accounts/{account}/overlays", Ct);
        var only = Assert.Single(overlays.EnumerateArray());
        Assert.Equal((o.Rep1.Id, 25.5m), (only.GetProperty("repId").GetGuid(), only.GetProperty("creditPercent").GetDecimal()));
        Assert.Equal(o.Rep3.Id, await app.WithDbAsync(d => d.Accounts.AsNoTracking().Where(a => a.Id == account).Select(a => a.OwnerId!.Value).SingleAsync(Ct)));
        Assert.Equal(1, await app.WithDbAsync(d => d.AuditEntries.CountAsync(e => e.Action == "account.overlay-set", Ct)));
    }

    [Fact]
    public async Task Managers_and_reps_may_not_move_accounts()
    {
        var app = await TestApp.StartAsync(Db.Sqlite);
        var o = app.Org;
        foreach (var email in new[] { "manager1@test.terrain", "rep1@test.terrain" })
        {
            var client = await app.ApiAsAsync(email);
            var (status, _) = await PostAsync(client, "/api/v1/accounts/assignments",
                new { accountIds = new[] { o.Accounts[0].Id }, territoryId = o.TerritoryOf[o.Rep2.Id].Id });
            Assert.Equal(HttpStatusCode.Forbidden, status);
        }
    }
}
