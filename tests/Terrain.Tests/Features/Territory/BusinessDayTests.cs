using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Terrain.Domain.Territories;
using Terrain.Features.Territory;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Territory;

/// <summary>
/// ADR 0050: "today", for effective dates, is the day in the open cycle's time zone, not the UTC day. The clock stands at
/// 03:30 UTC on 27 November, which is 22:30 on 26 November in New York, the cycle's zone.
/// </summary>
public sealed class BusinessDayTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>27 Nov 2026, 03:30 UTC: still 26 Nov (22:30) in New York.</summary>
    private static readonly DateTimeOffset LateEveningInNewYork = new(2026, 11, 27, 3, 30, 0, TimeSpan.Zero);

    private static async Task<TestApp> InNewYorkLateAsync(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await app.WithDbAsync(d => d.Cycles.ExecuteUpdateAsync(s => s.SetProperty(c => c.TimeZone, "America/New_York"), Ct));
        app.Clock.SetUtcNow(LateEveningInNewYork);
        return app;
    }

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

    private static async Task<int> ApplyDueAsync(TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AccountAssignments>().ApplyDueAsync(Ct);
    }

    private static Guid AccountId(TestApp app, string externalId) => app.Org.Accounts.Single(a => a.ExternalId == externalId).Id;

    [Theory, BothDatabases]
    public async Task A_move_from_today_is_dated_the_cycles_day_and_a_move_dated_tomorrow_waits_for_its_midnight(Db db)
    {
        var app = await InNewYorkLateAsync(db);
        var o = app.Org;
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var target = o.TerritoryOf[o.Rep3.Id].Id;

        var (now, moved, _) = await SendAsync(leader, HttpMethod.Post, "/api/v1/accounts/assignments", new { accountIds = new[] { AccountId(app, "R1-1") }, territoryId = target });
        var (later, scheduled, _) = await SendAsync(leader, HttpMethod.Post, "/api/v1/accounts/assignments",
            new { accountIds = new[] { AccountId(app, "R2-1") }, territoryId = target, effectiveFrom = "2026-11-27" });

        Assert.True(now == HttpStatusCode.OK, moved.ToString());
        Assert.Equal(("2026-11-26", 1), (moved.GetProperty("effectiveFrom").GetString(), moved.GetProperty("moved").GetInt32()));
        Assert.True(later == HttpStatusCode.OK, scheduled.ToString());
        Assert.Equal((1, 0), (scheduled.GetProperty("scheduled").GetInt32(), scheduled.GetProperty("moved").GetInt32()));
        var audit = await app.WithDbAsync(d => d.AuditEntries.AsNoTracking().Where(e => e.Action == "account.assigned").Select(e => e.Details!).ToListAsync(Ct));
        Assert.Contains("\"effectiveFrom\":\"2026-11-26\"", Assert.Single(audit), StringComparison.Ordinal);

        // 23:59 in New York: still the 26th. Midnight there (05:00 UTC) brings the 27th.
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 27, 4, 59, 0, TimeSpan.Zero));
        Assert.Equal(0, await ApplyDueAsync(app));
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 27, 5, 0, 0, TimeSpan.Zero));
        Assert.Equal(1, await ApplyDueAsync(app));
        Assert.Equal(o.Rep3.Id, await app.WithDbAsync(d => d.Accounts.Where(a => a.ExternalId == "R2-1").Select(a => a.OwnerId!.Value).SingleAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task Rules_and_a_reps_return_date_their_moves_the_cycles_day(Db db)
    {
        var app = await InNewYorkLateAsync(db);
        var o = app.Org;
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var admin = await app.ApiAsAsync("admin@test.terrain");
        await SendAsync(leader, HttpMethod.Post, "/api/v1/assignment-rules", new { region = "north", territoryId = o.TerritoryOf[o.Rep3.Id].Id });
        var (applied, result, _) = await SendAsync(leader, HttpMethod.Post, "/api/v1/assignment-rules/apply");
        Assert.True(applied == HttpStatusCode.OK, result.ToString());

        foreach (var active in new[] { false, true })
        {
            var (_, _, etag) = await SendAsync(admin, HttpMethod.Get, $"/api/v1/users/{o.Rep2.Id}");
            var (status, body, _) = await SendAsync(admin, HttpMethod.Patch, $"/api/v1/users/{o.Rep2.Id}", new { isActive = active }, etag);
            Assert.True(status == HttpStatusCode.OK, body.ToString());
        }

        var days = await app.WithDbAsync(d => d.AccountAssignments.AsNoTracking().Select(m => new { m.Source, m.EffectiveFrom }).ToListAsync(Ct));
        Assert.Contains(days, m => m.Source == AssignmentSource.Rule);
        Assert.Contains(days, m => m.Source == AssignmentSource.RepChange);
        Assert.All(days, m => Assert.Equal(new DateOnly(2026, 11, 26), m.EffectiveFrom));
        var territoryAudit = await app.WithDbAsync(d => d.AuditEntries.AsNoTracking().Where(e => e.Action == "territory.vacated" || e.Action == "territory.restored")
            .Select(e => e.Details!).ToListAsync(Ct));
        Assert.Equal(2, territoryAudit.Count);
        Assert.All(territoryAudit, details => Assert.Contains("\"effectiveFrom\":\"2026-11-26\"", details, StringComparison.Ordinal));
    }

    [Theory, BothDatabases]
    public async Task A_scenario_applied_from_today_is_dated_the_cycles_day_and_its_page_offers_that_day(Db db)
    {
        var app = await InNewYorkLateAsync(db);
        var o = app.Org;
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var (created, scenario, _) = await SendAsync(leader, HttpMethod.Post, "/api/v1/territory-scenarios", new { name = "Late in New York" });
        Assert.True(created == HttpStatusCode.Created, scenario.ToString());
        var id = scenario.GetProperty("id").GetGuid();
        var (edited, view, etag) = await SendAsync(leader, HttpMethod.Post, $"/api/v1/territory-scenarios/{id}/edits",
            new { accountIds = new[] { AccountId(app, "R1-1") }, territoryId = o.TerritoryOf[o.Rep3.Id].Id });
        Assert.True(edited == HttpStatusCode.OK, view.ToString());

        var browser = await app.BrowserAsAsync("leader@test.terrain");
        var page = await browser.GetStringAsync($"/TerritoryDesign/Scenarios/{id}", Ct);
        Assert.Contains("name=\"EffectiveFrom\" type=\"date\" value=\"2026-11-26\"", page, StringComparison.Ordinal);

        var (status, body, _) = await SendAsync(leader, HttpMethod.Post, $"/api/v1/territory-scenarios/{id}/apply", new { effectiveFrom = (string?)null }, etag);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(("2026-11-26", 1), (body.GetProperty("effectiveFrom").GetString(), body.GetProperty("moved").GetInt32()));
    }

    [Theory, BothDatabases]
    public async Task An_overlay_set_and_removed_without_a_date_starts_and_ends_on_the_cycles_day(Db db)
    {
        var app = await InNewYorkLateAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var url = $"/api/v1/accounts/{AccountId(app, "R1-1")}/overlays/{app.Org.Rep2.Id}";
        var (set, overlays, _) = await SendAsync(leader, HttpMethod.Put, url, new { creditPercent = 10, role = "Specialist" });
        Assert.True(set == HttpStatusCode.OK, overlays.ToString());
        Assert.Equal("2026-11-26", overlays[0].GetProperty("effectiveFrom").GetString());

        var (removed, _, _) = await SendAsync(leader, HttpMethod.Delete, url);
        Assert.Equal(HttpStatusCode.NoContent, removed);
        // Removed on 26 Nov, New York's day: its last credited close date is the day before.
        Assert.Equal(new DateOnly(2026, 11, 25), await app.WithDbAsync(d => d.AccountOverlays.Select(x => x.EffectiveTo).SingleAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task Without_an_open_cycle_today_is_the_utc_day(Db db)
    {
        var app = await InNewYorkLateAsync(db);
        await app.WithDbAsync(d => d.Cycles.ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, Terrain.Domain.Planning.CycleStatus.Closed), Ct));

        Assert.Equal(new DateOnly(2026, 11, 27), await app.WithDbAsync(d => BusinessDay.TodayAsync(d, LateEveningInNewYork, Ct)));
    }
}
