using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Domain.Performance;
using Terrain.Domain.Planning;
using Terrain.Domain.Reviews;
using Terrain.Features.Performance;
using Terrain.Features.Reviews;
using Terrain.Infrastructure;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Demo;

/// <summary>
/// Last year's monthly reviews, held as they would have been (issue 11 §8): each one prepared from the actuals as of its
/// day, with both forecast calls, a variance reason for every goal off track, corrective actions agreed and confirmed by
/// both, then completed and frozen; all through the domain's own methods and audited. Jonas Lind (rep4) stays behind:
/// his claims are more than the actuals brought and his actions are left open past their dates. Diego Alvarez (rep6)
/// recovers: his claims are sized to what he then did, and each action is closed as done at the next review. Hannah
/// Cho's (rep7) August review was missed. December's reviews are open, and this year's are to come. The claims are
/// then checked against the actuals as after an import.
/// </summary>
public static class DemoReviews
{
    /// <summary>rep4: behind, with missed claims and overdue actions.</summary>
    public const int BehindRep = DemoLastYear.BehindRep;

    /// <summary>rep6: recovered after corrective actions whose claims were achieved.</summary>
    public const int RecoveredRep = DemoLastYear.OffPlanRep;

    /// <summary>rep7: missed one review.</summary>
    public const int MissingRep = 6;

    /// <summary>The review (by number: August) that <see cref="MissingRep"/> missed.</summary>
    public const int MissedReview = 8;

    private static readonly string[] Agendas =
    [
        "Numbers against plan; the deals that moved; what we do next.",
        "Pipeline for the quarter, the A accounts, and last month's actions.",
        "Forecast call, slipped deals, and help needed from pre-sales.",
    ];

    public static async Task SeedAsync(AppDbContext db, TimeProvider clock, IOptions<TerrainOptions>? options, CancellationToken ct)
    {
        await ReviewBackfill.RunAsync(db, clock, ct);
        var now = clock.GetUtcNow();
        var cycle = await db.Cycles.AsNoTracking().Where(c => c.Status != CycleStatus.Closed).OrderBy(c => c.PeriodStart).FirstAsync(ct);
        var today = Deadlines.LocalDate(now, cycle.TimeZone);
        var leader = await db.Users.AsNoTracking().SingleAsync(u => u.Email == $"leader@{DemoSeeder.Domain}", ct);
        var reps = await db.Users.AsNoTracking().Where(u => u.Role == Role.Rep).ToDictionaryAsync(u => u.Email!, ct);
        var standard = Enumerable.Range(1, DemoSeeder.StandardReps).Select(n => reps[$"rep{n}@{DemoSeeder.Domain}"]).ToList();
        var ids = standard.Select(r => r.Id).ToList();
        var reviews = await db.Reviews.Where(r => r.CycleId == cycle.Id && ids.Contains(r.RepId) && r.WindowEnd < today)
            .OrderBy(r => r.WindowStart).ToListAsync(ct);

        // The reviews are prepared as the leader reads them: every plan, every deal.
        var access = new HttpContextAccessor
        {
            HttpContext = new DefaultHttpContext
            {
                User = new ClaimsPrincipal(new ClaimsIdentity(
                    [new Claim(ClaimTypes.NameIdentifier, leader.Id.ToString()), new Claim(ClaimTypes.Role, nameof(Role.Leader))], "demo")),
            },
        };
        var policy = new AccessPolicy(new CurrentUser(access), db);
        var performance = new GoalPerformance(db, policy, clock, options ?? Options.Create(new TerrainOptions()));
        var queries = new ReviewQueries(db, policy, clock, performance, new ReviewDealChanges(db));
        foreach (var review in reviews)
        {
            var index = standard.FindIndex(r => r.Id == review.RepId);
            if (index == MissingRep && review.Number == MissedReview)
            {
                continue;
            }

            await HoldAsync(db, queries, cycle, review, standard[index], index, ct);
        }

        await new ClaimChecks(db, clock, performance).RunAsync(ct);
        db.ChangeTracker.Clear();
    }

