using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Terrain.Features.Reminders;
using Terrain.Infrastructure.Mail;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Reminders;

/// <summary>
/// Reminders by email, over a real SMTP conversation with <see cref="TestSmtpServer"/>. The test cycle's draft is
/// due on 7 Dec 2026; at <see cref="Overdue"/> six reminders are due (three reps, and their managers about them).
/// </summary>
public sealed class EmailRemindersTests
{
    private static readonly DateTimeOffset Overdue = new(2026, 12, 8, 1, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<int> RemindAsync(TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DeadlineReminders>().RunOnceAsync(Ct);
    }

    /// <summary>The mailer as the app builds it, but sending to <paramref name="port"/> on 127.0.0.1 without TLS.</summary>
    private static async Task<int> EmailAsync(TestApp app, int port, string? publicUrl = null)
    {
        var options = new SmtpOptions
        {
            Host = "127.0.0.1",
            Port = port,
            SecureSocket = SmtpSecurity.None,
            FromAddress = "terrain@test.terrain",
            FromName = "Terrain",
            TimeoutSeconds = 20,
        };
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Terrain:PublicUrl"] = publicUrl })
            .Build();
        await using var scope = app.Services.CreateAsyncScope();
        var mailer = ActivatorUtilities.CreateInstance<NotificationMailer>(
            scope.ServiceProvider, new MailSender(Options.Create(options)), configuration);
        return await mailer.RunOnceAsync(Ct);
    }

    private sealed record Row(string Email, string Key, string Title, string Body, string? Link, DateTimeOffset? EmailedAt, int EmailAttempts);

    private static Task<List<Row>> NotificationsAsync(TestApp app) => app.WithDbAsync(d =>
        d.Notifications.Join(d.Users, n => n.UserId, u => u.Id, (n, u) => new Row(u.Email!, n.Key, n.Title, n.Body, n.Link, n.EmailedAt, n.EmailAttempts))
            .ToListAsync(Ct));

    private static List<string> Addressed(IEnumerable<ReceivedMail> mails) =>
        mails.Select(m => $"{string.Join(",", m.To)} {m.Message.Subject}").Order(StringComparer.Ordinal).ToList();

    private static List<string> Addressed(IEnumerable<Row> rows) =>
        rows.Select(r => $"{r.Email} {r.Title}").Order(StringComparer.Ordinal).ToList();

    [Theory, BothDatabases]
    public async Task Each_reminder_is_emailed_once_to_its_person_with_a_link_into_Terrain(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await using var smtp = await TestSmtpServer.StartAsync();
        app.Clock.SetUtcNow(Overdue);

        Assert.Equal(6, await RemindAsync(app));
        Assert.Equal(6, await EmailAsync(app, smtp.Port, "https://terrain.example.com/"));
        Assert.Equal(0, await RemindAsync(app));
        Assert.Equal(0, await EmailAsync(app, smtp.Port, "https://terrain.example.com/"));

        var rows = await NotificationsAsync(app);
        Assert.Equal(6, smtp.Received.Count);
        Assert.Equal(Addressed(rows), Addressed(smtp.Received));
        Assert.All(rows, r => Assert.Equal((Overdue, 1), (r.EmailedAt, r.EmailAttempts)));
        Assert.All(smtp.Received, m => Assert.Equal("terrain@test.terrain", m.From));

        var toManager = smtp.Received.First(m => m.To.SequenceEqual(["manager2@test.terrain"])).Message;
        var row = rows.Single(r => r.Email == "manager2@test.terrain");
        var link = $"https://terrain.example.com/Cycles/Board/{app.Org.Cycle.Id}";
        Assert.Equal(("Manager Two", "manager2@test.terrain"), toManager.To.Mailboxes.Select(a => (a.Name, a.Address)).Single());
        Assert.Equal(("Terrain", "terrain@test.terrain"), toManager.From.Mailboxes.Select(a => (a.Name, a.Address)).Single());
        Assert.Equal("auto-generated", toManager.Headers["Auto-Submitted"]);
        Assert.Contains(row.Body, toManager.TextBody, StringComparison.Ordinal);
        Assert.Contains(link, toManager.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{link}\"", toManager.HtmlBody, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task Without_a_public_url_the_email_names_the_page_by_its_path(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await using var smtp = await TestSmtpServer.StartAsync();
        app.Clock.SetUtcNow(Overdue);
        await RemindAsync(app);

        await EmailAsync(app, smtp.Port);

        var toManager = smtp.Received.First(m => m.To.SequenceEqual(["manager2@test.terrain"])).Message;
        Assert.Contains($"Open it in Terrain at /Cycles/Board/{app.Org.Cycle.Id}", toManager.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("href", toManager.HtmlBody, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task Several_instances_running_at_once_email_each_reminder_once(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await using var smtp = await TestSmtpServer.StartAsync();
        app.Clock.SetUtcNow(Overdue);

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await RemindAsync(app);
            return await EmailAsync(app, smtp.Port);
        }, Ct)));

        var rows = await NotificationsAsync(app);
        Assert.Equal(6, rows.Count);
        Assert.Equal(6, runs.Sum());
        Assert.Equal(Addressed(rows), Addressed(smtp.Received));
        Assert.All(rows, r => Assert.Equal(1, r.EmailAttempts));
    }

    [Theory, BothDatabases]
    public async Task Without_smtp_nothing_is_emailed_and_notifications_are_left_as_they_are(Db db)
    {
        var app = await TestApp.StartAsync(db);
        app.Clock.SetUtcNow(Overdue);
        await RemindAsync(app);
        await using var scope = app.Services.CreateAsyncScope();

        Assert.False(scope.ServiceProvider.GetRequiredService<MailSender>().IsConfigured);
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<NotificationMailer>().RunOnceAsync(Ct));

        var rows = await NotificationsAsync(app);
        Assert.Equal(6, rows.Count);
        Assert.All(rows, r => Assert.Equal((null, 0), (r.EmailedAt, r.EmailAttempts)));
    }

    [Theory, BothDatabases]
    public async Task Turning_mail_on_later_emails_only_the_last_two_days_of_notifications(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await using var smtp = await TestSmtpServer.StartAsync();
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(3, await RemindAsync(app));
        app.Clock.SetUtcNow(Overdue);
        Assert.Equal(6, await RemindAsync(app));

        Assert.Equal(6, await EmailAsync(app, smtp.Port));

        var rows = await NotificationsAsync(app);
        Assert.Equal(Addressed(rows.Where(r => r.Key.StartsWith("draft-overdue", StringComparison.Ordinal))), Addressed(smtp.Received));
        Assert.All(rows.Where(r => r.Key.StartsWith("draft-due", StringComparison.Ordinal)),
            r => Assert.Equal((null, 0), (r.EmailedAt, r.EmailAttempts)));
    }

    [Theory, BothDatabases]
    public async Task A_person_deactivated_since_the_reminder_is_not_emailed(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await using var smtp = await TestSmtpServer.StartAsync();
        app.Clock.SetUtcNow(Overdue);
        await RemindAsync(app);
        await app.WithDbAsync(async d =>
        {
            (await d.Users.SingleAsync(u => u.Id == app.Org.Rep3.Id, Ct)).Deactivate(activeReports: 0);
            return await d.SaveChangesAsync(Ct);
        });

        Assert.Equal(5, await EmailAsync(app, smtp.Port));

        Assert.DoesNotContain(smtp.Received, m => m.To.Contains("rep3@test.terrain"));
        Assert.Equal((null, 0), (await NotificationsAsync(app)).Where(r => r.Email == "rep3@test.terrain").Select(r => (r.EmailedAt, r.EmailAttempts)).Single());
    }

    [Theory, BothDatabases]
    public async Task An_unreachable_mail_server_loses_nothing_and_the_reminders_are_emailed_once_it_is_back(Db db)
    {
        var app = await TestApp.StartAsync(db);
        app.Clock.SetUtcNow(Overdue);
        Assert.Equal(6, await RemindAsync(app));

        await Assert.ThrowsAnyAsync<SocketException>(() => EmailAsync(app, TestSmtpServer.ClosedPort()));
        await Assert.ThrowsAnyAsync<SocketException>(() => EmailAsync(app, TestSmtpServer.ClosedPort()));

        var rows = await NotificationsAsync(app);
        Assert.Equal(6, rows.Count);
        Assert.All(rows, r => Assert.Equal((null, 0), (r.EmailedAt, r.EmailAttempts)));

        await using var smtp = await TestSmtpServer.StartAsync();
        Assert.Equal(6, await EmailAsync(app, smtp.Port));
        Assert.Equal(Addressed(rows), Addressed(smtp.Received));
    }

    [Theory, BothDatabases]
    public async Task A_refused_email_is_tried_again_on_later_runs_but_never_more_than_the_limit(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await using var smtp = await TestSmtpServer.StartAsync();
        smtp.RefuseMessages = true;
        app.Clock.SetUtcNow(Overdue);
        await RemindAsync(app);

        for (var run = 0; run < NotificationMailer.MaxAttempts + 2; run++)
        {
            Assert.Equal(0, await EmailAsync(app, smtp.Port));
        }

        smtp.RefuseMessages = false;
        Assert.Equal(0, await EmailAsync(app, smtp.Port));

        var rows = await NotificationsAsync(app);
        Assert.Equal(6, rows.Count);
        Assert.Equal(6 * NotificationMailer.MaxAttempts, smtp.Refused);
        Assert.Empty(smtp.Received);
        Assert.All(rows, r => Assert.Equal((null, NotificationMailer.MaxAttempts), (r.EmailedAt, r.EmailAttempts)));
    }

    [Theory, BothDatabases]
    public async Task A_refused_email_that_goes_through_on_a_later_run_is_sent_once(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await using var smtp = await TestSmtpServer.StartAsync();
        smtp.RefuseMessages = true;
        app.Clock.SetUtcNow(Overdue);
        await RemindAsync(app);

        Assert.Equal(0, await EmailAsync(app, smtp.Port));
        smtp.RefuseMessages = false;
        Assert.Equal(6, await EmailAsync(app, smtp.Port));
        Assert.Equal(0, await EmailAsync(app, smtp.Port));

        Assert.Equal(6, smtp.Refused);
        Assert.Equal(6, smtp.Received.Count);
        Assert.All(await NotificationsAsync(app), r => Assert.Equal((Overdue, 2), (r.EmailedAt, r.EmailAttempts)));
    }
}
