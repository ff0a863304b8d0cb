using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Infrastructure.Auth;
using Terrain.Infrastructure.Cli;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Auth;

/// <summary>
/// Passwords an attacker tries first are refused wherever a password is set: common ones (ASVS 5.0 V6.2, from the list
/// shipped with the app), common ones with digits or symbols added to pass the rules, and the user's own name or email.
/// </summary>
public sealed class CommonPasswordTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Password1234")]
    [InlineData("Password1234!")]
    [InlineData("Qwerty123456")]
    [InlineData("!!Iloveyou2024")]
    [InlineData("SUNSHINE2026.")]
    public void Common_passwords_with_digits_and_symbols_added_are_common(string password) =>
        Assert.True(CommonPasswordValidator.IsCommon(password));

    [Theory]
    [InlineData(TestOrg.Password)]
    [InlineData(Terrain.Features.Demo.DemoSeeder.Password)]
    [InlineData("Correct-horse-battery-7")]
    public void Uncommon_passwords_pass(string password) => Assert.False(CommonPasswordValidator.IsCommon(password));

    [Fact]
    public void The_list_holds_at_least_the_3000_most_common_passwords() =>
        Assert.True(CommonPasswordValidator.Count >= 3000, $"{CommonPasswordValidator.Count} passwords");

    [Theory, BothDatabases]
    public async Task Creating_a_user_or_setting_a_password_refuses_common_and_personal_passwords(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var refused = new List<HttpResponseMessage>
        {
            await admin.PostAsJsonAsync("/api/v1/users", new
            {
                email = "new.rep@test.terrain", displayName = "New Rep", role = "Rep", managerEmail = "manager1@test.terrain", password = "Password1234",
            }, Ct),
            await admin.PostAsJsonAsync("/api/v1/users", new
            {
                email = "dana.smith@test.terrain", displayName = "Dana Smith", role = "Rep", managerEmail = "manager1@test.terrain", password = "Smith-Family-2027",
            }, Ct),
        };
        var etag = (await admin.GetAsync($"/api/v1/users/{app.Org.Rep1.Id}", Ct)).Headers.ETag!.ToString();
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/users/{app.Org.Rep1.Id}") { Content = JsonContent.Create(new { password = "Password1234" }) };
        patch.Headers.TryAddWithoutValidation("If-Match", etag);
        refused.Add(await admin.SendAsync(patch, Ct));

        foreach (var response in refused)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, problem.ToString());
            Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _), problem.ToString());
        }

        Assert.Equal(7, await app.WithDbAsync(d => d.Users.CountAsync(Ct)));
        var login = await app.Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { email = "rep1@test.terrain", password = TestOrg.Password }, Ct);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task The_command_line_refuses_a_common_first_admin_password()
    {
        var directory = Path.Combine(Path.GetTempPath(), "terrain-cli", Guid.NewGuid().ToString("N"));
        try
        {
            var exit = await TerrainCli.RunAsync(["users", "add", "--email", "boss@cli.test", "--name", "Boss", "--role", "Admin",
                "--password", "Password1234", $"--Terrain:DataDirectory={directory}"], Ct);

            Assert.Equal(1, exit);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
