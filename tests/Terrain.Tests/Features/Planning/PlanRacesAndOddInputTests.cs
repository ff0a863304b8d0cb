using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Terrain.Data;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Planning;

/// <summary>
/// Races and odd input found in review: concurrent saves and submissions, null rows, NUL characters, fractions of a
/// cent. The races are made repeatable by holding back one read of the handler while a competing request runs.
/// </summary>
public sealed class PlanRacesAndOddInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> ETagAsync(HttpClient client, string url) => (await client.GetAsync(url, Ct)).Headers.ETag!.ToString();

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, string json, string? etag)
    {
        var request = new HttpRequestMessage(method, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return client.SendAsync(request, Ct);
    }

    private static async Task<string> SectionKeyOfKindAsync(HttpClient client, Guid planId, string kind)
    {
        var plan = await client.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{planId}", Ct);
        return plan.GetProperty("sections").EnumerateArray().First(s => s.GetProperty("kind").GetString() == kind).GetProperty("key").GetString()!;
    }

    // ---- 3. Validation: a null row in any list section is a 500 (NullReferenceException in Normalize) ----

    [Theory]
    [InlineData("AccountSegmentation", "{\"rows\":[null]}")]
    [InlineData("Swot", "{\"strengths\":[null]}")]
    [InlineData("Goals", "{\"goals\":[null]}")]
    [InlineData("KeyAccountPlans", "{\"accounts\":[null]}")]
    [InlineData("ProspectingPlan", "{\"prospects\":[null]}")]
    [InlineData("ActionPlan", "{\"actions\":[null]}")]
    [InlineData("ResourcesNeeded", "{\"items\":[null]}")]
    [InlineData("Risks", "{\"items\":[null]}")]
    public async Task A_null_row_in_a_section_list_is_refused_with_422_not_500(string kind, string json)
    {
        var app = await TestApp.StartAsync(Db.Sqlite);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var planId = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        var url = $"/api/v1/plans/{planId}/sections/{await SectionKeyOfKindAsync(rep, planId, kind)}";

        var put = await SendAsync(rep, HttpMethod.Put, url, json, await ETagAsync(rep, url));
        var patch = await SendAsync(rep, HttpMethod.Patch, url, json, await ETagAsync(rep, url));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, put.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, patch.StatusCode);
    }

    // ---- 2. Integrity: a save that commits between the If-Match check and the tracked read is silently overwritten ----

    [Theory, BothDatabases]
    public async Task A_save_racing_another_save_of_the_same_section_never_overwrites_it_silently(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var interceptor = new BeforeTrackedPlanRead();
        await using var raced = WithInterceptor(app, interceptor);
        var tabA = await LoginAsync(raced, "rep1@test.terrain");
        var tabB = await LoginAsync(raced, "rep1@test.terrain");
        var planId = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        var url = $"/api/v1/plans/{planId}/sections/summary";
        var started = await ETagAsync(tabA, url);
        HttpResponseMessage? b = null;
        // Tab B saves (with the same starting ETag) just after tab A's request has passed its own If-Match check.
        interceptor.Arm(async () => b = await SendAsync(tabB, HttpMethod.Put, url, "{\"text\":\"Tab B's summary\"}", started));

        var a = await SendAsync(tabA, HttpMethod.Put, url, "{\"text\":\"Tab A's summary\"}", started);

        Assert.True(interceptor.Fired, "the race was not staged");
        Assert.Equal(HttpStatusCode.OK, b!.StatusCode);
        // Both started from the same version: the later one must get 409, not overwrite B's text.
        Assert.Equal(HttpStatusCode.Conflict, a.StatusCode);
    }

    // ---- 2. Integrity: a submission can miss a save that commits while it runs ----

    [Theory, BothDatabases]
    public async Task A_submission_never_misses_a_save_that_committed_before_it(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var interceptor = new BeforeTrackedPlanRead();
        await using var raced = WithInterceptor(app, interceptor);
        var rep = await LoginAsync(raced, "rep1@test.terrain");
        var otherTab = await LoginAsync(raced, "rep1@test.terrain");
        var planId = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        var url = $"/api/v1/plans/{planId}/sections/summary";
        var etag = await ETagAsync(rep, url);
        HttpResponseMessage? save = null;
        interceptor.Arm(async () => save = await SendAsync(otherTab, HttpMethod.Put, url, "{\"text\":\"Last-minute summary\"}", etag));

        var submit = await rep.PostAsync($"/api/v1/plans/{planId}/submit", null, Ct);

        Assert.True(interceptor.Fired, "the race was not staged");
        Assert.Equal(HttpStatusCode.OK, save!.StatusCode);
        if (submit.StatusCode == HttpStatusCode.OK)
        {
            // The save committed first, so what was submitted (the snapshot) must contain it.
            var snapshot = await app.WithDbAsync(d => d.PlanSnapshots.Where(s => s.PlanId == planId).Select(s => s.Sections).SingleAsync(Ct));
            Assert.Contains("Last-minute summary", snapshot);
        }
        else
        {
            Assert.Equal(HttpStatusCode.Conflict, submit.StatusCode);
        }
    }

    // ---- 3. Validation (PostgreSQL): a NUL character in a comment is a 500 from the database ----

    [Theory, BothDatabases]
    public async Task A_comment_with_a_nul_character_is_refused_naming_the_body(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var planId = app.Org.PlanOf[app.Org.Rep1.Id].Id;

        var response = await SendAsync(rep, HttpMethod.Post, $"/api/v1/plans/{planId}/comments", "{\"body\":\"a\\u0000b\"}", null);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Contains("NUL", problem.GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync(d => d.PlanComments.AnyAsync(c => c.PlanId == planId, Ct)));
    }

    // ---- 3. Validation: quotas with sub-cent amounts are stored differently per database and audited as typed ----

    [Theory, BothDatabases]
    public async Task A_quota_with_more_than_two_decimals_is_refused(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var manager = await app.ApiAsAsync("manager1@test.terrain");

        var response = await manager.PutAsJsonAsync("/api/v1/quotas",
            new { cycleId = app.Org.Cycle.Id, repId = app.Org.Rep1.Id, quarters = new[] { 0.001m, 0m, 0m, 0m } }, Ct);

        // SQLite keeps 0.001, PostgreSQL numeric(18,2) stores 0.00 while the audit says 0.001.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    private static WebApplicationFactory<Program> WithInterceptor(TestApp app, IInterceptor interceptor) =>
        app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.ConfigureDbContext<AppDbContext>(o => o.AddInterceptors(interceptor))));

    private static async Task<HttpClient> LoginAsync(WebApplicationFactory<Program> factory, string email)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = TestOrg.Password }, Ct);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>
    /// Runs a competing request once, just before the handler's tracked read of the plan row
    /// (<c>db.Plans.SingleAsync(p => p.Id == id)</c>), i.e. after PlanDocuments.LoadAsync has read sections and versions.
    /// </summary>
    private sealed class BeforeTrackedPlanRead : DbCommandInterceptor
    {
        private Func<Task>? _competitor;

        public bool Fired { get; private set; }

        public void Arm(Func<Task> competitor) => _competitor = competitor;

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            var sql = command.CommandText;
            if (_competitor is { } competitor && sql.Contains("FROM \"Plans\"", StringComparison.Ordinal) &&
                !sql.Contains("JOIN", StringComparison.Ordinal) && !sql.Contains("EXISTS", StringComparison.Ordinal) &&
                sql.Contains("LIMIT 2", StringComparison.Ordinal))
            {
                _competitor = null;
                Fired = true;
                await competitor();
            }

            return result;
        }
    }
}
