using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;

namespace Terrain.Features.Demo;

/// <summary>How a demo rep did against last year's plan; the actuals are generated to tell it.</summary>
public enum DemoStory
{
    /// <summary>Well above every revenue goal, with pipeline to spare.</summary>
    Ahead,

    /// <summary>At or a little above the plan.</summary>
    OnTrack,

    /// <summary>Below plan, with little pipeline and few activities: the plan was not worked.</summary>
    BehindThinPipeline,

    /// <summary>Many activities and deals, mostly on accounts that are not the plan's A and B accounts: busy, but off plan.</summary>
    BusyOffPlan,
}

/// <summary>One demo rep's plan in force last year: what the actuals are generated against.</summary>
public sealed record DemoRepYear(
    AppUser Rep,
    DemoStory Story,
    IReadOnlyList<Account> Accounts,
    IReadOnlySet<Guid> PlanAccounts,
    IReadOnlyDictionary<string, IReadOnlyList<decimal>> Targets);

/// <summary>
/// Last year's cycle of the demo: every rep's plan submitted, reviewed and approved about a year ago (one sent back
/// once first), three amended mid-year with their action items brought up to date, and the cycle closed once its
/// period is over. <see cref="DemoActuals"/> then writes the year the plans were measured against.
/// </summary>
public static class DemoLastYear
{
    /// <summary>The story of each standard demo rep, by index (rep1 is 0).</summary>
    public static readonly IReadOnlyList<DemoStory> Stories =
    [
        DemoStory.Ahead, DemoStory.OnTrack, DemoStory.OnTrack, DemoStory.BehindThinPipeline,
        DemoStory.OnTrack, DemoStory.BusyOffPlan, DemoStory.OnTrack, DemoStory.Ahead,
    ];

    /// <summary>rep4, Jonas Lind: behind, with thin pipeline.</summary>
    public const int BehindRep = 3;

    /// <summary>rep6, Diego Alvarez: busy, but mostly off plan.</summary>
    public const int OffPlanRep = 5;

    /// <summary>rep1, Rosa Delgado: well ahead (rep8, Sam Okafor, is too).</summary>
    public const int AheadRep = 0;

    /// <summary>The reps (by index) who amended their plan mid-year.</summary>
    private static readonly int[] Amending = [0, 2, 4];

    /// <summary>Last year's activity goal: every held call, meeting, demo and visit counts.</summary>
    public const int ActivitiesPerQuarter = 90;

