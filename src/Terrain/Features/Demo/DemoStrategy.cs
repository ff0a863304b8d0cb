using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;

namespace Terrain.Features.Demo;

/// <summary>
/// The demo's sales strategy and its roll-out: published six weeks ago, taught in a full-day workshop last month that
/// everyone but one rep attended, acknowledged by every rep but one (who failed the check once and has a question
/// open), and executed by the open cycle with the acknowledgement gate on. The demo plans' goals link to its objectives.
/// </summary>
public static class DemoStrategy
{
    public const string ExistingRevenue = "obj-existing";
    public const string NewBusiness = "obj-new-business";
    public const string NewLogos = "obj-new-logos";
    public const string Pipeline = "obj-pipeline";

    /// <summary>The objectives the demo goals link to (ids, names and metrics; the targets follow from the plans).</summary>
    public static readonly IReadOnlyDictionary<string, ObjectiveFact> Objectives = new Dictionary<string, ObjectiveFact>
    {
        [ExistingRevenue] = new("Grow revenue from existing customers", "Revenue"),
        [NewBusiness] = new("New business revenue in target segments", "Revenue"),
        [NewLogos] = new("New logos in target segments", "NewLogos"),
        [Pipeline] = new("Pipeline created", "Pipeline"),
    };

    public const string Platform = "off-platform";

    public const string Industrials = "seg-industrial";

    /// <summary>The offerings demo goals pick, by id.</summary>
    public static IReadOnlyDictionary<string, string> Offerings => Shape.Value.OfferingNames();

    /// <summary>The target segments demo goals pick, by id.</summary>
    public static IReadOnlyDictionary<string, string> Segments => Shape.Value.SegmentNames();

    private static readonly Lazy<StrategyContent> Shape = new(() => Content(new Dictionary<string, decimal>()));

    /// <summary>The rep (by index) who has not bought in yet: failed the check once, asked a question, not acknowledged.</summary>
    public const int HoldoutRep = 6;

    /// <summary>The rep (by index) who missed the workshop but read and acknowledged the strategy on their own.</summary>
    public const int AbsentRep = 7;

    /// <summary>The check's right answers, in question order (the browser test passes the check with them).</summary>
    public static readonly IReadOnlyList<int> RightAnswers = [1, 1, 1];

    /// <summary>
    /// Seeds the strategy for the cycle's period, its workshop and the buy-in, and makes the cycle execute it.
    /// <paramref name="planned"/> is the sum of the demo goals per objective: the targets sit a little above it, so the
    /// alignment view shows a gap to close.
    /// </summary>
    public static Strategy Seed(AppDbContext db, PlanningCycle cycle, AppUser leader, IReadOnlyList<AppUser> managers, IReadOnlyList<AppUser> reps,
        IReadOnlyDictionary<string, decimal> planned, DateTimeOffset now)
    {
        var actor = new Actor(leader.Id, Role.Leader);
        var drafted = now.AddDays(-52);
        var published = now.AddDays(-45);
        var strategy = Strategy.Draft(actor, $"{cycle.Name} sales strategy", cycle.PeriodStart, cycle.PeriodEnd, Content(planned), drafted);
        strategy.SetCheck(actor, Check(), attempted: false, drafted.AddDays(2));
        strategy.Publish(actor, published);
        db.Strategies.Add(strategy);
        db.AuditEntries.Add(AuditEntry.Record(drafted, leader.Id, "strategy.created", "Strategy", strategy.Id.ToString()));
        db.AuditEntries.Add(AuditEntry.Record(published, leader.Id, "strategy.published", "Strategy", strategy.Id.ToString()));
        cycle.Execute(strategy.Id, requireAcknowledgement: true);

        // The workshop: scheduled two weeks ahead, held last month, attendance recorded the same evening.
        var held = new DateTimeOffset(DateOnly.FromDateTime(now.AddDays(-35).UtcDateTime).ToDateTime(new TimeOnly(14, 0)), TimeSpan.Zero);
        var workshop = Workshop.Schedule(strategy, actor, $"{cycle.Name} strategy kick-off", held, WorkshopLength.FullDay,
            "Minneapolis office, Lakeview room (and on video)", null, published.AddDays(1));
        workshop.MarkAttendanceRecorded(held.AddHours(9));
        db.Workshops.Add(workshop);
        db.AuditEntries.Add(AuditEntry.Record(published.AddDays(1), leader.Id, "workshop.scheduled", "Workshop", workshop.Id.ToString()));
        foreach (var person in managers.Concat(reps))
        {
            var invitation = WorkshopInvitation.Invite(workshop, person, published.AddDays(1));
            invitation.Record(attended: reps.Count <= AbsentRep || person.Id != reps[AbsentRep].Id);
            db.WorkshopInvitations.Add(invitation);
            db.Notifications.Add(Notification.Create(person.Id, $"workshop:{workshop.Id}:{person.Id}", $"Invitation: {workshop.Title}",
                $"{held:dddd d MMMM, HH:mm} UTC, full day, {workshop.Location}.", $"/Strategies/{strategy.Id}/Workshops", published.AddDays(1)));
        }

        for (var i = 0; i < reps.Count; i++)
        {
            var rep = reps[i];
            var repActor = new Actor(rep.Id, Role.Rep);
            var read = held.AddDays(1 + (i % 5)).AddHours(i);
            if (i == HoldoutRep)
            {
                db.CheckAttempts.Add(CheckAttempt.Take(strategy, repActor, null, false, Answers([0, 1, 2]), read).Attempt);
                db.StrategyQuestions.Add(StrategyQuestion.Ask(strategy, repActor, "whom",
                    "Most of my accounts are SMB retailers. None of them match a target segment: should I still plan new business there, or hand them to inside sales?",
                    read.AddHours(1)));
                continue;
            }

            if (i % 3 == 1)
            {
                // A first try that missed one question; the second passed.
                db.CheckAttempts.Add(CheckAttempt.Take(strategy, repActor, null, false, Answers([1, 0, 1]), read).Attempt);
                read = read.AddMinutes(20);
            }

            db.CheckAttempts.Add(CheckAttempt.Take(strategy, repActor, null, false, Answers(RightAnswers), read).Attempt);
            db.Acknowledgements.Add(StrategyAcknowledgement.Give(strategy, repActor, null, false, hasCheck: true, passedCheck: true, read.AddMinutes(5)));
            db.AuditEntries.Add(AuditEntry.Record(read.AddMinutes(5), rep.Id, "strategy.acknowledged", "Strategy", strategy.Id.ToString()));
        }

        if (reps.Count > 1)
        {
            var asker = reps[1];
            var question = StrategyQuestion.Ask(strategy, new Actor(asker.Id, Role.Rep), "objectives",
                "Does revenue from services count towards the new business objective?", held.AddHours(3));
            question.Reply(new Actor(asker.ManagerId!.Value, Role.Manager), asker.ManagerId,
                "Yes, when it is sold with a first licence to a new customer. Renewals of services count as existing revenue.", held.AddDays(1));
            db.StrategyQuestions.Add(question);
        }

        return strategy;
    }

