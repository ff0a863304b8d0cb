using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Features.Plans;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Domain.Planning;

/// <summary>The strategy's tie-ins to a plan: the acknowledgement gate, goals linked to objectives, target segments.</summary>
public sealed class StrategyTieInRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid StrategyId = Guid.NewGuid();
    private static readonly Actor Rep = new(Guid.NewGuid(), Role.Rep);
    private static readonly IReadOnlyList<Quarter> Quarters = Quarter.Split(new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31));

    private static readonly IReadOnlyDictionary<string, ObjectiveFact> Objectives =
        StrategyBuilder.Content().ObjectiveFacts();

    private static PlanFacts Facts(IReadOnlyDictionary<string, ObjectiveFact>? objectives) => new(
        new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31), Quarters, new Dictionary<Guid, string>(), new Dictionary<string, string>(), objectives);

    private static GoalsContent Goals(params Goal[] goals) => new() { Goals = [.. goals] };

    private static Goal Goal(string id, string metric, string? objectiveId = null) =>
        new() { Id = id, Metric = metric, Name = $"Goal {id}", ObjectiveId = objectiveId, Targets = [10, 10, 10, 10] };

    private static IReadOnlyList<FilledSection> Complete(GoalsContent? goals = null) =>
        [new FilledSection("targets", "Goals", SectionKind.Goals, true, goals ?? Goals(Goal("g1", "Revenue", StrategyBuilder.RevenueObjective)))];

    private static StrategyGate Gate(bool required, bool acknowledged) => new(StrategyId, "FY2027 sales strategy", required, acknowledged);

    [Fact]
    public void Without_the_acknowledgement_the_gate_blocks_submission_with_the_reason()
    {
        var checks = PlanChecks.Evaluate(Complete(), Facts(Objectives), null, Gate(required: true, acknowledged: false));

        var problem = Assert.Single(checks.Blocking);
        Assert.Equal("strategy-not-acknowledged", problem.Code);
        Assert.Equal("Acknowledge the FY2027 sales strategy before you submit.", problem.Message);
        Assert.False(checks.CanSubmit);
        var plan = Plan.StartDraft(Guid.NewGuid(), Rep.Id, Now);
        var cycle = PlanningCycle.Open(new CycleSchedule("FY2027", new(2027, 1, 1), new(2027, 12, 31), new(2026, 11, 23), new(2026, 12, 7)), Guid.NewGuid(), Now);
        var refused = Assert.Throws<DomainException>(() => plan.Submit(Rep, cycle, checks.Blocking.Select(b => b.Message).ToList(), Now));
        Assert.Contains("Acknowledge the FY2027 sales strategy before you submit.", refused.Message, StringComparison.Ordinal);
        Assert.Equal(PlanStatus.Draft, plan.Status);
    }

    [Fact]
    public void The_gate_comes_first_among_the_problems_that_block()
    {
        var incomplete = Goals(new Goal { Id = "g1", Name = "No metric", Targets = [1, null, null, null] });

        var checks = PlanChecks.Evaluate(Complete(incomplete), Facts(Objectives), null, Gate(required: true, acknowledged: false));

        Assert.Equal(["strategy-not-acknowledged", "goal-incomplete"], checks.Blocking.Select(b => b.Code));
    }

    [Fact]
    public void After_acknowledging_the_gate_lets_the_plan_through()
    {
        var checks = PlanChecks.Evaluate(Complete(), Facts(Objectives), null, Gate(required: true, acknowledged: true));

        Assert.True(checks.CanSubmit);
        Assert.Empty(checks.Blocking);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void With_the_gate_off_acknowledging_makes_no_difference(bool acknowledged)
    {
        var gated = PlanChecks.Evaluate(Complete(), Facts(Objectives), null, Gate(required: false, acknowledged));
        var plain = PlanChecks.Evaluate(Complete(), Facts(Objectives), null);

        Assert.True(gated.CanSubmit);
        Assert.Equal(plain.Blocking, gated.Blocking);
        Assert.Equal(plain.Warnings.Select(w => w.Code), gated.Warnings.Select(w => w.Code));
    }

    [Fact]
    public void A_goal_links_to_an_objective_that_counts_the_same_metric()
    {
        var goals = Goals(Goal("g1", "Revenue", " obj-revenue "), Goal("g2", "NewLogos", StrategyBuilder.LogosObjective), Goal("g3", "Activity", ""));

        goals.Normalize(Facts(Objectives));

        Assert.Equal([StrategyBuilder.RevenueObjective, StrategyBuilder.LogosObjective, null], goals.Goals.Select(g => g.ObjectiveId));
    }

    [Theory]
    [InlineData("NewLogos", StrategyBuilder.RevenueObjective, "counts New logos; the objective 'Revenue from manufacturers' counts Revenue")]
    [InlineData("Revenue", StrategyBuilder.LogosObjective, "counts Revenue; the objective 'New logos' counts New logos")]
    [InlineData("Revenue", "obj-unknown", "'obj-unknown', which is not an objective of the strategy")]
    public void A_link_to_an_objective_with_another_metric_or_to_none_of_the_strategy_is_refused_naming_the_goal(string metric, string objectiveId, string message)
    {
        var goals = Goals(Goal("g0", "Activity"), Goal("g1", metric, objectiveId));

        var error = Assert.Throws<DomainException>(() => goals.Normalize(Facts(Objectives)));

        Assert.Equal("goals[1].objectiveId", error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_strategy_a_goal_cannot_link_to_an_objective()
    {
        var goals = Goals(Goal("g1", "Revenue", StrategyBuilder.RevenueObjective));

        var error = Assert.Throws<DomainException>(() => goals.Normalize(Facts(null)));

        Assert.Equal("goals[0].objectiveId", error.Field);
        Assert.Contains("executes no strategy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_goal_linked_to_an_objective_the_strategy_no_longer_has_is_a_warning_not_a_block()
    {
        var goals = Goals(Goal("g1", "Revenue", "obj-dropped"), Goal("g2", "NewLogos", StrategyBuilder.LogosObjective));

        var checks = PlanChecks.Evaluate(Complete(goals), Facts(Objectives), null);

        Assert.True(checks.CanSubmit);
        var warning = Assert.Single(checks.Warnings, w => w.Code == "goal-objective-removed");
        Assert.Equal("targets", warning.SectionKey);
        Assert.Contains("\"Goal g1\" is linked to an objective no longer in the strategy", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_a_strategy_goals_that_could_serve_an_objective_but_do_not_are_a_gentle_warning()
    {
        var goals = Goals(Goal("g1", "Revenue"), Goal("g2", "NewLogos", StrategyBuilder.LogosObjective), Goal("g3", "Activity"), Goal("g4", "Revenue"));

        var checks = PlanChecks.Evaluate(Complete(goals), Facts(Objectives), null);
        var noStrategy = PlanChecks.Evaluate(Complete(goals), Facts(null), null);

        Assert.True(checks.CanSubmit);
        var warning = Assert.Single(checks.Warnings, w => w.Code == "goal-not-linked");
        Assert.StartsWith("2 goals linked to no strategic objective: Goal g1, Goal g4.", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Goal g3", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(noStrategy.Warnings, w => w.Code == "goal-not-linked");
    }

    [Fact]
    public void Accounts_that_match_a_target_segment_are_marked_with_its_name()
    {
        var content = StrategyBuilder.Content();
        AccountRef Account(string name, string industry, string segment, decimal potential) =>
            new(Guid.NewGuid(), name, industry, segment, "North", potential);
        var fits = Account("Alpha", "manufacturing", "MID-MARKET", 20_000);
        var small = Account("Tiny", "Manufacturing", "Mid-Market", 19_999);
        var health = Account("Beta", "Health", "Mid-Market", 100_000);
        var bank = Account("Zeta", "Banking", "Enterprise", 5);

        var targets = CycleStrategy.Match(content, [fits, small, health, bank]);

        Assert.Equal(["Mid-market manufacturers"], targets[fits.Id]);
        Assert.Equal(["Enterprise banks"], targets[bank.Id]);
        Assert.False(targets.ContainsKey(small.Id));
        Assert.False(targets.ContainsKey(health.Id));
    }
}