    /// <summary>
    /// The cycle before <paramref name="current"/>: the same template, a quota per rep, its own published strategy and a
    /// plan per rep whose history happened a year before today's. Adds to <paramref name="db"/> without saving.
    /// </summary>
    public static (PlanningCycle Cycle, IReadOnlyList<DemoRepYear> Reps) Seed(AppDbContext db, PlanningCycle current, AppUser leader,
        IReadOnlyList<AppUser> reps, IReadOnlyList<Account> accounts, DateTimeOffset now)
    {
        var yearAgo = now.AddYears(-1);
        var kickoff = current.Kickoff.AddYears(-1);
        var year = current.PeriodStart.Year - 1;
        var cycle = PlanningCycle.Open(
            new CycleSchedule($"FY{year}", current.PeriodStart.AddYears(-1), current.PeriodStart.AddDays(-1), kickoff, kickoff.AddDays(14)),
            leader.Id, yearAgo.AddDays(-21));
        db.Cycles.Add(cycle);
        var template = DefaultTemplate.Sections.Select((spec, i) => TemplateSection.Create(cycle.Id, i + 1, spec, yearAgo.AddDays(-21))).ToList();
        db.TemplateSections.AddRange(template);
        var random = new Random(2026);
        var planned = new Dictionary<string, decimal>();
        var result = new List<DemoRepYear>();
        var amendments = new List<(Plan Plan, AppUser Rep, IReadOnlyDictionary<string, SectionContent> Content, IReadOnlyList<Account> Own)>();
        for (var i = 0; i < reps.Count; i++)
        {
            var rep = reps[i];
            var repActor = new Actor(rep.Id, Role.Rep);
            var manager = new Actor(rep.ManagerId!.Value, Role.Manager);
            var own = accounts.Where(a => a.OwnerId == rep.Id).ToList();
            var quota = DemoPlans.QuarterlyQuota(own);
            foreach (var quarter in cycle.Quarters)
            {
                db.Quotas.Add(Quota.Set(cycle.Id, rep.Id, quarter.Number, quota, rep.ManagerId.Value, yearAgo.AddDays(-19)));
            }

            var content = DemoPlans.Content(cycle, template, rep, own, DemoDepth.Complete, random);
            LastYearsGoals(content, quota);
            foreach (var goal in content.Values.OfType<GoalsContent>().SelectMany(g => g.Goals).Where(g => g.ObjectiveId is not null))
            {
                planned[goal.ObjectiveId!] = planned.GetValueOrDefault(goal.ObjectiveId!) + goal.Total;
            }

            var plan = Plan.StartDraft(cycle.Id, rep.Id, yearAgo.AddDays(-20));
            db.Plans.Add(plan);
            var submitted = yearAgo.AddDays(-14 + i).AddHours(9 + i);
            db.PlanSections.AddRange(DemoPlans.Sections(plan, content, submitted.AddHours(-2)));
            Audit(db, plan, plan.Submit(repActor, cycle, [], submitted));
            db.PlanSnapshots.Add(DemoPlans.Snapshot(plan, 1, template, content, own, submitted));
            if (i == BehindRep)
            {
                // The manager saw it coming: the first version was sent back for its thin pipeline plan.
                const string request = "Where does the second-half pipeline come from? Name the accounts and add prospecting actions.";
                Audit(db, plan, plan.RequestChanges(manager, rep.ManagerId, cycle, request, submitted.AddDays(2)));
                db.PlanComments.Add(PlanComment.Write(plan, null, null, rep.ManagerId.Value, request, submitted.AddDays(2)));
                Audit(db, plan, plan.Submit(repActor, cycle, [], submitted.AddDays(4)));
                db.PlanSnapshots.Add(DemoPlans.Snapshot(plan, 2, template, content, own, submitted.AddDays(4)));
                Audit(db, plan, plan.Approve(manager, rep.ManagerId, cycle, "Approved. We review your pipeline every month.", submitted.AddDays(6)));
            }
            else
            {
                Audit(db, plan, plan.Approve(manager, rep.ManagerId, cycle, i % 2 == 0 ? "Clear goals and a realistic action plan." : null,
                    submitted.AddDays(1 + (i % 4))));
            }

            if (Amending.Contains(i))
            {
                amendments.Add((plan, rep, content, own));
            }

            var tiers = content.Values.OfType<SegmentationContent>().Single().Rows;
            var targets = content.Values.OfType<GoalsContent>().Single().Goals
                .ToDictionary(g => g.Id!, g => (IReadOnlyList<decimal>)g.Targets.Select(t => t ?? 0).ToList());
            result.Add(new DemoRepYear(rep, Stories[i % Stories.Count], own,
                tiers.Where(r => r.Tier is "A" or "B").Select(r => r.AccountId).ToHashSet(), targets));
        }

        // Mid-year, three reps brought their action plan up to date and had the amendment approved.
        var midYear = Deadlines.EndOfDay(cycle.Quarters[Math.Min(2, cycle.Quarters.Count - 1)].Start.AddDays(9), cycle.TimeZone).AddHours(-14);
        foreach (var (plan, rep, content, own) in amendments.Where(_ => midYear.AddDays(5) < now))
        {
            var repActor = new Actor(rep.Id, Role.Rep);
            Audit(db, plan, plan.Amend(repActor, cycle, midYear));
            UpdateActions(content, DateOnly.FromDateTime(midYear.UtcDateTime));
            db.PlanSections.RemoveRange(db.PlanSections.Local.Where(s => s.PlanId == plan.Id).ToList());
            db.PlanSections.AddRange(DemoPlans.Sections(plan, content, midYear.AddHours(1)));
            Audit(db, plan, plan.Submit(repActor, cycle, [], midYear.AddDays(1)));
            db.PlanSnapshots.Add(DemoPlans.Snapshot(plan, 2, template, content, own, midYear.AddDays(1)));
            Audit(db, plan, plan.Approve(new Actor(rep.ManagerId!.Value, Role.Manager), rep.ManagerId, cycle,
                "Good to see the first half closed out. Keep the second-site push going.", midYear.AddDays(3)));
        }

        DemoStrategy.SeedPrevious(db, cycle, leader, planned, yearAgo);
        var closes = Deadlines.EndOfDay(cycle.PeriodEnd.AddDays(14), cycle.TimeZone);
        if (closes < now)
        {
            cycle.Close(closes);
            db.AuditEntries.Add(AuditEntry.Record(closes, leader.Id, "cycle.closed", "Cycle", cycle.Id.ToString()));
        }

        return (cycle, result);
    }

    /// <summary>
    /// Last year's goals differ from this year's where the year taught something: fewer new logos (one a quarter), a
    /// pipeline goal at 1.7 times the quota, and every held customer activity counted against one activity goal.
    /// </summary>
    private static void LastYearsGoals(IReadOnlyDictionary<string, SectionContent> content, decimal quota)
    {
        foreach (var goal in content.Values.OfType<GoalsContent>().Single().Goals)
        {
            switch (goal.Id)
            {
                case "logos":
                    goal.Targets = goal.Targets.Select(_ => (decimal?)1).ToList();
                    break;
                case "pipeline":
                    goal.Targets = goal.Targets.Select(_ => (decimal?)(Math.Ceiling(quota * 1.7m / 1000) * 1000)).ToList();
                    break;
                case "meetings":
                    goal.Name = "Customer activities held (calls, meetings, demos, visits)";
                    goal.Targets = goal.Targets.Select(_ => (decimal?)ActivitiesPerQuarter).ToList();
                    break;
            }
        }
    }

    /// <summary>What a rep's action plan says by mid-year: the first half's actions done (one blocked), one new action.</summary>
    private static void UpdateActions(IReadOnlyDictionary<string, SectionContent> content, DateOnly on)
    {
        var actions = content.Values.OfType<ActionPlanContent>().Single().Actions;
        var blocked = false;
        foreach (var action in actions)
        {
            if (action.Due is { } due && due < on)
            {
                action.Status = !blocked && action.AccountId is not null && action.Status == "NotStarted" ? "Blocked" : "Done";
                blocked |= action.Status == "Blocked";
            }
            else if (action.Due is { } next && next < on.AddDays(60))
            {
                action.Status = "InProgress";
            }
        }

        actions.Add(new ActionItem
        {
            Id = $"a{actions.Count + 1}",
            Title = "Second-half push: value workshops at the three largest open opportunities",
            Due = on.AddDays(75),
            Status = "InProgress",
            GoalId = "rev-existing",
            Owner = "Pre-sales",
        });
    }

    private static void Audit(AppDbContext db, Plan plan, PlanTransition t) => db.AuditEntries.Add(Plans.PlanHandlers.AuditOf(plan.Id, t));
}
