namespace Terrain.Domain.Planning;

/// <summary>
/// The rep's content for one template section of a plan, stored as JSON of the section's kind. Each section has its
/// own version, so two people saving the same section cannot overwrite each other silently (If-Match), while saving
/// one section never conflicts with an edit of another.
/// </summary>
public sealed class PlanSection
{
    private PlanSection()
    {
    }

    public Guid Id { get; private set; }

    public Guid PlanId { get; private set; }

    public string Key { get; private set; } = "";

    public string Content { get; private set; } = "";

    public string Version { get; private set; } = "";

    public DateTimeOffset UpdatedAt { get; private set; }

    public Guid UpdatedById { get; private set; }

    /// <summary>The version a section has before anything was saved in it.</summary>
    public const string NewVersion = "new";

    public static PlanSection Create(Guid planId, string key, SectionContent content, Guid actorId, DateTimeOffset now)
    {
        var section = new PlanSection { Id = Guid.CreateVersion7(now), PlanId = planId, Key = key };
        section.Replace(content, actorId, now);
        return section;
    }

    public void Replace(SectionContent content, Guid actorId, DateTimeOffset now)
    {
        Content = SectionContents.Write(content);
        Version = Guid.NewGuid().ToString("N");
        UpdatedAt = now;
        UpdatedById = actorId;
    }
}

/// <summary>One section as it stood in a snapshot.</summary>
public sealed record SnapshotSection(string Key, string Title, SectionKind Kind, string Content);

/// <summary>
/// The whole plan as submitted. Every submission stores one, numbered 1, 2, 3… per plan; <see cref="Edition"/> is
/// the plan's working version at the time (it grows when an approved plan is amended).
/// </summary>
public sealed class PlanSnapshot
{
    private PlanSnapshot()
    {
    }

    public Guid Id { get; private set; }

    public Guid PlanId { get; private set; }

    public int Number { get; private set; }

    public int Edition { get; private set; }

    public DateTimeOffset SubmittedAt { get; private set; }

    public Guid SubmittedById { get; private set; }

    /// <summary>JSON array of <see cref="SnapshotSection"/>.</summary>
    public string Sections { get; private set; } = "[]";

    /// <summary>The accounts and goals named in the content, as they were, so that old versions read correctly.</summary>
    public string Names { get; private set; } = "{}";

    /// <summary>Whether its goals and action items are stored as rows of the plan of record (<see cref="PlanGoal"/>).</summary>
    public bool Recorded { get; private set; }

    public void MarkRecorded() => Recorded = true;

    public static PlanSnapshot Take(Guid planId, int number, int edition, string sections, string names, Guid actorId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PlanId = planId,
        Number = number,
        Edition = edition,
        SubmittedAt = now,
        SubmittedById = actorId,
        Sections = sections,
        Names = names,
    };
}

/// <summary>
/// A comment on a plan section, in a thread: the first comment opens the thread (its <see cref="ThreadId"/> is its
/// own id), replies share it. The rep, the rep's manager and leaders take part.
/// </summary>
public sealed class PlanComment
{
    public const int MaxLength = 4000;

    private PlanComment()
    {
    }

    public Guid Id { get; private set; }

    public Guid PlanId { get; private set; }

    /// <summary>The section discussed; null for the plan as a whole.</summary>
    public string? SectionKey { get; private set; }

    public Guid ThreadId { get; private set; }

    public Guid AuthorId { get; private set; }

    public string Body { get; private set; } = "";

    public DateTimeOffset At { get; private set; }

    /// <summary>The plan's working version when the comment was written.</summary>
    public int Edition { get; private set; }

    public static PlanComment Write(Plan plan, string? sectionKey, PlanComment? replyTo, Guid authorId, string? body, DateTimeOffset now)
    {
        var text = body?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            throw new DomainException("Write a comment first: it is empty.", "body");
        }

        if (text.Length > MaxLength)
        {
            throw new DomainException($"The comment is longer than {MaxLength:N0} characters.", "body");
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new DomainException("The comment contains a NUL character.", "body");
        }

        if (replyTo is not null && replyTo.PlanId != plan.Id)
        {
            throw new DomainException("The comment you reply to is on another plan.", "replyTo");
        }

        var id = Guid.CreateVersion7(now);
        return new PlanComment
        {
            Id = id,
            PlanId = plan.Id,
            SectionKey = replyTo?.SectionKey ?? sectionKey,
            ThreadId = replyTo?.ThreadId ?? id,
            AuthorId = authorId,
            Body = text.Replace("\r\n", "\n", StringComparison.Ordinal),
            At = now,
            Edition = plan.WorkingVersion,
        };
    }
}

/// <summary>
/// A rep's top-down quota for one quarter of a cycle, set by a leader or the rep's manager; for a manager (set by a
/// leader), the team's own quota, which the team dashboard measures the team against instead of the sum of its reps'.
/// </summary>
public sealed class Quota
{
    private Quota()
    {
    }

    public Guid Id { get; private set; }

    public Guid CycleId { get; private set; }

    public Guid RepId { get; private set; }

    /// <summary>1 to 4.</summary>
    public int Quarter { get; private set; }

    public decimal Amount { get; private set; }

    public Guid SetById { get; private set; }

    public DateTimeOffset SetAt { get; private set; }

    public static Quota Set(Guid cycleId, Guid repId, int quarter, decimal amount, Guid actorId, DateTimeOffset now)
    {
        var quota = new Quota { Id = Guid.CreateVersion7(now), CycleId = cycleId, RepId = repId, Quarter = quarter };
        quota.Change(amount, actorId, now);
        return quota;
    }

    public void Change(decimal amount, Guid actorId, DateTimeOffset now)
    {
        Amount = Validate(amount, $"quarters[{Quarter - 1}]");
        SetById = actorId;
        SetAt = now;
    }

    public static decimal Validate(decimal amount, string field) => Money.Validate(amount, field, "A quota");

    /// <summary>
    /// Leaders set anyone's quota; a manager sets the quotas of their own reps only. A manager's own quota is their
    /// team's target, set by whoever manages them (a leader).
    /// </summary>
    public static void EnsureMaySet(Actor actor, AppUser rep)
    {
        Permissions.Ensure(actor, Act.SetQuota, new About(rep.Id, rep.ManagerId));
        if (rep.Role is not (Role.Rep or Role.Manager))
        {
            throw new DomainException($"{rep.DisplayName} is neither a sales rep nor a manager; quotas are set for reps and for managers' teams.", "repId");
        }
    }
}