    private static async Task HoldAsync(AppDbContext db, ReviewQueries queries, PlanningCycle cycle, Review review, AppUser rep, int index, CancellationToken ct)
    {
        var manager = review.ManagerId!.Value;
        var day = review.WindowEnd;
        var at = Deadlines.EndOfDay(day, cycle.TimeZone).AddHours(-8);
        var story = index switch { BehindRep => "behind", RecoveredRep => "recovered", _ => "steady" };

        // What earlier reviews agreed is followed up first: the recovering rep's actions are done; the others wait.
        var earlier = await db.CorrectiveActions.Where(a => a.RepId == rep.Id && a.CycleId == cycle.Id && a.Status == CorrectiveStatus.Open && a.Due <= day)
            .ToListAsync(ct);
        foreach (var action in earlier.Where(_ => story != "behind"))
        {
            action.Follow(CorrectiveStatus.Done, null, "Done as agreed; the numbers moved.");
            Audit(db, at, manager, "corrective-action.updated", "CorrectiveAction", action.Id, new { after = new { action.Status, action.Outcome }, confirmed = false });
        }

        await db.SaveChangesAsync(ct);
        var figures = (await queries.PrepareAsync(review, cycle, ct))!;
        var goalKeys = figures.Goals.Select(g => g.GoalKey).ToList();
        var offTrack = figures.Goals.Where(g => g.Status == GoalStatus.OffTrack).ToList();
        var quarter = cycle.Quarters.First(q => q.Start <= day && day <= q.End);
        var called = await CallBaseAsync(db, rep.Id, quarter, ct);
        var (repBias, managerBias) = story switch
        {
            "behind" => (1.3m, 1.05m),
            "recovered" => (1.12m, 1.0m),
            _ => DemoLastYear.Stories[index] == DemoStory.Ahead ? (0.85m, 0.97m) : (1.04m, 0.99m),
        };
        var wobble = 1 + ((review.Number % 3) - 1) * 0.03m;
        ForecastCall Call(decimal bias, string note)
        {
            var commit = Math.Round(called * bias * wobble / 1000) * 1000;
            return new ForecastCall(commit, Math.Round(commit * 1.25m / 1000) * 1000, note);
        }

        var behind = offTrack.Count > 0;
        var repSide = review.Edit(new ReviewEdit(
            Agenda: Agendas[review.Number % Agendas.Length],
            SelfAssessment: behind
                ? story == "behind" ? "Still short of pipeline. Two deals slipped and the new ones are early." : "Behind this month; I know which deals close it."
                : "On plan. The A accounts are moving and the next quarter is building.",
            RepCall: Call(repBias, behind ? "Depends on the two largest deals." : "")), ReviewSide.Rep, rep.Id, day, cycle.PeriodEnd, null, goalKeys, at.AddHours(-2));
        Audit(db, at.AddHours(-2), rep.Id, "review.edited", "Review", review.Id, new { fields = repSide, scheduledOn = (string?)null });

        var reasons = offTrack.Select(g => new VarianceReason(g.GoalKey, Category(g, story), Explanation(g, story))).ToList();
        var agreed = 0;
        var goal = offTrack.FirstOrDefault();
        var metric = review.Number % 3 == 0 ? ClaimMetric.ActivitiesHeld : ClaimMetric.PipelineCreated;
        var by = day.AddDays(21);
        var actual = goal is null ? 0 : await ClaimActualAsync(db, rep.Id, metric, day, by, ct);
        // Where the actuals brought nothing, an achieved claim cannot be told: the manager records "no action" instead.
        if (goal is not null && (story == "behind" || (actual > 0 && (story == "recovered" || review.Number % 2 == 0))))
        {
            var amount = story switch
            {
                "behind" => metric == ClaimMetric.ActivitiesHeld ? Math.Max(25, Math.Ceiling(actual * 1.6m)) : Math.Max(60_000, Math.Round(actual * 1.8m / 1000) * 1000),
                _ => metric == ClaimMetric.ActivitiesHeld ? Math.Max(1, Math.Floor(actual * 0.8m)) : Math.Max(1_000, Math.Floor(actual * 0.8m / 1000) * 1000),
            };
            var what = metric == ClaimMetric.ActivitiesHeld
                ? "Book discovery meetings on the A and B accounts of the plan every week"
                : "Run a prospecting sprint on the target segment and log every new opportunity";
            var action = CorrectiveAction.Agree(review, what, rep.Id, by, goal.GoalKey, goalKeys, new EffectClaim(metric, ClaimFilter.None, null, amount, by),
                (_, _) => true, manager, day, at.AddHours(-1));
            action.Confirm(rep.Id, at.AddMinutes(-50));
            db.CorrectiveActions.Add(action);
            Audit(db, at.AddHours(-1), manager, "corrective-action.agreed", "Review", review.Id,
                new { action = action.Id, action.What, owner = action.OwnerId, due = action.Due, claim = action.Claim });
            Audit(db, at.AddMinutes(-50), rep.Id, "corrective-action.updated", "CorrectiveAction", action.Id, new { confirmed = true });
            agreed = 1;
        }

        var managerSide = review.Edit(new ReviewEdit(
            SharedNotes: behind ? "We went through the slipped deals one by one and agreed what changes next month." : "Good month. Keep the cadence on the A accounts.",
            CoachingNotes: story == "behind" ? "Coach on qualification: too many early-stage deals counted as pipeline." : "Ask for a forecast with dates per deal.",
            ManagerCall: Call(managerBias, ""),
            VarianceReasons: reasons,
            NoActionReason: behind && agreed == 0 ? "The gap is timing: the deals are in negotiation and close next month." : null),
            ReviewSide.Manager, manager, day, cycle.PeriodEnd, null, goalKeys, at.AddMinutes(-30));
        Audit(db, at.AddMinutes(-30), manager, "review.edited", "Review", review.Id, new { fields = managerSide, scheduledOn = (string?)null });

        // Frozen as the meeting saw it: what was prepared does not change with this meeting's own actions.
        review.Complete(JsonSerializer.Serialize(figures, ReviewQueries.SnapshotJson), offTrack.Select(g => (g.GoalKey, g.Name)).ToList(), agreed, manager, day,
            null, at);
        Audit(db, at, manager, "review.completed", "Review", review.Id,
            new { offTrack = offTrack.Select(g => g.GoalKey), agreedActions = agreed, noAction = review.NoActionReason is not null });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>What the quarter's call is made from: won in the quarter, and the deals committed to close in it.</summary>
    private static async Task<decimal> CallBaseAsync(AppDbContext db, Guid rep, Quarter quarter, CancellationToken ct) =>
        await db.Opportunities.Where(o => o.OwnerId == rep && !o.Deleted && o.CloseDate >= quarter.Start && o.CloseDate <= quarter.End
                                          && (o.Outcome == DealOutcome.Won || (o.Outcome == DealOutcome.Open && o.Forecast == ForecastCategory.Commit)))
            .SumAsync(o => o.Amount, ct);

    /// <summary>What the actuals bring toward a claim from the day it is agreed through its date (as <see cref="ClaimChecks"/> counts).</summary>
    private static async Task<decimal> ClaimActualAsync(AppDbContext db, Guid rep, ClaimMetric metric, DateOnly from, DateOnly by, CancellationToken ct) =>
        metric == ClaimMetric.ActivitiesHeld
            ? await db.Activities.CountAsync(a => a.OwnerId == rep && a.Held && a.Date >= from && a.Date <= by, ct)
            : await db.Opportunities.Where(o => o.OwnerId == rep && !o.Deleted && o.CreatedDate >= from && o.CreatedDate <= by).SumAsync(o => o.Amount, ct);

    private static VarianceCategory Category(ReviewGoal goal, string story) => goal.Metric switch
    {
        "Activity" => VarianceCategory.ActivityShortfall,
        "Pipeline" => VarianceCategory.PipelineShortfall,
        _ => story == "behind" ? VarianceCategory.PipelineShortfall : VarianceCategory.DealsSlipped,
    };

    private static string Explanation(ReviewGoal goal, string story) => story switch
    {
        "behind" => $"{goal.Name}: not enough qualified pipeline; the plan's A accounts were not worked early enough.",
        "recovered" => $"{goal.Name}: time went to accounts outside the plan; refocusing on the A and B accounts.",
        _ => $"{goal.Name}: two deals slipped into next month.",
    };

    private static void Audit(AppDbContext db, DateTimeOffset at, Guid actor, string action, string entity, Guid id, object details) =>
        db.AuditEntries.Add(AuditEntry.Record(at, actor, action, entity, id.ToString(), JsonSerializer.Serialize(details, ReviewQueries.SnapshotJson)));
}