    /// <summary>
    /// Last year's strategy, executed by the previous cycle: drafted and published before that cycle's kickoff, a year
    /// before this year's. It had no comprehension check and its cycle no acknowledgement gate (both came this year).
    /// </summary>
    public static Strategy SeedPrevious(AppDbContext db, PlanningCycle cycle, AppUser leader, IReadOnlyDictionary<string, decimal> planned, DateTimeOffset yearAgo)
    {
        var actor = new Actor(leader.Id, Role.Leader);
        var drafted = yearAgo.AddDays(-52);
        var published = yearAgo.AddDays(-45);
        var strategy = Strategy.Draft(actor, $"{cycle.Name} sales strategy", cycle.PeriodStart, cycle.PeriodEnd, Content(planned), drafted);
        strategy.Publish(actor, published);
        db.Strategies.Add(strategy);
        db.AuditEntries.Add(AuditEntry.Record(drafted, leader.Id, "strategy.created", "Strategy", strategy.Id.ToString()));
        db.AuditEntries.Add(AuditEntry.Record(published, leader.Id, "strategy.published", "Strategy", strategy.Id.ToString()));
        cycle.Execute(strategy.Id, requireAcknowledgement: false);
        return strategy;
    }

    /// <summary>The target segment the demo's new-business goals count: the accounts it matches.</summary>
    public static TargetSegment IndustrialSegment => Shape.Value.Segments.Single(s => s.Id == Industrials);

    /// <summary>A rep of the scaled demo who has submitted a plan read and acknowledged the strategy first (the gate is on).</summary>
    public static void AcknowledgeAtScale(AppDbContext db, Strategy strategy, AppUser rep, DateTimeOffset at)
    {
        var actor = new Actor(rep.Id, Role.Rep);
        db.CheckAttempts.Add(CheckAttempt.Take(strategy, actor, null, false, Answers(RightAnswers), at).Attempt);
        db.Acknowledgements.Add(StrategyAcknowledgement.Give(strategy, actor, null, false, hasCheck: true, passedCheck: true, at.AddMinutes(5)));
    }

    private static Dictionary<string, int> Answers(IReadOnlyList<int> options) =>
        options.Select((o, i) => (Id: $"q{i + 1}", o)).ToDictionary(x => x.Id, x => x.o);

    private static decimal Target(IReadOnlyDictionary<string, decimal> planned, string objective, decimal stretch, decimal fallback, decimal unit) =>
        planned.TryGetValue(objective, out var sum) && sum > 0 ? Math.Ceiling(sum * stretch / unit) * unit : fallback;

