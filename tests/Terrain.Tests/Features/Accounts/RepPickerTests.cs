using System.Net;
using Terrain.Domain;
using Terrain.Features.Territory;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Accounts;

/// <summary>
/// The territory page's choice of rep: a drop-down for a team, a search box past <see cref="RepPicker.ListLimit"/> reps
/// (a leader of 2,000 reps must not get 2,000 options on every page view), resolved on the server.
/// </summary>
public sealed class RepPickerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task AddRepsAsync(TestApp app, int count)
    {
        await app.WithDbAsync(async db =>
        {
            var manager = await db.Users.FindAsync([app.Org.Manager2.Id], Ct);
            for (var i = 1; i <= count; i++)
            {
                db.Users.Add(AppUser.Create($"extra{i:D3}@test.terrain", $"Extra Rep {i:D3}", Role.Rep, manager, TestApp.Start));
            }

            return await db.SaveChangesAsync(Ct);
        });
    }

    [Theory, BothDatabases]
    public async Task A_manager_with_a_small_team_picks_from_a_drop_down(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var manager = await app.BrowserAsAsync("manager1@test.terrain");

        var html = await manager.GetStringAsync("/Territory", Ct);

        Assert.Contains("<select id=\"rep\" name=\"rep\">", html);
        Assert.Contains(app.Org.Rep1.DisplayName, html);
        Assert.DoesNotContain(app.Org.Rep3.DisplayName, html);
        Assert.DoesNotContain("id=\"who\"", html);
    }

    [Theory, BothDatabases]
    public async Task A_leader_of_many_reps_searches_instead_and_the_page_lists_none_of_them(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await AddRepsAsync(app, RepPicker.ListLimit + 10);
        var leader = await app.BrowserAsAsync("leader@test.terrain");

        var html = await leader.GetStringAsync("/Territory", Ct);

        Assert.Contains("id=\"who\"", html);
        Assert.DoesNotContain("<select id=\"rep\"", html);
        Assert.DoesNotContain("Extra Rep 001", html);
    }

    [Theory, BothDatabases]
    public async Task Typing_suggests_matching_reps_by_name_or_email_and_never_one_outside_the_team(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await AddRepsAsync(app, RepPicker.ListLimit + 10);
        var leader = await app.BrowserAsAsync("leader@test.terrain");
        var manager1 = await app.BrowserAsAsync("manager1@test.terrain");
        var rep = await app.BrowserAsAsync("rep1@test.terrain");

        var byName = await leader.GetStringAsync("/Territory?handler=Reps&who=rep%2005", Ct);
        var byEmail = await leader.GetStringAsync("/Territory?handler=Reps&who=EXTRA012@", Ct);
        var outsideTeam = await manager1.GetStringAsync("/Territory?handler=Reps&who=extra", Ct);

        Assert.Equal(10, Count(byName, "<option "));
        Assert.Contains("value=\"Extra Rep 050 (extra050@test.terrain)\"", byName);
        Assert.Equal(1, Count(byEmail, "<option "));
        Assert.Contains("extra012@test.terrain", byEmail);
        Assert.Equal(0, Count(outsideTeam, "<option "));
        Assert.Equal(HttpStatusCode.NotFound, (await rep.GetAsync("/Territory?handler=Reps&who=rep", Ct)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task What_was_typed_resolves_to_one_rep_or_offers_the_matches(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await AddRepsAsync(app, RepPicker.ListLimit + 10);
        var leader = await app.BrowserAsAsync("leader@test.terrain");

        var picked = await leader.GetStringAsync($"/Territory?who={Uri.EscapeDataString($"{app.Org.Rep1.DisplayName} ({app.Org.Rep1.Email})")}", Ct);
        var unique = await leader.GetStringAsync("/Territory?who=extra007", Ct);
        var several = await leader.GetStringAsync("/Territory?who=Extra%20Rep%2001", Ct);
        var none = await leader.GetStringAsync("/Territory?who=nobody-by-that-name", Ct);

        Assert.Contains($"{app.Org.Rep1.DisplayName}&#x27;s territory", picked);
        Assert.Contains("<strong>3</strong> accounts", picked);
        Assert.Contains("Extra Rep 007&#x27;s territory", unique);
        Assert.Contains("<strong>0</strong> accounts", unique);
        Assert.Contains("10 reps match", several);
        Assert.Contains($"?rep=", several);
        Assert.Contains("No rep matches", none);
        Assert.Contains("All accounts", none);
    }

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
