using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Tests.Infrastructure;
using Xunit;
using static Terrain.Tests.Features.Imports.ImportingAccountsTests;

namespace Terrain.Tests.Features.Imports;

public sealed class ImportingUsersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, BothDatabases]
    public async Task Users_import_with_managers_listed_after_their_reps(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        var csv = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "users.csv"), Ct);

        var response = await admin.PostAsync("/api/v1/imports/users", Csv(csv), Ct);
        var again = await admin.PostAsync("/api/v1/imports/users", Csv(csv), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("created").GetInt32());
        Assert.Equal(4, (await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("unchanged").GetInt32());
        var rep = await app.WithDbAsync(d => d.Users.Include(u => u.Manager).SingleAsync(u => u.Email == "new.rep2@test.terrain", Ct));
        Assert.Equal(Role.Rep, rep.Role);
        Assert.Equal("new.manager@test.terrain", rep.Manager!.Email);
        Assert.Null(rep.PasswordHash);
    }

    [Theory, BothDatabases]
    public async Task Bad_user_rows_are_named_and_nothing_is_written(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();
        var csv = """
            Email,Display Name,Role,Manager Email
            fine@test.terrain,Fine,Rep,manager1@test.terrain
            wizard@test.terrain,Wizard,Wizard,
            FINE@test.terrain,Fine Again,Rep,manager1@test.terrain
            orphan@test.terrain,Orphan,Rep,nobody@test.terrain
            lonely@test.terrain,Lonely,Rep,
            not-an-email,Nobody,Rep,manager1@test.terrain
            under.rep@test.terrain,Under Rep,Rep,rep1@test.terrain
            ,No Email,Rep,manager1@test.terrain
            """;

        var response = await admin.PostAsync("/api/v1/imports/users", Csv(csv), Ct);
        var rejected = Rejected(await response.Content.ReadFromJsonAsync<JsonElement>(Ct));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal([(3, "role"), (4, "email"), (5, "manager_email"), (6, "manager_email"), (7, "email"), (8, "manager_email"), (9, "email")],
            rejected.Select(r => (r.Line, r.Column)).ToList());
        Assert.False(await app.WithDbAsync(d => d.Users.AnyAsync(u => u.Email == "fine@test.terrain", Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_reporting_loop_in_the_file_is_rejected(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();

        var response = await admin.PostAsync("/api/v1/imports/users",
            Csv("email,display_name,role,manager_email\na@test.terrain,A,Manager,b@test.terrain\nb@test.terrain,B,Manager,a@test.terrain\n"), Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.All(Rejected(await response.Content.ReadFromJsonAsync<JsonElement>(Ct)), r => Assert.Equal("manager_email", r.Column));
    }

    [Theory, BothDatabases]
    public async Task A_role_change_that_would_strand_reports_accounts_or_the_last_admin_is_rejected(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();

        var response = await admin.PostAsync("/api/v1/imports/users", Csv("""
            email,display_name,role,manager_email
            manager2@test.terrain,Manager Two,Rep,manager1@test.terrain
            rep1@test.terrain,Rep One,Manager,leader@test.terrain
            admin@test.terrain,Test Admin,Leader,
            """), Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal([(2, "role"), (3, "role"), (4, "role")],
            Rejected(await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).Select(r => (r.Line, r.Column)).ToList());
        Assert.Equal(Role.Manager, await app.WithDbAsync(d => d.Users.Where(u => u.Email == "manager2@test.terrain").Select(u => u.Role).SingleAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_manager_can_step_down_in_the_same_file_that_moves_their_reps(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();

        var response = await admin.PostAsync("/api/v1/imports/users", Csv("""
            email,display_name,role,manager_email
            rep3@test.terrain,Rep Three,Rep,manager1@test.terrain
            manager2@test.terrain,Manager Two,Leader,
            """), Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(Role.Leader, await app.WithDbAsync(d => d.Users.Where(u => u.Email == "manager2@test.terrain").Select(u => u.Role).SingleAsync(Ct)));
    }
}