    private static StrategyContent Content(IReadOnlyDictionary<string, decimal> planned) => new()
    {
        Summary = "Our installed base is loyal but small, and our two competitors are busy consolidating. This year we grow by " +
                  "winning mid-market manufacturers and logistics firms, where our uptime record is unmatched, and by expanding " +
                  "every existing customer to a second site. We stop chasing small retail deals in the field; inside sales covers them.",
        Offerings =
        [
            new Offering { Id = Platform, Name = "FieldOps Platform", Positioning = "The operations platform that keeps plants and fleets running: scheduling, work orders and uptime analytics in one place." },
            new Offering { Id = "off-analytics", Name = "Uptime Analytics", Positioning = "An add-on for customers with more than one site: predicts failures from the data they already collect." },
            new Offering { Id = "off-services", Name = "Rollout Services", Positioning = "Live at a new site in six weeks, with our engineers on the floor." },
        ],
        Segments =
        [
            new TargetSegment
            {
                Id = Industrials, Name = "Mid-market industrials",
                Profile = "Manufacturers and logistics firms with 200 to 2,000 employees, several sites, and operations leaders who own the budget.",
                Industries = ["Manufacturing", "Logistics"], AccountSegments = ["Mid-Market", "Enterprise"], MinPotential = 90_000,
            },
            new TargetSegment
            {
                Id = "seg-energy", Name = "Energy and utilities",
                Profile = "Regional utilities and energy producers replacing ageing maintenance systems.",
                Industries = ["Energy"], MinPotential = 50_000,
            },
            new TargetSegment
            {
                Id = "seg-health", Name = "Enterprise healthcare",
                Profile = "Hospital groups with facilities teams across many buildings.",
                Industries = ["Healthcare"], AccountSegments = ["Enterprise"],
            },
        ],
        ValuePropositions =
        [
            new ValueProposition { Title = "Fewer stoppages", Description = "Customers cut unplanned downtime by a fifth in the first year; we show it with their own data." },
            new ValueProposition { Title = "One system for every site", Description = "Standard work across plants and depots, so a second site goes live in weeks." },
            new ValueProposition { Title = "People on the floor", Description = "Our rollout engineers work shifts with the customer's team until it runs." },
        ],
        Differentiators = ["Uptime guarantee backed by field data", "Six-week rollout per site", "References in every region"],
        Competitors =
        [
            new Competitor { Name = "Contoso", HowWeWin = "The incumbent at many large accounts; contracts end this year. Win on rollout speed and a reference visit." },
            new Competitor { Name = "Northwind", HowWeWin = "Discounts to win logos. Sell total cost and service; never discount below the floor." },
        ],
        Objectives =
        [
            new Objective { Id = ExistingRevenue, Name = Objectives[ExistingRevenue].Name, Metric = "Revenue", Product = "FieldOps Platform", Target = Target(planned, ExistingRevenue, 1.04m, 6_000_000, 10_000) },
            new Objective { Id = NewBusiness, Name = Objectives[NewBusiness].Name, Metric = "Revenue", Segment = "Mid-market industrials", Target = Target(planned, NewBusiness, 1.12m, 3_000_000, 10_000) },
            new Objective { Id = NewLogos, Name = Objectives[NewLogos].Name, Metric = "NewLogos", Segment = "Mid-market industrials", Target = Target(planned, NewLogos, 1.1m, 50, 1) },
            new Objective { Id = Pipeline, Name = Objectives[Pipeline].Name, Metric = "Pipeline", Target = Target(planned, Pipeline, 1.0m, 20_000_000, 100_000) },
        ],
        Priorities =
        [
            "Expand every existing customer to a second site",
            "Win three lighthouse customers among mid-market industrials in the first half",
            "Hand SMB retail to inside sales; field reps focus on target segments",
            "Three times pipeline coverage at the start of every quarter",
        ],
    };

    private static ComprehensionCheck Check() => new()
    {
        PassPercent = 100,
        Questions =
        [
            new CheckQuestion
            {
                Id = "q1", Text = "Which accounts come first this year?",
                Options = ["Any account with budget this quarter", "Mid-market manufacturers and logistics firms with several sites", "Small retailers, because they decide fast"],
                Correct = 1,
            },
            new CheckQuestion
            {
                Id = "q2", Text = "What do we lead with in a first meeting?",
                Options = ["A discount for signing this quarter", "Fewer stoppages, shown with the customer's own data", "The full feature list"],
                Correct = 1,
            },
            new CheckQuestion
            {
                Id = "q3", Text = "Who is the incumbent whose contracts end this year?",
                Options = ["Northwind", "Contoso", "Fabrikam"],
                Correct = 1,
            },
        ],
    };
}
