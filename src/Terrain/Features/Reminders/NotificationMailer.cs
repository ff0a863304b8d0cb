using System.Net;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Terrain.Data;
using Terrain.Infrastructure.Mail;

namespace Terrain.Features.Reminders;

/// <summary>
/// Emails in-app notifications to their people when SMTP is configured. Each notification is claimed in the
/// database (<c>EmailedAt</c> set where it is still null) before it is sent, so instances sharing a database
/// never both send it; a failed send gives the claim back for a later run, at most <see cref="MaxAttempts"/>
/// times. Notifications older than <see cref="MaxAge"/> are never emailed. See docs/decisions/0007-email-reminders.md.
/// </summary>
public sealed class NotificationMailer(
    AppDbContext db, MailSender mail, NotificationCauses causes, TimeProvider clock, IConfiguration configuration, ILogger<NotificationMailer> logger)
{
    public const int MaxAttempts = 3;

    /// <summary>A reminder is news for a couple of days; after that the in-app notification is enough.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(2);

    private const int BatchSize = 200;

    /// <summary>How many emails this run sent. Does nothing, and marks nothing, when SMTP is not configured.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        if (!mail.IsConfigured)
        {
            return 0;
        }

        var since = clock.GetUtcNow() - MaxAge;
        // A reminder whose cause went away before it was emailed (the draft was submitted) is not sent.
        await causes.ResolveStaleAsync(db.Notifications.Where(n => n.EmailedAt == null && n.CreatedAt >= since), ct);
        var pending = await (from n in db.Notifications.AsNoTracking()
                             join u in db.Users on n.UserId equals u.Id
                             where n.EmailedAt == null && n.EmailAttempts < MaxAttempts && n.CreatedAt >= since
                                   && n.ResolvedAt == null && n.DismissedAt == null
                                   && u.IsActive && u.Email != null && u.Email != ""
                             orderby n.Id
                             select new Pending(n.Id, n.Title, n.Body, n.Link, u.Email!, u.DisplayName))
            .Take(BatchSize).ToListAsync(ct);
        if (pending.Count == 0)
        {
            return 0;
        }

        var publicUrl = PublicUrl();
        // Connect before claiming: a server that is down uses up no attempts, and the next run tries again.
        await using var session = await mail.OpenAsync(ct);
        var sent = 0;
        foreach (var item in pending)
        {
            if (!await ClaimAsync(item.Id, ct))
            {
                continue;
            }

            try
            {
                using var message = Compose(item, publicUrl);
                await session.SendAsync(message, ct);
                sent++;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await ReleaseAsync(item.Id);
                throw;
            }
            catch (Exception e)
            {
                await ReleaseAsync(item.Id);
                logger.LogWarning(e, "Emailing notification {Id} failed; it will be tried again, up to {Max} times in all.", item.Id, MaxAttempts);
                if (!session.IsConnected)
                {
                    break;
                }
            }
        }

        return sent;
    }

    private async Task<bool> ClaimAsync(long id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return await db.Notifications
            .Where(n => n.Id == id && n.EmailedAt == null && n.EmailAttempts < MaxAttempts)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.EmailedAt, now).SetProperty(n => n.EmailAttempts, n => n.EmailAttempts + 1), ct) == 1;
    }

    // Not cancellable: a claim left behind would mean the email is never sent.
    private Task ReleaseAsync(long id) =>
        db.Notifications.Where(n => n.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.EmailedAt, (DateTimeOffset?)null), CancellationToken.None);

    private string? PublicUrl()
    {
        var url = configuration["Terrain:PublicUrl"];
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            return url.TrimEnd('/');
        }

        logger.LogWarning("Terrain:PublicUrl ({Url}) is not an absolute http(s) address; emails show links as paths.", url);
        return null;
    }

    private static MimeMessage Compose(Pending item, string? publicUrl)
    {
        var message = new MimeMessage();
        message.To.Add(new MailboxAddress(item.DisplayName, item.Email));
        message.Subject = item.Title;
        // RFC 3834: tells auto-responders not to answer.
        message.Headers.Add("Auto-Submitted", "auto-generated");

        var text = item.Body;
        var html = $"<p>{WebUtility.HtmlEncode(item.Body)}</p>";
        if (item.Link is { } link)
        {
            if (publicUrl is not null)
            {
                var url = publicUrl + link;
                text += $"\n\nOpen it in Terrain: {url}";
                html += $"\n<p><a href=\"{WebUtility.HtmlEncode(url)}\">Open it in Terrain</a></p>";
            }
            else
            {
                text += $"\n\nOpen it in Terrain at {link}";
                html += $"\n<p>Open it in Terrain at {WebUtility.HtmlEncode(link)}</p>";
            }
        }

        message.Body = new BodyBuilder { TextBody = text + "\n", HtmlBody = html + "\n" }.ToMessageBody();
        return message;
    }

    private sealed record Pending(long Id, string Title, string Body, string? Link, string Email, string DisplayName);
}
