using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Auth;

/// <summary>
/// Guessing is slow, the real user still gets in, and the limits hold for the page and the API alike and across
/// instances on one database (docs/decisions/0016-sign-in-throttling-and-sessions.md). The defaults apply: five free
/// failures per account from one client, ten per client, twenty per account; the fake clock stands still.
/// </summary>
public sealed class SignInThrottlingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Attacker = "203.0.113.66";
    private const string RealUser = "198.51.100.7";

    internal static Task<HttpResponseMessage> ApiLoginAsync(HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/api/v1/auth/login", new { email, password }, Ct);

    private static async Task<HttpResponseMessage> PageLoginAsync(HttpClient client, string email, string password)
    {
        var token = await TestApp.AntiforgeryTokenAsync(client, "/Auth/Login");
        return await client.PostAsync("/Auth/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["__RequestVerificationToken"] = token,
        }), Ct);
    }

    [Theory, BothDatabases]
    public async Task Ten_wrong_passwords_from_one_client_do_not_keep_the_real_user_out(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var attacker = app.AnonymousFrom(Attacker);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            statuses.Add((await ApiLoginAsync(attacker, "rep1@test.terrain", $"Wrong-password-{i}")).StatusCode);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 5).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 5)), statuses);
        // Even the right password is not tried from the client that has been guessing.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ApiLoginAsync(attacker, "rep1@test.terrain", TestOrg.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ApiLoginAsync(app.AnonymousFrom(RealUser), "rep1@test.terrain", TestOrg.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PageLoginAsync(app.AnonymousFrom("198.51.100.8"), "rep1@test.terrain", TestOrg.Password)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task Guessing_from_many_clients_slows_the_guessers_but_not_a_client_that_has_not_failed(Db db)
    {
        var app = await TestApp.StartAsync(db);
        for (var i = 1; i <= 21; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await ApiLoginAsync(app.AnonymousFrom($"203.0.113.{i}"), "rep1@test.terrain", "Wrong-password-1")).StatusCode);
        }

        // A guesser that already failed for this account now waits, with the right password too.
        var guesser = await ApiLoginAsync(app.AnonymousFrom("203.0.113.1"), "rep1@test.terrain", TestOrg.Password);
        var real = await ApiLoginAsync(app.AnonymousFrom(RealUser), "rep1@test.terrain", TestOrg.Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, guesser.StatusCode);
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
    }

    [Theory, BothDatabases]
    public async Task One_client_guessing_many_accounts_is_slowed_by_its_own_limit(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var attacker = app.AnonymousFrom(Attacker);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await ApiLoginAsync(attacker, $"someone{i}@test.terrain", "Wrong-password-1")).StatusCode);
        }

        var next = await ApiLoginAsync(attacker, "manager1@test.terrain", "Wrong-password-1");

        Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);
        var problem = await next.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal("1", next.Headers.GetValues("Retry-After").Single());
    }

    [Theory, BothDatabases]
    public async Task The_page_and_the_api_share_the_limits_and_the_wait_ends(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var attacker = app.AnonymousFrom(Attacker);
        for (var i = 0; i < 5; i++)
        {
            await ApiLoginAsync(attacker, "rep2@test.terrain", $"Wrong-password-{i}");
        }

        var page = await PageLoginAsync(attacker, "rep2@test.terrain", "Wrong-password-9");
        var html = await page.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.Equal("1", page.Headers.GetValues("Retry-After").Single());
        var alert = new HtmlParser().ParseDocument(html).QuerySelector("[role=alert]")?.TextContent ?? "";
        Assert.Contains("Too many failed sign-ins", alert, StringComparison.Ordinal);
        Assert.Contains("1 second", alert, StringComparison.Ordinal);

        // A throttled attempt is not counted as a failure: once the wait has passed, the real password goes through.
        app.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.Redirect, (await PageLoginAsync(attacker, "rep2@test.terrain", TestOrg.Password)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task Two_instances_on_one_database_share_the_counters(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await using var second = app.SecondInstance();

        for (var i = 0; i < 5; i++)
        {
            var instance = i % 2 == 0 ? app : second;
            Assert.Equal(HttpStatusCode.Unauthorized, (await ApiLoginAsync(instance.AnonymousFrom(Attacker), "rep1@test.terrain", $"Wrong-password-{i}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await ApiLoginAsync(second.AnonymousFrom(Attacker), "rep1@test.terrain", "Wrong-password-5")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ApiLoginAsync(app.AnonymousFrom(Attacker), "rep1@test.terrain", "Wrong-password-6")).StatusCode);
        Assert.Equal(5, await app.WithDbAsync(d => d.SignInCounters.Where(c => c.Key.StartsWith("c:")).Select(c => c.Failures).SingleAsync(Ct)));
    }

    /// <summary>
    /// Wrong password, unknown email, deactivated user, user without a password, locked user: each hashes exactly once
    /// and sends the database the same statements, so neither time nor load tells them apart; a throttled attempt
    /// hashes nothing.
    /// </summary>
    [Theory, BothDatabases]
    public async Task Every_failed_sign_in_costs_the_same(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await app.WithDbAsync(async d =>
        {
            var inactive = await d.Users.SingleAsync(u => u.Id == app.Org.Rep2.Id, Ct);
            inactive.Deactivate(0);
            d.Users.Add(AppUser.Create("nopassword@test.terrain", "No Password", Role.Leader, null, app.Clock.GetUtcNow()));
            var locked = TestOrg.User("locked@test.terrain", "Locked", Role.Leader, null, app.Clock.GetUtcNow());
            locked.LockoutEnd = app.Clock.GetUtcNow().AddHours(1);
            d.Users.Add(locked);
            return await d.SaveChangesAsync(Ct);
        });
        var hasher = new CountingHasher();
        var commands = new CommandCounter();
        await using var counted = app.WithWebHostBuilder(b => b.ConfigureServices(s =>
        {
            s.RemoveAll<IPasswordHasher<AppUser>>();
            s.AddSingleton<IPasswordHasher<AppUser>>(hasher);
            s.ConfigureDbContext<AppDbContext>(o => o.AddInterceptors(commands));
        }));

        var cases = new (string Email, string Password)[]
        {
            ("rep1@test.terrain", "Wrong-password-1"),
            ("ghost@test.terrain", "Wrong-password-1"),
            ("rep2@test.terrain", TestOrg.Password),
            ("nopassword@test.terrain", TestOrg.Password),
            ("locked@test.terrain", TestOrg.Password),
        };
        // The first request of a new app reads what every later one finds cached (such as PostgreSQL's types).
        using (var warmUp = counted.CreateClient())
        {
            warmUp.DefaultRequestHeaders.Add("X-Test-Client-Address", "192.0.2.200");
            await ApiLoginAsync(warmUp, "warm-up@test.terrain", "Wrong-password-1");
        }

        var costs = new List<(HttpStatusCode Status, string Detail, int Hashes, int Commands)>();
        var client = 1;
        foreach (var (email, password) in cases)
        {
            using var http = counted.CreateClient();
            http.DefaultRequestHeaders.Add("X-Test-Client-Address", $"192.0.2.{client++}");
            var (hashesBefore, commandsBefore) = (hasher.Verifications, commands.Count);
            var response = await ApiLoginAsync(http, email, password);
            var detail = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString()!;
            costs.Add((response.StatusCode, detail, hasher.Verifications - hashesBefore, commands.Count - commandsBefore));
        }

        Assert.All(costs, c => Assert.Equal(costs[0], c));
        Assert.Equal(HttpStatusCode.Unauthorized, costs[0].Status);
        Assert.Equal(1, costs[0].Hashes);

        using var guesser = counted.CreateClient();
        guesser.DefaultRequestHeaders.Add("X-Test-Client-Address", Attacker);
        for (var i = 0; i < 10; i++)
        {
            await ApiLoginAsync(guesser, $"someone{i}@test.terrain", "Wrong-password-1");
        }

        var before = hasher.Verifications;
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ApiLoginAsync(guesser, "rep1@test.terrain", "Wrong-password-1")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ApiLoginAsync(guesser, "ghost@test.terrain", "Wrong-password-1")).StatusCode);
        Assert.Equal(before, hasher.Verifications);
    }

    private sealed class CountingHasher : IPasswordHasher<AppUser>
    {
        private readonly PasswordHasher<AppUser> _inner = new(Microsoft.Extensions.Options.Options.Create(
            new PasswordHasherOptions { IterationCount = TestOrg.TestIterations }));

        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public string HashPassword(AppUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    private sealed class CommandCounter : DbCommandInterceptor
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override ValueTask<InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(System.Data.Common.DbCommand command,
            CommandEventData eventData, InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData,
            InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _count);
            return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
