using Terrain.Domain.Planning;

namespace Terrain.Domain.Strategies;

public enum StrategyStatus
{
    Draft = 0,
    Published = 1,
    Superseded = 2,
}

/// <summary>
/// One revision of the sales strategy for a period: what we sell, to whom, why they buy, objectives and priorities,
/// plus an optional comprehension check. A revision is drafted, published, and superseded when a later revision of the
/// same strategy (<see cref="LineageId"/>) is published. A published revision is read-only: changing it means drafting
/// the next revision, and every revision is kept. Who writes strategies is decided in <see cref="Permissions"/>.
/// </summary>
public sealed class Strategy
{
    private Strategy()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>The id of the first revision; shared by all revisions of the same strategy.</summary>
    public Guid LineageId { get; private set; }

    /// <summary>1, 2, 3… within the lineage.</summary>
    public int Revision { get; private set; }

    public string Name { get; private set; } = "";

    public DateOnly PeriodStart { get; private set; }

    public DateOnly PeriodEnd { get; private set; }

    public StrategyStatus Status { get; private set; }

    /// <summary>JSON of <see cref="StrategyContent"/>.</summary>
    public string Content { get; private set; } = "{}";

    /// <summary>JSON of <see cref="ComprehensionCheck"/>.</summary>
    public string Check { get; private set; } = "{}";

    /// <summary>What changed in this revision, in the leader's words (required from revision 2 on, when publishing).</summary>
    public string? ChangeNote { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public Guid CreatedById { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset? PublishedAt { get; private set; }

    public Guid? PublishedById { get; private set; }

    public DateTimeOffset? SupersededAt { get; private set; }

    public string Version { get; private set; } = "";

    public StrategyContent ReadContent() => StrategyContent.Read(Content);

    public ComprehensionCheck ReadCheck() => ComprehensionCheck.Read(Check);

    public static Strategy Draft(Actor actor, string name, DateOnly periodStart, DateOnly periodEnd, StrategyContent content, DateTimeOffset now)
    {
        var strategy = new Strategy
        {
            Id = Guid.CreateVersion7(now),
            Revision = 1,
            Status = StrategyStatus.Draft,
            CreatedAt = now,
            CreatedById = actor.Id,
            Check = new ComprehensionCheck().Write(),
        };
        strategy.LineageId = strategy.Id;
        strategy.Apply(name, periodStart, periodEnd, content, now);
        return strategy;
    }

    /// <summary>Changes a draft: its name, period and parts. A published or superseded revision is read-only.</summary>
    public void Edit(Actor actor, string? name, DateOnly? periodStart, DateOnly? periodEnd, StrategyContent? content, string? changeNote, DateTimeOffset now)
    {
        EnsureDraft("change");
        Apply(name ?? Name, periodStart ?? PeriodStart, periodEnd ?? PeriodEnd, content ?? ReadContent(), now);
        if (changeNote is not null)
        {
            ChangeNote = Fields.Clean(changeNote, "changeNote", 1000);
        }
    }

    /// <summary>
    /// Replaces the comprehension check: while drafting, and after publishing only as long as nobody has attempted it
    /// (after that, a different check would grade reps differently; draft a new revision instead) nor acknowledged the
    /// revision (an acknowledgement is given after passing the check the revision has; a check added afterwards would
    /// leave reps acknowledged without having passed it).
    /// </summary>
    public void SetCheck(Actor actor, ComprehensionCheck check, bool attempted, DateTimeOffset now, bool acknowledged = false)
    {
        if (Status == StrategyStatus.Superseded)
        {
            throw new InvalidStateException($"Revision {Revision} is superseded and read-only.");
        }

        if (Status == StrategyStatus.Published && attempted)
        {
            throw new InvalidStateException("Reps have already taken this check; draft a new revision to change it.", "check");
        }

        if (Status == StrategyStatus.Published && acknowledged)
        {
            throw new InvalidStateException(
                "Reps have already acknowledged this revision, so a check set now would not have been passed by them; draft a new revision to change the check.",
                "check");
        }

        check.Normalize();
        Check = check.Write();
        Touch(now);
    }

    /// <summary>Publishes the draft. The caller supersedes the lineage's previously published revision in the same save.</summary>
    public void Publish(Actor actor, DateTimeOffset now)
    {
        EnsureDraft("publish");
        ReadContent().EnsurePublishable();
        if (Revision > 1 && ChangeNote is null)
        {
            throw new DomainException("Say what changed in this revision (a change note) before publishing it.", "changeNote");
        }

        Status = StrategyStatus.Published;
        PublishedAt = now;
        PublishedById = actor.Id;
        Touch(now);
    }

    public void Supersede(DateTimeOffset now)
    {
        if (Status != StrategyStatus.Published)
        {
            throw new InvalidStateException($"Only a published revision can be superseded; revision {Revision} is {Status}.");
        }

        Status = StrategyStatus.Superseded;
        SupersededAt = now;
        Touch(now);
    }

    /// <summary>Starts the next revision as a draft copy of this published one; the objectives keep their ids.</summary>
    public Strategy Revise(Actor actor, DateTimeOffset now)
    {
        if (Status != StrategyStatus.Published)
        {
            throw new InvalidStateException($"Only the published revision can be revised; revision {Revision} is {Status}.");
        }

        return new Strategy
        {
            Id = Guid.CreateVersion7(now),
            LineageId = LineageId,
            Revision = Revision + 1,
            Name = Name,
            PeriodStart = PeriodStart,
            PeriodEnd = PeriodEnd,
            Status = StrategyStatus.Draft,
            Content = Content,
            Check = Check,
            CreatedAt = now,
            CreatedById = actor.Id,
            UpdatedAt = now,
            Version = Guid.NewGuid().ToString("N"),
        };
    }

    public void EnsurePublished(string what)
    {
        if (Status != StrategyStatus.Published)
        {
            throw new InvalidStateException($"Only a published strategy can be {what}; revision {Revision} is {Status}.");
        }
    }

    private void Apply(string name, DateOnly periodStart, DateOnly periodEnd, StrategyContent content, DateTimeOffset now)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > 100)
        {
            throw new DomainException("A strategy needs a name of at most 100 characters, e.g. FY2027 sales strategy.", "name");
        }

        if (periodStart == default || periodEnd == default || periodEnd <= periodStart)
        {
            throw new DomainException("The period must have a start and end after it starts.", "periodEnd");
        }

        content.Normalize();
        Name = Text.EnsurePrintable(trimmed, "name");
        PeriodStart = periodStart;
        PeriodEnd = periodEnd;
        Content = content.Write();
        Touch(now);
    }

    private void EnsureDraft(string what)
    {
        if (Status != StrategyStatus.Draft)
        {
            throw new InvalidStateException(
                $"Revision {Revision} is {Status.ToString().ToLowerInvariant()} and read-only; draft a new revision to {what} it.");
        }
    }

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version = Guid.NewGuid().ToString("N");
    }
}
