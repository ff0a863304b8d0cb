using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Planning;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Quotas;

/// <summary>Quotas allocated top-down, published as quota letters and acknowledged by the reps (ADR 0038), on both databases.</summary>
public sealed class QuotaAllocationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Allocations(TestApp app) => $"/api/v1/cycles/{app.Org.Cycle.Id}/quota-allocations";

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    private static Task<decimal> RepTotalAsync(TestApp app) => app.WithDbAsync(async db =>
    {
        var reps = new[] { app.Org.Rep1.Id, app.Org.Rep2.Id, app.Org.Rep3.Id };
        return (await db.Quotas.Where(q => q.CycleId == app.Org.Cycle.Id && reps.Contains(q.RepId)).Select(q => q.Amount).ToListAsync(Ct)).Sum();
    });

    private static async Task<JsonElement> AllocateAsync(HttpClient leader, TestApp app, object request)
    {
        var response = await leader.PostAsJsonAsync(Allocations(app), request, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await JsonAsync(response);
    }

    [Theory, BothDatabases]
    public async Task An_awkward_target_is_allocated_to_the_cent_as_a_draft_and_publishing_writes_the_reps_and_teams_quotas(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");

        var view = await AllocateAsync(leader, app, new { target = 1_000_000.01m, method = "Equal", seasonality = "Even" });

        // A draft changes no quota: the plans' gap to quota reads the published quota only.
        Assert.Equal(0m, await RepTotalAsync(app));
        Assert.Equal(0, await app.WithDbAsync(d => d.QuotaChanges.CountAsync(Ct)));
        Assert.Equal(1_000_000.01m, view.GetProperty("total").GetDecimal());
        (await leader.PostAsync($"{Allocations(app)}/current/publish", null, Ct)).EnsureSuccessStatusCode();

        Assert.Equal(1_000_000.01m, await RepTotalAsync(app));
        Assert.Equal(0m, view.GetProperty("difference").GetDecimal());
        Assert.Equal("Draft", view.GetProperty("status").GetString());
        var totals = view.GetProperty("reps").EnumerateArray().Select(r => r.GetProperty("total").GetDecimal()).ToList();
        Assert.Equal(3, totals.Count);
        Assert.True(totals.Max() - totals.Min() <= 0.01m);
        var team1 = await app.WithDbAsync(d => d.Quotas.Where(q => q.CycleId == app.Org.Cycle.Id && q.RepId == app.Org.Manager1.Id).Select(q => q.Amount).ToListAsync(Ct));
        var reps1 = await app.WithDbAsync(d => d.Quotas.Where(q => q.CycleId == app.Org.Cycle.Id && (q.RepId == app.Org.Rep1.Id || q.RepId == app.Org.Rep2.Id)).Select(q => q.Amount).ToListAsync(Ct));
        Assert.Equal(reps1.Sum(), team1.Sum());
        Assert.Equal(12, await app.WithDbAsync(d => d.QuotaChanges.CountAsync(c => c.Source == QuotaSource.Allocation && c.RepId != app.Org.Manager1.Id && c.RepId != app.Org.Manager2.Id, Ct)));
        Assert.Equal(1, await app.WithDbAsync(d => d.AuditEntries.CountAsync(e => e.Action == "quota.allocate", Ct)));
    }

    [Theory, BothDatabases]
    public async Task By_potential_each_rep_gets_the_share_of_the_potential_they_own_and_without_history_bookings_fall_back(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");

        var potential = await AllocateAsync(leader, app, new { target = 520_000m, method = "Potential", seasonality = "Even" });
        var preview = await JsonAsync(await leader.PostAsJsonAsync($"{Allocations(app)}/preview", new { target = 520_000m, method = "Bookings" }, Ct));

        // Rep One owns 175,000 of the 520,000 potential, Rep Two 135,000, Rep Three 210,000.
        var byName = potential.GetProperty("reps").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("total").GetDecimal());
        Assert.Equal(175_000m, byName["Rep One"]);
        Assert.Equal(135_000m, byName["Rep Two"]);
        Assert.Equal(210_000m, byName["Rep Three"]);
        Assert.Equal("Potential", preview.GetProperty("method").GetString());
        Assert.Contains(preview.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("No closed-won revenue", StringComparison.Ordinal));
        Assert.Contains(preview.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("the quarters are even", StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("id").ValueKind);
    }

    [Theory, BothDatabases]
    public async Task The_default_target_is_the_strategys_revenue_objectives_and_a_new_hire_ramps_up(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await app.WithDbAsync(async d =>
        {
            var rep = await d.Users.SingleAsync(u => u.Id == app.Org.Rep1.Id, Ct);
            rep.SetStartedOn(new DateOnly(2027, 1, 1));
            return await d.SaveChangesAsync(Ct);
        });
        var leader = await app.ApiAsAsync("leader@test.terrain");

        var view = await AllocateAsync(leader, app, new { method = "Equal", seasonality = "Even", ramp = new[] { 25, 50, 75, 100 } });

        Assert.Equal(1_000_000m, view.GetProperty("target").GetDecimal());
        var rep1 = view.GetProperty("reps").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "Rep One");
        Assert.Equal([25, 50, 75, 100], rep1.GetProperty("ramp").EnumerateArray().Select(r => r.GetInt32()));
        var quarters = rep1.GetProperty("allocated").EnumerateArray().Select(q => q.GetDecimal()).ToList();
        Assert.True(quarters[0] < quarters[1] && quarters[1] < quarters[2] && quarters[2] < quarters[3]);
        Assert.Equal(1_000_000m, view.GetProperty("total").GetDecimal());
    }

    [Theory, BothDatabases]
    public async Task Negative_or_absurd_targets_bad_weights_and_ramps_are_refused_naming_the_field(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");

        foreach (var (request, field) in new (object, string)[]
                 {
                     (new { target = -5m }, "target"),
                     (new { target = 5_000_000_000_000m }, "target"),
                     (new { target = 100m, method = "Blend", weights = new { potential = 50, bookings = 30, equal = 10 } }, "weights"),
                     (new { target = 100m, ramp = new[] { 50, 120 } }, "ramp"),
                     (new { target = 100m, seasonality = "Custom", seasonPercents = new[] { 50m, 50m, 10m, 0m } }, "seasonPercents"),
                 })
        {
            var response = await leader.PostAsJsonAsync(Allocations(app), request, Ct);
            var problem = await JsonAsync(response);

            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {problem}");
        }

        Assert.Equal(0, await app.WithDbAsync(d => d.QuotaAllocations.CountAsync(Ct)));
        Assert.Equal(0m, await RepTotalAsync(app));
    }

    [Theory, BothDatabases]
    public async Task An_allocation_adjusted_away_from_its_target_cannot_be_published(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var view = await AllocateAsync(leader, app, new { target = 1_000_000.01m, method = "Equal", seasonality = "Even" });
        var rep1 = view.GetProperty("reps").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "Rep One");
        var q = rep1.GetProperty("draft").EnumerateArray().Select(x => x.GetDecimal()).ToList();
        var version = view.GetProperty("version").GetInt32();

        var adjusted = await leader.PutAsJsonAsync($"{Allocations(app)}/current/draft", new
        {
            version,
            reps = new[] { new { repId = app.Org.Rep1.Id, quarters = new[] { q[0] + 1, q[1], q[2], q[3] } } },
        }, Ct);
        var stale = await leader.PutAsJsonAsync($"{Allocations(app)}/current/draft", new
        {
            version,
            reps = new[] { new { repId = app.Org.Rep1.Id, quarters = q } },
        }, Ct);
        var refused = await leader.PostAsync($"{Allocations(app)}/current/publish", null, Ct);
        var problem = await JsonAsync(refused);

        Assert.Equal(HttpStatusCode.OK, adjusted.StatusCode);
        var after = await JsonAsync(adjusted);
        Assert.Equal(1m, after.GetProperty("difference").GetDecimal());
        Assert.True(after.GetProperty("reps").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "Rep One").GetProperty("adjusted").GetBoolean());
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("allocation-does-not-sum", out _), problem.ToString());
        Assert.Equal(0, await app.WithDbAsync(d => d.RepQuotas.CountAsync(r => r.PublishedVersion != null, Ct)));
        Assert.Equal(0m, await RepTotalAsync(app));
        Assert.Equal(1, await app.WithDbAsync(d => d.AuditEntries.CountAsync(e => e.Action == "quota.allocation.adjust", Ct)));

        // Taking the cent back elsewhere makes it publishable; the adjusted amounts are what the quotas become.
        var r2 = after.GetProperty("reps").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "Rep Two").GetProperty("draft")
            .EnumerateArray().Select(x => x.GetDecimal()).ToList();
        (await leader.PutAsJsonAsync($"{Allocations(app)}/current/draft", new
        {
            version = after.GetProperty("version").GetInt32(),
            reps = new[] { new { repId = app.Org.Rep2.Id, quarters = new[] { r2[0] - 1, r2[1], r2[2], r2[3] } } },
        }, Ct)).EnsureSuccessStatusCode();
        (await leader.PostAsync($"{Allocations(app)}/current/publish", null, Ct)).EnsureSuccessStatusCode();
        var rep1Q1 = await app.WithDbAsync(d => d.Quotas.Where(x => x.CycleId == app.Org.Cycle.Id && x.RepId == app.Org.Rep1.Id && x.Quarter == 1).Select(x => x.Amount).SingleAsync(Ct));
        Assert.Equal(q[0] + 1, rep1Q1);
        Assert.Equal(1_000_000.01m, await RepTotalAsync(app));
    }

    [Theory, BothDatabases]
    public async Task Bad_adjustments_are_refused_naming_the_rep_and_quarter_and_a_published_allocation_is_not_adjusted(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var view = await AllocateAsync(leader, app, new { target = 300m, method = "Equal", seasonality = "Even" });
        var version = view.GetProperty("version").GetInt32();

        foreach (var (reps, field) in new (object, string)[]
                 {
                     (new[] { new { repId = app.Org.Rep1.Id, quarters = new[] { 10m, -1m, 10m, 10m } } }, "reps[0].quarters[1]"),
                     (new[] { new { repId = app.Org.Rep1.Id, quarters = new[] { 10m, 10m, 10.001m, 10m } } }, "reps[0].quarters[2]"),
                     (new[] { new { repId = app.Org.Rep1.Id, quarters = new[] { 10m, 10m } } }, "reps[0].quarters"),
                     (new[] { new { repId = app.Org.Manager1.Id, quarters = new[] { 10m, 10m, 10m, 10m } } }, "reps[0].repId"),
                 })
        {
            var response = await leader.PutAsJsonAsync($"{Allocations(app)}/current/draft", new { version, reps }, Ct);
            var problem = await JsonAsync(response);

            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {problem}");
        }

        (await leader.PostAsync($"{Allocations(app)}/current/publish", null, Ct)).EnsureSuccessStatusCode();
        var published = await JsonAsync(await leader.GetAsync($"{Allocations(app)}/current", Ct));
        var late = await leader.PutAsJsonAsync($"{Allocations(app)}/current/draft", new
        {
            version = published.GetProperty("version").GetInt32(),
            reps = new[] { new { repId = app.Org.Rep1.Id, quarters = new[] { 1m, 1m, 1m, 1m } } },
        }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal(300m, await RepTotalAsync(app));
    }

    [Theory, BothDatabases]
    public async Task The_leader_adjusts_the_draft_on_the_page_and_a_typo_keeps_what_was_typed(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var view = await AllocateAsync(leader, app, new { target = 300m, method = "Equal", seasonality = "Even" });
        var browser = await app.BrowserAsAsync("leader@test.terrain");
        var path = $"/Quotas/Allocate/{app.Org.Cycle.Id}";
        var reps = view.GetProperty("reps").EnumerateArray().ToList();
        Dictionary<string, string> Form(string firstAmount)
        {
            var form = new Dictionary<string, string> { ["DraftVersion"] = view.GetProperty("version").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture) };
            for (var i = 0; i < reps.Count; i++)
            {
                form[$"Draft[{i}].RepId"] = reps[i].GetProperty("repId").GetString()!;
                var amounts = reps[i].GetProperty("draft").EnumerateArray().Select(x => x.GetDecimal()).ToList();
                for (var q = 0; q < amounts.Count; q++)
                {
                    form[$"Draft[{i}].Quarters[{q}]"] = i == 0 && q == 0 ? firstAmount : amounts[q].ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            return form;
        }

        var page = await browser.GetStringAsync(path, Ct);
        Assert.Contains("Save the adjustments", page, StringComparison.Ordinal);
        var token = await TestApp.AntiforgeryTokenAsync(browser, path);
        Task<HttpResponseMessage> PostAsync(string firstAmount)
        {
            var form = Form(firstAmount);
            form["__RequestVerificationToken"] = token;
            return browser.PostAsync($"{path}?handler=Adjust", new FormUrlEncodedContent(form), Ct);
        }

        var typo = await PostAsync("12x");
        var typoPage = await typo.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, typo.StatusCode);
        Assert.Contains("Rep One, Q1: &#x27;12x&#x27; is not an amount", typoPage, StringComparison.Ordinal);
        Assert.Contains("value=\"12x\"", typoPage, StringComparison.Ordinal);

        var saved = await PostAsync("$1,000.50");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var current = await JsonAsync(await leader.GetAsync($"{Allocations(app)}/current", Ct));
        Assert.Equal(1_000.50m, current.GetProperty("reps")[0].GetProperty("draft")[0].GetDecimal());
        Assert.Equal(0m, await RepTotalAsync(app));
    }

    [Theory, BothDatabases]
    public async Task A_rep_acknowledges_the_letter_and_again_after_a_change_they_are_told_of(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        await AllocateAsync(leader, app, new { target = 1_000_000.01m, method = "Potential", seasonality = "Even" });
        var published = await leader.PostAsync($"{Allocations(app)}/current/publish", null, Ct);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal(3, (await JsonAsync(published)).GetProperty("unacknowledged").GetInt32());

        var letter = await JsonAsync(await rep.GetAsync("/api/v1/me/quota-letter", Ct));
        Assert.False(letter.GetProperty("acknowledged").GetBoolean());
        Assert.Contains("potential", letter.GetProperty("assumptions").GetProperty("description").GetString(), StringComparison.Ordinal);
        var version = letter.GetProperty("version").GetInt32();
        var acknowledged = await JsonAsync(await rep.PostAsJsonAsync("/api/v1/me/quota-letter/acknowledge", new { cycleId = app.Org.Cycle.Id, version }, Ct));
        Assert.True(acknowledged.GetProperty("acknowledged").GetBoolean());

        // The leader changes Rep One's quota after publication: recorded, the rep is told, and must acknowledge again.
        var amounts = letter.GetProperty("amounts").EnumerateArray().Select(a => a.GetDecimal()).ToList();
        (await leader.PutAsJsonAsync($"/api/v1/cycles/{app.Org.Cycle.Id}/quotas", new
        {
            rows = new[] { new { repId = app.Org.Rep1.Id, version, q1 = amounts[0] + 500, q2 = amounts[1], q3 = amounts[2], q4 = amounts[3] } },
            reason = "Territory grew",
        }, Ct)).EnsureSuccessStatusCode();

        var changed = await JsonAsync(await rep.GetAsync($"/api/v1/me/quota-letter?cycle={app.Org.Cycle.Id}", Ct));
        Assert.False(changed.GetProperty("acknowledged").GetBoolean());
        var change = Assert.Single(changed.GetProperty("changesSincePublished").EnumerateArray());
        Assert.Equal("Territory grew", change.GetProperty("reason").GetString());
        Assert.Equal(1, await app.WithDbAsync(d => d.Notifications.CountAsync(n => n.UserId == app.Org.Rep1.Id && n.Key.StartsWith("quota-changed:"), Ct)));
        Assert.Equal(1, await app.WithDbAsync(d => d.Notifications.CountAsync(n => n.UserId == app.Org.Rep1.Id && n.Key.StartsWith("quota-letter:"), Ct)));
        var stale = await rep.PostAsJsonAsync("/api/v1/me/quota-letter/acknowledge", new { cycleId = app.Org.Cycle.Id, version }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var again = await JsonAsync(await rep.PostAsJsonAsync("/api/v1/me/quota-letter/acknowledge",
            new { cycleId = app.Org.Cycle.Id, version = changed.GetProperty("version").GetInt32() }, Ct));
        Assert.True(again.GetProperty("acknowledged").GetBoolean());
        var board = await JsonAsync(await leader.GetAsync($"{Allocations(app)}/current", Ct));
        Assert.Equal(2, board.GetProperty("unacknowledged").GetInt32());
    }

    [Theory, BothDatabases]
    public async Task The_grid_shows_who_has_not_acknowledged_and_the_home_page_links_the_letter(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        await AllocateAsync(leader, app, new { target = 300m, method = "Equal", seasonality = "Even" });
        (await leader.PostAsync($"{Allocations(app)}/current/publish", null, Ct)).EnsureSuccessStatusCode();

        var grid = await (await app.BrowserAsAsync("leader@test.terrain")).GetStringAsync($"/Cycles/Quotas/{app.Org.Cycle.Id}", Ct);
        var home = await (await app.BrowserAsAsync("rep1@test.terrain")).GetStringAsync("/", Ct);
        var page = await (await app.BrowserAsAsync("leader@test.terrain")).GetStringAsync($"/Quotas/Allocate/{app.Org.Cycle.Id}", Ct);
        var csv = await leader.GetStringAsync($"{Allocations(app)}/current/export?format=csv", Ct);

        Assert.Contains("not acknowledged", grid, StringComparison.Ordinal);
        Assert.Contains("sum to the target", grid, StringComparison.Ordinal);
        Assert.Contains($"/Quotas/Letter?cycle={app.Org.Cycle.Id}", home, StringComparison.Ordinal);
        Assert.Contains("awaiting acknowledgement", page, StringComparison.Ordinal);
        Assert.Contains("Difference", csv, StringComparison.Ordinal);
    }
}
