using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Features.Demo;
using Terrain.Infrastructure.Cli;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Cli;

/// <summary>The verbs run in-process against their own database, as an operator would run them.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "terrain-cli", Guid.NewGuid().ToString("N"));
    private string? _postgresName;

    private string[] DatabaseArgs(Db db)
    {
        if (db == Db.Sqlite)
        {
            return [$"--Terrain:DataDirectory={_directory}"];
        }

        _postgresName ??= $"terrain_cli_{Guid.NewGuid():N}"[..30];
        var connection = Databases.CreatePostgresDatabase(_postgresName);
        return ["--Terrain:DatabaseProvider=Postgres", $"--ConnectionStrings:Terrain={connection}"];
    }

    private static Task<int> Cli(string[] args) => TerrainCli.RunAsync(args, TestContext.Current.CancellationToken);

    private static AppDbContext Open(string[] args)
    {
        var builder = Terrain.Infrastructure.TerrainHost.CreateBuilder(args);
        var settings = Terrain.Infrastructure.TerrainOptions.ResolveDatabase(builder.Configuration);
        var options = new DbContextOptionsBuilder<AppDbContext>();
        settings.Configure(options);
        return new AppDbContext(options.Options);
    }

    private string WriteCsv(string name, string text)
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Theory, BothDatabases]
    public async Task Migrate_users_add_and_import_work_from_the_command_line(Db db)
    {
        var dbArgs = DatabaseArgs(db);
        Assert.Equal(0, await Cli(["migrate", .. dbArgs]));
        Assert.Equal(0, await Cli(["users", "add", "--email", "boss@cli.test", "--name", "Boss", "--role", "Manager", "--password", "Cli-password-12", .. dbArgs]));
        var users = WriteCsv("users.csv", "email,display_name,role,manager_email\nrep@cli.test,Cli Rep,Rep,boss@cli.test\n");
        var accounts = WriteCsv("accounts.csv", "external_id,name,potential,owner_email\nC-1,Cli One,10,rep@cli.test\nC-2,Cli Two,20,\n");

        Assert.Equal(0, await Cli(["import", "users", users, .. dbArgs]));
        Assert.Equal(0, await Cli(["import", "accounts", accounts, .. dbArgs]));
        Assert.Equal(0, await Cli(["import", "accounts", accounts, .. dbArgs]));

        await using var context = Open(dbArgs);
        Assert.Equal(2, await context.Accounts.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal("rep@cli.test", (await context.Accounts.Include(a => a.Owner).SingleAsync(a => a.ExternalId == "C-1", TestContext.Current.CancellationToken)).Owner!.Email);
        Assert.NotNull((await context.Users.SingleAsync(u => u.Email == "boss@cli.test", TestContext.Current.CancellationToken)).PasswordHash);
    }

    [Theory, BothDatabases]
    public async Task Opportunities_import_from_the_command_line_and_a_full_extract_marks_missing_deals_deleted(Db db)
    {
        var dbArgs = DatabaseArgs(db);
        Assert.Equal(0, await Cli(["migrate", .. dbArgs]));
        Assert.Equal(0, await Cli(["users", "add", "--email", "rep@cli.test", "--name", "Cli Rep", "--role", "Admin", "--password", "Cli-password-12", .. dbArgs]));
        var both = WriteCsv("deals.csv", "externalId,owner,stage,amount,closeDate\nO-1,rep@cli.test,Discovery,100,2027-01-31\nO-2,Cli Rep,Closed Won,200,2026-10-01\n");
        var one = WriteCsv("one.csv", "externalId,owner,stage,amount,closeDate\nO-1,rep@cli.test,Discovery,100,2027-01-31\n");
        var bad = WriteCsv("bad.csv", "externalId,owner,stage,amount,closeDate\nO-3,ghost@cli.test,Discovery,100,2027-01-31\n");

        Assert.Equal(0, await Cli(["import", "opportunities", both, .. dbArgs]));
        Assert.Equal(0, await Cli(["import", "opportunities", one, .. dbArgs]));
        Assert.Equal(1, await Cli(["import", "opportunities", bad, "--full", .. dbArgs]));
        await using (var context = Open(dbArgs))
        {
            Assert.Equal(0, await context.Opportunities.CountAsync(o => o.Deleted, TestContext.Current.CancellationToken));
        }

        Assert.Equal(0, await Cli(["import", "opportunities", one, "--full", .. dbArgs]));

        await using var after = Open(dbArgs);
        Assert.Equal(["O-2"], await after.Opportunities.Where(o => o.Deleted).Select(o => o.ExternalId).ToListAsync(TestContext.Current.CancellationToken));
    }

    [Theory, BothDatabases]
    public async Task A_file_of_another_kind_is_refused_and_a_user_without_a_password_is_invited(Db db)
    {
        var dbArgs = DatabaseArgs(db);
        Assert.Equal(0, await Cli(["migrate", .. dbArgs]));
        var users = WriteCsv("people.csv", "email,name,role\nlead@cli.test,Lead,Leader\n");

        Assert.Equal(2, await Cli(["import", "accounts", users, .. dbArgs]));
        Assert.True(File.Exists(users));
        Assert.Equal(0, await Cli(["users", "add", "--email", "invited@cli.test", "--name", "Invited", "--role", "Leader", .. dbArgs]));

        await using var context = Open(dbArgs);
        Assert.Equal(0, await context.ImportJobs.CountAsync(TestContext.Current.CancellationToken));
        var invited = await context.Users.SingleAsync(u => u.Email == "invited@cli.test", TestContext.Current.CancellationToken);
        Assert.Null(invited.PasswordHash);
        Assert.Equal(1, await context.PasswordInvitations.CountAsync(i => i.UserId == invited.Id, TestContext.Current.CancellationToken));
    }

    [Theory, BothDatabases]
    public async Task Failures_exit_non_zero_and_change_nothing(Db db)
    {
        var dbArgs = DatabaseArgs(db);
        var bad = WriteCsv("bad.csv", "external_id,name,potential\nB-1,Good,10\nB-2,Bad,-10\n");

        Assert.Equal(1, await Cli(["import", "accounts", bad, .. dbArgs]));
        Assert.Equal(2, await Cli(["import", "accounts", Path.Combine(_directory, "missing.csv"), .. dbArgs]));
        Assert.Equal(1, await Cli(["users", "add", "--email", "x@cli.test", "--name", "X", "--role", "Wizard", "--password", "Cli-password-12", .. dbArgs]));
        Assert.NotEqual(0, await Cli(["users", "add", "--email", "x@cli.test", .. dbArgs]));

        await using var context = Open(dbArgs);
        Assert.Equal(0, await context.Accounts.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await context.Users.CountAsync(TestContext.Current.CancellationToken));
    }

    [Theory, BothDatabases]
    public async Task A_partial_import_from_the_command_line_keeps_the_good_rows(Db db)
    {
        var dbArgs = DatabaseArgs(db);
        var bad = WriteCsv("bad.csv", "external_id,name,potential\nB-1,Good,10\nB-2,Bad,-10\n");

        Assert.Equal(0, await Cli(["import", "accounts", bad, "--partial", .. dbArgs]));

        await using var context = Open(dbArgs);
        Assert.Equal(["B-1"], await context.Accounts.Select(a => a.ExternalId).ToListAsync(TestContext.Current.CancellationToken));
    }

    [Theory, BothDatabases]
    public async Task Accounts_place_by_zip_places_the_accounts_without_coordinates_says_how_many_and_is_safe_to_run_again(Db db)
    {
        var ct = TestContext.Current.CancellationToken;
        var dbArgs = DatabaseArgs(db);
        Assert.Equal(0, await Cli(["migrate", .. dbArgs]));
        await using (var context = Open(dbArgs))
        {
            // Stored as before the ZIP centroids shipped: no coordinates. 00000 is no ZIP code the app knows.
            var at = DateTimeOffset.UtcNow;
            context.Accounts.AddRange(
                Terrain.Domain.Account.Create("Z-1", new Terrain.Domain.AccountDetails("Zip Cambridge", null, null, null, "02139", null, null, 1_000), null, at),
                Terrain.Domain.Account.Create("Z-2", new Terrain.Domain.AccountDetails("Zip Nowhere", null, null, null, "00000", null, null, 1_000), null, at));
            await context.SaveChangesAsync(ct);
        }

        using var output = new CapturedOutput();
        int first, second;
        using (ConsoleCapture.Into(output))
        {
            first = await Cli(["accounts", "place-by-zip", .. dbArgs]);
            second = await Cli(["accounts", "place-by-zip", .. dbArgs]);
        }

        Assert.Equal((0, 0), (first, second));
        var said = output.ToString();
        Assert.Contains("Placed 1 account(s) by ZIP code; 1 still without a place.", said, StringComparison.Ordinal);
        Assert.Contains("Placed 0 account(s) by ZIP code; 1 still without a place.", said, StringComparison.Ordinal);
        await using var after = Open(dbArgs);
        var placed = await after.Accounts.AsNoTracking().OrderBy(a => a.ExternalId).Select(a => new { a.ExternalId, a.Latitude, a.LocationSource }).ToListAsync(ct);
        Assert.Equal(Terrain.Domain.LocationSource.PostalCode, placed[0].LocationSource);
        Assert.NotNull(placed[0].Latitude);
        Assert.Null(placed[1].Latitude);
        Assert.Equal(1, await after.AuditEntries.CountAsync(e => e.Action == "accounts.placed-by-postal-code", ct));
    }

    [Theory, BothDatabases]
    public async Task Serve_on_an_empty_database_seeds_nothing_and_says_how_to_create_the_first_admin(Db db)
    {
        var dbArgs = DatabaseArgs(db);
        var output = new CapturedOutput();
        using var capture = ConsoleCapture.Into(output);
        using var stop = new CancellationTokenSource();
        var serve = TerrainCli.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--Terrain:Reminders=false", .. dbArgs], stop.Token);
        // Wait for this server's own message as well as for its "listening on", so that it is not stopped half-way
        // through its start-up.
        static bool Started(string text) => text.Contains("Terrain has no users yet", StringComparison.Ordinal) &&
                                            text.Contains("listening on", StringComparison.Ordinal);
        for (var i = 0; i < 300 && !Started(output.ToString()); i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        await stop.CancelAsync();
        Assert.Equal(0, await serve);

        Assert.Contains("Terrain has no users yet", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("users add --email", output.ToString(), StringComparison.Ordinal);
        await using var context = Open(dbArgs);
        Assert.Equal(0, await context.Users.CountAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await context.Accounts.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_demo_organisation_is_believable()
    {
        await using var context = Open([$"--Terrain:DataDirectory={_directory}"]);
        await context.Database.MigrateAsync(TestContext.Current.CancellationToken);
        var hasher = new Microsoft.AspNetCore.Identity.PasswordHasher<Terrain.Domain.AppUser>();
        await new DemoSeeder(context, hasher, TimeProvider.System).SeedAsync(TestContext.Current.CancellationToken);

        var users = await context.Users.Include(u => u.Manager).ToListAsync(TestContext.Current.CancellationToken);
        var accounts = await context.Accounts.ToListAsync(TestContext.Current.CancellationToken);

        Assert.Equal(12, users.Count);
        Assert.All(Enumerable.Range(1, 4), i => Assert.Equal("manager1@demo.terrain", users.Single(u => u.Email == $"rep{i}@demo.terrain").Manager!.Email));
        Assert.All(Enumerable.Range(5, 4), i => Assert.Equal("manager2@demo.terrain", users.Single(u => u.Email == $"rep{i}@demo.terrain").Manager!.Email));
        Assert.Equal(400, accounts.Count);
        Assert.Equal(400, accounts.Select(a => a.Name).Distinct().Count());
        Assert.True(accounts.Select(a => a.Industry).Distinct().Count() >= 6);
        Assert.Equal(["Enterprise", "Mid-Market", "SMB"], accounts.Select(a => a.Segment).Distinct().Order());
        Assert.All(users.Where(u => u.Role == Terrain.Domain.Role.Rep), rep => Assert.InRange(accounts.Count(a => a.OwnerId == rep.Id), 30, 70));
        Assert.Equal(Microsoft.AspNetCore.Identity.PasswordVerificationResult.Success,
            hasher.VerifyHashedPassword(users[0], users[0].PasswordHash!, DemoSeeder.Password));
        var current = await context.Cycles.OrderByDescending(c => c.PeriodStart).FirstAsync(TestContext.Current.CancellationToken);
        var statuses = await context.Plans.Where(p => p.CycleId == current.Id).Select(p => p.Status).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(8, statuses.Count);
        Assert.All(Enum.GetValues<Terrain.Domain.Planning.PlanStatus>(), s => Assert.Contains(s, statuses));
        Assert.Equal(2, await context.Cycles.CountAsync(TestContext.Current.CancellationToken)); // last year's, executed, and this year's
        await Assert.ThrowsAsync<InvalidOperationException>(() => new DemoSeeder(context, hasher, TimeProvider.System).SeedAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task The_demo_plans_show_what_a_good_plan_looks_like()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var context = Open([$"--Terrain:DataDirectory={_directory}"]);
        await context.Database.MigrateAsync(ct);
        await new DemoSeeder(context, new Microsoft.AspNetCore.Identity.PasswordHasher<Terrain.Domain.AppUser>(), TimeProvider.System).SeedAsync(ct);
        var cycles = await context.Cycles.ToDictionaryAsync(c => c.Id, ct);
        var templates = (await context.TemplateSections.OrderBy(t => t.Order).ToListAsync(ct)).ToLookup(t => t.CycleId);
        var saved = await context.PlanSections.ToListAsync(ct);
        var accounts = await context.Accounts.ToListAsync(ct);
        var quotas = await context.Quotas.ToListAsync(ct);
        var snapshots = await context.PlanSnapshots.ToListAsync(ct);

        foreach (var plan in await context.Plans.ToListAsync(ct))
        {
            var cycle = cycles[plan.CycleId];
            var template = templates[plan.CycleId].ToList();
            var sections = template.Select(t => new Terrain.Domain.Planning.FilledSection(t.Key, t.Title, t.Kind, t.Required,
                Terrain.Domain.Planning.SectionContents.Read(t.Kind, saved.SingleOrDefault(s => s.PlanId == plan.Id && s.Key == t.Key)?.Content))).ToList();
            var own = accounts.Where(a => a.OwnerId == plan.OwnerId).ToList();
            var goals = sections.Select(s => s.Content).OfType<Terrain.Domain.Planning.GoalsContent>().SelectMany(g => g.Goals).ToDictionary(g => g.Id!, g => g.Title);
            var facts = new Terrain.Domain.Planning.PlanFacts(cycle.PeriodStart, cycle.PeriodEnd, cycle.Quarters, own.ToDictionary(a => a.Id, a => a.Name), goals);
            var quota = quotas.Where(q => q.RepId == plan.OwnerId && q.CycleId == plan.CycleId).OrderBy(q => q.Quarter).Select(q => (decimal?)q.Amount).ToList();
            var checks = Terrain.Domain.Planning.PlanChecks.Evaluate(sections, facts, quota);

            Assert.Equal(4, quota.Count);
            if (plan.OwesFirstDraft)
            {
                Assert.False(checks.CanSubmit);
                Assert.Contains(sections, s => !s.Content.IsEmpty);
                continue;
            }

            Assert.True(checks.CanSubmit, string.Join("; ", checks.Blocking.Select(b => b.Message)));
            Assert.All(sections, s => Assert.False(s.Content.IsEmpty, s.Key));
            Assert.Contains(snapshots, s => s.PlanId == plan.Id && s.Number == 1);
            var warnings = checks.Warnings.Select(w => w.Code).ToList();
            if (plan.Status == Terrain.Domain.Planning.PlanStatus.ChangesRequested)
            {
                Assert.Contains("below-quota", warnings);
                Assert.Contains("a-account-without-action", warnings);
            }
            else
            {
                Assert.DoesNotContain("a-account-without-action", warnings);
                Assert.True(checks.Gap.Goal >= checks.Gap.Quota * 0.95m, $"goals {checks.Gap.Goal} against quota {checks.Gap.Quota}");
            }
        }
    }

    [Fact]
    public async Task The_demo_grows_to_many_reps_in_teams_of_eight()
    {
        var output = new CapturedOutput();
        using var capture = ConsoleCapture.Into(output);
        using var stop = new CancellationTokenSource();
        var demo = TerrainCli.RunAsync(["demo", "--reps", "50", "--urls", "http://127.0.0.1:0", "--Terrain:Reminders=false",
            $"--Terrain:DataDirectory={_directory}"], stop.Token);
        for (var i = 0; i < 600 && !output.ToString().Contains("Press Ctrl+C", StringComparison.Ordinal) && !demo.IsCompleted; i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        await stop.CancelAsync();
        Assert.Equal(0, await demo);

        Assert.Contains("rep9@demo.terrain ... rep50@demo.terrain", output.ToString(), StringComparison.Ordinal);
        var ct = TestContext.Current.CancellationToken;
        await using var context = Open([$"--Terrain:DataDirectory={_directory}", "--Terrain:SqliteFileName=demo.db"]);
        var users = await context.Users.Include(u => u.Manager).ToListAsync(ct);
        var reps = users.Where(u => u.Role == Terrain.Domain.Role.Rep).ToList();
        var managers = users.Where(u => u.Role == Terrain.Domain.Role.Manager).ToList();
        Assert.Equal(50, reps.Count);
        Assert.Equal(8, managers.Count); // manager1 and manager2 of the standard demo, then 42 reps in teams of eight
        Assert.Equal(50, reps.Select(r => r.Email).Distinct().Count());
        Assert.All(managers, m => Assert.Equal("leader@demo.terrain", m.Manager!.Email));
        Assert.All(managers, m => Assert.InRange(reps.Count(r => r.ManagerId == m.Id), 1, 8));
        Assert.Equal("manager1@demo.terrain", reps.Single(r => r.Email == "rep1@demo.terrain").Manager!.Email);
        var hasher = new Microsoft.AspNetCore.Identity.PasswordHasher<Terrain.Domain.AppUser>();
        var rep50 = reps.Single(r => r.Email == "rep50@demo.terrain");
        Assert.Equal(Microsoft.AspNetCore.Identity.PasswordVerificationResult.Success,
            hasher.VerifyHashedPassword(rep50, rep50.PasswordHash!, DemoSeeder.Password));

        var grownReps = reps.Where(r => RepNumber(r) > DemoSeeder.StandardReps).ToList();
        var accounts = await context.Accounts.ToListAsync(ct);
        Assert.Equal(400 + (42 * 20) + 6, accounts.Count); // 20 per grown rep, and one unassigned per new team
        Assert.Equal(accounts.Count, accounts.Select(a => a.ExternalId).Distinct().Count());
        Assert.All(grownReps, rep => Assert.Equal(20, accounts.Count(a => a.OwnerId == rep.Id)));

        // Last year's cycle has the standard reps' plans only: the grown organisation starts this year.
        Assert.Equal(2, await context.Cycles.CountAsync(ct));
        var current = await context.Cycles.OrderByDescending(c => c.PeriodStart).FirstAsync(ct);
        var allPlans = await context.Plans.ToListAsync(ct);
        var plans = allPlans.Where(p => p.CycleId == current.Id).ToList();
        Assert.Equal(reps.Select(r => r.Id).Order(), plans.Select(p => p.OwnerId).Order());
        Assert.Equal(DemoSeeder.StandardReps, allPlans.Count - plans.Count);
        var grownPlans = plans.Where(p => grownReps.Any(r => r.Id == p.OwnerId)).ToList();
        Assert.All(Enum.GetValues<Terrain.Domain.Planning.PlanStatus>(), s => Assert.Contains(grownPlans, p => p.Status == s));
        Assert.Contains(grownPlans, p => p.OwesFirstDraft);
        Assert.Contains(grownPlans, p => p.IsAmendment);
        var audited = await context.AuditEntries.Where(e => e.EntityType == "Plan").Select(e => e.EntityId).Distinct().ToListAsync(ct);
        Assert.All(plans.Where(p => !p.OwesFirstDraft), p => Assert.Contains(p.Id.ToString(), audited));

        // Every approved plan has a plan of record with goals, and every submitted one its submissions as rows.
        var inForce = await context.InForce(DateTimeOffset.UtcNow.AddDays(1)).Select(v => v.PlanId).ToListAsync(ct);
        Assert.Equal(allPlans.Where(p => p.ApprovedVersion is not null).Select(p => p.Id).Order(), inForce.Order());
        var withGoals = await context.Goals(context.InForce(DateTimeOffset.UtcNow.AddDays(1))).Select(g => g.PlanId).Distinct().CountAsync(ct);
        Assert.Equal(inForce.Count, withGoals);
        Assert.Equal(0, await context.PlanSnapshots.CountAsync(s => !s.Recorded, ct));
    }

    [Fact]
    public async Task The_demo_refuses_fewer_reps_than_the_standard_demo() =>
        Assert.NotEqual(0, await Cli(["demo", "--reps", "7", $"--Terrain:DataDirectory={_directory}"]));

    private static int RepNumber(Terrain.Domain.AppUser rep) =>
        int.Parse(rep.Email![3..rep.Email!.IndexOf('@', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_postgresName is not null)
        {
            Databases.DropPostgresDatabase(_postgresName);
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
