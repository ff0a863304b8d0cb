using System.Text.Json;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Xunit;

namespace Terrain.Tests.Domain.Planning;

public sealed class PlanContentTests
{
    private static readonly Guid Alpha = Guid.NewGuid();
    private static readonly Guid Beta = Guid.NewGuid();
    private static readonly Guid Gamma = Guid.NewGuid();

    private static PlanFacts Facts(params (string Id, string Name)[] goals) => new(
        new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31), Quarter.Split(new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31)),
        new Dictionary<Guid, string> { [Alpha] = "Alpha", [Beta] = "Beta", [Gamma] = "Gamma" },
        goals.ToDictionary(g => g.Id, g => g.Name));

    private static T Parse<T>(SectionKind kind, string json)
        where T : SectionContent
    {
        var content = (T)SectionContents.Parse(kind, JsonDocument.Parse(json).RootElement);
        content.Normalize(Facts(("g1", "Revenue")));
        return content;
    }

    private static DomainException Refused(SectionKind kind, string json) =>
        Assert.ThrowsAny<DomainException>(() => Parse<SectionContent>(kind, json));

    [Theory]
    [InlineData("E", "the tier must be A, B, C or D, not 'E'")]
    [InlineData("AB", "not 'AB'")]
    [InlineData("1", "not '1'")]
    public void A_tier_other_than_A_to_D_is_refused_naming_the_row(string tier, string message)
    {
        var error = Refused(SectionKind.AccountSegmentation, $$"""{"rows":[{"accountId":"{{Alpha}}","tier":"{{tier}}"}]}""");

        Assert.Equal("rows[0].tier", error.Field);
        Assert.Contains("Row 1 (Alpha)", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Tiers_are_case_insensitive_and_blank_rows_are_dropped()
    {
        var content = Parse<SegmentationContent>(SectionKind.AccountSegmentation,
            $$"""{"rows":[{"accountId":"{{Alpha}}","tier":" a ","nextMove":"  Call  "},{"accountId":"{{Beta}}","tier":""}]}""");

        var row = Assert.Single(content.Rows);
        Assert.Equal("A", row.Tier);
        Assert.Equal("Call", row.NextMove);
    }

    [Theory]
    [InlineData(SectionKind.Goals, """{"goals":[{"metric":"Revenue","targets":[1,2,-3,4]}]}""", "goals[0].targets[2]", "cannot be negative")]
    [InlineData(SectionKind.Goals, """{"goals":[{"metric":"Revenue","targets":[1,2,3,4,5]}]}""", "goals[0].targets", "4 quarters")]
    [InlineData(SectionKind.Goals, """{"goals":[{"metric":"Activity","targets":[2.5]}]}""", "goals[0].targets[0]", "whole number")]
    [InlineData(SectionKind.Goals, """{"goals":[{"metric":"Profit","targets":[1]}]}""", "goals[0].metric", "Revenue, NewLogos, Pipeline, Activity")]
    [InlineData(SectionKind.ActionPlan, """{"actions":[{"title":"Call","due":"2026-12-31"}]}""", "actions[0].due", "outside the plan period")]
    [InlineData(SectionKind.ActionPlan, """{"actions":[{"title":"Call","due":"2028-01-01"}]}""", "actions[0].due", "outside the plan period")]
    [InlineData(SectionKind.ActionPlan, """{"actions":[{"title":"Call","goalId":"gone"}]}""", "actions[0].goalId", "not in this plan")]
    [InlineData(SectionKind.ResourcesNeeded, """{"items":[{"kind":"Budget","cost":-1}]}""", "items[0].cost", "cannot be negative")]
    [InlineData(SectionKind.Risks, """{"items":[{"risk":"Churn","impact":"Huge"}]}""", "items[0].impact", "Low, Medium, High")]
    [InlineData(SectionKind.Narrative, """{"text":"x","extra":1}""", "extra", "not a field")]
    [InlineData(SectionKind.Narrative, """{"text":["x"]}""", "text", "wrong type")]
    [InlineData(SectionKind.Swot, """{"strengths":null}""", "strengths", "wrong type")]
    public void Invalid_values_are_refused_naming_the_field(SectionKind kind, string json, string field, string message)
    {
        var error = Refused(kind, json);

        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void The_first_and_last_day_of_the_period_are_inside_it_and_new_rows_get_ids()
    {
        var content = Parse<ActionPlanContent>(SectionKind.ActionPlan,
            """{"actions":[{"title":"Kickoff","due":"2027-01-01"},{"title":"Wrap-up","due":"2027-12-31","status":"done","goalId":"g1"}]}""");

        Assert.Equal(2, content.Actions.Count);
        Assert.All(content.Actions, a => Assert.False(string.IsNullOrEmpty(a.Id)));
        Assert.Equal("Done", content.Actions[1].Status);
        Assert.Equal("NotStarted", content.Actions[0].Status);
    }

    [Fact]
    public void Goals_are_padded_to_one_target_per_quarter()
    {
        var content = Parse<GoalsContent>(SectionKind.Goals, """{"goals":[{"metric":"revenue","targets":[100]}]}""");

        Assert.Equal([100m, null, null, null], content.Goals[0].Targets);
        Assert.Equal("Revenue", content.Goals[0].Metric);
    }

    private static FilledSection Section(string key, SectionContent content, bool required = true) =>
        new(key, key, KindOf(content), required, content);

    private static SectionKind KindOf(SectionContent content) =>
        Enum.GetValues<SectionKind>().First(k => SectionContents.TypeOf(k) == content.GetType());

    private static GoalsContent Goals(params decimal?[] revenue) =>
        new() { Goals = [new Goal { Id = "g1", Metric = "Revenue", Name = "Revenue", Targets = revenue.ToList() }] };

    [Fact]
    public void Hard_rules_block_submission_and_list_what_is_missing()
    {
        var sections = new[]
        {
            Section("summary", new NarrativeContent()),
            Section("optional", new NarrativeContent(), required: false),
            Section("segmentation", new SegmentationContent
            {
                Rows = [new SegmentRow { AccountId = Alpha, Tier = "A", Rationale = "Big" }, new SegmentRow { AccountId = Beta, Tier = "D" }],
            }),
            Section("actions", new ActionPlanContent { Actions = [new ActionItem { Title = "Call", Status = "NotStarted" }] }),
            Section("goals", new GoalsContent { Goals = [new Goal { Id = "g1", Name = "Logos", Targets = [1, null, null, null] }] }),
        };

        var result = PlanChecks.Evaluate(sections, Facts(("g1", "Logos")), null);

        Assert.False(result.CanSubmit);
        Assert.Equal(["section-empty", "accounts-untiered", "next-move-missing", "action-incomplete", "goal-incomplete"],
            result.Blocking.Select(b => b.Code));
        Assert.Contains("Gamma", result.Blocking[1].Message);
        Assert.Contains("Alpha (A)", result.Blocking[2].Message);
        Assert.True(result.Checklist.Single(c => c.SectionKey == "optional").Done is false);
        Assert.Empty(result.Checklist.Single(c => c.SectionKey == "optional").Missing);
    }

    [Fact]
    public void Soft_rules_warn_about_quota_empty_quarters_dates_and_a_accounts_without_action()
    {
        var facts = Facts(("g1", "Revenue"));
        var sections = new[]
        {
            Section("goals", Goals(100, 0, 300, null)),
            Section("segmentation", new SegmentationContent
            {
                Rows =
                [
                    new SegmentRow { AccountId = Alpha, Tier = "A", Rationale = "Big", NextMove = "Call" },
                    new SegmentRow { AccountId = Beta, Tier = "A", Rationale = "Big", NextMove = "Call" },
                    new SegmentRow { AccountId = Gamma, Tier = "C" },
                ],
            }),
            Section("actions", new ActionPlanContent
            {
                Actions =
                [
                    new ActionItem { Title = "Call Alpha", Due = new DateOnly(2027, 2, 1), AccountId = Alpha, Status = "NotStarted" },
                    new ActionItem { Title = "Old", Due = new DateOnly(2026, 12, 1), Status = "NotStarted", GoalId = "removed" },
                ],
            }),
        };

        var result = PlanChecks.Evaluate(sections, facts, [100, 100, 100, 100]);

        Assert.True(result.CanSubmit);
        Assert.Equal(["below-quota", "below-quota", "quarter-without-goal", "quarter-without-goal", "action-outside-period", "action-goal-removed", "a-account-without-action"],
            result.Warnings.Select(w => w.Code));
        Assert.StartsWith("Q2: revenue goals of 0 are 100 below the quota of 100", result.Warnings[0].Message);
        Assert.Contains("Beta", result.Warnings[^1].Message);
        Assert.DoesNotContain("Alpha", result.Warnings[^1].Message);
        Assert.Equal(400m, result.Gap.Quota);
        Assert.Equal(400m, result.Gap.Goal);
        Assert.Equal(0m, result.Gap.Gap);
        Assert.Equal([0m, -100m, 200m, -100m], result.Gap.Quarters.Select(q => q.Gap));
    }

    [Fact]
    public void Without_a_quota_there_is_no_gap_and_no_quota_warning()
    {
        var result = PlanChecks.Evaluate([Section("goals", Goals(1, 1, 1, 1))], Facts(("g1", "Revenue")), null);

        Assert.Null(result.Gap.Quota);
        Assert.Null(result.Gap.Gap);
        Assert.Equal(4m, result.Gap.Goal);
        Assert.DoesNotContain(result.Warnings, w => w.Code == "below-quota");
    }

    [Fact]
    public void Comments_need_text_and_replies_join_the_thread_of_their_section()
    {
        var now = new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.Zero);
        var plan = Plan.StartDraft(Guid.NewGuid(), Guid.NewGuid(), now);
        var first = PlanComment.Write(plan, "swot", null, Guid.NewGuid(), " Why? ", now);
        var reply = PlanComment.Write(plan, "other", first, plan.OwnerId, "Because.", now);

        Assert.Equal(first.Id, first.ThreadId);
        Assert.Equal(first.ThreadId, reply.ThreadId);
        Assert.Equal("swot", reply.SectionKey);
        Assert.Equal("Why?", first.Body);
        Assert.Equal("body", Assert.Throws<DomainException>(() => PlanComment.Write(plan, null, null, plan.OwnerId, "   ", now)).Field);
        Assert.Equal("body", Assert.Throws<DomainException>(() => PlanComment.Write(plan, null, null, plan.OwnerId, new string('x', 4001), now)).Field);
    }

    [Fact]
    public void Quotas_are_set_by_leaders_or_the_reps_own_manager_for_reps_and_teams_and_never_negative()
    {
        var now = DateTimeOffset.UnixEpoch;
        var manager = AppUser.Create("m@x.test", "M", Role.Manager, null, now);
        var rep = AppUser.Create("r@x.test", "R", Role.Rep, manager, now);

        Quota.EnsureMaySet(new Actor(Guid.NewGuid(), Role.Leader), rep);
        Quota.EnsureMaySet(new Actor(manager.Id, Role.Manager), rep);
        Assert.Throws<NotAllowedException>(() => Quota.EnsureMaySet(new Actor(Guid.NewGuid(), Role.Manager), rep));
        Assert.Throws<NotAllowedException>(() => Quota.EnsureMaySet(new Actor(rep.Id, Role.Rep), rep));
        Assert.Throws<NotAllowedException>(() => Quota.EnsureMaySet(new Actor(Guid.NewGuid(), Role.Admin), rep));
        // A team's own quota is the manager's (ADR 0023); a manager does not set their own.
        Quota.EnsureMaySet(new Actor(Guid.NewGuid(), Role.Leader), manager);
        Assert.Throws<NotAllowedException>(() => Quota.EnsureMaySet(new Actor(manager.Id, Role.Manager), manager));
        var leader = AppUser.Create("l@x.test", "L", Role.Leader, null, now);
        Assert.Equal("repId", Assert.Throws<DomainException>(() => Quota.EnsureMaySet(new Actor(Guid.NewGuid(), Role.Leader), leader)).Field);
        Assert.Equal("quarters[2]", Assert.Throws<DomainException>(() => Quota.Set(Guid.NewGuid(), rep.Id, 3, -1, manager.Id, now)).Field);
    }
    [Fact]
    public void Computed_members_are_not_written_and_content_stored_with_them_still_reads()
    {
        // Content saved before the computed members were ignored carries total, isRevenue, title and isEmpty.
        const string stored = """{"goals":[{"id":"g1","metric":"Revenue","name":"Revenue","targets":[1,2],"total":3,"isRevenue":true,"title":"Revenue"}],"isEmpty":false}""";

        var goals = (GoalsContent)SectionContents.Read(SectionKind.Goals, stored);
        var written = SectionContents.Write(goals);

        Assert.Equal([1m, 2m], goals.Goals.Single().Targets);
        Assert.Equal("""{"goals":[{"id":"g1","metric":"Revenue","name":"Revenue","targets":[1,2]}]}""", written);
        var swot = SectionContents.Write(new SwotContent { Strengths = [new() { Point = "References" }] });
        Assert.DoesNotContain("all", swot, StringComparison.Ordinal);
        Assert.DoesNotContain("isEmpty", swot, StringComparison.Ordinal);
    }
}
