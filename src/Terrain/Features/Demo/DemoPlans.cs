using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Features.Plans;

namespace Terrain.Features.Demo;

/// <summary>How far a demo rep has got with their plan.</summary>
public enum DemoDepth
{
    /// <summary>Nothing written yet.</summary>
    Empty,

    /// <summary>The worksheets started, the text not yet: a draft in progress.</summary>
    Started,

    /// <summary>Every section written, as a good plan would be.</summary>
    Complete,
}

/// <summary>
/// Realistic plan content for the demo organisation, built from the rep's own accounts so that the product shows
/// what a good plan looks like: tiers by potential, a why and a next move for every A and B account, goals per
/// quarter that close the gap to quota, and dated actions tied to goals and key accounts.
/// </summary>
public static class DemoPlans
{
    private static readonly string[] Moves =
    [
        "Executive briefing with the COO on the {0} roadmap",
        "Run a value workshop with operations and finance",
        "Propose a paid pilot at a second site",
        "Quarterly business review with the sponsor",
        "Introduce our pre-sales architect to the IT lead",
        "Bring a reference customer from {0} to a site visit",
    ];

    private static readonly string[] Whys =
    [
        "Top potential in the region and an active sponsor",
        "Expanding to new sites this year; budget approved",
        "Incumbent contract ends in Q2; they asked us to bid",
        "Strong fit with our {0} offering; two departments already use us",
        "Fast-growing account with a new CIO open to change",
    ];

    public static decimal QuarterlyQuota(IReadOnlyList<Account> accounts) =>
        Math.Round(accounts.Sum(a => a.AnnualPotential) * 0.22m / 4 / 1000) * 1000;

