using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Tests.Infrastructure;
using Xunit;
using static Terrain.Tests.Features.Imports.ImportingAccountsTests;

namespace Terrain.Tests.Features.Users;

/// <summary>
/// Nobody can lock everyone out of administration: the last admin who can sign in (active, not locked out, with a
/// password) keeps the role and stays active, whether the change comes from an import or an edit, or from themselves.
/// Admins without a password (imported ones), deactivated or locked-out admins do not count.
/// </summary>
public sealed class LastAdminTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Two more admins who cannot sign in: one imported (no password), one locked out for an hour.</summary>
    private static async Task AddAdminsWhoCannotSignInAsync(TestApp app)
    {
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        var imported = await admin.PostAsync("/api/v1/imports/users", Csv("email,display_name,role\nimported.admin@test.terrain,Imported Admin,Admin\n"), Ct);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        await app.WithDbAsync(async d =>
        {
            var locked = TestOrg.User("locked.admin@test.terrain", "Locked Admin", Role.Admin, null, app.Clock.GetUtcNow());
            locked.LockoutEnd = app.Clock.GetUtcNow().AddHours(1);
            d.Users.Add(locked);
            return await d.SaveChangesAsync(Ct);
        });
    }

    private static async Task<HttpResponseMessage> PatchAsync(HttpClient client, Guid id, object body)
    {
        var etag = (await client.GetAsync($"/api/v1/users/{id}", Ct)).Headers.ETag!.ToString();
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/users/{id}") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(request, Ct);
    }

    private static Task<Role> RoleOfAsync(TestApp app, string email) =>
        app.WithDbAsync(d => d.Users.Where(u => u.Email == email).Select(u => u.Role).SingleAsync(Ct));

    [Theory, BothDatabases]
    public async Task An_import_cannot_demote_the_last_admin_who_can_sign_in(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await AddAdminsWhoCannotSignInAsync(app);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();

        var response = await admin.PostAsync("/api/v1/imports/users", Csv("""
            email,display_name,role,manager_email
            rep1@test.terrain,Rep One,Rep,manager1@test.terrain
            admin@test.terrain,Test Admin,Leader,
            """), Ct);

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, problem.ToString());
        var rejected = Assert.Single(problem.GetProperty("rejected").EnumerateArray());
        Assert.Equal(3, rejected.GetProperty("line").GetInt32());
        Assert.Equal("role", rejected.GetProperty("column").GetString());
        Assert.Contains("last admin who can sign in", rejected.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(Role.Admin, await RoleOfAsync(app, "admin@test.terrain"));
    }

    [Theory, BothDatabases]
    public async Task An_admin_cannot_demote_or_deactivate_the_last_admin_who_can_sign_in_not_even_themselves(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await AddAdminsWhoCannotSignInAsync(app);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();

        var demoteSelf = await PatchAsync(admin, app.Org.Admin.Id, new { role = "Leader" });

        var problem = await demoteSelf.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(demoteSelf.StatusCode == HttpStatusCode.BadRequest, problem.ToString());
        Assert.Contains("last admin who can sign in", problem.GetProperty("errors").GetProperty("role")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(Role.Admin, await RoleOfAsync(app, "admin@test.terrain"));

        // With a second admin who can sign in, the same step is allowed.
        await app.WithDbAsync(d =>
        {
            d.Users.Add(TestOrg.User("second.admin@test.terrain", "Second Admin", Role.Admin, null, app.Clock.GetUtcNow()));
            return d.SaveChangesAsync(Ct);
        });

        var allowed = await PatchAsync(admin, app.Org.Admin.Id, new { role = "Leader" });

        Assert.True(allowed.StatusCode == HttpStatusCode.OK, await allowed.Content.ReadAsStringAsync(Ct));
        Assert.Equal(Role.Leader, await RoleOfAsync(app, "admin@test.terrain"));
    }
}
