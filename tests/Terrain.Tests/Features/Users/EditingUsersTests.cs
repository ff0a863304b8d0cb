using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Users;

public sealed class EditingUsersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> ETagAsync(HttpClient client, Guid id)
    {
        var response = await client.GetAsync($"/api/v1/users/{id}", Ct);
        response.EnsureSuccessStatusCode();
        return response.Headers.ETag!.ToString();
    }

    private static Task<HttpResponseMessage> PatchAsync(HttpClient client, Guid id, object body, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/users/{id}") { Content = JsonContent.Create(body) };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return client.SendAsync(request, Ct);
    }

    [Theory, BothDatabases]
    public async Task An_edit_needs_the_current_etag_and_a_stale_one_is_refused(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        var etag = await ETagAsync(admin, app.Org.Rep1.Id);

        var missing = await PatchAsync(admin, app.Org.Rep1.Id, new { displayName = "No Header" }, null);
        var first = await PatchAsync(admin, app.Org.Rep1.Id, new { displayName = "Rosa Renamed", managerEmail = "manager2@test.terrain" }, etag);
        var second = await PatchAsync(admin, app.Org.Rep1.Id, new { displayName = "Lost Update" }, etag);

        Assert.Equal(HttpStatusCode.PreconditionRequired, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(etag, first.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, second.StatusCode);
        var stored = await app.WithDbAsync(d => d.Users.SingleAsync(u => u.Id == app.Org.Rep1.Id, Ct));
        Assert.Equal("Rosa Renamed", stored.DisplayName);
        Assert.Equal(app.Org.Manager2.Id, stored.ManagerId);
        Assert.True(await app.WithDbAsync(d => d.AuditEntries.AnyAsync(e => e.Action == "user.updated" && e.EntityId == app.Org.Rep1.Id.ToString(), Ct)));
    }

    [Theory, BothDatabases]
    public async Task Setting_a_password_lets_an_imported_user_sign_in_and_deactivating_stops_them(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        await admin.PostAsync("/api/v1/imports/users", Features.Imports.ImportingAccountsTests.Csv("email,display_name,role,manager_email\nimported@test.terrain,Imported,Rep,manager1@test.terrain\n"), Ct);
        var id = await app.WithDbAsync(d => d.Users.Where(u => u.Email == "imported@test.terrain").Select(u => u.Id).SingleAsync(Ct));
        var login = () => app.Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { email = "imported@test.terrain", password = "Quarterly-plan-7" }, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, (await login()).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(admin, id, new { password = "Quarterly-plan-7" }, await ETagAsync(admin, id))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await login()).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(admin, id, new { isActive = false }, await ETagAsync(admin, id))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await login()).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task Rules_that_protect_the_organisation_name_the_field(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        var cases = new (Guid Id, object Body, string Field)[]
        {
            (app.Org.Manager1.Id, new { isActive = false }, "isActive"),
            (app.Org.Admin.Id, new { isActive = false }, "isActive"),
            (app.Org.Manager1.Id, new { role = "Rep", managerEmail = "manager2@test.terrain" }, "role"),
            (app.Org.Rep1.Id, new { managerEmail = "" }, "managerEmail"),
            (app.Org.Rep1.Id, new { role = "Overlord" }, "role"),
            (app.Org.Rep1.Id, new { password = "weak" }, "password"),
            (app.Org.Rep1.Id, new { role = "Leader", managerEmail = "" }, "role"),
            (app.Org.Leader.Id, new { role = "Admin" }, "role"),
            (app.Org.Admin.Id, new { role = "Leader" }, "role"),
        };

        foreach (var (id, body, field) in cases)
        {
            var response = await PatchAsync(admin, id, body, await ETagAsync(admin, id));
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{JsonSerializer.Serialize(body)}: {response.StatusCode} {problem}");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected {field}: {problem}");
        }
    }

    [Theory, BothDatabases]
    public async Task The_day_a_rep_started_is_set_in_the_form_and_the_api_audited_and_a_bad_date_is_refused_naming_the_field(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var browser = await app.BrowserAsAsync("admin@test.terrain");
        var path = $"/Admin/Users/Edit/{app.Org.Rep2.Id}";

        var bad = await PatchAsync(admin, app.Org.Rep1.Id, new { startedOn = "15/01/2027" }, await ETagAsync(admin, app.Org.Rep1.Id));
        var problem = await bad.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct);
        var set = await PatchAsync(admin, app.Org.Rep1.Id, new { startedOn = "2027-01-15" }, await ETagAsync(admin, app.Org.Rep1.Id));
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await browser.GetStringAsync(path, Ct));
        var posted = await browser.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
            ["Input.Version"] = document.QuerySelector("input[name='Input.Version']")!.GetAttribute("value")!,
            ["Input.DisplayName"] = "Rep Two",
            ["Input.Role"] = "Rep",
            ["Input.ManagerEmail"] = "manager1@test.terrain",
            ["Input.IsActive"] = "true",
            ["Input.StartedOn"] = "2027-04-01",
        }), Ct);
        var cleared = await PatchAsync(admin, app.Org.Rep1.Id, new { startedOn = "" }, await ETagAsync(admin, app.Org.Rep1.Id));

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("startedOn", out _), problem.ToString());
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal(new DateOnly(2027, 4, 1), await app.WithDbAsync(d => d.Users.Where(u => u.Id == app.Org.Rep2.Id).Select(u => u.StartedOn).SingleAsync(Ct)));
        Assert.Null(await app.WithDbAsync(d => d.Users.Where(u => u.Id == app.Org.Rep1.Id).Select(u => u.StartedOn).SingleAsync(Ct)));
        Assert.Contains("value=\"2027-04-01\"", await browser.GetStringAsync(path, Ct), StringComparison.Ordinal);
        var audited = await app.WithDbAsync(d => d.AuditEntries.Where(e => e.Action == "user.updated" && e.EntityId == app.Org.Rep1.Id.ToString()).Select(e => e.Details).ToListAsync(Ct));
        Assert.Contains(audited, a => a != null && a.Contains("2027-01-15", StringComparison.Ordinal));
    }

    [Theory, BothDatabases]
    public async Task Two_admins_editing_the_same_user_in_the_ui_get_a_conflict_not_a_lost_update(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var first = await app.BrowserAsAsync("admin@test.terrain");
        var second = await app.BrowserAsAsync("admin@test.terrain");
        var path = $"/Admin/Users/Edit/{app.Org.Rep2.Id}";

        async Task<Dictionary<string, string>> FormAsync(HttpClient client, string name)
        {
            var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await client.GetStringAsync(path, Ct));
            return new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
                ["Input.Version"] = document.QuerySelector("input[name='Input.Version']")!.GetAttribute("value")!,
                ["Input.DisplayName"] = name,
                ["Input.Role"] = "Rep",
                ["Input.ManagerEmail"] = "manager1@test.terrain",
                ["Input.IsActive"] = "true",
            };
        }

        var firstForm = await FormAsync(first, "First Name");
        var secondForm = await FormAsync(second, "Second Name");
        var saved = await first.PostAsync(path, new FormUrlEncodedContent(firstForm), Ct);
        var conflict = await second.PostAsync(path, new FormUrlEncodedContent(secondForm), Ct);
        var html = await conflict.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, conflict.StatusCode);
        Assert.Contains("Someone else changed this user", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Second Name\"", html, StringComparison.Ordinal);
        Assert.Equal("First Name", await app.WithDbAsync(d => d.Users.Where(u => u.Id == app.Org.Rep2.Id).Select(u => u.DisplayName).SingleAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_deactivated_or_changed_user_loses_the_sessions_and_tokens_issued_before(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        var repToken = await app.ApiAsAsync("rep2@test.terrain");
        var repCookie = await app.BrowserAsAsync("rep2@test.terrain");
        var managerToken = await app.ApiAsAsync("manager2@test.terrain");
        Assert.Equal(HttpStatusCode.OK, (await repToken.GetAsync("/api/v1/me", Ct)).StatusCode);

        await PatchAsync(admin, app.Org.Rep2.Id, new { isActive = false }, await ETagAsync(admin, app.Org.Rep2.Id));
        await PatchAsync(admin, app.Org.Rep3.Id, new { managerEmail = "manager1@test.terrain" }, await ETagAsync(admin, app.Org.Rep3.Id));

        Assert.Equal(HttpStatusCode.Unauthorized, (await repToken.GetAsync("/api/v1/me", Ct)).StatusCode);
        var page = await repCookie.GetAsync("/Territory", Ct);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/Auth/Login", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await managerToken.GetAsync("/api/v1/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await managerToken.GetAsync($"/api/v1/users/{app.Org.Rep3.Id}", Ct)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task The_api_ignores_the_sign_in_cookie_so_a_forged_cross_site_request_gets_nothing(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var browser = await app.BrowserAsAsync("admin@test.terrain");

        var me = await browser.GetAsync("/api/v1/me", Ct);
        var import = await browser.PostAsync("/api/v1/imports/users",
            Features.Imports.ImportingAccountsTests.Csv("email,display_name,role\nrep2@test.terrain,Hacked,Admin\n"), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, import.StatusCode);
        Assert.Equal(Terrain.Domain.Role.Rep, await app.WithDbAsync(d => d.Users.Where(u => u.Id == app.Org.Rep2.Id).Select(u => u.Role).SingleAsync(Ct)));
    }
}
