using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Strategies;

/// <summary>
/// The workshop invitation links to Terrain at its configured public address only: a request's Host header is the
/// client's to choose, so it never ends up in a file that other people open.
/// </summary>
public sealed class WorkshopInvitationLinkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<Guid> ScheduleAsync(TestApp app)
    {
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var response = await leader.PostAsJsonAsync($"/api/v1/strategies/{app.Org.Strategy.Id}/workshops", new
        {
            startsAt = "2027-01-15T09:00:00Z",
            length = "HalfDay",
            invitees = new[] { app.Org.Rep1.Id },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    private static async Task<string> FetchAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = "evil.example";
        var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    [Theory, BothDatabases]
    public async Task A_spoofed_host_header_never_reaches_the_invitation(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var id = await ScheduleAsync(app);
        var api = $"/api/v1/strategies/{app.Org.Strategy.Id}/workshops/{id}/invitation.ics";
        var page = $"/Strategies/{app.Org.Strategy.Id}/Workshops?handler=Invitation&workshopId={id}";
        var link = $"/Strategies/{app.Org.Strategy.Id}/Workshops#workshop-{id}";

        // No Terrain:PublicUrl: the page is named by its path, and there is no URL property at all.
        foreach (var ics in new[] { await FetchAsync(await app.ApiAsAsync("rep1@test.terrain"), api), await FetchAsync(await app.BrowserAsAsync("rep1@test.terrain"), page) })
        {
            Assert.DoesNotContain("evil.example", ics, StringComparison.Ordinal);
            Assert.DoesNotContain("\r\nURL", ics, StringComparison.Ordinal);
            Assert.Contains(link[..40], ics.Replace("\r\n ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        }

        await using var configured = app.WithWebHostBuilder(b => b.UseSetting("Terrain:PublicUrl", "https://terrain.example/"));
        // https: an https public address redirects plain http.
        var client = configured.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        var token = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "rep1@test.terrain", password = TestOrg.Password }, Ct);
        client.DefaultRequestHeaders.Authorization = new("Bearer", (await token.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString());

        var withUrl = (await FetchAsync(client, api)).Replace("\r\n ", "", StringComparison.Ordinal);

        Assert.DoesNotContain("evil.example", withUrl, StringComparison.Ordinal);
        Assert.Contains($"\r\nURL:https://terrain.example{link}\r\n", withUrl, StringComparison.Ordinal);
    }
}
