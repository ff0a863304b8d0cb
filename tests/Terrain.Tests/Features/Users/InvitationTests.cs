using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Terrain.Domain;
using Terrain.Features.Users;
using Terrain.Infrastructure.Mail;
using Terrain.Tests.Features.Reminders;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Users;

/// <summary>A user without a password sets their own through a one-time, expiring link (ADR 0037).</summary>
public sealed class InvitationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Password = "Territory-plan-27";

    private static object NewRep(string email = "invited@test.terrain") =>
        new { email, displayName = "Invited Rep", role = "Rep", managerEmail = "manager1@test.terrain" };

    /// <summary>Creates a rep without a password through the API: their id and the link the answer carries.</summary>
    private static async Task<(Guid Id, string Link)> InviteAsync(TestApp app, string email = "invited@test.terrain")
    {
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var response = await admin.PostAsJsonAsync("/api/v1/users", NewRep(email), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var invitation = body.GetProperty("invitation");
        Assert.False(invitation.GetProperty("emailed").GetBoolean());
        return (body.GetProperty("id").GetGuid(), invitation.GetProperty("link").GetString()!);
    }

    private static string PathOf(string link) => new Uri(new Uri("http://localhost"), link).PathAndQuery;

    private static string TokenOf(string link) => Uri.UnescapeDataString(PathOf(link).Split("token=")[1]);

    /// <summary>Opens the link anonymously and sends the form: the answer, and the client that sent it.</summary>
    private static async Task<(HttpResponseMessage Response, HttpClient Client)> AcceptAsync(TestApp app, string link, string password = Password)
    {
        var client = app.Anonymous();
        var page = await client.GetStringAsync(PathOf(link), Ct);
        var document = new HtmlParser().ParseDocument(page);
        // A link that no longer works shows no form; the token of the login page, on the same client, still lets the post through.
        var antiforgery = document.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value")
            ?? await TestApp.AntiforgeryTokenAsync(client, "/Auth/Login");
        var response = await client.PostAsync(PathOf(link), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = antiforgery,
            ["Token"] = TokenOf(link),
            ["Input.Password"] = password,
            ["Input.Confirm"] = password,
        }), Ct);
        return (response, client);
    }

    private static Task<bool> HasPasswordAsync(TestApp app, Guid id) =>
        app.WithDbAsync(d => d.Users.Where(u => u.Id == id).Select(u => u.PasswordHash != null).SingleAsync(Ct));

    [Theory, BothDatabases]
    public async Task A_new_user_sets_their_password_once_through_the_link_and_is_signed_in(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var (id, link) = await InviteAsync(app);

        var (response, client) = await AcceptAsync(app, link);
        var home = await client.GetAsync("/", Ct);
        var login = await app.Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { email = "invited@test.terrain", password = Password }, Ct);
        var (again, _) = await AcceptAsync(app, link, "Another-plan-2027");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("already been used", await again.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var relogin = await app.Anonymous().PostAsJsonAsync("/api/v1/auth/login", new { email = "invited@test.terrain", password = "Another-plan-2027" }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, relogin.StatusCode);
        var actions = await app.WithDbAsync(d => d.AuditEntries.Where(e => e.EntityId == id.ToString()).Select(e => e.Action).ToListAsync(Ct));
        Assert.Contains("user.invitation.issued", actions);
        Assert.Contains("user.invitation.accepted", actions);
    }

    [Theory, BothDatabases]
    public async Task Only_the_hash_of_the_token_is_stored(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var (id, link) = await InviteAsync(app);
        var token = TokenOf(link);

        var stored = await app.WithDbAsync(d => d.PasswordInvitations.Where(i => i.UserId == id).ToListAsync(Ct));
        var audit = await app.WithDbAsync(d => d.AuditEntries.Select(e => e.Details).ToListAsync(Ct));

        var invitation = Assert.Single(stored);
        Assert.True(token.Length >= 43, token);
        Assert.Equal(PasswordInvitation.Hash(token), invitation.TokenHash);
        Assert.NotEqual(token, invitation.TokenHash);
        Assert.DoesNotContain(audit, data => data is not null && data.Contains(token, StringComparison.Ordinal));
    }

    [Theory, BothDatabases]
    public async Task A_link_expires_after_seven_days_and_says_so(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var (id, link) = await InviteAsync(app);

        app.Clock.Advance(PasswordInvitation.Lifetime + TimeSpan.FromMinutes(1));
        var page = await app.Anonymous().GetStringAsync(PathOf(link), Ct);
        var (response, _) = await AcceptAsync(app, link);
        var list = await (await app.BrowserAsAsync("admin@test.terrain")).GetStringAsync("/Admin/Users", Ct);

        Assert.Contains("This invitation expired on", page, StringComparison.Ordinal);
        Assert.DoesNotContain("invited@test.terrain", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(await HasPasswordAsync(app, id));
        Assert.Contains("Invitation expired", list, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task Resending_makes_a_new_link_and_the_old_one_stops_working(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var (id, first) = await InviteAsync(app);
        var admin = await app.ApiAsAsync("admin@test.terrain");

        var resent = await admin.PostAsync($"/api/v1/users/{id}/invitation", null, Ct);
        var body = await resent.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var second = body.GetProperty("link").GetString()!;
        var (old, _) = await AcceptAsync(app, first);

        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        Assert.NotEqual(first, second);
        Assert.Contains("no longer valid", await old.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.False(await HasPasswordAsync(app, id));
        var (fresh, _) = await AcceptAsync(app, second);
        Assert.Equal(HttpStatusCode.Redirect, fresh.StatusCode);
        Assert.True(await HasPasswordAsync(app, id));
        Assert.True(await app.WithDbAsync(d => d.AuditEntries.AnyAsync(e => e.Action == "user.invitation.resent" && e.EntityId == id.ToString(), Ct)));
    }

    [Theory, BothDatabases]
    public async Task The_password_follows_the_usual_rules_and_a_weak_one_leaves_the_link_open(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var (id, link) = await InviteAsync(app);

        var (weak, _) = await AcceptAsync(app, link, "Password1234");
        var (good, _) = await AcceptAsync(app, link);

        Assert.Equal(HttpStatusCode.OK, weak.StatusCode);
        Assert.Contains("field-error", await weak.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        Assert.True(await HasPasswordAsync(app, id));
    }

    [Theory, BothDatabases]
    public async Task An_unknown_link_names_nobody_and_users_with_a_password_are_not_invited(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain");

        var unknown = await app.Anonymous().GetStringAsync("/Auth/Invitation?token=not-a-real-token", Ct);
        var none = await app.Anonymous().GetStringAsync("/Auth/Invitation", Ct);
        var withPassword = await admin.PostAsync($"/api/v1/users/{app.Org.Rep1.Id}/invitation", null, Ct);
        var missing = await admin.PostAsync($"/api/v1/users/{Guid.NewGuid()}/invitation", null, Ct);

        Assert.Contains("This invitation link is not valid", unknown, StringComparison.Ordinal);
        Assert.Contains("This invitation link is not valid", none, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, withPassword.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory, BothDatabases]
    public async Task An_admin_setting_the_password_closes_the_invitation(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var (id, link) = await InviteAsync(app);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        var user = await admin.GetAsync($"/api/v1/users/{id}", Ct);
        var listed = await user.Content.ReadFromJsonAsync<JsonElement>(Ct);

        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/users/{id}") { Content = JsonContent.Create(new { password = Password }) };
        request.Headers.TryAddWithoutValidation("If-Match", user.Headers.ETag!.ToString());
        var patched = await admin.SendAsync(request, Ct);
        var page = await app.Anonymous().GetStringAsync(PathOf(link), Ct);

        Assert.Equal(JsonValueKind.String, listed.GetProperty("invitationExpiresAt").ValueKind);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Contains("no longer valid", page, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task Imported_users_are_invited_and_listed_as_invited(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var admin = await app.ApiAsAsync("admin@test.terrain").WaitingForImports();

        var response = await admin.PostAsync("/api/v1/imports/users", new StringContent(
            "email,display_name,role,manager_email\nimported@test.terrain,Imported Rep,Rep,manager1@test.terrain\n",
            System.Text.Encoding.UTF8, "text/csv"), Ct);
        var list = await (await app.BrowserAsAsync("admin@test.terrain")).GetStringAsync("/Admin/Users", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await app.WithDbAsync(d => d.PasswordInvitations.CountAsync(Ct)));
        Assert.Contains("Invited (expires", list, StringComparison.Ordinal);
        Assert.Contains("Copy invitation link", list, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task The_users_page_shows_a_fresh_link_to_copy(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var (id, first) = await InviteAsync(app);
        var browser = await app.BrowserAsAsync("admin@test.terrain");
        var token = await TestApp.AntiforgeryTokenAsync(browser, "/Admin/Users");

        var response = await browser.PostAsync($"/Admin/Users?handler=Invite&id={id}",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);
        var link = new HtmlParser().ParseDocument(html).QuerySelector("#invitation-link")?.GetAttribute("value");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(link);
        Assert.NotEqual(first, link);
        Assert.Contains("/Auth/Invitation?token=", link, StringComparison.Ordinal);
        var (accepted, _) = await AcceptAsync(app, link);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
    }

    [Theory, BothDatabases]
    public async Task With_smtp_the_invitation_is_emailed_and_no_link_is_returned(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await using var smtp = await TestSmtpServer.StartAsync();
        var created = await app.WithDbAsync(async d =>
        {
            var user = AppUser.Create("mailed@test.terrain", "Mailed Rep", Role.Rep,
                await d.Users.SingleAsync(u => u.Email == "manager1@test.terrain", Ct), app.Clock.GetUtcNow());
            d.Users.Add(user);
            await d.SaveChangesAsync(Ct);
            return user.Id;
        });
        var mail = new MailSender(Options.Create(new SmtpOptions
        {
            Host = "127.0.0.1",
            Port = smtp.Port,
            SecureSocket = SmtpSecurity.None,
            FromAddress = "terrain@test.terrain",
            TimeoutSeconds = 20,
        }));

        await using var scope = app.Services.CreateAsyncScope();
        var invitations = ActivatorUtilities.CreateInstance<Invitations>(scope.ServiceProvider, mail);
        var issued = await invitations.IssueAsync(created, app.Org.Admin.Id, Ct);

        Assert.NotNull(issued);
        Assert.True(issued.Emailed);
        Assert.Null(issued.Link);
        var message = Assert.Single(smtp.Received);
        Assert.Equal("mailed@test.terrain", Assert.Single(message.To));
        Assert.Contains("/Auth/Invitation?token=", message.Message.TextBody, StringComparison.Ordinal);
    }
}
