using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Strategies;

public sealed record AcknowledgeInput(Guid? RepId);

public sealed record AcknowledgementResult(DateTimeOffset AcknowledgedAt);

public sealed record CheckQuestionInput(string? Id, string? Text, List<string?>? Options, int? Correct);

public sealed record CheckInput(List<CheckQuestionInput?>? Questions, int? PassPercent);

public sealed record CheckAnswersInput(Dictionary<string, int>? Answers, Guid? RepId);

/// <summary>A question of the check; <see cref="Correct"/> only for those who may know it, <see cref="WrongAttempts"/> for leaders.</summary>
public sealed record CheckQuestionView(string Id, string Text, IReadOnlyList<string> Options, int? Correct, int? WrongAttempts);

public sealed record CheckAttemptRow(DateTimeOffset At, int Correct, int Total, bool Passed);

/// <summary>How the reps the caller follows are doing: a leader's all active reps, a manager's team.</summary>
public sealed record CheckStats(int Reps, int Attempted, int Passed, int Acknowledged, int Attempts);

/// <summary>
/// The comprehension check as the caller may see it. Reps: the questions without the correct options (until they pass),
/// their attempts and whether they passed. Managers: the questions and their team's counts. Leaders (and admins, who
/// read everything): the correct options and how many attempts got each question wrong.
/// </summary>
public sealed record CheckView(
    Guid StrategyId,
    int Revision,
    string Status,
    int PassPercent,
    IReadOnlyList<CheckQuestionView> Questions,
    bool AnswersShown,
    bool? Passed,
    IReadOnlyList<CheckAttemptRow>? Attempts,
    DateTimeOffset? AcknowledgedAt,
    CheckStats? Reps,
    bool CanEdit,
    string? EditBlockedReason,
    string Version);

/// <summary>
/// The grade of one attempt: the score and the ids of the questions answered wrongly. The correct options
/// (question id → option index) only once the check is passed.
/// </summary>
public sealed record CheckResult(int Correct, int Total, int Percent, int PassPercent, bool Passed, IReadOnlyList<string> WrongQuestionIds,
    IReadOnlyDictionary<string, int>? CorrectAnswers);

public sealed record QuestionInput(string? Part, string? Body);

public sealed record AnswerInput(string? Answer);

public sealed record QuestionRow(
    Guid Id,
    Guid StrategyId,
    int Revision,
    string? Part,
    string Body,
    Guid AskedById,
    string AskedBy,
    DateTimeOffset AskedAt,
    string? Answer,
    Guid? AnsweredById,
    string? AnsweredBy,
    DateTimeOffset? AnsweredAt,
    bool Open,
    string Version,
    bool CanAnswer);

/// <summary>What the buy-in panel on the strategy page shows: a rep's own steps, or a leader's or manager's count.</summary>
public sealed record BuyInPanelView(
    Guid StrategyId,
    bool IsRep,
    bool HasCheck,
    bool Passed,
    int Attempts,
    DateTimeOffset? AcknowledgedAt,
    int OpenQuestions,
    int Reps,
    int Acknowledged)
{
    public bool CanAcknowledge => IsRep && AcknowledgedAt is null && (!HasCheck || Passed);

    /// <summary>When the rep reached the end of this revision; null until then.</summary>
    public DateTimeOffset? ReadAt { get; init; }
}

/// <summary>The strategy revision as buy-in needs it.</summary>
public sealed record BuyInStrategy(Guid Id, Guid LineageId, int Revision, string Name, StrategyStatus Status, string Version, ComprehensionCheck Check);

/// <summary>
/// A rep's buy-in to one revision of the strategy: the comprehension check (set by leaders, taken by reps until they
/// pass), the acknowledgement (after passing), and the questions and concerns reps raise, answered by their manager
/// or a leader. The rules are on the entities (<see cref="StrategyAcknowledgement"/>, <see cref="CheckAttempt"/>,
/// <see cref="StrategyQuestion"/>, <see cref="Strategy.SetCheck"/>); this class loads, scopes, audits and notifies.
/// Every method returns null when the strategy (or question) does not exist or is not visible to the caller.
/// </summary>
/// <summary>Where a rep goes after buying in: their plan in the newest open cycle, while it is not yet approved.</summary>
public sealed record NextPlan(Guid PlanId, string CycleName, PlanStatus Status, DateOnly DraftDue, bool Overdue);

