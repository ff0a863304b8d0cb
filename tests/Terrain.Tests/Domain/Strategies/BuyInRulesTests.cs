using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Domain.Strategies;

/// <summary>The buy-in rules on the entities: the acknowledgement gate, the check and its grading, who acts for whom.</summary>
public sealed class BuyInRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Leader = new(Guid.NewGuid(), Role.Leader);
    private static readonly Actor Manager = new(Guid.NewGuid(), Role.Manager);
    private static readonly Actor Rep = new(Guid.NewGuid(), Role.Rep);

    private static Strategy Published(ComprehensionCheck? check = null)
    {
        var strategy = Strategy.Draft(Leader, "FY2027 sales strategy", new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31), StrategyBuilder.Content(), Now);
        strategy.SetCheck(Leader, check ?? StrategyBuilder.Check(), attempted: false, Now);
        strategy.Publish(Leader, Now);
        return strategy;
    }

    private static Dictionary<string, int> Answers(params (string Id, int Option)[] answers) => answers.ToDictionary(a => a.Id, a => a.Option);

    [Fact]
    public void A_rep_acknowledges_a_published_revision_after_passing_its_check()
    {
        var strategy = Published();

        var acknowledgement = StrategyAcknowledgement.Give(strategy, Rep, Rep.Id, alreadyAcknowledged: false, hasCheck: true, passedCheck: true, Now);

        Assert.Equal((strategy.Id, Rep.Id, Now), (acknowledgement.StrategyId, acknowledgement.RepId, acknowledgement.At));
    }

    [Fact]
    public void Acknowledging_twice_is_refused()
    {
        var e = Assert.Throws<InvalidStateException>(() =>
            StrategyAcknowledgement.Give(Published(), Rep, null, alreadyAcknowledged: true, hasCheck: true, passedCheck: true, Now));

        Assert.Equal("acknowledgement", e.Field);
        Assert.Contains("already acknowledged", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Acknowledging_before_passing_the_check_is_refused()
    {
        var e = Assert.Throws<InvalidStateException>(() =>
            StrategyAcknowledgement.Give(Published(), Rep, null, alreadyAcknowledged: false, hasCheck: true, passedCheck: false, Now));

        Assert.Equal("check", e.Field);
    }

    [Fact]
    public void Without_a_check_a_rep_acknowledges_directly()
    {
        var strategy = Published(new ComprehensionCheck());

        var acknowledgement = StrategyAcknowledgement.Give(strategy, Rep, null, alreadyAcknowledged: false, hasCheck: false, passedCheck: false, Now);

        Assert.Equal(Rep.Id, acknowledgement.RepId);
    }

    [Fact]
    public void Only_a_published_revision_is_acknowledged()
    {
        var draft = Strategy.Draft(Leader, "Draft", new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31), StrategyBuilder.Content(), Now);

        Assert.Throws<InvalidStateException>(() => StrategyAcknowledgement.Give(draft, Rep, null, false, false, false, Now));
    }

    [Fact]
    public void Nobody_acknowledges_or_answers_the_check_for_another_rep()
    {
        var strategy = Published();
        var other = Guid.NewGuid();

        Assert.Throws<NotAllowedException>(() => BuyIn.EnsureSelf(Rep, other, "acknowledge"));
        Assert.Throws<NotAllowedException>(() => StrategyAcknowledgement.Give(strategy, Rep, other, false, true, true, Now));
        Assert.Throws<NotAllowedException>(() => CheckAttempt.Take(strategy, Rep, other, false, Answers(("q1", 1), ("q2", 0)), Now));
        BuyIn.EnsureSelf(Rep, Rep.Id, "acknowledge");
        BuyIn.EnsureSelf(Rep, null, "acknowledge");
    }

    [Fact]
    public void Leaders_and_managers_do_not_acknowledge_or_take_the_check()
    {
        var strategy = Published();

        Assert.Throws<NotAllowedException>(() => StrategyAcknowledgement.Give(strategy, Manager, null, false, true, true, Now));
        Assert.Throws<NotAllowedException>(() => CheckAttempt.Take(strategy, Leader, null, false, Answers(("q1", 1), ("q2", 0)), Now));
    }

    [Fact]
    public void The_check_passes_at_the_pass_mark_and_names_the_wrong_questions()
    {
        var check = StrategyBuilder.Check();
        check.PassPercent = 50;
        check.Normalize();

        var half = check.Grade(Answers(("q1", 1), ("q2", 1)));
        var none = check.Grade(Answers(("q1", 0), ("q2", 1)));
        var all = check.Grade(Answers(("q1", 1), ("q2", 0)));

        Assert.Equal((1, 2, 50, true), (half.Correct, half.Total, half.Percent, half.Passed));
        Assert.Equal(["q2"], half.WrongQuestionIds);
        Assert.Equal((0, 0, false), (none.Correct, none.Percent, none.Passed));
        Assert.Equal(["q1", "q2"], none.WrongQuestionIds);
        Assert.Equal((2, 100, true), (all.Correct, all.Percent, all.Passed));
        Assert.Empty(all.WrongQuestionIds);
    }

    [Fact]
    public void One_wrong_answer_fails_a_check_that_needs_every_answer_right()
    {
        var grade = StrategyBuilder.Check().Grade(Answers(("q1", 1), ("q2", 1)));

        Assert.Equal((1, 2, 50, false), (grade.Correct, grade.Total, grade.Percent, grade.Passed));
    }

    [Fact]
    public void An_unanswered_question_is_named()
    {
        var e = Assert.Throws<DomainException>(() => StrategyBuilder.Check().Grade(Answers(("q1", 1))));

        Assert.Equal("answers.q2", e.Field);
        Assert.Contains("Question 2 is not answered", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_option_that_does_not_exist_is_named()
    {
        var e = Assert.Throws<DomainException>(() => StrategyBuilder.Check().Grade(Answers(("q1", 3), ("q2", 0))));

        Assert.Equal("answers.q1", e.Field);
    }

    [Fact]
    public void An_answer_to_a_question_that_is_not_in_the_check_is_named()
    {
        var e = Assert.Throws<DomainException>(() => StrategyBuilder.Check().Grade(Answers(("q1", 1), ("q2", 0), ("q9", 0))));

        Assert.Equal("answers.q9", e.Field);
    }

    [Fact]
    public void Passing_twice_is_refused_and_every_attempt_records_its_grade()
    {
        var strategy = Published();

        var (attempt, grade) = CheckAttempt.Take(strategy, Rep, null, passedBefore: false, Answers(("q1", 0), ("q2", 0)), Now);

        Assert.Equal((1, 2, false), (attempt.Correct, attempt.Total, attempt.Passed));
        Assert.Equal(["q1"], grade.WrongQuestionIds);
        Assert.Equal("check", Assert.Throws<InvalidStateException>(() =>
            CheckAttempt.Take(strategy, Rep, null, passedBefore: true, Answers(("q1", 1), ("q2", 0)), Now)).Field);
    }

    [Fact]
    public void A_check_question_without_a_correct_answer_is_refused_naming_the_field()
    {
        var strategy = Strategy.Draft(Leader, "Draft", new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31), StrategyBuilder.Content(), Now);
        var check = StrategyBuilder.Check();
        check.Questions[1].Correct = null;

        var e = Assert.Throws<DomainException>(() => strategy.SetCheck(Leader, check, attempted: false, Now));

        Assert.Equal("questions[1].correct", e.Field);
        Assert.True(strategy.ReadCheck().IsEmpty);
    }

    [Fact]
    public void A_correct_answer_outside_the_options_is_refused_naming_the_field()
    {
        var check = StrategyBuilder.Check();
        check.Questions[0].Correct = 3;

        Assert.Equal("questions[0].correct", Assert.Throws<DomainException>(check.Normalize).Field);
    }

    [Fact]
    public void The_check_of_a_published_revision_cannot_change_once_reps_have_taken_it()
    {
        var strategy = Published();
        var before = strategy.Check;
        var changed = StrategyBuilder.Check();
        changed.PassPercent = 50;

        var e = Assert.Throws<InvalidStateException>(() => strategy.SetCheck(Leader, changed, attempted: true, Now));

        Assert.Equal("check", e.Field);
        Assert.Equal(before, strategy.Check);
        strategy.SetCheck(Leader, changed, attempted: false, Now);
        Assert.Equal(50, strategy.ReadCheck().PassPercent);
    }

    [Fact]
    public void Reps_ask_and_their_own_manager_or_a_leader_answers()
    {
        var strategy = Published();
        Assert.Throws<NotAllowedException>(() => StrategyQuestion.Ask(strategy, Manager, null, "Why?", Now));
        Assert.Equal("part", Assert.Throws<DomainException>(() => StrategyQuestion.Ask(strategy, Rep, "pricing", "Why?", Now)).Field);
        Assert.Equal("body", Assert.Throws<DomainException>(() => StrategyQuestion.Ask(strategy, Rep, null, "  ", Now)).Field);
        var question = StrategyQuestion.Ask(strategy, Rep, "whom", "Why not the banks?", Now);

        Assert.Throws<NotAllowedException>(() => question.Reply(new Actor(Guid.NewGuid(), Role.Manager), Manager.Id, "Because.", Now));
        Assert.Throws<NotAllowedException>(() => question.Reply(Rep, Manager.Id, "Because.", Now));
        Assert.True(question.IsOpen);
        question.Reply(Manager, Manager.Id, "They buy in five-year cycles.", Now);
        Assert.False(question.IsOpen);
        question.Reply(Leader, Manager.Id, "They buy in five-year cycles; we revisit in 2028.", Now);
        Assert.Equal(Leader.Id, question.AnsweredById);
    }
}
