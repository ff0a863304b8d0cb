using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Territories;
using Terrain.Infrastructure;
using TerritoryEntity = Terrain.Domain.Territories.Territory;

namespace Terrain.Features.Demo;

/// <summary>A believable sales organisation for `terrain demo`. Never used by a normal start.</summary>
public sealed class DemoSeeder(AppDbContext db, IPasswordHasher<AppUser> hasher, TimeProvider clock, IOptions<TerrainOptions>? options = null)
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

    /// <summary>The reps of the standard demo: rep1 to rep8 under manager1 and manager2.</summary>
    public const int StandardReps = 8;

    /// <summary>The upper bound of a scaled demo: 200,000 accounts, about a minute of seeding on a small machine.</summary>
    public const int MaxReps = 10_000;

    /// <summary>The team size of a scaled demo: each new manager gets this many reps.</summary>
    public const int RepsPerTeam = 8;

    public Task SeedAsync(CancellationToken ct = default) => SeedAsync(StandardReps, ct);

    /// <summary>What the last seeding wrote of last year's actuals.</summary>
    public DemoActualsTotals? Actuals { get; private set; }

    /// <summary>How long last year's cycle and actuals took to generate and save, for the demo's start-up line.</summary>
    public TimeSpan LastYearTime { get; private set; }

    /// <summary>How long last year's reviews took to hold, for the demo's start-up line.</summary>
    public TimeSpan ReviewsTime { get; private set; }

    /// <summary>
    /// The standard demo, then (for more than <see cref="StandardReps"/> reps) the same organisation grown to
    /// <paramref name="reps"/> reps: see <see cref="GrowAsync"/>.
    /// </summary>
    public async Task SeedAsync(int reps, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(reps, StandardReps);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reps, MaxReps);

        // A scaled demo saves in batches: one transaction, so that a retry after a lost connection starts from empty.
        await UnitOfWork.RunAsync(db, async token =>
        {
            await SeedStandardAsync(token);
            if (reps > StandardReps)
            {
                await GrowAsync(reps - StandardReps, token);
            }

            // The demo's history is written as it happened (submissions, approvals); its plan of record follows from it.
            await PlanOfRecord.RecordHistoryAsync(db, token);

            // Then the reviews of last year's plans, held month by month, and the schedule of this year's.
            var timer = System.Diagnostics.Stopwatch.StartNew();
            await DemoReviews.SeedAsync(db, clock, options, token);
            ReviewsTime = timer.Elapsed;
        }, ct, inTransaction: true);
    }

    private async Task SeedStandardAsync(CancellationToken ct)
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
        var accounts = Accounts(reps, now).ToList();
        SeedTerritories(reps, accounts, now);
        db.Accounts.AddRange(accounts);
        var cycle = SeedCycle(leader, [manager1, manager2], reps, accounts, now);
        var timer = System.Diagnostics.Stopwatch.StartNew();
        var (previous, lastYear) = DemoLastYear.Seed(db, cycle, leader, reps, accounts, now);
        var lastYearTime = timer.Elapsed;
        db.AuditEntries.Add(AuditEntry.Record(now, null, "demo.seeded", "Organisation", Domain));
        await db.SaveChangesAsync(ct);

        // Last year's actuals, as the weekly CRM syncs brought them in; then the tracker lets go of them.
        timer.Restart();
        Actuals = await DemoActuals.SeedAsync(db, previous, cycle, lastYear, accounts, options?.Value.Currency ?? "USD", now, ct);
        db.ChangeTracker.Clear();
        LastYearTime = lastYearTime + timer.Elapsed;

        AppUser Add(AppUser user)
        {
            people.Add(user);
            return user;
        }
    }

    /// <summary>
    /// An open FY cycle whose draft deadline passed six days ago, with plans in every state: approved, submitted,
    /// one sent back, one amending an approved version, one draft overdue and one approval overdue. Every plan that
    /// was submitted has complete, realistic content and a stored version per submission; the overdue draft is
    /// half written; every rep has a quota.
    /// </summary>
    private PlanningCycle SeedCycle(AppUser leader, IReadOnlyList<AppUser> managers, List<AppUser> reps, List<Account> accounts, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var year = today.Month >= 10 ? today.Year + 1 : today.Year;
        var kickoff = today.AddDays(-20);
        var cycle = PlanningCycle.Open(
            new CycleSchedule($"FY{year}", new DateOnly(year, 1, 1), new DateOnly(year, 12, 31), kickoff, kickoff.AddDays(14)),
            leader.Id, now.AddDays(-21));
        db.Cycles.Add(cycle);
        var template = DefaultTemplate.Sections.Select((spec, i) => TemplateSection.Create(cycle.Id, i + 1, spec, now)).ToList();
        db.TemplateSections.AddRange(template);
        var leaderActor = new Actor(leader.Id, Role.Leader);
        var random = new Random(2029);
        Actor ManagerOf(AppUser rep) => new(rep.ManagerId!.Value, Role.Manager);

        // Per rep: the days ago it was submitted, and what happened next.
        (int? SubmittedDaysAgo, string Then)[] stories =
        [
            (12, "approved"), (10, "approved"), (7, "submitted"), (9, "changes"),
            (3, "submitted"), (13, "amended"), (null, "draft"), (15, "submitted"),
        ];
        var planned = new Dictionary<string, decimal>();
        for (var i = 0; i < reps.Count; i++)
        {
            var rep = reps[i];
            var repActor = new Actor(rep.Id, Role.Rep);
            var plan = Plan.StartDraft(cycle.Id, rep.Id, now.AddDays(-20));
            db.Plans.Add(plan);
            var own = accounts.Where(a => a.OwnerId == rep.Id).ToList();
            var quota = DemoPlans.QuarterlyQuota(own);
            foreach (var quarter in cycle.Quarters)
            {
                db.Quotas.Add(Quota.Set(cycle.Id, rep.Id, quarter.Number, quota, rep.ManagerId!.Value, now.AddDays(-19)));
            }

            var (submittedDaysAgo, then) = stories[i % stories.Length];
            var content = DemoPlans.Content(cycle, template, rep, own, submittedDaysAgo is null ? DemoDepth.Started : DemoDepth.Complete, random);
            foreach (var goal in content.Values.OfType<GoalsContent>().SelectMany(g => g.Goals).Where(g => g.ObjectiveId is not null))
            {
                planned[goal.ObjectiveId!] = planned.GetValueOrDefault(goal.ObjectiveId!) + goal.Total;
            }

            if (submittedDaysAgo is not { } days)
            {
                db.PlanSections.AddRange(DemoPlans.Sections(plan, content, now.AddDays(-8)));
                continue;
            }

            var at = now.AddDays(-days);
            string? changeRequest = null;
            if (then == "changes")
            {
                changeRequest = DemoPlans.Flaw(content, own, quota);
            }

            db.PlanSections.AddRange(DemoPlans.Sections(plan, content, at.AddHours(-2)));
            Audit(plan, plan.Submit(repActor, cycle, [], at));
            db.PlanSnapshots.Add(DemoPlans.Snapshot(plan, 1, template, content, own, at));
            switch (then)
            {
                case "approved":
                    Audit(plan, plan.Approve(ManagerOf(rep), rep.ManagerId, cycle, "Clear goals and a realistic action plan.", at.AddDays(4)));
                    break;
                case "changes":
                    Audit(plan, plan.RequestChanges(ManagerOf(rep), rep.ManagerId, cycle, changeRequest, at.AddDays(3)));
                    db.PlanComments.Add(PlanComment.Write(plan, null, null, rep.ManagerId!.Value, changeRequest, at.AddDays(3)));
                    break;
                case "amended":
                    Audit(plan, plan.Approve(leaderActor, rep.ManagerId, cycle, null, at.AddDays(2)));
                    Audit(plan, plan.Amend(repActor, cycle, at.AddDays(10)));
                    DemoPlans.Revise(content, cycle);
                    db.PlanSections.RemoveRange(db.PlanSections.Local.Where(s => s.PlanId == plan.Id).ToList());
                    db.PlanSections.AddRange(DemoPlans.Sections(plan, content, at.AddDays(11)));
                    break;
            }
        }

        DemoStrategy.Seed(db, cycle, leader, managers, reps, planned, now);
        return cycle;

        void Audit(Plan plan, PlanTransition t) => db.AuditEntries.Add(Plans.PlanHandlers.AuditOf(plan.Id, t));
    }

    /// <summary>
    /// A territory per rep, two per region, based in one of its cities, each holding its rep's accounts; a vacant
    /// territory waiting for a hire; and rules that place the North's and the East's unassigned accounts (ADR 0039).
    /// The twenty accounts nobody owns stay in the queue.
    /// </summary>
    private void SeedTerritories(List<AppUser> reps, List<Account> accounts, DateTimeOffset now)
    {
        var territories = new Dictionary<Guid, TerritoryEntity>();
        for (var i = 0; i < reps.Count; i++)
        {
            var region = Regions[i / 2 % Regions.Length];
            var city = region.Cities[i % 2];
            territories[reps[i].Id] = TerritoryEntity.Create($"{region.Region} {(i % 2) + 1}", reps[i],
                new(city, Math.Round(region.Lat + (i % 2 == 0 ? 0.4 : -0.4), 4), Math.Round(region.Lon + (i % 2 == 0 ? -0.6 : 0.6), 4)), now);
        }

        var vacant = TerritoryEntity.Create("South 3", null, new($"{Regions[2].Cities[2]}", null, null), now);
        db.Territories.AddRange(territories.Values.Append(vacant));
        foreach (var account in accounts.Where(a => a.OwnerId is not null))
        {
            account.PlaceIn(territories[account.OwnerId!.Value]);
        }

        db.AssignmentRules.Add(AssignmentRule.Create(new(null, "North", "Enterprise", null), territories[reps[0].Id].Id, 1, now));
        db.AssignmentRules.Add(AssignmentRule.Create(new(null, "North", null, null), territories[reps[1].Id].Id, 2, now));
        db.AssignmentRules.Add(AssignmentRule.Create(new(Regions[1].ZipBase.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)[..2], null, null, null),
            territories[reps[2].Id].Id, 3, now));
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

    // ---- The scaled demo (`terrain demo --reps N`), for the board benchmark (bench/board.sh) -----------------------

    private const int AccountsPerRep = 20;
    private const int BatchSize = 5_000;

    private static readonly string[] FirstNames =
    [
        "Alex", "Maria", "James", "Fatima", "Liam", "Sofia", "Noah", "Amara", "Ethan", "Yuki", "Lucas", "Ingrid",
        "Mateo", "Zara", "Oliver", "Leila", "Daniel", "Mei", "Gabriel", "Nadia", "Henry", "Elena", "Samuel", "Ana",
        "Isaac", "Grace", "Omar", "Julia", "Victor", "Chiara", "Felix", "Ruth", "Arjun", "Clara", "Kwame", "Emma",
        "Ravi", "Olivia", "Hugo", "Nora", "Tariq", "Laura", "Pedro", "Sara", "Kenji", "Maya", "Erik", "Lucia",
        "Andre", "Hana", "Marco", "Ivy", "Nikolai", "Rosa", "Caleb", "Amina", "Jonah", "Freya", "Diego", "Lina",
        "Theo", "Esther", "Malik", "Paula",
    ];

    private static readonly string[] LastNames =
    [
        "Anderson", "Baptiste", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ivanova", "Jensen",
        "Kowalski", "Larsen", "Moreau", "Nakamura", "Osei", "Patel", "Quinn", "Rossi", "Schmidt", "Tanaka", "Usman",
        "Varga", "Walsh", "Xu", "Yilmaz", "Zimmer", "Brennan", "Chen", "Dawson", "Elliott", "Ferreira", "Gupta",
        "Holm", "Ibrahim", "Jovanovic", "Kim", "Lopez", "Mensah", "Novak", "Olsen", "Park", "Reyes", "Silva",
        "Torres", "Ueda", "Vance", "Weber", "Young",
    ];

    private static readonly string[] ChangeRequests =
    [
        "Your goals sit below quota in two quarters. Close the gap or explain it.",
        "Two A-tier accounts have no action yet. Add one for each.",
        "The action plan has no dates. Put a month on every action.",
        "Pipeline coverage is thin for Q1. Show where the first-quarter number comes from.",
    ];

    /// <summary>
    /// Grows the standard demo by <paramref name="extraReps"/> reps in teams of eight, each team under a new
    /// manager reporting to the leader (manager3, manager4, ...; rep9, rep10, ...), with 20 accounts per rep in the
    /// team's region and a plan per rep in the open cycle in a realistic mix of states, audited like real moves.
    /// Fast on purpose: one shared password hash and batched inserts without change detection.
    /// </summary>
    private async Task GrowAsync(int extraReps, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var leader = await db.Users.SingleAsync(u => u.Email == $"leader@{Domain}", ct);
        var cycle = await db.Cycles.OrderByDescending(c => c.PeriodStart).FirstAsync(ct);
        var strategy = await db.Strategies.SingleAsync(s => s.Id == cycle.StrategyId, ct);
        var template = await db.TemplateSections.Where(t => t.CycleId == cycle.Id).OrderBy(t => t.Order).ToListAsync(ct);
        var random = new Random(2028);
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var teams = ScaledTeams(leader, extraReps, random, now);
            db.Users.AddRange(teams.SelectMany(t => t.Reps.Prepend(t.Manager)));
            await db.SaveChangesAsync(ct);

            var firstNumber = await db.Accounts.CountAsync(ct) + 1;
            var scaledTerritories = new Dictionary<Guid, TerritoryEntity>();
            // A territory per rep, named after the team's region and the rep.
            foreach (var batch in teams.SelectMany(t => t.Reps.Select((r, i) => (Rep: r, Name: $"{Regions[t.RegionIndex].Region} {t.Manager.DisplayName.Split(' ')[^1]} {i + 1}")))
                .Select(x => TerritoryEntity.Create(x.Name, x.Rep, null, now)).Chunk(BatchSize))
            {
                db.Territories.AddRange(batch);
                await db.SaveChangesAsync(ct);
                foreach (var territory in batch)
                {
                    scaledTerritories[territory.RepId!.Value] = territory;
                }
            }

            foreach (var batch in ScaledAccounts(teams, firstNumber, random, now).Chunk(BatchSize))
            {
                foreach (var account in batch.Where(a => a.OwnerId is not null))
                {
                    account.PlaceIn(scaledTerritories[account.OwnerId!.Value]);
                }

                db.Accounts.AddRange(batch);
                await db.SaveChangesAsync(ct);
            }

            // Consecutive reps step through the story slots 37 apart (coprime with 100): any number of reps, even a
            // few dozen, gets every story in about the intended share.
            var reps = teams.SelectMany(t => t.Reps).Select((rep, i) => (rep, Slot: i * 37 % 100));
            foreach (var batch in reps.Chunk(BatchSize / 2))
            {
                foreach (var (rep, slot) in batch)
                {
                    ScaledPlan(cycle, strategy, template, rep, slot, random, now);
                }

                await db.SaveChangesAsync(ct);
            }

            db.AuditEntries.Add(AuditEntry.Record(now, null, "demo.scaled", "Organisation", Domain,
                $"{{\"reps\":{StandardReps + extraReps},\"managers\":{teams.Count + 2}}}"));
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    private sealed record ScaledTeam(AppUser Manager, int RegionIndex, List<AppUser> Reps);

    private static List<ScaledTeam> ScaledTeams(AppUser leader, int extraReps, Random random, DateTimeOffset now)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { leader.DisplayName };
        var hash = leader.PasswordHash;
        var teams = new List<ScaledTeam>();
        for (var rep = StandardReps + 1; rep <= StandardReps + extraReps; rep++)
        {
            if ((rep - StandardReps - 1) % RepsPerTeam == 0)
            {
                var number = teams.Count + 3;
                var manager = AppUser.Create($"manager{number}@{Domain}", PersonName(random, names), Role.Manager, leader, now);
                manager.PasswordHash = hash;
                teams.Add(new ScaledTeam(manager, teams.Count % Regions.Length, []));
            }

            var team = teams[^1];
            var user = AppUser.Create($"rep{rep}@{Domain}", PersonName(random, names), Role.Rep, team.Manager, now);
            user.PasswordHash = hash;
            team.Reps.Add(user);
        }

        return teams;
    }

    /// <summary>A first and last name not used yet; a middle initial once the combinations run short.</summary>
    private static string PersonName(Random random, HashSet<string> used)
    {
        for (var attempt = 0; ; attempt++)
        {
            var first = FirstNames[random.Next(FirstNames.Length)];
            var last = LastNames[random.Next(LastNames.Length)];
            var name = attempt < 10 ? $"{first} {last}" : $"{first} {(char)('A' + random.Next(26))}. {last}";
            if (used.Add(name))
            {
                return name;
            }
        }
    }

    /// <summary>Twenty accounts per rep in the team's region, and one per team not assigned yet.</summary>
    private static IEnumerable<Account> ScaledAccounts(List<ScaledTeam> teams, int firstNumber, Random random, DateTimeOffset now)
    {
        var number = firstNumber;
        foreach (var team in teams)
        {
            var region = Regions[team.RegionIndex];
            foreach (var owner in team.Reps.SelectMany(r => Enumerable.Repeat<AppUser?>(r, AccountsPerRep)).Append(null))
            {
                var industry = Industries[random.Next(Industries.Length)];
                var name = $"{Prefixes[random.Next(Prefixes.Length)]} {Suffixes[industry][random.Next(5)]} of {region.Cities[random.Next(region.Cities.Length)]}";
                var (segment, potential) = random.NextDouble() switch
                {
                    < 0.15 => ("Enterprise", 400_000 + (random.Next(0, 160) * 10_000)),
                    < 0.50 => ("Mid-Market", 90_000 + (random.Next(0, 31) * 10_000)),
                    _ => ("SMB", 8_000 + (random.Next(0, 80) * 1_000)),
                };
                var lat = Math.Round(region.Lat + ((random.NextDouble() - 0.5) * 4), 5);
                var lon = Math.Round(region.Lon + ((random.NextDouble() - 0.5) * 6), 5);
                var zip = (region.ZipBase + random.Next(0, 999)).ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
                yield return Account.Create($"ACC-{number++:D5}",
                    new AccountDetails(name, industry, segment, region.Region, zip, lat, lon, potential), owner, now);
            }
        }
    }

    /// <summary>
    /// One rep's plan, 20 days into the cycle and 6 past the draft deadline. Its story is the slot (0-99): 10% with
    /// the first draft overdue, 43% approved, 25% waiting for review, 6% waiting past the approval window, 9% sent
    /// back, 3% resubmitted after changes, 4% amending an approved plan. Every move goes through the plan's own rules.
    /// Plans that were submitted have goals (against a quota of their own), so that the plan of record and what is
    /// measured against it have something to show at scale; each submission is snapshotted as the app would.
    /// </summary>
    private void ScaledPlan(PlanningCycle cycle, Domain.Strategies.Strategy strategy, IReadOnlyList<TemplateSection> template, AppUser rep,
        int slot, Random random, DateTimeOffset now)
    {
        if (slot >= 10)
        {
            // The cycle's acknowledgement gate is on: whoever submitted read and acknowledged the strategy first.
            DemoStrategy.AcknowledgeAtScale(db, strategy, rep, now.AddDays(-19.5));
        }

        var repActor = new Actor(rep.Id, Role.Rep);
        var manager = new Actor(rep.ManagerId!.Value, Role.Manager);
        var plan = Plan.StartDraft(cycle.Id, rep.Id, now.AddDays(-20));
        DateTimeOffset Ago(int days) => now.AddDays(-days).AddMinutes(-random.Next(0, 480));
        DateTimeOffset After(DateTimeOffset at, int days) => at.AddDays(days) < now ? at.AddDays(days) : now;
        void Audit(PlanTransition t) => db.AuditEntries.Add(Plans.PlanHandlers.AuditOf(plan.Id, t));
        var content = slot < 10 ? null : DemoPlans.GoalsOnly(template, 1000m * random.Next(150, 350), cycle.Quarters.Count, random);
        var snapshots = 0;
        void Submit(DateTimeOffset at)
        {
            Audit(plan.Submit(repActor, cycle, [], at));
            db.PlanSnapshots.Add(DemoPlans.Snapshot(plan, ++snapshots, template, content!, [], at));
        }

        switch (slot)
        {
            case < 10:
                break;
            case < 53:
                var submitted = Ago(random.Next(6, 17));
                Submit(submitted);
                Audit(plan.Approve(manager, rep.ManagerId, cycle,
                    random.Next(3) == 0 ? "Clear goals and a realistic action plan." : null, After(submitted, random.Next(1, 6))));
                break;
            case < 78:
                Submit(Ago(random.Next(1, 14)));
                break;
            case < 84:
                Submit(Ago(random.Next(15, 19)));
                break;
            case < 93:
                var sent = Ago(random.Next(4, 13));
                Submit(sent);
                Audit(plan.RequestChanges(manager, rep.ManagerId, cycle, ChangeRequests[random.Next(ChangeRequests.Length)],
                    After(sent, random.Next(1, 4))));
                break;
            case < 96:
                var first = Ago(random.Next(6, 13));
                Submit(first);
                Audit(plan.RequestChanges(manager, rep.ManagerId, cycle, ChangeRequests[random.Next(ChangeRequests.Length)], After(first, 2)));
                Submit(After(first, 4));
                break;
            default:
                var approvedFirst = Ago(random.Next(12, 17));
                Submit(approvedFirst);
                Audit(plan.Approve(manager, rep.ManagerId, cycle, null, After(approvedFirst, 2)));
                Audit(plan.Amend(repActor, cycle, After(approvedFirst, 9)));
                break;
        }

        db.Plans.Add(plan);
        if (content is not null)
        {
            db.PlanSections.AddRange(DemoPlans.Sections(plan, content, plan.CreatedAt.AddDays(1)));
        }
    }
}
