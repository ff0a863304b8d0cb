using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;

namespace Terrain.Features.Demo;

/// <summary>A believable sales organisation for `terrain demo`. Never used by a normal start.</summary>
public sealed class DemoSeeder(AppDbContext db, IPasswordHasher<AppUser> hasher, TimeProvider clock)
{
    public const string Password = "Terrain-demo-1";
    public const string Domain = "demo.terrain";

    private static readonly (string Region, string[] Cities, double Lat, double Lon, int ZipBase)[] Regions =
    [
        ("North", ["Minneapolis", "Fargo", "Duluth", "St. Paul", "Sioux Falls"], 45.0, -94.5, 55000),
        ("East", ["Boston", "Hartford", "Providence", "Albany", "Worcester"], 42.3, -72.5, 2000),
        ("South", ["Atlanta", "Birmingham", "Nashville", "Charlotte", "Savannah"], 34.0, -85.0, 30000),
        ("West", ["Denver", "Boulder", "Salt Lake City", "Boise", "Cheyenne"], 40.5, -108.0, 80000),
    ];

    private static readonly string[] Industries =
        ["Manufacturing", "Healthcare", "Retail", "Financial Services", "Technology", "Logistics", "Energy", "Public Sector"];

    private static readonly string[] Prefixes =
    [
        "Summit", "Riverside", "Granite", "Bluewater", "Ironwood", "Pioneer", "Keystone", "Harbor", "Evergreen", "Lakeshore",
        "Redrock", "Silverline", "Northstar", "Clearview", "Highland", "Prairie", "Cedar", "Meridian", "Beacon", "Frontier",
        "Oakridge", "Bridgeport", "Sterling", "Canyon", "Cobalt",
    ];

    private static readonly Dictionary<string, string[]> Suffixes = new()
    {
        ["Manufacturing"] = ["Fabrication", "Components", "Machining", "Industries", "Plastics"],
        ["Healthcare"] = ["Health", "Medical Group", "Clinics", "Care Partners", "Labs"],
        ["Retail"] = ["Outfitters", "Markets", "Home Goods", "Grocers", "Supply Co."],
        ["Financial Services"] = ["Credit Union", "Capital", "Insurance", "Bank", "Wealth Partners"],
        ["Technology"] = ["Software", "Systems", "Data", "Networks", "Analytics"],
        ["Logistics"] = ["Freight", "Logistics", "Distribution", "Transport", "Warehousing"],
        ["Energy"] = ["Power", "Energy", "Utilities", "Solar", "Pipeline"],
        ["Public Sector"] = ["County", "School District", "Water Authority", "City Services", "Transit"],
    };

    public async Task SeedAsync(CancellationToken ct = default)
    {
        if (await db.Users.AnyAsync(ct))
        {
            throw new InvalidOperationException("The demo organisation is only seeded into an empty database.");
        }

        var now = clock.GetUtcNow();
        var people = new List<AppUser>();
        var admin = Add(AppUser.Create($"admin@{Domain}", "Ada Admin", Role.Admin, null, now));
        var leader = Add(AppUser.Create($"leader@{Domain}", "Lena Leader", Role.Leader, null, now));
        var manager1 = Add(AppUser.Create($"manager1@{Domain}", "Marcus Webb", Role.Manager, leader, now));
        var manager2 = Add(AppUser.Create($"manager2@{Domain}", "Priya Natarajan", Role.Manager, leader, now));
        string[] repNames =
        [
            "Rosa Delgado", "Tom Becker", "Aisha Karimi", "Jonas Lind",
            "Chloe Martin", "Diego Alvarez", "Hannah Cho", "Sam Okafor",
        ];
        var reps = new List<AppUser>();
        for (var i = 0; i < repNames.Length; i++)
        {
            reps.Add(Add(AppUser.Create($"rep{i + 1}@{Domain}", repNames[i], Role.Rep, i < 4 ? manager1 : manager2, now)));
        }

        // One hash for the shared demo password: hashing at full strength for every user would slow the start.
        var hash = hasher.HashPassword(admin, Password);
        foreach (var person in people)
        {
            person.PasswordHash = hash;
        }

        db.Users.AddRange(people);
        db.Accounts.AddRange(Accounts(reps, now));
        SeedCycle(leader, reps, now);
        db.AuditEntries.Add(AuditEntry.Record(now, null, "demo.seeded", "Organisation", Domain));
        await db.SaveChangesAsync(ct);

        AppUser Add(AppUser user)
        {
            people.Add(user);
            return user;
        }
    }

