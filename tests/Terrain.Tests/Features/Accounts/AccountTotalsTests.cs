using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Accounts;

/// <summary>
/// The listing's totals and filter choices are kept in memory per visible set, keyed by the accounts stamp (ADR 0021).
/// These tests change accounts and teams in random ways through the real import paths, after the summaries are
/// already in memory, and compare every person's totals with a recomputation from the raw rows.
/// </summary>
public sealed partial class AccountTotalsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Industries = ["Retail", "Energy", "Software", "Health"];

    private static readonly string[] Regions = ["North", "South", "East"];

    private sealed record RawAccount(string ExternalId, string Industry, string Region, decimal Potential, Guid? OwnerId, Guid? OwnerManagerId);

    private sealed record Viewer(string Email, Role Role, Guid Id, HttpClient Api);

    [Theory, BothDatabases]
    public async Task Totals_equal_a_recomputation_after_random_imports_reimports_and_team_moves(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var viewers = new List<Viewer>();
        foreach (var user in app.Org.Everyone.Where(u => u.Role != Role.Admin))
        {
            viewers.Add(new Viewer(user.Email!, user.Role, user.Id, await app.ApiAsAsync(user.Email!)));
        }

        var reps = new[] { app.Org.Rep1, app.Org.Rep2, app.Org.Rep3 };
        var managers = new[] { app.Org.Manager1, app.Org.Manager2 };
        var random = new Random(db == Db.Sqlite ? 10 : 20);
        var created = 0;
        await AssertTotalsAsync(app, viewers, "the seeded organisation");
        for (var step = 1; step <= 12; step++)
        {
            string what;
            var change = random.Next(3);
            if (change == 0 || created == 0)
            {
                // New accounts, some unassigned.
                var rows = Enumerable.Range(0, random.Next(1, 6)).Select(_ =>
                {
                    created++;
                    return Row($"P-{created}", random, reps);
                });
                await ImportAsync(admin, "accounts", "external_id,name,industry,region,potential,owner_email\n" + string.Join("\n", rows));
                what = "new accounts";
            }
            else if (change == 1)
            {
                // Re-import of existing accounts, seeded or new: new potential, owner (or none), industry and region.
                var ids = Enumerable.Range(0, random.Next(1, 4))
                    .Select(_ => random.Next(2) == 0 ? app.Org.Accounts[random.Next(app.Org.Accounts.Count)].ExternalId : $"P-{random.Next(1, created + 1)}")
                    .Distinct();
                await ImportAsync(admin, "accounts", "external_id,name,industry,region,potential,owner_email\n"
                    + string.Join("\n", ids.Select(id => Row(id, random, reps))));
                what = "changed accounts";
            }
            else
            {
                // A rep moves to the other manager's team: that manager's accounts change without any account changing.
                var rep = reps[random.Next(reps.Length)];
                var manager = managers[random.Next(managers.Length)];
                await ImportAsync(admin, "users", $"email,display_name,role,manager_email\n{rep.Email},{rep.DisplayName},Rep,{manager.Email}");
                what = $"{rep.Email} moved to {manager.Email}";

                // A change to a user ends their sessions (ADR 0006): the moved rep signs in again.
                var moved = viewers.FindIndex(v => v.Id == rep.Id);
                viewers[moved] = viewers[moved] with { Api = await app.ApiAsAsync(rep.Email!) };
            }

            await AssertTotalsAsync(app, viewers, $"step {step} ({what})");
        }
    }

    [Theory, BothDatabases]
    public async Task A_change_made_through_another_instance_retires_this_instances_totals(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var before = await TotalsAsync(leader, "?pageSize=1");
        Assert.Equal((8, 525_000m), before);

        await using var other = app.SecondInstance();
        var admin = await other.ApiAsAsync("admin@test.terrain");
        await ImportAsync(admin, "accounts", $"external_id,name,potential,owner_email\nR1-1,Alpha Manufacturing,150000,{app.Org.Rep1.Email}\nX-1,New One,1000.50,");

        Assert.Equal((9, 576_000.50m), await TotalsAsync(leader, "?pageSize=1"));
    }

    [Theory, BothDatabases]
    public async Task Filtered_totals_and_the_pages_filter_choices_follow_changes(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var page = await app.BrowserAsAsync("manager1@test.terrain");
        await ImportAsync(admin, "accounts", "external_id,name,industry,region,potential,owner_email\n"
            + $"F-1,Filtered One,Retail,North,1000,{app.Org.Rep1.Email}\nF-2,Filtered Two,Retail,South,2000,{app.Org.Rep2.Email}\nF-3,Elsewhere,Retail,East,4000,{app.Org.Rep3.Email}");

        Assert.Equal((2, 3_000m), await TotalsAsync(manager, "?industry=Retail&pageSize=1"));
        Assert.Equal(["North", "South"], await RegionChoicesAsync(page, "?industry=Retail"));

        // rep3 joins manager1's team: their account and its region become manager1's.
        await ImportAsync(admin, "users", $"email,display_name,role,manager_email\n{app.Org.Rep3.Email},{app.Org.Rep3.DisplayName},Rep,{app.Org.Manager1.Email}");
        Assert.Equal((3, 7_000m), await TotalsAsync(manager, "?industry=Retail&pageSize=1"));
        Assert.Equal(["East", "North", "South"], await RegionChoicesAsync(page, "?industry=Retail"));

        // One account leaves the industry.
        await ImportAsync(admin, "accounts", $"external_id,name,industry,region,potential,owner_email\nF-1,Filtered One,Energy,North,1000,{app.Org.Rep1.Email}");
        Assert.Equal((2, 6_000m), await TotalsAsync(manager, "?industry=Retail&pageSize=1"));
    }

    private static string Row(string externalId, Random random, AppUser[] reps)
    {
        var owner = random.Next(5) == 0 ? "" : reps[random.Next(reps.Length)].Email;
        var cents = random.Next(0, 50_000_000);
        var potential = (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);
        return $"{externalId},Account {externalId},{Industries[random.Next(Industries.Length)]},{Regions[random.Next(Regions.Length)]},{potential},{owner}";
    }

    private static async Task ImportAsync(HttpClient admin, string kind, string csv)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/imports/{kind}") { Content = new StringContent(csv, Encoding.UTF8, "text/csv") };
        request.Headers.TryAddWithoutValidation("Prefer", "wait=120");
        var response = await admin.SendAsync(request, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"import {kind}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private static async Task<(int Count, decimal Potential)> TotalsAsync(HttpClient client, string query)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/accounts{query}", Ct);
        return (page.GetProperty("total").GetInt32(), page.GetProperty("totalPotential").GetDecimal());
    }

    private static async Task<List<string>> RegionChoicesAsync(HttpClient browser, string query)
    {
        var html = await browser.GetStringAsync($"/Territory{query}", Ct);
        var select = RegionSelect().Match(html);
        Assert.True(select.Success, "the page has no region filter");
        return OptionValue().Matches(select.Groups[1].Value).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
    }

    /// <summary>Every viewer's totals, unfiltered and by industry, against the raw rows.</summary>
    private static async Task AssertTotalsAsync(TestApp app, List<Viewer> viewers, string when)
    {
        var raw = await app.WithDbAsync(db => db.Accounts.AsNoTracking()
            .Select(a => new RawAccount(a.ExternalId, a.Industry, a.Region, a.AnnualPotential, a.OwnerId, a.Owner!.ManagerId))
            .ToListAsync(Ct));
        foreach (var viewer in viewers)
        {
            var visible = raw.Where(a => viewer.Role switch
            {
                Role.Leader or Role.Admin => true,
                Role.Manager => a.OwnerId == viewer.Id || a.OwnerManagerId == viewer.Id,
                _ => a.OwnerId == viewer.Id,
            }).ToList();

            // pageSize=1: the first page is not complete, so the totals come from the summary, not from the page.
            Assert.True((visible.Count, visible.Sum(a => a.Potential)) == await TotalsAsync(viewer.Api, "?pageSize=1&sort=-potential"),
                $"{viewer.Email}'s totals after {when}");
            foreach (var industry in Industries.Take(2))
            {
                var some = visible.Where(a => a.Industry == industry).ToList();
                Assert.True((some.Count, some.Sum(a => a.Potential)) == await TotalsAsync(viewer.Api, $"?pageSize=1&industry={industry}"),
                    $"{viewer.Email}'s {industry} totals after {when}");
            }
        }
    }

    [GeneratedRegex("""<select id="region" name="region">(.*?)</select>""", RegexOptions.Singleline)]
    private static partial Regex RegionSelect();

    [GeneratedRegex("""<option(?:\s+selected="selected")?>([^<]*)</option>""")]
    private static partial Regex OptionValue();
}