public sealed class BuyInHandlers(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    public Actor Actor => access.Actor;

    public async Task<BuyInStrategy?> FindAsync(Guid id, CancellationToken ct)
    {
        var row = await access.VisibleStrategies().Where(s => s.Id == id)
            .Select(s => new { s.Id, s.LineageId, s.Revision, s.Name, s.Status, s.Version, s.Check })
            .SingleOrDefaultAsync(ct);
        return row is null ? null : new BuyInStrategy(row.Id, row.LineageId, row.Revision, row.Name, row.Status, row.Version, ComprehensionCheck.Read(row.Check));
    }

    public async Task<AcknowledgementResult?> AcknowledgeAsync(Guid id, Guid? repId, CancellationToken ct)
    {
        if (!await access.VisibleStrategies().AnyAsync(s => s.Id == id, ct))
        {
            return null;
        }

        var strategy = await db.Strategies.AsNoTracking().SingleAsync(s => s.Id == id, ct);
        var actor = access.Actor;
        var already = await db.Acknowledgements.AnyAsync(a => a.StrategyId == id && a.RepId == actor.Id, ct);
        var passed = await db.CheckAttempts.AnyAsync(a => a.StrategyId == id && a.RepId == actor.Id && a.Passed, ct);
        var now = clock.GetUtcNow();
        var acknowledgement = StrategyAcknowledgement.Give(strategy, actor, repId, already, !strategy.ReadCheck().IsEmpty, passed, now);
        db.Acknowledgements.Add(acknowledgement);
        db.AuditEntries.Add(AuditEntry.Record(now, actor.Id, "strategy.acknowledged", "Strategy", id.ToString(),
            JsonSerializer.Serialize(new { rep = actor.Id, revision = strategy.Revision })));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbConflicts.IsConflict(e))
        {
            // Two acknowledgements at once (a double click): the unique index keeps one.
            throw new InvalidStateException($"You have already acknowledged revision {strategy.Revision} of {strategy.Name}.", "acknowledgement");
        }

        return new AcknowledgementResult(acknowledgement.At);
    }

    public async Task<CheckView?> GetCheckAsync(Guid id, CancellationToken ct)
    {
        if (await FindAsync(id, ct) is not { } strategy)
        {
            return null;
        }

        var actor = access.Actor;
        var check = strategy.Check;
        if (access.May(Act.BuyIn))
        {
            var attempts = await db.CheckAttempts.AsNoTracking().Where(a => a.StrategyId == id && a.RepId == actor.Id)
                .OrderBy(a => a.At).Select(a => new CheckAttemptRow(a.At, a.Correct, a.Total, a.Passed)).ToListAsync(ct);
            var passed = attempts.Any(a => a.Passed);
            var acknowledgedAt = await db.Acknowledgements.Where(a => a.StrategyId == id && a.RepId == actor.Id)
                .Select(a => (DateTimeOffset?)a.At).SingleOrDefaultAsync(ct);
            return new CheckView(id, strategy.Revision, strategy.Status.ToString(), check.PassPercent,
                check.Questions.Select(q => View(q, passed, null)).ToList(), passed, passed, attempts, acknowledgedAt, null, false,
                "Leaders set the check.", strategy.Version);
        }

        var stats = await StatsAsync(id, ct);
        var leads = access.May(Act.WriteStrategy);
        var wrong = leads ? await WrongCountsAsync(id, check, ct) : null;
        var blocked = await EditBlockedAsync(strategy, ct);

        return new CheckView(id, strategy.Revision, strategy.Status.ToString(), check.PassPercent,
            check.Questions.Select(q => View(q, leads, wrong)).ToList(), leads, null, null, null, stats, blocked is null, blocked, strategy.Version);
    }

    /// <summary>Why the caller cannot change the check now, or null when they can.</summary>
    public async Task<string?> EditBlockedAsync(BuyInStrategy strategy, CancellationToken ct)
    {
        if (!access.May(Act.WriteStrategy))
        {
            return Permissions.Refusal(Act.WriteStrategy);
        }

        return strategy.Status switch
        {
            StrategyStatus.Superseded => $"Revision {strategy.Revision} is superseded and read-only.",
            StrategyStatus.Published when await db.CheckAttempts.AnyAsync(a => a.StrategyId == strategy.Id, ct) =>
                "Reps have already taken this check, so changing it would grade them differently. Draft a new revision of the strategy to change it.",
            StrategyStatus.Published when await db.Acknowledgements.AnyAsync(a => a.StrategyId == strategy.Id, ct) =>
                "Reps have already acknowledged this revision, so a check set now is one they never passed. Draft a new revision of the strategy to change it.",
            _ => null,
        };
    }

    public async Task<CheckView?> SetCheckAsync(Guid id, CheckInput input, string? ifMatch, CancellationToken ct)
    {
        access.Ensure(Act.WriteStrategy);
        if (!await access.VisibleStrategies().AnyAsync(s => s.Id == id, ct))
        {
            return null;
        }

        var strategy = await db.Strategies.SingleAsync(s => s.Id == id, ct);
        if (ifMatch is not null && ifMatch != strategy.Version)
        {
            throw new InvalidStateException("Someone else changed this strategy since you read it. Reload it and set the check again.", "version");
        }

        var actor = access.Actor;
        var attempted = await db.CheckAttempts.AnyAsync(a => a.StrategyId == id, ct);
        var acknowledged = await db.Acknowledgements.AnyAsync(a => a.StrategyId == id, ct);
        var check = new ComprehensionCheck
        {
            PassPercent = input.PassPercent ?? new ComprehensionCheck().PassPercent,
            Questions = input.Questions?.Select(q => q is null
                ? null!
                : new CheckQuestion { Id = q.Id, Text = q.Text, Options = q.Options?.Select(o => o!).ToList() ?? [], Correct = q.Correct }).ToList() ?? [],
        };
        var now = clock.GetUtcNow();
        strategy.SetCheck(actor, check, attempted, now, acknowledged);
        db.AuditEntries.Add(AuditEntry.Record(now, actor.Id, "strategy.check-set", "Strategy", id.ToString(),
            JsonSerializer.Serialize(new { revision = strategy.Revision, questions = check.Questions.Count, passPercent = check.PassPercent })));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbConflicts.IsConflict(e))
        {
            throw new InvalidStateException("Someone else changed this strategy while you saved. Reload it and set the check again.", "version");
        }

        return await GetCheckAsync(id, ct);
    }

    public async Task<CheckResult?> TakeCheckAsync(Guid id, IReadOnlyDictionary<string, int>? answers, Guid? repId, CancellationToken ct)
    {
        if (!await access.VisibleStrategies().AnyAsync(s => s.Id == id, ct))
        {
            return null;
        }

        var strategy = await db.Strategies.AsNoTracking().SingleAsync(s => s.Id == id, ct);
        var actor = access.Actor;
        var passedBefore = await db.CheckAttempts.AnyAsync(a => a.StrategyId == id && a.RepId == actor.Id && a.Passed, ct);
        var now = clock.GetUtcNow();
        var (attempt, grade) = CheckAttempt.Take(strategy, actor, repId, passedBefore, answers ?? new Dictionary<string, int>(), now);
        db.CheckAttempts.Add(attempt);
        db.AuditEntries.Add(AuditEntry.Record(now, actor.Id, "strategy.check-attempted", "Strategy", id.ToString(),
            JsonSerializer.Serialize(new { attempt = attempt.Id, grade.Correct, grade.Total, grade.Passed })));
        await db.SaveChangesAsync(ct);
        var check = strategy.ReadCheck();
        // Until the check is passed the rep learns the score, not which answers were wrong: otherwise the check is
        // passed by elimination rather than by reading the strategy.
        return new CheckResult(grade.Correct, grade.Total, grade.Percent, check.PassPercent, grade.Passed, grade.Passed ? grade.WrongQuestionIds : [],
            grade.Passed ? check.Questions.ToDictionary(q => q.Id!, q => q.Correct!.Value) : null);
    }

    /// <summary>The rep's last attempt and its answers (not which were wrong: the score is all a rep learns before passing); null without one.</summary>
    public async Task<(CheckAttemptRow Attempt, IReadOnlyDictionary<string, int> Answers)?> LastAttemptAsync(
        BuyInStrategy strategy, CancellationToken ct)
    {
        var me = access.Actor.Id;
        var last = await db.CheckAttempts.AsNoTracking().Where(a => a.StrategyId == strategy.Id && a.RepId == me)
            .OrderByDescending(a => a.At).ThenByDescending(a => a.Id).FirstOrDefaultAsync(ct);
        if (last is null)
        {
            return null;
        }

        return (new CheckAttemptRow(last.At, last.Correct, last.Total, last.Passed), ReadAnswers(last.Answers));
    }

    public async Task<IReadOnlyList<QuestionRow>?> ListQuestionsAsync(Guid id, bool? open, CancellationToken ct)
    {
        if (await FindAsync(id, ct) is not { } strategy)
        {
            return null;
        }

        var query = VisibleQuestions(strategy.LineageId);
        if (open is { } o)
        {
            query = o ? query.Where(q => q.Answer == null) : query.Where(q => q.Answer != null);
        }

        return await ProjectAsync(query, ct);
    }

    public async Task<QuestionRow?> AskAsync(Guid id, QuestionInput input, CancellationToken ct)
    {
        if (!await access.VisibleStrategies().AnyAsync(s => s.Id == id, ct))
        {
            return null;
        }

        var strategy = await db.Strategies.AsNoTracking().SingleAsync(s => s.Id == id, ct);
        var actor = access.Actor;
        var now = clock.GetUtcNow();
        var part = string.IsNullOrWhiteSpace(input.Part) ? null : input.Part.Trim();
        var question = StrategyQuestion.Ask(strategy, actor, part, input.Body, now);
        db.StrategyQuestions.Add(question);
        db.AuditEntries.Add(AuditEntry.Record(now, actor.Id, "strategy.question-asked", "Strategy", id.ToString(),
            JsonSerializer.Serialize(new { question = question.Id, part = question.Part })));
        var asker = await db.Users.AsNoTracking().Where(u => u.Id == actor.Id).Select(u => new { u.DisplayName, u.ManagerId }).SingleAsync(ct);
        if (asker.ManagerId is { } manager)
        {
            db.Notifications.Add(Notification.Create(manager, $"strategy-question:{question.Id}", Clip($"{asker.DisplayName} asked about the strategy", 200),
                Clip(question.Body, 300), $"/Strategies/{id}/Questions", now));
        }

        await db.SaveChangesAsync(ct);
        return (await ProjectAsync(db.StrategyQuestions.AsNoTracking().Where(q => q.Id == question.Id), ct)).Single();
    }

    /// <summary>Answers (or corrects the answer to) a question; a stale <paramref name="ifMatch"/> version, when sent, is refused.</summary>
    public async Task<QuestionRow?> AnswerAsync(Guid id, Guid questionId, string? answer, string? ifMatch, CancellationToken ct)
    {
        if (await FindAsync(id, ct) is not { } strategy
            || !await VisibleQuestions(strategy.LineageId).AnyAsync(q => q.Id == questionId, ct))
        {
            return null;
        }

        var question = await db.StrategyQuestions.SingleAsync(q => q.Id == questionId, ct);
        var actor = access.Actor;
        var askerManager = await db.Users.Where(u => u.Id == question.AskedById).Select(u => u.ManagerId).SingleAsync(ct);
        access.Ensure(Act.AnswerQuestion, new About(question.AskedById, askerManager));
        if (ifMatch is not null && ifMatch != question.Version)
        {
            throw new InvalidStateException("This question was answered or changed since you read it. Reload it and answer again.", "version");
        }

        var now = clock.GetUtcNow();
        var corrected = !question.IsOpen;
        if (corrected && ifMatch is null)
        {
            // Correcting an answer replaces someone's words: only against the version the corrector read.
            throw new InvalidStateException(
                "This question has an answer already. To correct it, send the question's version (If-Match) so that another answer is never overwritten.",
                "version");
        }

        question.Reply(actor, askerManager, answer, now);
        db.AuditEntries.Add(AuditEntry.Record(now, actor.Id, "strategy.question-answered", "Strategy", question.StrategyId.ToString(),
            JsonSerializer.Serialize(new { question = question.Id, corrected })));
        db.Notifications.Add(Notification.Create(question.AskedById, $"strategy-answer:{question.Id}:{question.Version}",
            "Your question about the strategy was answered", Clip(question.Answer!, 300), $"/Strategies/{id}/Questions", now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbConflicts.IsConflict(e))
        {
            throw new InvalidStateException("Someone else answered this question while you wrote. Reload it to see their answer.", "version");
        }

        return (await ProjectAsync(db.StrategyQuestions.AsNoTracking().Where(q => q.Id == question.Id), ct)).Single();
    }

    /// <summary>Null for a revision that is not published (or not visible): the panel shows nothing then.</summary>
    /// <summary>The signed-in rep's plan still to write or finish in the newest open cycle; null for others or when there is none.</summary>
    public async Task<NextPlan?> NextPlanAsync(CancellationToken ct)
    {
        if (!access.May(Act.BuyIn))
        {
            return null;
        }

        var me = access.Actor.Id;
        var row = await (from p in access.VisiblePlans().AsNoTracking()
                         join c in db.Cycles on p.CycleId equals c.Id
                         where p.OwnerId == me && c.Status == CycleStatus.Open && p.Status != PlanStatus.Approved
                         orderby c.PeriodStart descending
                         select new { Plan = p, Cycle = c }).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return null;
        }

        // The plan's own draft deadline (a rep who joined late or was given more time), not the cycle's.
        var due = row.Plan.DraftDueIn(row.Cycle);
        return new NextPlan(row.Plan.Id, row.Cycle.Name, row.Plan.Status, due,
            row.Plan.OwesFirstDraft && Deadlines.LocalDate(clock.GetUtcNow(), row.Cycle.TimeZone) > due);
    }

    public async Task<BuyInPanelView?> PanelAsync(Guid id, CancellationToken ct)
    {
        if (await FindAsync(id, ct) is not { Status: StrategyStatus.Published } strategy)
        {
            return null;
        }

        var actor = access.Actor;
        if (access.May(Act.BuyIn))
        {
            var attempts = await db.CheckAttempts.Where(a => a.StrategyId == id && a.RepId == actor.Id).Select(a => a.Passed).ToListAsync(ct);
            var acknowledgedAt = await db.Acknowledgements.Where(a => a.StrategyId == id && a.RepId == actor.Id)
                .Select(a => (DateTimeOffset?)a.At).SingleOrDefaultAsync(ct);
            var open = await VisibleQuestions(strategy.LineageId).CountAsync(q => q.Answer == null, ct);
            return new BuyInPanelView(id, true, !strategy.Check.IsEmpty, attempts.Contains(true), attempts.Count, acknowledgedAt, open, 0, 0)
            {
                ReadAt = await ReadToEnd.ReadAtAsync(db, id, actor.Id, ct),
            };
        }

        var reps = access.FollowedReps().Select(u => u.Id);
        var total = await reps.CountAsync(ct);
        var acknowledged = await db.Acknowledgements.CountAsync(a => a.StrategyId == id && reps.Contains(a.RepId), ct);
        var openQuestions = await VisibleQuestions(strategy.LineageId).CountAsync(q => q.Answer == null, ct);
        return new BuyInPanelView(id, false, !strategy.Check.IsEmpty, false, 0, null, openQuestions, total, acknowledged);
    }

    /// <summary>Questions on every revision of the lineage that the caller may read: a rep's own, a manager's team's, or all.</summary>
    private IQueryable<StrategyQuestion> VisibleQuestions(Guid lineageId)
    {
        var revisions = db.Strategies.Where(s => s.LineageId == lineageId).Select(s => s.Id);
        var questions = db.StrategyQuestions.AsNoTracking().Where(q => revisions.Contains(q.StrategyId));
        var askers = access.VisibleUsers().Select(u => u.Id);
        return questions.Where(q => askers.Contains(q.AskedById));
    }

    private async Task<IReadOnlyList<QuestionRow>> ProjectAsync(IQueryable<StrategyQuestion> questions, CancellationToken ct)
    {
        var rows = await (from q in questions
                          join s in db.Strategies on q.StrategyId equals s.Id
                          join asker in db.Users on q.AskedById equals asker.Id
                          join answerer in db.Users on q.AnsweredById equals answerer.Id into answerers
                          from answerer in answerers.DefaultIfEmpty()
                          select new
                          {
                              q.Id,
                              q.StrategyId,
                              s.Revision,
                              q.Part,
                              q.Body,
                              q.AskedById,
                              AskedBy = asker.DisplayName,
                              AskerManagerId = asker.ManagerId,
                              q.AskedAt,
                              q.Answer,
                              q.AnsweredById,
                              AnsweredBy = answerer == null ? null : answerer.DisplayName,
                              q.AnsweredAt,
                              q.Version,
                          }).ToListAsync(ct);
        return rows
            .OrderBy(r => r.Answer is null ? 0 : 1).ThenByDescending(r => r.AskedAt).ThenBy(r => r.Id)
            .Select(r => new QuestionRow(r.Id, r.StrategyId, r.Revision, r.Part, r.Body, r.AskedById, r.AskedBy, r.AskedAt, r.Answer, r.AnsweredById,
                r.AnsweredBy, r.AnsweredAt, r.Answer is null, r.Version, access.May(Act.AnswerQuestion, new About(r.AskedById, r.AskerManagerId))))
            .ToList();
    }

    private async Task<CheckStats> StatsAsync(Guid id, CancellationToken ct)
    {
        var reps = access.FollowedReps().Select(u => u.Id);
        var attempts = db.CheckAttempts.Where(a => a.StrategyId == id && reps.Contains(a.RepId));
        return new CheckStats(
            await reps.CountAsync(ct),
            await attempts.Select(a => a.RepId).Distinct().CountAsync(ct),
            await attempts.Where(a => a.Passed).Select(a => a.RepId).Distinct().CountAsync(ct),
            await db.Acknowledgements.CountAsync(a => a.StrategyId == id && reps.Contains(a.RepId), ct),
            await attempts.CountAsync(ct));
    }

    /// <summary>Per question, how many attempts (by anyone) got it wrong: what reps misunderstand.</summary>
    private async Task<Dictionary<string, int>> WrongCountsAsync(Guid id, ComprehensionCheck check, CancellationToken ct)
    {
        var all = await db.CheckAttempts.Where(a => a.StrategyId == id).Select(a => a.Answers).ToListAsync(ct);
        var answers = all.Select(ReadAnswers).ToList();
        return check.Questions.ToDictionary(q => q.Id!, q => answers.Count(a => !a.TryGetValue(q.Id!, out var chosen) || chosen != q.Correct));
    }

    private static Dictionary<string, int> ReadAnswers(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, int>>(json) ?? [];

    private static CheckQuestionView View(CheckQuestion q, bool withAnswer, Dictionary<string, int>? wrong) =>
        new(q.Id!, q.Text!, q.Options, withAnswer ? q.Correct : null, wrong is not null && wrong.TryGetValue(q.Id!, out var w) ? w : null);

    private static string Clip(string text, int max) => text.Length > max ? text[..(max - 1)] + "…" : text;
}

/// <summary>How the buy-in pages write dates and parts, and where they keep their one-time message.</summary>
public static class BuyInFormat
{
    /// <summary>The TempData key of the message after a buy-in step, shown by the check page and the panel.</summary>
    public const string FlashKey = "BuyIn";

    public const string WholeStrategy = "The whole strategy";

    public static string Date(DateTimeOffset value) => value.ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);

    public static string DateTime(DateTimeOffset value) => value.ToString("d MMM yyyy, HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);

    public static string Part(string? key) => key is null ? WholeStrategy : StrategyContent.Parts.FirstOrDefault(p => p.Key == key).Title ?? key;
}