    /// <summary>
    /// An open FY cycle whose draft deadline passed six days ago, with plans in every state: approved, submitted,
    /// one sent back, one amending an approved version, one draft overdue and one approval overdue.
    /// </summary>
    private void SeedCycle(AppUser leader, List<AppUser> reps, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var year = today.Month >= 10 ? today.Year + 1 : today.Year;
        var kickoff = today.AddDays(-20);
        var cycle = PlanningCycle.Open(
            new CycleSchedule($"FY{year}", new DateOnly(year, 1, 1), new DateOnly(year, 12, 31), kickoff, kickoff.AddDays(14)),
            leader.Id, now.AddDays(-21));
        db.Cycles.Add(cycle);
        db.TemplateSections.AddRange(DefaultTemplate.Sections.Select((spec, i) => TemplateSection.Create(cycle.Id, i + 1, spec, now)));
        var leaderActor = new Actor(leader.Id, Role.Leader);
        Actor ManagerOf(AppUser rep) => new(rep.ManagerId!.Value, Role.Manager);

        // Per rep: the days ago it was submitted, and what happened next.
        (int? SubmittedDaysAgo, string Then)[] stories =
        [
            (12, "approved"), (10, "approved"), (7, "submitted"), (9, "changes"),
            (3, "submitted"), (13, "amended"), (null, "draft"), (15, "submitted"),
        ];
        for (var i = 0; i < reps.Count; i++)
        {
            var rep = reps[i];
            var repActor = new Actor(rep.Id, Role.Rep);
            var plan = Plan.StartDraft(cycle.Id, rep.Id, now.AddDays(-20));
            db.Plans.Add(plan);
            var (submittedDaysAgo, then) = stories[i % stories.Length];
            if (submittedDaysAgo is not { } days)
            {
                continue;
            }

            var at = now.AddDays(-days);
            Audit(plan, plan.Submit(repActor, cycle, [], at));
            switch (then)
            {
                case "approved":
                    Audit(plan, plan.Approve(ManagerOf(rep), rep.ManagerId, cycle, "Clear goals and a realistic action plan.", at.AddDays(4)));
                    break;
                case "changes":
                    Audit(plan, plan.RequestChanges(ManagerOf(rep), rep.ManagerId, cycle,
                        "Your Q3 goals sit 15% below quota, and Summit Health (A tier) has no action yet. Close the gap or explain it.", at.AddDays(3)));
                    break;
                case "amended":
                    Audit(plan, plan.Approve(leaderActor, rep.ManagerId, cycle, null, at.AddDays(2)));
                    Audit(plan, plan.Amend(repActor, cycle, at.AddDays(10)));
                    break;
            }
        }

        void Audit(Plan plan, PlanTransition t) => db.AuditEntries.Add(Plans.PlanHandlers.AuditOf(plan.Id, t));
    }

    private static IEnumerable<Account> Accounts(List<AppUser> reps, DateTimeOffset now)
    {
        var random = new Random(2027);
        var used = new HashSet<string>();
        for (var n = 1; n <= 400; n++)
        {
            var regionIndex = (n - 1) % Regions.Length;
            var region = Regions[regionIndex];
            var industry = Industries[random.Next(Industries.Length)];
            string name;
            do
            {
                name = $"{Prefixes[random.Next(Prefixes.Length)]} {Suffixes[industry][random.Next(5)]}";
                if (used.Contains(name))
                {
                    name += $" of {region.Cities[random.Next(region.Cities.Length)]}";
                }
            }
            while (!used.Add(name));

            var roll = random.NextDouble();
            var (segment, potential) = roll switch
            {
                < 0.15 => ("Enterprise", 400_000 + (random.Next(0, 160) * 10_000)),
                < 0.50 => ("Mid-Market", 90_000 + (random.Next(0, 31) * 10_000)),
                _ => ("SMB", 8_000 + (random.Next(0, 80) * 1_000)),
            };

            // Two reps per region; about one account in twenty is not yet assigned.
            var owner = n % 20 == 0 ? null : reps[(regionIndex * 2) + (random.Next(2))];
            var lat = Math.Round(region.Lat + ((random.NextDouble() - 0.5) * 4), 5);
            var lon = Math.Round(region.Lon + ((random.NextDouble() - 0.5) * 6), 5);
            var zip = (region.ZipBase + random.Next(0, 999)).ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
            yield return Account.Create($"ACC-{n:D5}",
                new AccountDetails(name, industry, segment, region.Region, zip, lat, lon, potential), owner, now);
        }
    }
}
