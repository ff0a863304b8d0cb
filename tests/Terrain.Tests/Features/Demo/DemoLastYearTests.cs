using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Domain.Planning;
using Terrain.Features.Demo;
using Terrain.Infrastructure;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Demo;

/// <summary>
/// The demo's last year: a cycle whose plans were approved a year ago and executed, and a year of CRM data that tells
/// a story per rep, read back through the performance API as a manager would.
/// </summary>
public sealed class DemoLastYearTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "terrain-demo-year", Guid.NewGuid().ToString("N"));
    private readonly List<string> _postgres = [];
    private WebApplication? _app;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string[] DatabaseArgs(Db db, string name)
    {
        if (db == Db.Sqlite)
        {
            return ["--Terrain:DatabaseProvider=Sqlite", $"--Terrain:DataDirectory={Path.Combine(_directory, name)}"];
        }

        var database = $"terrain_demo_{name}_{Guid.NewGuid():N}"[..40];
        _postgres.Add(database);
        return ["--Terrain:DatabaseProvider=Postgres", $"--ConnectionStrings:Terrain={Databases.CreatePostgresDatabase(database)}"];
    }

    /// <summary>A fresh database of the given kind, migrated and seeded with the demo at <paramref name="now"/>.</summary>
    private async Task<(AppDbContext Db, DemoActualsTotals Totals)> SeedAsync(Db db, string name, DateTimeOffset now)
    {
        var builder = TerrainHost.CreateBuilder(DatabaseArgs(db, name));
        var options = new DbContextOptionsBuilder<AppDbContext>();
        TerrainOptions.ResolveDatabase(builder.Configuration).Configure(options);
        var context = new AppDbContext(options.Options);
        await context.Database.MigrateAsync(Ct);
        var seeder = new DemoSeeder(context, new PasswordHasher<AppUser>(), new FakeTimeProvider(now));
        await seeder.SeedAsync(Ct);
        return (context, seeder.Actuals!);
    }

    [Theory, BothDatabases]
    public async Task Last_year_was_approved_a_year_ago_and_the_performance_tells_each_reps_story(Db db)
    {
        var clock = new FakeTimeProvider(Now);
        var builder = TerrainHost.CreateBuilder(
        [
            "--urls=http://127.0.0.1:0", "--applicationName=terrain", "--environment=Testing", "--Terrain:Reminders=false",
            "--Terrain:MigrateOnStartup=false", "--Logging:LogLevel:Default=Warning", .. DatabaseArgs(db, "api"),
        ]);
        builder.Services.AddSingleton<TimeProvider>(clock);
        _app = TerrainHost.Build(builder);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.MigrateAsync(Ct);
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(Ct);
        }

        await _app.StartAsync(Ct);
        await using var scoped = _app.Services.CreateAsyncScope();
        var data = scoped.ServiceProvider.GetRequiredService<AppDbContext>();

        // Two cycles: last year's (FY2026, still executing in December) and this year's, in planning.
        var cycles = await data.Cycles.AsNoTracking().OrderBy(c => c.PeriodStart).ToListAsync(Ct);
        Assert.Equal(["FY2026", "FY2027"], cycles.Select(c => c.Name));
        var (previous, current) = (cycles[0], cycles[1]);
        Assert.Equal(current.PeriodStart.AddDays(-1), previous.PeriodEnd);
        Assert.Equal(CycleStatus.Open, previous.Status);
        Assert.NotNull(previous.StrategyId);
        Assert.NotEqual(current.StrategyId, previous.StrategyId);

        // Every rep's plan was approved about a year ago, with its audit trail, and is in force all year.
        var reps = await data.Users.AsNoTracking().Where(u => u.Role == Role.Rep).OrderBy(u => u.Email).ToListAsync(Ct);
        var plans = await data.Plans.AsNoTracking().Where(p => p.CycleId == previous.Id).ToListAsync(Ct);
        Assert.Equal(8, plans.Count);
        Assert.All(plans, p => Assert.Equal(PlanStatus.Approved, p.Status));
        var versions = await data.ApprovedPlanVersions.AsNoTracking().Where(v => v.CycleId == previous.Id).ToListAsync(Ct);
        Assert.All(versions.Where(v => v.Edition == 1), v => Assert.InRange(v.ApprovedAt, Now.AddYears(-1).AddDays(-20), Now.AddYears(-1).AddDays(10)));
        Assert.Equal(3, versions.Count(v => v.Edition == 2)); // amended mid-year, action items brought up to date
        var approvals = await data.AuditEntries.AsNoTracking().Where(a => a.Action == "plan.approved").Select(a => new { a.EntityId, a.At }).ToListAsync(Ct);
        Assert.All(plans, p => Assert.Contains(approvals, a => a.EntityId == p.Id.ToString() && a.At < Now.AddDays(-330)));
        var midYear = new DateTimeOffset(previous.Quarters[1].Start.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        Assert.Equal(8, await data.InForce(midYear).CountAsync(v => v.CycleId == previous.Id, Ct));
        var inForce = data.InForce(Now).Where(v => v.CycleId == previous.Id);
        var statuses = await data.Actions(inForce).Select(a => a.Status).Distinct().ToListAsync(Ct);
        Assert.Contains("Done", statuses);
        Assert.Contains("InProgress", statuses);

        // A year of weekly syncs: every kind of deal, other currencies at dated rates, history per import.
        var deals = await data.Opportunities.AsNoTracking().ToListAsync(Ct);
        Assert.Contains(deals, d => d.Outcome == DealOutcome.Won);
        Assert.Contains(deals, d => d.Outcome == DealOutcome.Lost && d.LossReason is not null);
        Assert.Contains(deals, d => d.Outcome == DealOutcome.Open && d.CloseDate > current.PeriodStart);
        Assert.Contains(deals, d => d.Deleted);
        Assert.Contains(deals, d => d.Currency != "USD" && d.OriginalAmount != d.Amount);
        Assert.InRange(await data.OpportunityChanges.Select(c => c.ImportId).Distinct().CountAsync(Ct), 50, 60);
        Assert.True(await data.ExchangeRates.CountAsync(Ct) >= 24);

        var manager1 = await ClientAsync("manager1@demo.terrain");
        var manager2 = await ClientAsync("manager2@demo.terrain");

        // rep4 is behind, with thin pipeline: off track, and what is open would not cover what is missing even if all
        // of it were won (healthy coverage is about 1 / win rate, two to three times).
        var behind = await PerformanceAsync(manager1, plans.Single(p => p.OwnerId == reps[DemoLastYear.BehindRep].Id).Id, Now);
        foreach (var goal in new[] { "rev-existing", "rev-new" })
        {
            var year = Period(behind, goal, "cycle");
            Assert.Equal("OffTrack", year.GetProperty("status").GetString());
            Assert.InRange(year.GetProperty("coverage").GetDecimal(), 0m, 0.99m);
        }

        // rep1 is ahead: on track through the third quarter and for the year.
        var aheadPlan = plans.Single(p => p.OwnerId == reps[DemoLastYear.AheadRep].Id).Id;
        var q3 = previous.Quarters[2].End;
        var ahead = await PerformanceAsync(manager1, aheadPlan, new DateTimeOffset(q3.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        foreach (var goal in new[] { "rev-existing", "rev-new" })
        {
            Assert.Equal("OnTrack", Period(ahead, goal, "cycle").GetProperty("status").GetString());
            Assert.True(Period(ahead, goal, "cycle").GetProperty("attainment").GetDecimal() >= 1.1m, goal);
        }

        Assert.Equal("OnTrack", Period(await PerformanceAsync(manager1, aheadPlan, Now), "rev-existing", "cycle").GetProperty("status").GetString());

        // rep6 is busy but off plan: the most activities of anyone, most of them away from the plan's A and B accounts.
        var offPlanRep = reps[DemoLastYear.OffPlanRep];
        var offPlan = await PerformanceAsync(manager2, plans.Single(p => p.OwnerId == offPlanRep.Id).Id, Now);
        Assert.NotEqual("OnTrack", Period(offPlan, "rev-existing", "cycle").GetProperty("status").GetString()); // at risk or off track
        var held = await data.Activities.AsNoTracking()
            .Where(a => a.Held && a.Date >= previous.PeriodStart && a.Date <= previous.PeriodEnd)
            .Select(a => new { a.OwnerId, a.AccountId }).ToListAsync(Ct);
        Assert.Equal(offPlanRep.Id, held.GroupBy(a => a.OwnerId).MaxBy(g => g.Count())!.Key);
        var planAccounts = await PlanAccountsAsync(data, plans);
        double OnPlan(Guid rep) => held.Where(a => a.OwnerId == rep).Average(a => a.AccountId is { } id && planAccounts[rep].Contains(id) ? 1.0 : 0.0);
        Assert.True(OnPlan(offPlanRep.Id) < 0.35, $"rep6 on plan {OnPlan(offPlanRep.Id):P0}");
        Assert.True(OnPlan(reps[DemoLastYear.AheadRep].Id) > 0.6, $"rep1 on plan {OnPlan(reps[DemoLastYear.AheadRep].Id):P0}");
    }

    [Theory, BothDatabases]
    public async Task Seeding_twice_at_the_same_instant_gives_the_same_year_and_closes_last_years_cycle_once_it_is_over(Db db)
    {
        // In May the previous cycle ended months ago: it is closed, and its whole year is in the data.
        var may = new DateTimeOffset(2027, 5, 14, 8, 30, 0, TimeSpan.Zero);
        var (first, one) = await SeedAsync(db, "one", may);
        var (second, two) = await SeedAsync(db, "two", may);
        await using (first)
        await using (second)
        {
            Assert.Equal(one, two);
            Assert.Equal(await TotalsAsync(first), await TotalsAsync(second));
            Assert.True(one.Won > 100 && one.Lost > 100 && one.Open > 20 && one.Activities > 2000, one.ToString());
            var previous = await first.Cycles.AsNoTracking().OrderBy(c => c.PeriodStart).FirstAsync(Ct);
            Assert.Equal(CycleStatus.Closed, previous.Status);
            Assert.Equal("FY2026", previous.Name);
        }
    }

    private static async Task<string> TotalsAsync(AppDbContext db)
    {
        var deals = await db.Opportunities.AsNoTracking().Select(o => new { o.Outcome, o.Amount, o.Deleted, o.CloseDate }).ToListAsync(Ct);
        var held = await db.Activities.CountAsync(a => a.Held, Ct);
        var changes = await db.OpportunityChanges.CountAsync(Ct);
        return string.Join(" ", deals.GroupBy(d => (d.Outcome, d.Deleted)).OrderBy(g => g.Key)
            .Select(g => $"{g.Key}:{g.Count()}/{g.Sum(d => d.Amount)}/{g.Min(d => d.CloseDate)}")) + $" held {held} changes {changes}";
    }

    private static async Task<Dictionary<Guid, HashSet<Guid>>> PlanAccountsAsync(AppDbContext db, IReadOnlyList<Plan> plans)
    {
        var ids = plans.Select(p => p.Id).ToList();
        var sections = await db.PlanSections.AsNoTracking().Where(s => ids.Contains(s.PlanId)).ToListAsync(Ct);
        return plans.ToDictionary(p => p.OwnerId, p => sections.Where(s => s.PlanId == p.Id)
            .Select(s => SectionContents.Read(SectionKind.AccountSegmentation, s.Content)).OfType<SegmentationContent>()
            .SelectMany(c => c.Rows).Where(r => r.Tier is "A" or "B").Select(r => r.AccountId).ToHashSet());
    }

    private async Task<HttpClient> ClientAsync(string email)
    {
        var client = new HttpClient { BaseAddress = new Uri(_app!.Urls.First()) };
        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = DemoSeeder.Password }, Ct);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<JsonElement> PerformanceAsync(HttpClient client, Guid plan, DateTimeOffset asOf)
    {
        var response = await client.GetAsync($"/api/v1/plans/{plan}/performance?asOf={asOf:yyyy-MM-dd}", Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static JsonElement Period(JsonElement performance, string goal, string period) =>
        performance.GetProperty("goals").EnumerateArray().Single(g => g.GetProperty("goalKey").GetString() == goal)
            .GetProperty("periods").EnumerateArray().Single(p => p.GetProperty("period").GetString() == period);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var name in _postgres)
        {
            Databases.DropPostgresDatabase(name);
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
