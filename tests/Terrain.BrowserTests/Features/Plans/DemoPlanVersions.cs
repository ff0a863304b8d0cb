using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Domain.Planning;
using Terrain.Features.Plans;

namespace Terrain.BrowserTests.Features.Plans;

/// <summary>
/// A demo plan in Marcus Webb's team with at least two stored versions, for the versions, compare and print pages.
/// The demo stores one version per submitted plan; when none in the team has two yet, two more are stored for Dev Patel's submitted plan
/// (rep 3, in Marcus Webb's team). Only snapshots are added: no plan changes state, so other tests see the same demo.
/// </summary>
public static class DemoPlanVersions
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Guid? _planId;

    public static async Task<Guid> PlanWithTwoVersionsAsync(TerrainBrowser app)
    {
        await Gate.WaitAsync();
        try
        {
            _planId ??= await app.QueryAsync(FindOrStoreAsync);
            return _planId.Value;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<Guid> FindOrStoreAsync(Terrain.Data.AppDbContext db)
    {
        // Only Marcus Webb's team: the pages are opened as him, and other tests add versions to other teams' plans. Only the
        // current cycle: a plan of last year's executed cycle may hold two versions that compare equal.
        var current = await db.Cycles.OrderByDescending(c => c.PeriodStart).Select(c => c.Id).FirstAsync();
        var team = db.Plans.Where(p => p.CycleId == current && db.Users.Any(u => u.Id == p.OwnerId && u.Manager!.Email == DemoPeople.Manager1)).Select(p => p.Id);
        var existing = await db.PlanSnapshots.Where(s => team.Contains(s.PlanId)).GroupBy(s => s.PlanId).Where(g => g.Count() >= 2)
            .Select(g => g.Key).FirstOrDefaultAsync();
        if (existing != Guid.Empty)
        {
            return existing;
        }

        var rep = await db.Users.SingleAsync(u => u.Email == DemoPeople.Rep(3));
        var plan = await db.Plans.AsNoTracking().SingleAsync(p => p.OwnerId == rep.Id && p.CycleId == current);
        var cycle = await db.Cycles.AsNoTracking().SingleAsync(c => c.Id == plan.CycleId);
        var template = await db.TemplateSections.AsNoTracking().Where(t => t.CycleId == cycle.Id).OrderBy(t => t.Order).ToListAsync();
        var accounts = await db.Accounts.AsNoTracking().Where(a => a.OwnerId == rep.Id).OrderByDescending(a => a.AnnualPotential).Take(6)
            .Select(a => new { a.Id, a.Name }).ToListAsync();
        var names = new SnapshotNames(accounts.ToDictionary(a => a.Id, a => a.Name), new() { ["revenue"] = "Revenue", ["meetings"] = "Discovery meetings" });
        var at = plan.LastSubmittedAt ?? DateTimeOffset.UtcNow;
        var first = await db.PlanSnapshots.Where(s => s.PlanId == plan.Id).MaxAsync(s => (int?)s.Number) ?? 0;
        for (var version = 1; version <= 2; version++)
        {
            var sections = template.Select(t => new SnapshotSection(t.Key, t.Title, t.Kind,
                SectionContents.Write(Content(t.Kind, version, cycle, accounts.Select(a => a.Id).ToList())))).ToList();
            db.PlanSnapshots.Add(PlanSnapshot.Take(plan.Id, first + version, plan.WorkingVersion,
                JsonSerializer.Serialize(sections, SectionContents.Json), JsonSerializer.Serialize(names, SectionContents.Json),
                rep.Id, at.AddDays(version == 1 ? -3 : 0)));
        }

        await db.SaveChangesAsync();
        return plan.Id;
    }

    /// <summary>A plausible plan; the second version reworks the summary, the goals, the actions and the risks.</summary>
    private static SectionContent Content(SectionKind kind, int version, PlanningCycle cycle, IReadOnlyList<Guid> accounts)
    {
        var start = cycle.PeriodStart;
        var second = version == 2;
        return kind switch
        {
            SectionKind.Narrative => new NarrativeContent
            {
                Text = second
                    ? "Grow the installed base in the Pacific Northwest by 18% and win three new logos in health care.\nLead with the uptime guarantee; partner with Cascade IT for implementation."
                    : "Grow the installed base in the Pacific Northwest by 12% and win two new logos in health care.\nLead with the uptime guarantee.",
            },
            SectionKind.Swot => new SwotContent
            {
                Strengths = [new() { Point = "Strong references in manufacturing", SoWhat = "Use them in every first meeting" }],
                Weaknesses = [new() { Point = "Thin coverage in the south of the territory", SoWhat = "Partner with a reseller" }],
                Opportunities = [new() { Point = "Budget cycles open in Q1", SoWhat = "Book discovery meetings in January" }],
                Threats = [new() { Point = "Competitor discounting", SoWhat = "Sell value, not price" }],
            },
            SectionKind.AccountSegmentation => new SegmentationContent
            {
                Rows = accounts.Select((a, i) => new SegmentRow
                {
                    AccountId = a,
                    Tier = i < 2 ? "A" : i < 4 ? "B" : "C",
                    CurrentRevenue = 20_000 + (i * 5_000),
                    TargetRevenue = 30_000 + (i * 5_000),
                    Rationale = i < 4 ? "Budget and a sponsor in place" : null,
                    NextMove = i < 4 ? "Executive briefing" : null,
                }).ToList(),
            },
            SectionKind.Goals => new GoalsContent
            {
                Goals =
                [
                    new() { Id = "revenue", Metric = "Revenue", Name = "Revenue", Targets = second ? [60_000, 70_000, 75_000, 90_000] : [50_000, 60_000, 60_000, 80_000] },
                    new() { Id = "meetings", Metric = "Activity", Name = "Discovery meetings", Targets = [20, 20, 15, 15] },
                ],
            },
            SectionKind.KeyAccountPlans => new KeyAccountsContent
            {
                Accounts = accounts.Take(2).Select(a => new KeyAccountPlan { AccountId = a, Objectives = "Expand to a second site", Strategy = "Land a pilot, then roll out" }).ToList(),
            },
            SectionKind.ProspectingPlan => new ProspectingContent
            {
                Prospects = [new() { Company = "Iota Foods", UsesToday = "Spreadsheets", Approach = "Referral from a reference customer", ContactBy = start.AddDays(20) }],
            },
            SectionKind.ActionPlan => new ActionPlanContent
            {
                Actions = new[]
                {
                    new ActionItem { Id = "briefing", Title = "Executive briefing at the largest account", Due = start.AddDays(30), Status = "NotStarted", GoalId = "revenue", AccountId = accounts[0] },
                    new ActionItem { Id = "qbr", Title = "Quarterly business reviews with A accounts", Due = start.AddDays(80), Status = "NotStarted", GoalId = "revenue" },
                    new ActionItem { Id = "partner", Title = "Joint pipeline review with Cascade IT", Due = start.AddDays(45), Status = "NotStarted", GoalId = "meetings" },
                }.Take(second ? 3 : 2).ToList(),
            },
            SectionKind.ResourcesNeeded => new ResourcesContent { Items = [new() { Kind = "PreSales", Description = "Two demo days", Cost = 4_000, NeededBy = start.AddDays(40) }] },
            _ => new RisksContent
            {
                Items = second
                    ? [new() { Risk = "Champion leaves the largest account", Likelihood = "Low", Impact = "High", Mitigation = "Multi-thread the account" }]
                    : [
                        new() { Risk = "Champion leaves the largest account", Likelihood = "Medium", Impact = "High", Mitigation = "Multi-thread the account" },
                        new() { Risk = "Price increase in Q2", Likelihood = "Medium", Impact = "Medium", Mitigation = "Lock in renewals early" },
                    ],
            },
        };
    }
}
