namespace Terrain.Domain.Planning;

/// <summary>
/// The template a new cycle starts with, drawn from the sections that recur in public territory-plan templates.
/// The instructions are written for the rep: what goes in, and what a good answer looks like.
/// </summary>
public static class DefaultTemplate
{
    public static readonly IReadOnlyList<SectionSpec> Sections;

    private static readonly SectionSpec[] Written =
    [
        new("summary", "Summary", """
            One page a busy reader can act on. Start with your vision for the territory in one or two sentences, then
            three to seven SMART objectives (specific, measurable, achievable, relevant, time-bound), and for each the
            strategy and the main actions that will get you there. Write it last, once the worksheets below are done.
            """, SectionKind.Narrative),
        new("territory-overview", "Territory overview and market analysis", """
            Describe the market in your territory: its size and trend, the main competitors and where they are strong,
            what drives customers to buy, and what has changed since last year (new entrants, budget cycles, regulation,
            key people who moved). Name sources where you have them.
            """, SectionKind.Narrative),
        new("swot", "SWOT", """
            List the strengths, weaknesses, opportunities and threats of this territory, not of the company in general.
            After each one, write "so what we will do": a SWOT that changes no action is decoration.
            """, SectionKind.Swot),
        new("targets", "Targets and goals", """
            Set your goals per quarter: revenue from existing customers and from new business (optionally by product or
            segment), new logos, pipeline created, and activities such as meetings. The plan shows the gap between your
            revenue goals and your quota; close it or explain it. Link each goal to a strategic objective where one fits.
            """, SectionKind.Goals),
        new("account-segmentation", "Account segmentation", """
            Tier every account A, B, C or D by potential and fit. For each, give potential, current revenue and your
            target. Every A and B account needs a one-line "why" and a next move; C and D accounts are served
            efficiently, not ignored.
            """, SectionKind.AccountSegmentation),
        new("key-accounts", "Key account plans", """
            For your top accounts: the objectives for this period, the stakeholders and contacts (who decides, who
            influences, who blocks), open opportunities, the incumbent or competitor, and your strategy to win or grow.
            """, SectionKind.KeyAccountPlans),
        new("prospecting", "Prospecting plan", """
            Your top target prospects: what they use today, why they would change, and how and when you will contact
            each one. Be concrete: channel, message, and a date.
            """, SectionKind.ProspectingPlan),
        new("action-plan", "Action plan", """
            The actions that get you from today to your goals. Each action is SMART, has an owner and a by-when date
            inside the plan period, and names the goal or account it serves. Review it with your manager at every review.
            """, SectionKind.ActionPlan),
        new("resources", "Resources needed", """
            What you need from others to deliver the plan: marketing support, pre-sales, partners, budget, training.
            Say what, when, and what it will return.
            """, SectionKind.ResourcesNeeded, Required: false),
        new("risks", "Risks", """
            What could stop the plan (a key account at risk, a competitor move, a dependency on a launch), how likely it
            is, and how you will mitigate it.
            """, SectionKind.Risks),
    ];

    static DefaultTemplate() =>
        Sections = Written.Select(s => s with { Instructions = s.Instructions.ReplaceLineEndings(" ").Trim() }).ToList();
}