    public static IReadOnlyDictionary<string, SectionContent> Content(PlanningCycle cycle, IReadOnlyList<TemplateSection> template,
        AppUser rep, IReadOnlyList<Account> accounts, DemoDepth depth, Random random)
    {
        var result = new Dictionary<string, SectionContent>();
        if (depth == DemoDepth.Empty)
        {
            return result;
        }

        var ranked = accounts.OrderByDescending(a => a.AnnualPotential).ThenBy(a => a.Name, StringComparer.Ordinal).ToList();
        var tiers = ranked.Select((a, i) => (Account: a, Tier: Tier(i, ranked.Count))).ToList();
        var top = tiers.Where(t => t.Tier == "A").Select(t => t.Account).ToList();
        var quota = QuarterlyQuota(accounts);
        var firstName = rep.DisplayName.Split(' ')[0];
        var region = accounts.Count > 0 ? accounts[0].Region : "the territory";
        var industry = accounts.GroupBy(a => a.Industry).OrderByDescending(g => g.Count()).FirstOrDefault()?.Key ?? "manufacturing";
        var quarters = cycle.Quarters;
        var goals = Goals(quota, quarters.Count, random);

        foreach (var section in template)
        {
            SectionContent? content = section.Kind switch
            {
                SectionKind.Narrative when depth == DemoDepth.Complete => new NarrativeContent
                {
                    Text = section.Key == "summary"
                        ? $"Vision: make {region} our most referenceable region in {industry.ToLowerInvariant()}.\n" +
                          $"1. Grow revenue to {Money(goals.Goals.Where(g => g.IsRevenue).Sum(g => g.Total))} ({Money(quota * quarters.Count)} quota), with a third from new business.\n" +
                          $"2. Win {goals.Goals.Single(g => g.Metric == "NewLogos").Total:0} new logos, mostly mid-market {industry.ToLowerInvariant()}.\n" +
                          $"3. Turn {string.Join(", ", top.Take(3).Select(a => a.Name))} into multi-site customers.\n" +
                          "Strategy: lead with value workshops, use our references, and keep three times pipeline coverage every quarter."
                        : $"{region} has about {accounts.Count} accounts we can serve, {top.Count} of them with enterprise potential. " +
                          $"{industry} is the largest industry and is consolidating: fewer, larger buyers who want proof of value before they commit.\n" +
                          "Main competitors: Northwind (strong on price, weak on service) and Contoso (incumbent at several large accounts; contracts end this year).\n" +
                          "Since last year two large accounts changed their CIO and budgets moved from IT to operations.",
                },
                SectionKind.Swot => new SwotContent
                {
                    Strengths = [new() { Point = $"References at {top.FirstOrDefault()?.Name ?? "our largest account"}", SoWhat = "Bring a reference into every first meeting" }],
                    Weaknesses = [new() { Point = "Little coverage outside the main cities", SoWhat = "Partner with a regional reseller for SMB" }],
                    Opportunities = [new() { Point = "Contoso contracts end this year", SoWhat = "Book renewal-risk reviews with their customers in Q1" }],
                    Threats = [new() { Point = "Northwind discounts to win new logos", SoWhat = "Sell on total cost and service, not list price" }],
                },
                SectionKind.AccountSegmentation => new SegmentationContent
                {
                    Rows = tiers.Select((t, i) => Row(t.Account, t.Tier, i, depth, random)).ToList(),
                },
                SectionKind.Goals => goals,
                SectionKind.KeyAccountPlans when depth == DemoDepth.Complete => new KeyAccountsContent
                {
                    Accounts = top.Take(3).Select(a => new KeyAccountPlan
                    {
                        AccountId = a.Id,
                        Objectives = $"Expand from one site to three; grow revenue to {Money(Math.Round(a.AnnualPotential * 0.4m / 1000) * 1000)}.",
                        Stakeholders = "COO: economic buyer, supportive\nHead of IT: influencer, neutral\nProcurement lead: gatekeeper, price-focused",
                        Opportunities = "Second-site roll-out (Q2)\nAnalytics add-on (Q3)",
                        Competition = random.Next(2) == 0 ? "Contoso is the incumbent" : "Northwind is bidding",
                        Strategy = "Win the COO with a value case built on the first site's results; involve IT early to neutralise the incumbent.",
                    }).ToList(),
                },
                SectionKind.ProspectingPlan when depth == DemoDepth.Complete => new ProspectingContent
                {
                    Prospects =
                    [
                        new() { Company = $"Harbor {industry}", UsesToday = "Contoso, contract ends in June", Approach = "Referral from a current customer; invite to the spring event", ContactBy = quarters[0].Start.AddDays(20) },
                        new() { Company = "Crestline Group", UsesToday = "Spreadsheets", Approach = "LinkedIn outreach to the operations director, then a discovery call", ContactBy = quarters[0].Start.AddDays(35) },
                        new() { Company = "Pinecrest Partners", UsesToday = "Northwind", Approach = "Partner introduction; joint webinar", ContactBy = quarters[Math.Min(1, quarters.Count - 1)].Start.AddDays(10) },
                    ],
                },
                SectionKind.ActionPlan => Actions(cycle, top, depth, random),
                SectionKind.ResourcesNeeded when depth == DemoDepth.Complete => new ResourcesContent
                {
                    Items =
                    [
                        new() { Kind = "PreSales", Description = "Two architect days per key account for the value workshops", NeededBy = quarters[0].Start.AddDays(30) },
                        new() { Kind = "Marketing", Description = $"A {industry.ToLowerInvariant()} event in {region} for prospects", Cost = 15_000, NeededBy = quarters[Math.Min(1, quarters.Count - 1)].Start },
                    ],
                },
                SectionKind.Risks when depth == DemoDepth.Complete => new RisksContent
                {
                    Items =
                    [
                        new() { Risk = $"The sponsor at {top.FirstOrDefault()?.Name ?? "our largest account"} moves on", Likelihood = "Low", Impact = "High", Mitigation = "Build relationships with two more executives" },
                        new() { Risk = "Northwind price war in SMB", Likelihood = "Medium", Impact = "Medium", Mitigation = "Bundle services; do not discount below floor" },
                    ],
                },
                _ => null,
            };
            if (content is not null)
            {
                result[section.Key] = content;
            }
        }

        // The demo's content passes the same rules as a rep's: a mistake here fails the demo test, not a user.
        var facts = new PlanFacts(cycle.PeriodStart, cycle.PeriodEnd, quarters, accounts.ToDictionary(a => a.Id, a => a.Name),
            goals.Goals.ToDictionary(g => g.Id!, g => g.Title), DemoStrategy.Objectives, DemoStrategy.Offerings, DemoStrategy.Segments);
        foreach (var content in result.Values)
        {
            content.Normalize(facts);
        }

        return result;
    }

