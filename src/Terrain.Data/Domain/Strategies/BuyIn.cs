using Terrain.Domain.Planning;

namespace Terrain.Domain.Strategies;

/// <summary>
/// A rep's statement that they have read and understood one revision of the strategy. Once per rep and revision;
/// when the revision has a comprehension check, only after passing it.
/// </summary>
public sealed class StrategyAcknowledgement
{
    private StrategyAcknowledgement()
    {
    }

    public Guid Id { get; private set; }

    public Guid StrategyId { get; private set; }

    public Guid RepId { get; private set; }

    public DateTimeOffset At { get; private set; }

    /// <summary>
    /// The gate: only the rep acknowledges, for themselves, once, on a published revision, and after passing its
    /// check when it has one.
    /// </summary>
    public static StrategyAcknowledgement Give(Strategy strategy, Actor actor, Guid? forRepId, bool alreadyAcknowledged,
        bool hasCheck, bool passedCheck, DateTimeOffset now)
    {
        BuyIn.EnsureSelf(actor, forRepId, "acknowledge");
        strategy.EnsurePublished("acknowledged");
        if (alreadyAcknowledged)
        {
            throw new InvalidStateException($"You have already acknowledged revision {strategy.Revision} of {strategy.Name}.", "acknowledgement");
        }

        if (hasCheck && !passedCheck)
        {
            throw new InvalidStateException("Pass the comprehension check first; then acknowledge the strategy.", "check");
        }

        return new StrategyAcknowledgement { Id = Guid.CreateVersion7(now), StrategyId = strategy.Id, RepId = actor.Id, At = now };
    }
}

/// <summary>One attempt at the comprehension check: the answers as given and the grade. Every attempt is kept.</summary>
public sealed class CheckAttempt
{
    private CheckAttempt()
    {
    }

    public Guid Id { get; private set; }

    public Guid StrategyId { get; private set; }

    public Guid RepId { get; private set; }

    public DateTimeOffset At { get; private set; }

    /// <summary>JSON object of question id → chosen option index.</summary>
    public string Answers { get; private set; } = "{}";

    public int Correct { get; private set; }

    public int Total { get; private set; }

    public bool Passed { get; private set; }

    public static (CheckAttempt Attempt, CheckGrade Grade) Take(Strategy strategy, Actor actor, Guid? forRepId, bool passedBefore,
        IReadOnlyDictionary<string, int> answers, DateTimeOffset now)
    {
        BuyIn.EnsureSelf(actor, forRepId, "answer the check");
        strategy.EnsurePublished("checked");
        if (passedBefore)
        {
            throw new InvalidStateException("You have already passed this check.", "check");
        }

        var grade = strategy.ReadCheck().Grade(answers);
        var attempt = new CheckAttempt
        {
            Id = Guid.CreateVersion7(now),
            StrategyId = strategy.Id,
            RepId = actor.Id,
            At = now,
            Answers = System.Text.Json.JsonSerializer.Serialize(answers),
            Correct = grade.Correct,
            Total = grade.Total,
            Passed = grade.Passed,
        };
        return (attempt, grade);
    }
}

/// <summary>
/// A question or concern a rep raises about the strategy, and the answer from a leader or the rep's manager. The
/// asker sees the answer; so do the asker's manager and the leaders.
/// </summary>
public sealed class StrategyQuestion
{
    public const int MaxLength = 2000;

    private StrategyQuestion()
    {
    }

    public Guid Id { get; private set; }

    public Guid StrategyId { get; private set; }

    public Guid AskedById { get; private set; }

    /// <summary>The part of the strategy it is about (see <see cref="StrategyContent.Parts"/>), or null for the whole.</summary>
    public string? Part { get; private set; }

    public string Body { get; private set; } = "";

    public DateTimeOffset AskedAt { get; private set; }

    public string? Answer { get; private set; }

    public Guid? AnsweredById { get; private set; }

    public DateTimeOffset? AnsweredAt { get; private set; }

    public string Version { get; private set; } = "";

    public bool IsOpen => Answer is null;

    public static StrategyQuestion Ask(Strategy strategy, Actor actor, string? part, string? body, DateTimeOffset now)
    {
        if (!Permissions.May(actor, Act.BuyIn))
        {
            throw new NotAllowedException("Questions about the strategy are raised by reps; leaders and managers answer them.");
        }

        strategy.EnsurePublished("questioned");
        if (part is not null && StrategyContent.Parts.All(p => p.Key != part))
        {
            throw new DomainException($"Unknown part '{part}'. Use one of: {string.Join(", ", StrategyContent.Parts.Select(p => p.Key))}.", "part");
        }

        return new StrategyQuestion
        {
            Id = Guid.CreateVersion7(now),
            StrategyId = strategy.Id,
            AskedById = actor.Id,
            Part = part,
            Body = Fields.Clean(body, "body", MaxLength) ?? throw new DomainException("Write the question or concern.", "body"),
            AskedAt = now,
            Version = Guid.NewGuid().ToString("N"),
        };
    }

    /// <summary>A leader, or the asker's manager, answers; an answer can be corrected by whoever may answer.</summary>
    public void Reply(Actor actor, Guid? askerManagerId, string? answer, DateTimeOffset now)
    {
        if (!Permissions.May(actor, Act.AnswerQuestion, new About(AskedById, askerManagerId)))
        {
            throw new NotAllowedException("A leader or the rep's own manager answers a rep's question.");
        }

        Answer = Fields.Clean(answer, "answer", MaxLength) ?? throw new DomainException("Write the answer.", "answer");
        AnsweredById = actor.Id;
        AnsweredAt = now;
        Version = Guid.NewGuid().ToString("N");
    }
}

public static class BuyIn
{
    /// <summary>Reps act on their own buy-in only: nobody acknowledges or answers the check for someone else.</summary>
    public static void EnsureSelf(Actor actor, Guid? forRepId, string what)
    {
        if (forRepId is { } other && other != actor.Id)
        {
            throw new NotAllowedException($"You can only {what} for yourself.");
        }

        if (!Permissions.May(actor, Act.BuyIn))
        {
            throw new NotAllowedException($"Reps {what}; leaders and managers follow their readiness instead.");
        }
    }
}
