using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Users;

public sealed class ManagingUsersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object NewRep(string email = "fresh@test.terrain", string role = "Rep", string? manager = "manager1@test.terrain", string password = "Quota-season-21") =>
        new { email, displayName = "Fresh Rep", role, managerEmail = manager, password };

    [Theory, BothDatabases]
    public async Task An_admin_creates_a_user_who_can_then_sign_in_and_it_is_audited(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");

        var response = await admin.PostAsJsonAsync("/api/v1/users", NewRep(), Ct);
        var login = await app.Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { email = "fresh@test.terrain", password = "Quota-season-21" }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.True(await app.WithDbAsync(d => d.AuditEntries.AnyAsync(e => e.Action == "user.created" && e.ActorId == app.Org.Admin.Id, Ct)));
    }

    [Theory, BothDatabases]
    public async Task Bad_user_input_names_the_field_and_creates_nothing(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var cases = new (object Body, string Field)[]
        {
            (NewRep(email: "rep1@test.terrain"), "email"),
            (NewRep(email: "not-an-email"), "email"),
            (NewRep(role: "Wizard"), "role"),
            (NewRep(manager: "ghost@test.terrain"), "managerEmail"),
            (NewRep(manager: null), "managerEmail"),
            (NewRep(manager: "rep2@test.terrain"), "managerEmail"),
            (NewRep(password: "short"), "password"),
        };

        foreach (var (body, field) in cases)
        {
            var response = await admin.PostAsJsonAsync("/api/v1/users", body, Ct);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"{field}: {response.StatusCode}");
            Assert.True(problem.GetProperty("errors").EnumerateObject().Any(p => string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase)),
                $"expected an error on {field}: {problem}");
        }

        Assert.Equal(7, await app.WithDbAsync(d => d.Users.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_manager_lists_self_and_direct_reports_only(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var manager = await app.ApiAsAsync("manager1@test.terrain");

        var users = await manager.GetFromJsonAsync<JsonElement>("/api/v1/users", Ct);
        var emails = users.EnumerateArray().Select(u => u.GetProperty("email").GetString()).Order().ToList();

        Assert.Equal(["manager1@test.terrain", "rep1@test.terrain", "rep2@test.terrain"], emails);
    }

    [Theory, BothDatabases]
    public async Task The_admin_user_form_shows_field_errors_and_creates_on_valid_input(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var browser = await app.BrowserAsAsync("admin@test.terrain");

        async Task<HttpResponseMessage> PostAsync(string email, string role)
        {
            var token = await TestApp.AntiforgeryTokenAsync(browser, "/Admin/Users/Create");
            return await browser.PostAsync("/Admin/Users/Create", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["Input.Email"] = email,
                ["Input.DisplayName"] = "Form Rep",
                ["Input.Role"] = role,
                ["Input.ManagerEmail"] = "manager2@test.terrain",
                ["Input.Password"] = "Pipeline-review-3",
            }), Ct);
        }

        var duplicate = await PostAsync("rep1@test.terrain", "Rep");
        var created = await PostAsync("form.rep@test.terrain", "Rep");

        Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
        Assert.Contains("already exists", await duplicate.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.True(await app.WithDbAsync(d => d.Users.AnyAsync(u => u.Email == "form.rep@test.terrain" && u.ManagerId == app.Org.Manager2.Id, Ct)));
    }
}