    /// <summary>
    /// Makes a plan fall short the way the demo's sent-back plan does: Q3 revenue goals below quota, and one A account
    /// without an action. Returns the manager's request for changes, naming both.
    /// </summary>
    public static string Flaw(IReadOnlyDictionary<string, SectionContent> content, IReadOnlyList<Account> accounts, decimal quarterlyQuota)
    {
        var goals = content.Values.OfType<GoalsContent>().Single();
        var revenue = goals.Goals.Where(g => g.IsRevenue).ToList();
        var others = revenue.Skip(1).Sum(g => g.Targets[2] ?? 0);
        revenue[0].Targets[2] = Math.Max(0, Math.Round(((quarterlyQuota * 0.85m) - others) / 1000) * 1000);
        var actions = content.Values.OfType<ActionPlanContent>().Single();
        var dropped = actions.Actions.First(a => a.AccountId is not null);
        actions.Actions.Remove(dropped);
        var name = accounts.Single(a => a.Id == dropped.AccountId).Name;
        return $"Your Q3 revenue goals sit 15% below quota, and {name} (A tier) has no action yet. Close the gap or explain it.";
    }

    /// <summary>What the demo's amending rep has changed since the approved version.</summary>
    public static void Revise(IReadOnlyDictionary<string, SectionContent> content, PlanningCycle cycle)
    {
        var actions = content.Values.OfType<ActionPlanContent>().Single();
        actions.Actions.Add(new ActionItem
        {
            Id = $"a{actions.Actions.Count + 1}",
            Title = "Joint pipeline review with Cascade IT (new partner)",
            Due = cycle.Quarters[Math.Min(1, cycle.Quarters.Count - 1)].Start.AddDays(20),
            Status = "NotStarted",
            GoalId = "rev-new",
            Owner = "Partner",
        });
        var goals = content.Values.OfType<GoalsContent>().Single();
        var newBusiness = goals.Goals.Single(g => g.Id == "rev-new");
        newBusiness.Targets[^1] = (newBusiness.Targets[^1] ?? 0) + 20_000;
        if (content.TryGetValue("summary", out var summary) && summary is NarrativeContent narrative)
        {
            narrative.Text += "\nAmended: the new Cascade IT partnership adds a channel for mid-market new business in the second half.";
        }
    }

    /// <summary>The stored sections of a plan, as the rep would have saved them.</summary>
    public static IEnumerable<PlanSection> Sections(Plan plan, IReadOnlyDictionary<string, SectionContent> content, DateTimeOffset at) =>
        content.Select(c => PlanSection.Create(plan.Id, c.Key, c.Value, plan.OwnerId, at));

    /// <summary>A submission snapshot, as <see cref="PlanDocuments"/> stores one.</summary>
    public static PlanSnapshot Snapshot(Plan plan, int number, IReadOnlyList<TemplateSection> template, IReadOnlyDictionary<string, SectionContent> content,
        IReadOnlyList<Account> accounts, DateTimeOffset at)
    {
        var sections = template.Select(t => (t.Key, t.Title, t.Kind, content.TryGetValue(t.Key, out var c) ? c : SectionContents.Empty(t.Kind)));
        var goals = content.Values.OfType<GoalsContent>().SelectMany(g => g.Goals).Where(g => g.Id is not null).ToDictionary(g => g.Id!, g => g.Title);
        return PlanDocuments.Snapshot(plan, number, sections, accounts.ToDictionary(a => a.Id, a => a.Name), goals, plan.OwnerId, at);
    }

    private static string Tier(int rank, int count) => ((double)rank / Math.Max(count, 1)) switch
    {
        < 0.10 => "A",
        < 0.30 => "B",
        < 0.70 => "C",
        _ => "D",
    };

    private static SegmentRow Row(Account account, string tier, int index, DemoDepth depth, Random random)
    {
        var current = Math.Round(account.AnnualPotential * (decimal)(0.05 + (random.NextDouble() * 0.25)) / 1000) * 1000;
        var top = tier is "A" or "B";
        var written = depth == DemoDepth.Complete || index % 3 == 0;
        return new SegmentRow
        {
            AccountId = account.Id,
            Tier = written ? tier : null,
            Potential = account.AnnualPotential,
            CurrentRevenue = current,
            TargetRevenue = Math.Round(current * (top ? 1.6m : 1.15m) / 1000) * 1000,
            Rationale = written && top ? string.Format(System.Globalization.CultureInfo.InvariantCulture, Whys[index % Whys.Length], account.Industry.ToLowerInvariant()) : null,
            NextMove = written && top ? string.Format(System.Globalization.CultureInfo.InvariantCulture, Moves[index % Moves.Length], account.Industry.ToLowerInvariant()) : null,
        };
    }

