using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;

namespace Terrain.Tests.Infrastructure;

/// <summary>
/// The test organisation's sales strategy: two offerings, two target segments (the test accounts are Manufacturing,
/// Mid-Market, North, so they match "Mid-market manufacturers"), two objectives and a two-question check (answers 1 and 0).
/// </summary>
public static class StrategyBuilder
{
    public const string RevenueObjective = "obj-revenue";
    public const string LogosObjective = "obj-logos";

    public static StrategyContent Content() => new()
    {
        Summary = "Win the mid-market manufacturers before the competition consolidates.",
        Offerings =
        [
            new Offering { Id = "off-cloud", Name = "Terrain Cloud", Positioning = "Planning software that reps actually use." },
            new Offering { Id = "off-services", Name = "Onboarding Services", Positioning = "Live in four weeks." },
        ],
        Segments =
        [
            new TargetSegment
            {
                Id = "seg-mm", Name = "Mid-market manufacturers", Profile = "200-2,000 employees, a field sales team.",
                Industries = ["Manufacturing"], AccountSegments = ["Mid-Market"], MinPotential = 20_000,
            },
            new TargetSegment { Id = "seg-banks", Name = "Enterprise banks", Industries = ["Banking"], AccountSegments = ["Enterprise"] },
        ],
        ValuePropositions = [new ValueProposition { Title = "Plans that get executed", Description = "Reviews and corrective actions in one loop." }],
        Differentiators = ["The rep's own plan at the centre"],
        Competitors = [new Competitor { Name = "Spreadsheets", HowWeWin = "Show the review loop." }],
        Objectives =
        [
            new Objective { Id = RevenueObjective, Name = "Revenue from manufacturers", Metric = "Revenue", Segment = "Mid-market manufacturers", Target = 1_000_000 },
            new Objective { Id = LogosObjective, Name = "New logos", Metric = "NewLogos", Target = 12 },
        ],
        Priorities = ["Land three lighthouse customers", "Cross-sell services to every new logo"],
    };

    public static ComprehensionCheck Check() => new()
    {
        PassPercent = 100,
        Questions =
        [
            new CheckQuestion { Id = "q1", Text = "Which segment do we target first?", Options = ["Enterprise banks", "Mid-market manufacturers", "Public sector"], Correct = 1 },
            new CheckQuestion { Id = "q2", Text = "What do we lead with?", Options = ["Plans that get executed", "The lowest price"], Correct = 0 },
        ],
    };

    /// <summary>A published revision 1 with the check above.</summary>
    public static Strategy Published(AppUser leader, DateTimeOffset now, string name = "FY2027 sales strategy")
    {
        var actor = new Actor(leader.Id, Role.Leader);
        var strategy = Strategy.Draft(actor, name, new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31), Content(), now);
        strategy.SetCheck(actor, Check(), attempted: false, now);
        strategy.Publish(actor, now);
        return strategy;
    }
}
