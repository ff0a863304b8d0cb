using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Accounts;

public sealed class ListingAccountsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<List<string>> ExternalIdsAsync(HttpClient client, string query)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/accounts{query}", Ct);
        return page.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("externalId").GetString()!).ToList();
    }

    [Theory, BothDatabases]
    public async Task A_rep_sees_only_their_own_territory(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");

        Assert.Equal(["R1-1", "R1-2", "R1-3"], (await ExternalIdsAsync(rep, "?sort=name")).Order());
        Assert.Equal(["R1-1", "R1-2", "R1-3"], (await ExternalIdsAsync(rep, "?owner=me")).Order());
    }

    [Theory, BothDatabases]
    public async Task A_rep_cannot_read_another_reps_accounts_by_filter_or_by_id(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var otherAccount = app.Org.Accounts.First(a => a.OwnerId == app.Org.Rep2.Id);

        var byOwner = await rep.GetAsync($"/api/v1/accounts?owner={app.Org.Rep2.Email}", Ct);
        var byId = await rep.GetAsync($"/api/v1/accounts/{otherAccount.Id}", Ct);

        Assert.Equal(HttpStatusCode.NotFound, byOwner.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byId.StatusCode);
    }

    [Theory, BothDatabases]
    public async Task A_manager_sees_the_team_and_a_leader_sees_everything(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var leader = await app.ApiAsAsync("leader@test.terrain");

        Assert.Equal(["R1-1", "R1-2", "R1-3", "R2-1", "R2-2"], (await ExternalIdsAsync(manager, "")).Order());
        Assert.Equal(["R2-1", "R2-2"], (await ExternalIdsAsync(manager, $"?owner={app.Org.Rep2.Id}")).Order());
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/v1/accounts?owner={app.Org.Rep3.Id}", Ct)).StatusCode);
        Assert.Equal(8, (await ExternalIdsAsync(leader, "?pageSize=100")).Count);
    }

    [Theory, BothDatabases]
    public async Task Accounts_sort_filter_page_and_total(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");

        Assert.Equal(["R3-1", "R1-1"], await ExternalIdsAsync(leader, "?sort=-potential&pageSize=2"));
        Assert.Equal(["R2-1", "R2-2"], await ExternalIdsAsync(leader, "?sort=-potential&pageSize=2&page=2"));
        Assert.Equal(["R1-2"], await ExternalIdsAsync(leader, "?q=beta"));

        var page = await leader.GetFromJsonAsync<JsonElement>("/api/v1/accounts?owner=rep1@test.terrain", Ct);
        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal(175_000m, page.GetProperty("totalPotential").GetDecimal());
    }

    [Theory, BothDatabases]
    public async Task Bad_list_parameters_are_rejected_naming_the_parameter(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");

        foreach (var (query, field) in new[] { ("?pageSize=0", "pageSize"), ("?page=0", "page"), ("?sort=colour", "sort"), ("?pageSize=5000", "pageSize"), ("?page=2147483647", "page") })
        {
            var response = await rep.GetAsync($"/api/v1/accounts{query}", Ct);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{query} should name {field}");
        }
    }

    [Theory, BothDatabases]
    public async Task The_territory_page_lists_own_accounts_with_totals(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var browser = await app.BrowserAsAsync("rep1@test.terrain");

        var html = await browser.GetStringAsync("/Territory?sort=-potential", Ct);
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        var names = document.QuerySelectorAll("table.data tbody .account-name").Select(e => e.TextContent).ToList();

        Assert.Equal(["Alpha Manufacturing", "Beta Health", "Gamma Retail"], names);
        Assert.Contains("175,000", document.QuerySelector("table.data tfoot")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Delta Logistics", html, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task The_territory_page_answers_htmx_with_just_the_table(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var browser = await app.BrowserAsAsync("manager1@test.terrain");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/Territory?rep={app.Org.Rep2.Id}");
        request.Headers.Add("HX-Request", "true");

        var response = await browser.SendAsync(request, Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.DoesNotContain("<html", html, StringComparison.Ordinal);
        Assert.Contains("Delta Logistics", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Alpha Manufacturing", html, StringComparison.Ordinal);
    }
}
