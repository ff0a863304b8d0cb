using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;

namespace Terrain.Tests.Infrastructure;

/// <summary>
/// The standard test organisation: admin, leader, manager1 (rep1, rep2), manager2 (rep3), and a few accounts.
/// Tests add what else they need with the builders below.
/// </summary>
public sealed class TestOrg
{
    public const string Password = "Test-password-1";

    /// <summary>
    /// Tests hash with few iterations: at the production 600,000 every sign-in costs about half a second.
    /// PasswordHashingTests checks the production setting itself.
    /// </summary>
    public const int TestIterations = 1_000;

    private static readonly Lazy<string> Hash = new(() =>
        new PasswordHasher<AppUser>(Options.Create(new PasswordHasherOptions { IterationCount = TestIterations }))
            .HashPassword(null!, Password));

    public required AppUser Admin { get; init; }

    public required AppUser Leader { get; init; }

    public required AppUser Manager1 { get; init; }

    public required AppUser Manager2 { get; init; }

    public required AppUser Rep1 { get; init; }

    public required AppUser Rep2 { get; init; }

    public required AppUser Rep3 { get; init; }

    public required IReadOnlyList<Account> Accounts { get; init; }

    /// <summary>Each rep's territory (by rep id), holding the rep's accounts; Theta Unassigned belongs to nobody.</summary>
    public required IReadOnlyDictionary<Guid, Terrain.Domain.Territories.Territory> TerritoryOf { get; init; }

    /// <summary>An open cycle, FY2027, with a draft plan for each rep, complete enough to submit (<see cref="PlanContentBuilder"/>).</summary>
    public required PlanningCycle Cycle { get; init; }

    public required IReadOnlyDictionary<Guid, Plan> PlanOf { get; init; }

    /// <summary>The published FY2027 strategy (<see cref="StrategyBuilder"/>) that <see cref="Cycle"/> executes, without the acknowledgement gate.</summary>
    public required Strategy Strategy { get; init; }

    /// <summary>Rep3's first FY2027 review, held by manager2 (scheduled directly: the plan is still a draft).</summary>
    public required Terrain.Domain.Reviews.Review Review3 { get; init; }

    public IEnumerable<AppUser> Everyone => [Admin, Leader, Manager1, Manager2, Rep1, Rep2, Rep3];

    public static async Task<TestOrg> SeedAsync(AppDbContext db, DateTimeOffset now)
    {
        var admin = User("admin@test.terrain", "Test Admin", Role.Admin, null, now);
        var leader = User("leader@test.terrain", "Test Leader", Role.Leader, null, now);
        var manager1 = User("manager1@test.terrain", "Manager One", Role.Manager, leader, now);
        var manager2 = User("manager2@test.terrain", "Manager Two", Role.Manager, leader, now);
        var rep1 = User("rep1@test.terrain", "Rep One", Role.Rep, manager1, now);
        var rep2 = User("rep2@test.terrain", "Rep Two", Role.Rep, manager1, now);
        var rep3 = User("rep3@test.terrain", "Rep Three", Role.Rep, manager2, now);
        var accounts = new List<Account>
        {
            AccountBuilder.For(rep1, "R1-1", "Alpha Manufacturing", 100_000, now),
            AccountBuilder.For(rep1, "R1-2", "Beta Health", 50_000, now),
            AccountBuilder.For(rep1, "R1-3", "Gamma Retail", 25_000, now),
            AccountBuilder.For(rep2, "R2-1", "Delta Logistics", 75_000, now),
            AccountBuilder.For(rep2, "R2-2", "Epsilon Energy", 60_000, now),
            AccountBuilder.For(rep3, "R3-1", "Zeta Bank", 200_000, now),
            AccountBuilder.For(rep3, "R3-2", "Eta Software", 10_000, now),
            AccountBuilder.For(null, "UN-1", "Theta Unassigned", 5_000, now),
        };
        var territories = new[] { rep1, rep2, rep3 }.ToDictionary(r => r.Id,
            r => Terrain.Domain.Territories.Territory.Create(Terrain.Domain.Territories.Territory.DefaultName(r), r, null, now));
        foreach (var account in accounts.Where(a => a.OwnerId is not null))
        {
            account.PlaceIn(territories[account.OwnerId!.Value]);
        }
        var cycle = PlanningCycle.Open(
            new CycleSchedule("FY2027", new(2027, 1, 1), new(2027, 12, 31), new(2026, 11, 23), new(2026, 12, 7), 14, "UTC"), leader.Id, now);
        var strategy = StrategyBuilder.Published(leader, now);
        cycle.Execute(strategy.Id, requireAcknowledgement: false);
        var plans = new[] { rep1, rep2, rep3 }.ToDictionary(r => r.Id, r => Plan.StartDraft(cycle.Id, r.Id, now));
        var org = new TestOrg
        {
            Admin = admin,
            Leader = leader,
            Manager1 = manager1,
            Manager2 = manager2,
            Rep1 = rep1,
            Rep2 = rep2,
            Rep3 = rep3,
            Accounts = accounts,
            TerritoryOf = territories,
            Cycle = cycle,
            PlanOf = plans,
            Strategy = strategy,
            Review3 = Terrain.Domain.Reviews.Review.Schedule(cycle.Id, plans[rep3.Id].Id, rep3.Id, manager2.Id, Terrain.Domain.Reviews.ReviewCadence.Monthly,
                new Terrain.Domain.Reviews.ReviewWindow(1, new(2027, 1, 1), new(2027, 1, 31)), now),
        };
        db.Users.AddRange(org.Everyone);
        db.Territories.AddRange(territories.Values);
        db.Accounts.AddRange(accounts);
        db.Strategies.Add(strategy);
        db.Cycles.Add(cycle);
        var template = DefaultTemplate.Sections.Select((spec, i) => TemplateSection.Create(cycle.Id, i + 1, spec, now)).ToList();
        db.TemplateSections.AddRange(template);
        db.Plans.AddRange(plans.Values);
        db.Reviews.Add(org.Review3);
        foreach (var plan in plans.Values)
        {
            db.PlanSections.AddRange(PlanContentBuilder.Complete(plan, cycle, template, accounts.Where(a => a.OwnerId == plan.OwnerId).ToList(), now));
        }

        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        return org;
    }

