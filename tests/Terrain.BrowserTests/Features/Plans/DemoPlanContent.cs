using Microsoft.EntityFrameworkCore;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Data;
using Terrain.Domain.Planning;

namespace Terrain.BrowserTests.Features.Plans;

/// <summary>
/// A demo plan that is being written (a draft, or sent back with changes requested, so editable) in Marcus Webb's
/// team, for the plan page and the editors: the first such rep's plan, rep 4's in the standard demo. When the demo
/// seeded no content for it, realistic content is stored, and quotas when the rep has none. No plan changes state,
/// so other tests see the same demo.
/// </summary>
public static class DemoPlanContent
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (Guid PlanId, string Rep)? _plan;

    /// <summary>The plan and the sign-in of its rep.</summary>
    public static async Task<(Guid PlanId, string Rep)> PlanAsync(TerrainBrowser app)
    {
        await Gate.WaitAsync();
        try
        {
            _plan ??= await app.QueryAsync(FillAsync);
            return _plan.Value;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<(Guid, string)> FillAsync(AppDbContext db)
    {
        var editable = await (from p in db.Plans.AsNoTracking()
                              join u in db.Users on p.OwnerId equals u.Id
                              join c in db.Cycles on p.CycleId equals c.Id
                              where c.Status == CycleStatus.Open && u.Manager!.Email == DemoPeople.Manager1 &&
                                    (p.Status == PlanStatus.Draft || p.Status == PlanStatus.ChangesRequested)
                              select new { Plan = p, Rep = u }).ToListAsync();
        var (plan, rep) = editable.Select(e => (e.Plan, e.Rep)).OrderBy(e => e.Rep.Email!.Length).ThenBy(e => e.Rep.Email, StringComparer.Ordinal)
            .OrderByDescending(e => e.Rep.Email == DemoPeople.Rep(4)).First();
        var cycle = await db.Cycles.AsNoTracking().SingleAsync(c => c.Id == plan.CycleId);
        var now = DateTimeOffset.UtcNow;
        if (!await db.PlanSections.AnyAsync(s => s.PlanId == plan.Id))
        {
            var template = await db.TemplateSections.AsNoTracking().Where(t => t.CycleId == cycle.Id).OrderBy(t => t.Order).ToListAsync();
            var accounts = await db.Accounts.AsNoTracking().Where(a => a.OwnerId == rep.Id).OrderByDescending(a => a.AnnualPotential)
                .Select(a => new { a.Id, a.Name, a.AnnualPotential }).ToListAsync();
            var ids = accounts.Select(a => a.Id).ToList();
            foreach (var t in template)
            {
                var content = Content(t.Kind, t.Key, cycle, ids, accounts.Select(a => a.AnnualPotential).ToList());
                if (content is not null)
                {
                    db.PlanSections.Add(PlanSection.Create(plan.Id, t.Key, content, rep.Id, now));
                }
            }
        }

        if (!await db.Quotas.AnyAsync(q => q.CycleId == cycle.Id && q.RepId == rep.Id))
        {
            db.Quotas.AddRange(cycle.Quarters.Select(q => Quota.Set(cycle.Id, rep.Id, q.Number, 180_000 + (q.Number * 20_000), rep.ManagerId!.Value, now)));
        }

        await db.SaveChangesAsync();
        return (plan.Id, rep.Email!);
    }

    private static SectionContent? Content(SectionKind kind, string key, PlanningCycle cycle, IReadOnlyList<Guid> accounts, IReadOnlyList<decimal> potential) => kind switch
    {
        SectionKind.Narrative when key == "summary" => new NarrativeContent
        {
            Text = "Vision: become the default supplier for mid-market manufacturers in the north-east.\n\n" +
                   "Objectives: grow revenue from existing customers by 18%; win four new logos in food processing; " +
                   "double the pipeline created per quarter.\n\nStrategy: land with the maintenance teams, expand to procurement.",
        },
        SectionKind.Narrative => null,
        SectionKind.Swot => new SwotContent
        {
            Strengths = [new() { Point = "Strong references in manufacturing", SoWhat = "Bring a reference customer to every first meeting" }],
            Weaknesses = [new() { Point = "Thin coverage of the coastal accounts", SoWhat = "Partner with a regional reseller" }, new() { Point = "Slow quotes" }],
            Opportunities = [new() { Point = "Energy-efficiency subsidies open in Q1", SoWhat = "Run two subsidy workshops in January" }],
            Threats = [new() { Point = "Competitor discounting at renewals", SoWhat = "Sell the uptime guarantee, not the price" }],
        },
        SectionKind.AccountSegmentation => new SegmentationContent
        {
            Rows = accounts.Select((id, i) => new SegmentRow
            {
                AccountId = id,
                Tier = i < 2 ? "A" : i < 5 ? "B" : i < 12 ? "C" : i < accounts.Count - 2 ? "D" : null,
                Potential = potential[i],
                CurrentRevenue = Math.Round(potential[i] * 0.2m, 0),
                TargetRevenue = Math.Round(potential[i] * 0.3m, 0),
                Rationale = i < 5 ? "Expanding plant, sponsor in place" : null,
                NextMove = i < 4 ? "Executive briefing in January" : null,
            }).ToList(),
        },
        SectionKind.Goals => new GoalsContent
        {
            Goals =
            [
                new() { Id = "revenue", Metric = "Revenue", Name = "Revenue from existing customers", Targets = [120_000m, 140_000m, 150_000m, 170_000m] },
                new() { Id = "new-revenue", Metric = "Revenue", Name = "Revenue from new logos", Targets = [20_000m, 40_000m, null, 60_000m] },
                new() { Id = "logos", Metric = "NewLogos", Name = "New logos in food processing", Targets = [1m, 1m, 1m, 1m] },
                new() { Id = "meetings", Metric = "Activity", Name = "Discovery meetings", Product = "Uptime service", Targets = [30m, 30m, 25m, 30m] },
            ],
        },
        SectionKind.KeyAccountPlans => new KeyAccountsContent
        {
            Accounts = accounts.Take(2).Select(id => new KeyAccountPlan
            {
                AccountId = id,
                Objectives = "Expand from one plant to three",
                Stakeholders = "Plant manager (decides)\nHead of maintenance (champion)\nProcurement (blocks on price)",
                Opportunities = "Uptime service for plant 2, 80k, proposal stage",
                Competition = "Incumbent: the national distributor",
                Strategy = "Prove the uptime gain in plant 1, then take the numbers to procurement.",
            }).ToList(),
        },
        SectionKind.ProspectingPlan => new ProspectingContent
        {
            Prospects =
            [
                new() { Company = "Northbay Foods", UsesToday = "Spreadsheets and a local fitter", Approach = "Referral from an A account", ContactBy = cycle.PeriodStart.AddDays(20) },
                new() { Company = "Kestrel Packaging", UsesToday = "Competitor contract to Q2", Approach = "Subsidy workshop invitation", ContactBy = cycle.PeriodStart.AddDays(45) },
            ],
        },
        SectionKind.ActionPlan => new ActionPlanContent
        {
            Actions =
            [
                new() { Id = "a1", Title = "Executive briefing at the top account", Due = cycle.PeriodStart.AddDays(25), Status = "InProgress", GoalId = "revenue", AccountId = accounts.Count > 0 ? accounts[0] : null },
                new() { Id = "a2", Title = "Subsidy workshop for prospects", Due = cycle.PeriodStart.AddDays(40), Status = "NotStarted", GoalId = "logos", Owner = "Marketing" },
                new() { Id = "a3", Title = "Quote turnaround under 48 hours", Due = cycle.PeriodStart.AddDays(60), Status = "Blocked", Owner = "Pre-sales" },
            ],
        },
        SectionKind.ResourcesNeeded => new ResourcesContent
        {
            Items = [new() { Kind = "PreSales", Description = "Two demo days for the subsidy workshops", Cost = 3_000m, NeededBy = cycle.PeriodStart.AddDays(30) }],
        },
        _ => new RisksContent
        {
            Items = [new() { Risk = "Champion at the top account leaves", Likelihood = "Low", Impact = "High", Mitigation = "Multi-thread: meet procurement and finance" }],
        },
    };
}
