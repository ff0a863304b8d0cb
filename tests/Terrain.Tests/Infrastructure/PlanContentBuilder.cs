using Terrain.Domain;
using Terrain.Domain.Planning;

namespace Terrain.Tests.Infrastructure;

/// <summary>Complete, valid content for every section of the default template: a plan that can be submitted.</summary>
public static class PlanContentBuilder
{
    public static SectionContent For(SectionKind kind, PlanningCycle cycle, IReadOnlyList<Account> accounts) => kind switch
    {
        SectionKind.Narrative => new NarrativeContent { Text = "Grow the installed base in the north; win two new logos in health care." },
        SectionKind.Swot => new SwotContent
        {
            Strengths = [new() { Point = "Strong references in manufacturing", SoWhat = "Use them in every first meeting" }],
            Weaknesses = [new() { Point = "Thin coverage in the south", SoWhat = "Partner with a reseller" }],
            Opportunities = [new() { Point = "Budget cycle opens in Q1", SoWhat = "Book discovery meetings in January" }],
            Threats = [new() { Point = "Competitor discounting", SoWhat = "Sell value, not price" }],
        },
        SectionKind.AccountSegmentation => new SegmentationContent
        {
            Rows = accounts.Select((a, i) => new SegmentRow
            {
                AccountId = a.Id,
                Tier = i == 0 ? "A" : "C",
                Potential = a.AnnualPotential,
                CurrentRevenue = 10_000,
                TargetRevenue = 20_000,
                Rationale = i == 0 ? "Largest potential, sponsor in place" : null,
                NextMove = i == 0 ? "Executive briefing in January" : null,
            }).ToList(),
        },
        SectionKind.Goals => new GoalsContent
        {
            Goals =
            [
                new() { Id = "revenue", Metric = "Revenue", Name = "Revenue", Targets = cycle.Quarters.Select(_ => (decimal?)50_000).ToList() },
                new() { Id = "meetings", Metric = "Activity", Name = "Meetings", Targets = cycle.Quarters.Select(_ => (decimal?)20).ToList() },
            ],
        },
        SectionKind.KeyAccountPlans => new KeyAccountsContent
        {
            Accounts = accounts.Take(1).Select(a => new KeyAccountPlan { AccountId = a.Id, Objectives = "Expand to a second plant", Strategy = "Land the pilot" }).ToList(),
        },
        SectionKind.ProspectingPlan => new ProspectingContent
        {
            Prospects = [new() { Company = "Iota Foods", UsesToday = "Spreadsheets", Approach = "Referral from Alpha", ContactBy = cycle.PeriodStart.AddDays(20) }],
        },
        SectionKind.ActionPlan => new ActionPlanContent
        {
            Actions = accounts.Take(1).Select(a => new ActionItem
            {
                Id = "briefing",
                Title = $"Executive briefing at {a.Name}",
                Due = cycle.PeriodStart.AddDays(30),
                Status = "NotStarted",
                GoalId = "revenue",
                AccountId = a.Id,
            }).ToList(),
        },
        SectionKind.ResourcesNeeded => new ResourcesContent { Items = [new() { Kind = "PreSales", Description = "Two demo days", NeededBy = cycle.PeriodStart.AddDays(40) }] },
        _ => new RisksContent { Items = [new() { Risk = "Champion leaves Alpha", Likelihood = "Low", Impact = "High", Mitigation = "Multi-thread the account" }] },
    };

    /// <summary>Every template section of the plan filled in, as stored sections.</summary>
    public static IEnumerable<PlanSection> Complete(Plan plan, PlanningCycle cycle, IEnumerable<TemplateSection> template, IReadOnlyList<Account> accounts, DateTimeOffset now) =>
        template.Select(t => PlanSection.Create(plan.Id, t.Key, For(t.Kind, cycle, accounts), plan.OwnerId, now));
}