    /// <summary>
    /// The same organisation read back from a copy of the template's database, as fresh, untracked objects, so that
    /// a test may change what it reads without touching another test's copy.
    /// </summary>
    public static async Task<TestOrg> LoadAsync(AppDbContext db, TestOrg template)
    {
        var userIds = template.Everyone.Select(u => u.Id).ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id);
        var accountIds = template.Accounts.Select(a => a.Id).ToList();
        var accounts = await db.Accounts.AsNoTracking().Where(a => accountIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id);
        var planIds = template.PlanOf.Values.Select(p => p.Id).ToList();
        var plans = await db.Plans.AsNoTracking().Where(p => planIds.Contains(p.Id)).ToDictionaryAsync(p => p.OwnerId);
        return new TestOrg
        {
            Admin = users[template.Admin.Id],
            Leader = users[template.Leader.Id],
            Manager1 = users[template.Manager1.Id],
            Manager2 = users[template.Manager2.Id],
            Rep1 = users[template.Rep1.Id],
            Rep2 = users[template.Rep2.Id],
            Rep3 = users[template.Rep3.Id],
            Accounts = template.Accounts.Select(a => accounts[a.Id]).ToList(),
            TerritoryOf = await db.Territories.AsNoTracking().Where(t => t.RepId != null && userIds.Contains(t.RepId.Value)).ToDictionaryAsync(t => t.RepId!.Value),
            Cycle = await db.Cycles.AsNoTracking().SingleAsync(c => c.Id == template.Cycle.Id),
            PlanOf = plans,
            Strategy = await db.Strategies.AsNoTracking().SingleAsync(s => s.Id == template.Strategy.Id),
            Review3 = await db.Reviews.AsNoTracking().SingleAsync(r => r.Id == template.Review3.Id),
        };
    }

    public static AppUser User(string email, string name, Role role, AppUser? manager, DateTimeOffset now)
    {
        var user = AppUser.Create(email, name, role, manager, now);
        user.PasswordHash = Hash.Value;
        return user;
    }
}

public static class AccountBuilder
{
    public static Account For(AppUser? owner, string externalId, string name, decimal potential, DateTimeOffset now,
        string industry = "Manufacturing", string segment = "Mid-Market", string region = "North") =>
        Account.Create(externalId, new AccountDetails(name, industry, segment, region, "10115", 52.5, 13.4, potential), owner, now);
}
