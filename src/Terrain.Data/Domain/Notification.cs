namespace Terrain.Domain;

/// <summary>
/// An in-app message to one person. <see cref="Key"/> names the event it is about (e.g. "draft-due:{plan}:{deadline}"),
/// and is unique: however often, and on however many instances, a reminder job runs, each event notifies once.
/// </summary>
public sealed class Notification
{
    private Notification()
    {
    }

    public long Id { get; private set; }

    public Guid UserId { get; private set; }

    public string Key { get; private set; } = "";

    public string Title { get; private set; } = "";

    public string Body { get; private set; } = "";

    public string? Link { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? ReadAt { get; private set; }

    /// <summary>When its person put it away: a dismissed notification leaves their list but stays in the database.</summary>
    public DateTimeOffset? DismissedAt { get; private set; }

    /// <summary>
    /// When its cause went away (the draft was submitted, the workshop took place): it leaves the list by itself and is
    /// never emailed. Set by <c>NotificationCauses</c>, never by the person.
    /// </summary>
    public DateTimeOffset? ResolvedAt { get; private set; }

    /// <summary>
    /// When an instance claimed this notification for email: set before sending, cleared again if sending failed, so
    /// it stays null for one that was never emailed or that used up its attempts. Email delivery updates it in the
    /// database, never through this entity (docs/decisions/0007-email-reminders.md).
    /// </summary>
    public DateTimeOffset? EmailedAt { get; private set; }

    /// <summary>How many times email delivery has claimed this notification; bounds the retries.</summary>
    public int EmailAttempts { get; private set; }

    public static Notification Create(Guid userId, string key, string title, string body, string? link, DateTimeOffset now) => new()
    {
        UserId = userId,
        Key = key,
        Title = title,
        Body = body,
        Link = link,
        CreatedAt = now,
    };

    /// <summary>Neither dismissed nor resolved: it is on its person's list.</summary>
    public bool IsOpen => DismissedAt is null && ResolvedAt is null;

    public void MarkRead(DateTimeOffset now) => ReadAt ??= now;

    public void Dismiss(DateTimeOffset now)
    {
        ReadAt ??= now;
        DismissedAt ??= now;
    }
}
