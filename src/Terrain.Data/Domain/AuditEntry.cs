namespace Terrain.Domain;

/// <summary>One change, as it happened. Entries are only ever added.</summary>
public sealed class AuditEntry
{
    private AuditEntry()
    {
    }

    public long Id { get; private set; }

    public DateTimeOffset At { get; private set; }

    public Guid? ActorId { get; private set; }

    public string Action { get; private set; } = "";

    public string EntityType { get; private set; } = "";

    public string EntityId { get; private set; } = "";

    public string? Details { get; private set; }

    public static AuditEntry Record(DateTimeOffset at, Guid? actorId, string action, string entityType,
        string entityId, string? details = null) => new()
        {
            At = at,
            ActorId = actorId,
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            Details = details,
        };
}