    /// <summary>A plan whose only written section is its goals worksheet, for the demo grown to many reps.</summary>
    public static IReadOnlyDictionary<string, SectionContent> GoalsOnly(IReadOnlyList<TemplateSection> template, decimal quarterlyQuota, int quarters, Random random) =>
        new Dictionary<string, SectionContent> { [template.First(t => t.Kind == SectionKind.Goals).Key] = Goals(quarterlyQuota, quarters, random) };

    private static GoalsContent Goals(decimal quota, int quarters, Random random)
    {
        // Bottom-up goals that close the gap: every quarter at or a little above quota, with the usual strong Q4.
        decimal Round(decimal v) => Math.Ceiling(v / 1000) * 1000;
        var seasonal = new[] { 0.95m, 1.0m, 0.97m, 1.12m };
        var existing = Enumerable.Range(0, quarters).Select(q => (decimal?)Round(quota * 0.70m * seasonal[q % 4])).ToList();
        var newBusiness = Enumerable.Range(0, quarters).Select(q => (decimal?)Round(quota * (0.36m + ((decimal)random.NextDouble() * 0.06m)) * seasonal[q % 4])).ToList();
        return new GoalsContent
        {
            Goals =
            [
                new() { Id = "rev-existing", Metric = "Revenue", Name = "Revenue from existing customers", ProductId = DemoStrategy.Platform, ObjectiveId = DemoStrategy.ExistingRevenue, Targets = existing,
                    Pipeline = new() { NewShare = 0, Existing = new() { WinRate = 45, DealSize = 30_000 }, CycleDays = 60, Slippage = 15 } },
                new() { Id = "rev-new", Metric = "Revenue", Name = "New business revenue", SegmentId = DemoStrategy.Industrials, ObjectiveId = DemoStrategy.NewBusiness, Targets = newBusiness,
                    Pipeline = new() { NewShare = 100, NewBusiness = new() { WinRate = 25, DealSize = 45_000 }, CycleDays = 90, Slippage = 20 } },
                new() { Id = "logos", Metric = "NewLogos", Name = "New logos", SegmentId = DemoStrategy.Industrials, ObjectiveId = DemoStrategy.NewLogos, Targets = Enumerable.Range(0, quarters).Select(q => (decimal?)(q == 0 ? 1 : 2)).ToList() },
                new() { Id = "pipeline", Metric = "Pipeline", Name = "Pipeline created", ObjectiveId = DemoStrategy.Pipeline, Targets = Enumerable.Range(0, quarters).Select(_ => (decimal?)Round(quota * 1.2m)).ToList() },
                new() { Id = "meetings", Metric = "Activity", Name = "Discovery meetings", Targets = Enumerable.Range(0, quarters).Select(_ => (decimal?)24).ToList() },
            ],
        };
    }

    private static ActionPlanContent Actions(PlanningCycle cycle, IReadOnlyList<Account> top, DemoDepth depth, Random random)
    {
        var actions = new List<ActionItem>();
        var quarters = cycle.Quarters;
        for (var i = 0; i < top.Count; i++)
        {
            var account = top[i];
            actions.Add(new ActionItem
            {
                Title = string.Format(System.Globalization.CultureInfo.InvariantCulture, Moves[i % Moves.Length], account.Industry.ToLowerInvariant()) + $" ({account.Name})",
                Due = quarters[i % quarters.Count].Start.AddDays(10 + random.Next(40)),
                Status = i == 0 ? "InProgress" : "NotStarted",
                GoalId = "rev-existing",
                AccountId = account.Id,
            });
        }

        if (depth == DemoDepth.Complete)
        {
            actions.Add(new ActionItem { Title = "Spring prospect event with marketing", Due = quarters[Math.Min(1, quarters.Count - 1)].Start.AddDays(15), Status = "NotStarted", GoalId = "logos", Owner = "Marketing" });
            actions.Add(new ActionItem { Title = "Weekly prospecting block: 6 discovery meetings", Due = quarters[0].Start.AddDays(14), Status = "InProgress", GoalId = "meetings" });
            actions.Add(new ActionItem { Title = "Pipeline review with manager", Due = quarters[0].End, Status = "NotStarted", GoalId = "pipeline", Owner = "Manager" });
        }

        foreach (var action in actions)
        {
            action.Id = $"a{actions.IndexOf(action) + 1}";
        }

        return new ActionPlanContent { Actions = actions };
    }

    private static string Money(decimal value) => value.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture);
}
