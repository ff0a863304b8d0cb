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

    public static Notification Create(Guid userId, string key, string title, string body, string? link, DateTimeOffset now) => new()
    {
        UserId = userId,
        Key = key,
        Title = title,
        Body = body,
        Link = link,
        CreatedAt = now,
    };

    public void MarkRead(DateTimeOffset now) => ReadAt ??= now;
}
