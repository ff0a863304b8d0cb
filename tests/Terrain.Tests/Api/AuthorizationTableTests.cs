using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Api;

/// <summary>
/// Every endpoint and page, for every role. A new endpoint without a row here fails
/// <see cref="Every_endpoint_has_a_row"/>, so nothing ships without a decision on who may use it.
/// </summary>
public sealed partial class AuthorizationTableTests
{
    // Outcomes: a status code, or "login" (redirect to sign-in), "denied" (redirect to the not-allowed page),
    // "home" (redirect to the home page).
    private sealed record Row(string Method, string Pattern, Func<TestOrg, string> Path, string Anonymous, string Rep, string Manager, string Leader, string Admin,
        Func<TestOrg, HttpContent>? Body = null)
    {
        public string Expected(string role) => role switch
        {
            "anonymous" => Anonymous,
            "rep" => Rep,
            "manager" => Manager,
            "leader" => Leader,
            _ => Admin,
        };
    }

    private static readonly string[] Roles = ["anonymous", "rep", "manager", "leader", "admin"];

    private static Row Page(string pattern, string path, string rep, string manager, string leader, string admin, string anonymous = "login") =>
        new("GET", pattern, _ => path, anonymous, rep, manager, leader, admin);

    private static readonly Row[] CoreRows =
    [
        // Pages: sign-in required everywhere except the login and error pages.
        Page("", "/", "200", "200", "200", "200"),
        Page("Index", "/Index", "200", "200", "200", "200"),
        Page("Error", "/Error?status=404", "200", "200", "200", "200", anonymous: "200"),
        Page("Auth/Login", "/Auth/Login", "home", "home", "home", "home", anonymous: "200"),
        Page("Auth/Logout", "/Auth/Logout", "200", "200", "200", "200"),
        Page("Auth/Denied", "/Auth/Denied", "403", "403", "403", "403"),
        Page("Territory", "/Territory", "200", "200", "200", "200"),
        Page("Territory/Index", "/Territory/Index", "200", "200", "200", "200"),
        Page("Territory/Map", "/Territory/Map", "200", "200", "200", "200"),
        Page("Territory/Map", "/Territory/Map?handler=Points", "200", "200", "200", "200"),
        Page("Team", "/Team", "denied", "200", "200", "200"),
        Page("Team/Index", "/Team/Index", "denied", "200", "200", "200"),
        Page("Admin/Users", "/Admin/Users", "denied", "denied", "denied", "200"),
        Page("Admin/Users/Index", "/Admin/Users/Index", "denied", "denied", "denied", "200"),
        Page("Admin/Users/Create", "/Admin/Users/Create", "denied", "denied", "denied", "200"),
        Page("Cycles", "/Cycles", "200", "200", "200", "200"),
        Page("Cycles/Index", "/Cycles/Index", "200", "200", "200", "200"),
        Page("Cycles/New", "/Cycles/New", "denied", "denied", "200", "200"),
        new("GET", "Cycles/{id:guid}/Edit", o => $"/Cycles/{o.Cycle.Id}/Edit", "login", "denied", "denied", "200", "200"),
        new("GET", "Cycles/Template/{id:guid}", o => $"/Cycles/Template/{o.Cycle.Id}", "login", "200", "200", "200", "200"),
        new("GET", "Cycles/Board/{id:guid}", o => $"/Cycles/Board/{o.Cycle.Id}", "login", "denied", "200", "200", "200"),
        new("GET", "Plans/{id:guid}", o => $"/Plans/{o.PlanOf[o.Rep3.Id].Id}", "login", "404", "404", "200", "200"),
        new("GET", "Plans/{id:guid}/Edit/{key}", o => $"/Plans/{o.PlanOf[o.Rep3.Id].Id}/Edit/summary", "login", "404", "404", "200", "200"),
        Page("Plans/Mine", "/Plans/Mine", "303", "200", "200", "200"),
        new("GET", "Cycles/Quotas/{id:guid}", o => $"/Cycles/Quotas/{o.Cycle.Id}", "login", "denied", "200", "200", "200"),
        new("GET", "Plans/{id:guid}/Versions", o => $"/Plans/{o.PlanOf[o.Rep3.Id].Id}/Versions", "login", "404", "404", "200", "200"),
        new("GET", "Plans/{id:guid}/Compare", o => $"/Plans/{o.PlanOf[o.Rep3.Id].Id}/Compare?a=current&b=current", "login", "404", "404", "200", "200"),
        new("GET", "Plans/{id:guid}/Print", o => $"/Plans/{o.PlanOf[o.Rep3.Id].Id}/Print", "login", "404", "404", "200", "200"),
        new("GET", "Admin/Users/Edit/{id:guid}", o => $"/Admin/Users/Edit/{o.Rep1.Id}", "login", "denied", "denied", "denied", "200"),
        Page("Admin/Imports", "/Admin/Imports", "denied", "denied", "denied", "200"),
        Page("Admin/Imports/Index", "/Admin/Imports/Index", "denied", "denied", "denied", "200"),
        Page("Admin/SignIns", "/Admin/SignIns", "denied", "denied", "denied", "200"),
        Page("Admin/ExchangeRates", "/Admin/ExchangeRates", "denied", "denied", "denied", "200"),
        Page("Admin/ExchangeRates/Index", "/Admin/ExchangeRates/Index", "denied", "denied", "denied", "200"),
        Page("Admin/SignIns/Index", "/Admin/SignIns/Index", "denied", "denied", "denied", "200"),
        Page("api/reference/{documentName?}", "/api/reference/v1", "200", "200", "200", "200"),
        // The reference page's own script bundle is public code; the page and the document behind it are not.
        Page("api/reference/scalar.js", "/api/reference/scalar.js", "200", "200", "200", "200", anonymous: "200"),
        Page("api/reference/scalar.aspnetcore.js", "/api/reference/scalar.aspnetcore.js", "200", "200", "200", "200", anonymous: "200"),
        Page("api/reference/favicon.svg", "/api/reference/favicon.svg", "200", "200", "200", "200", anonymous: "200"),

        // Infrastructure.
        new("GET", "health", _ => "/health", "200", "200", "200", "200", "200"),
        new("GET", "openapi/{documentName}.json", _ => "/openapi/v1.json", "401", "200", "200", "200", "200"),

        // API. 404 where even the existence of the record must not leak.
        new("POST", "api/v1/auth/login", _ => "/api/v1/auth/login", "401", "401", "401", "401", "401",
            _ => JsonContent.Create(new { email = "nobody@test.terrain", password = "Wrong-password-1" })),
        new("POST", "api/v1/auth/refresh", _ => "/api/v1/auth/refresh", "401", "401", "401", "401", "401",
            _ => JsonContent.Create(new { refreshToken = "not-a-token" })),
        new("GET", "api/v1/me", _ => "/api/v1/me", "401", "200", "200", "200", "200"),
        new("GET", "api/v1/sign-ins", _ => "/api/v1/sign-ins", "401", "403", "403", "403", "200"),
        new("GET", "api/v1/users/", _ => "/api/v1/users", "401", "200", "200", "200", "200"),
        new("GET", "api/v1/users/{id:guid}", o => $"/api/v1/users/{o.Rep3.Id}", "401", "404", "404", "200", "200"),
        new("POST", "api/v1/users/", _ => "/api/v1/users", "401", "403", "403", "403", "201",
            o => JsonContent.Create(new { email = "new.rep@test.terrain", displayName = "New Rep", role = "Rep", managerEmail = o.Manager1.Email, password = "Another-password-9" })),
        new("PATCH", "api/v1/users/{id:guid}", o => $"/api/v1/users/{o.Rep1.Id}", "401", "403", "403", "403", "428",
            _ => JsonContent.Create(new { displayName = "Renamed" })),
        new("GET", "api/v1/accounts/", _ => "/api/v1/accounts?owner=me", "401", "200", "200", "200", "200"),
        new("GET", "api/v1/accounts/{id:guid}", o => $"/api/v1/accounts/{o.Accounts.First(a => a.OwnerId == o.Rep3.Id).Id}", "401", "404", "404", "200", "200"),
        new("GET", "api/v1/cycles/", _ => "/api/v1/cycles", "401", "200", "200", "200", "200"),
        new("POST", "api/v1/cycles/", _ => "/api/v1/cycles", "401", "403", "403", "201", "201", _ => NewCycle()),
        new("GET", "api/v1/cycles/{id:guid}", o => $"/api/v1/cycles/{o.Cycle.Id}", "401", "200", "200", "200", "200"),
        new("GET", "api/v1/cycles/{id:guid}/board", o => $"/api/v1/cycles/{o.Cycle.Id}/board", "401", "403", "200", "200", "200"),
        new("GET", "api/v1/cycles/{id:guid}/template", o => $"/api/v1/cycles/{o.Cycle.Id}/template", "401", "200", "200", "200", "200"),
        new("PUT", "api/v1/cycles/{id:guid}/template", o => $"/api/v1/cycles/{o.Cycle.Id}/template", "401", "403", "403", "200", "200",
            _ => JsonContent.Create(new[] { new { key = "summary", title = "Summary", instructions = "One page.", kind = "Narrative", required = true } })),
        new("PATCH", "api/v1/cycles/{id:guid}", o => $"/api/v1/cycles/{o.Cycle.Id}", "401", "403", "403", "428", "428",
            _ => JsonContent.Create(new { name = "Renamed" })),
        new("GET", "api/v1/plans/", o => $"/api/v1/plans?cycle={o.Cycle.Id}", "401", "200", "200", "200", "200"),
        new("GET", "api/v1/plans/{id:guid}", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}", "401", "404", "404", "200", "200"),
        new("GET", "api/v1/plans/{id:guid}/history", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/history", "401", "404", "404", "200", "200"),
        new("POST", "api/v1/plans/{id:guid}/submit", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/submit", "401", "404", "404", "403", "403"),
        new("POST", "api/v1/plans/{id:guid}/request-changes", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/request-changes", "401", "404", "404", "409", "403",
            _ => JsonContent.Create(new { comment = "More detail" })),
        new("POST", "api/v1/plans/{id:guid}/approve", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/approve", "401", "404", "404", "409", "403"),
        new("POST", "api/v1/plans/{id:guid}/amend", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/amend", "401", "404", "404", "403", "403"),
        // Reps and admins never extend; another team's manager does not see the plan; the leader may, but needs If-Match.
        new("POST", "api/v1/plans/{id:guid}/extensions", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/extensions", "401", "403", "404", "428", "403",
            _ => JsonContent.Create(new { deadline = "Draft", days = 1, reason = "Leave" })),
        new("GET", "api/v1/plans/{id:guid}/sections/{key}", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/sections/summary", "401", "404", "404", "200", "200"),
        // The leader reviews rep3's plan and so may refine it, but only once it is submitted (ADR 0033): a draft is 409.
        new("PUT", "api/v1/plans/{id:guid}/sections/{key}", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/sections/summary", "401", "404", "404", "409", "403",
            _ => JsonContent.Create(new { text = "Edited" })),
        new("PATCH", "api/v1/plans/{id:guid}/sections/{key}", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/sections/summary", "401", "404", "404", "409", "403",
            _ => JsonContent.Create(new { text = "Edited" })),
        new("GET", "api/v1/plans/{id:guid}/proposals", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/proposals", "401", "404", "404", "200", "200"),
        // Reviewers propose (reps and admins never); another team's manager does not see the plan; the leader meets its draft state.
        new("POST", "api/v1/plans/{id:guid}/sections/{key}/proposals", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/sections/summary/proposals",
            "401", "403", "404", "409", "403", _ => JsonContent.Create(new { content = new { text = "Proposed" } })),
        // Only the plan's owner decides on a proposal: another rep does not see the plan, everyone else may not decide.
        new("POST", "api/v1/plans/{id:guid}/proposals/{proposalId:guid}/accept", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/proposals/{Guid.Empty}/accept",
            "401", "404", "403", "403", "403"),
        new("POST", "api/v1/plans/{id:guid}/proposals/{proposalId:guid}/reject", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/proposals/{Guid.Empty}/reject",
            "401", "404", "403", "403", "403", _ => JsonContent.Create(new { reason = "No" })),
        new("GET", "api/v1/plans/{id:guid}/comments", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/comments", "401", "404", "404", "200", "200"),
        new("POST", "api/v1/plans/{id:guid}/comments", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/comments", "401", "404", "404", "201", "403",
            _ => JsonContent.Create(new { sectionKey = "summary", body = "Which competitor?" })),
        new("GET", "api/v1/plans/{id:guid}/versions", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/versions", "401", "404", "404", "200", "200"),
        new("GET", "api/v1/plans/{id:guid}/versions/{number:int}", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/versions/1", "401", "404", "404", "404", "404"),
        new("GET", "api/v1/plans/{id:guid}/versions/{number}/compare/{other}", o => $"/api/v1/plans/{o.PlanOf[o.Rep3.Id].Id}/versions/current/compare/current", "401", "404", "404", "200", "200"),
        new("GET", "api/v1/quotas/", o => $"/api/v1/quotas?cycle={o.Cycle.Id}", "401", "200", "200", "200", "200"),
        new("PUT", "api/v1/quotas/", _ => "/api/v1/quotas", "401", "403", "404", "200", "403",
            o => JsonContent.Create(new { cycleId = o.Cycle.Id, repId = o.Rep3.Id, quarters = new[] { 1, 1, 1, 1 } })),
        new("GET", "api/v1/cycles/{cycleId:guid}/quotas/", o => $"/api/v1/cycles/{o.Cycle.Id}/quotas", "401", "200", "200", "200", "200"),
        // The row above has set rep3's quota: the leader, who may, is told the version 0 they claim is stale.
        new("PUT", "api/v1/cycles/{cycleId:guid}/quotas/", o => $"/api/v1/cycles/{o.Cycle.Id}/quotas", "401", "403", "404", "409", "403",
            o => JsonContent.Create(new { rows = new[] { new { repId = o.Rep3.Id, version = 0, q1 = 1, q2 = 1, q3 = 1, q4 = 1 } } })),
        new("GET", "api/v1/cycles/{cycleId:guid}/quotas/csv", o => $"/api/v1/cycles/{o.Cycle.Id}/quotas/csv", "401", "200", "200", "200", "200"),
        // Rep3 is not in manager1's team: the file's row is refused by line (422), never applied.
        new("POST", "api/v1/cycles/{cycleId:guid}/quotas/import", o => $"/api/v1/cycles/{o.Cycle.Id}/quotas/import", "401", "403", "422", "200", "403",
            _ => new StringContent("email,q1,q2,q3,q4\nrep3@test.terrain,1,1,1,1\n", Encoding.UTF8, "text/csv")),
        new("GET", "api/v1/cycles/{cycleId:guid}/quotas/{repId:guid}/history", o => $"/api/v1/cycles/{o.Cycle.Id}/quotas/{o.Rep3.Id}/history", "401", "404", "404", "200", "200"),
        new("GET", "api/v1/exchange-rates/", _ => "/api/v1/exchange-rates", "401", "200", "200", "200", "200"),
        new("PUT", "api/v1/exchange-rates/{currency}/{validFrom}", _ => "/api/v1/exchange-rates/EUR/2027-01-01", "401", "403", "403", "403", "201",
            _ => JsonContent.Create(new { rate = 1.08m })),
        new("DELETE", "api/v1/exchange-rates/{currency}/{validFrom}", _ => "/api/v1/exchange-rates/GBP/2027-01-01", "401", "403", "403", "403", "404"),
        new("POST", "api/v1/exchange-rates/import", _ => "/api/v1/exchange-rates/import", "401", "403", "403", "403", "200",
            _ => new StringContent("currency,validFrom,rate\nCHF,2027-01-01,1.12\n", Encoding.UTF8, "text/csv")),
        new("GET", "api/v1/notifications/", _ => "/api/v1/notifications", "401", "200", "200", "200", "200"),
        new("POST", "api/v1/notifications/{id:long}/read", _ => "/api/v1/notifications/999999/read", "401", "404", "404", "404", "404"),
        new("POST", "api/v1/notifications/{id:long}/dismiss", _ => "/api/v1/notifications/999999/dismiss", "401", "404", "404", "404", "404"),
        new("POST", "api/v1/notifications/read", _ => "/api/v1/notifications/read", "401", "200", "200", "200", "200"),
        Page("Notifications", "/Notifications", "200", "200", "200", "200"),
        new("POST", "api/v1/imports/{kind}", _ => "/api/v1/imports/accounts", "401", "403", "403", "403", "202",
            _ => new StringContent("external_id,name,potential\nNEW-1,New Account,1000\n", Encoding.UTF8, "text/csv")),
        new("GET", "api/v1/imports/jobs", _ => "/api/v1/imports/jobs", "401", "403", "403", "403", "200"),
        new("GET", "api/v1/imports/jobs/{id:guid}", _ => $"/api/v1/imports/jobs/{Guid.Empty}", "401", "403", "403", "403", "404"),
    ];

    // Last, because signing out ends the session that the rows before it use.
    private static readonly Row[] SessionEndRows =
    [
        new("POST", "api/v1/auth/logout", _ => "/api/v1/auth/logout", "401", "204", "204", "204", "204"),
    ];

    // Each part of the strategy roll-out keeps its rows in its own file (AuthorizationTableTests.*.cs).
    // A part runs on a database of its own, so rows that build on another part's rows share its part: the teams'
    // quota rows need the allocation that the quota allocation rows draft.
    private static readonly Row[][] Parts = [CoreRows, StrategyDocumentRows, WorkshopRows, BuyInRows, AlignmentRows, PerformanceRows, ActualsRows, DashboardRows, ReviewRows, InvitationRows, [.. QuotaAllocationRows, .. TerritoryRows, .. TeamsAndPlacementRows], ScenarioRows, SessionEndRows];

    private static readonly Row[] Table = [.. Parts.SelectMany(p => p)];

    private static int _cycles;

    private static JsonContent NewCycle() => JsonContent.Create(new
    {
        name = $"Table cycle {Interlocked.Increment(ref _cycles)}",
        periodStart = "2028-01-01",
        periodEnd = "2028-12-31",
        kickoff = "2027-12-01",
        draftDue = "2027-12-10",
    });

    /// <summary>The paths of every page in the table (for walks over all pages, such as the antiforgery check).</summary>
    internal static IEnumerable<string> PagePaths(TestOrg org) => Table
        .Where(r => r.Method == "GET" && !r.Pattern.StartsWith("api/", StringComparison.Ordinal) && !r.Pattern.StartsWith("openapi", StringComparison.Ordinal) && r.Pattern != "health")
        .Select(r => r.Path(org))
        .Distinct(StringComparer.Ordinal);

    [Fact]
    public async Task Every_endpoint_has_a_row()
    {
        var app = await TestApp.StartAsync(Db.Sqlite);
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Method: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is [var m, ..] ? m : "GET", Pattern: e.RoutePattern.RawText ?? ""))
            .Select(e => (e.Method, Pattern: e.Pattern.TrimStart('/')))
            .ToList();

        var missing = endpoints.Where(e => !Table.Any(r => r.Method == e.Method && r.Pattern == e.Pattern)).ToList();
        var stale = Table.Where(r => !endpoints.Any(e => e.Method == r.Method && e.Pattern == r.Pattern)).ToList();

        Assert.True(missing.Count == 0, "Endpoints without an authorization row: " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, "Rows for endpoints that no longer exist: " + string.Join(", ", stale.Select(r => $"{r.Method} {r.Pattern}")));
    }

    /// <summary>
    /// Each part of the table runs on an app and a database of its own, a few parts at once: the table is the
    /// suite's longest test, and one app walking every row for every role kept one core busy long after the rest of
    /// the suite had finished. Within a part the rows still run in order, every role after the one before.
    /// </summary>
    [Theory, BothDatabases]
    public async Task Every_role_gets_the_expected_answer_from_every_endpoint(Db db)
    {
        using var gate = new SemaphoreSlim(3);
        var failures = await Task.WhenAll(Parts.Select(async rows =>
        {
            await gate.WaitAsync(TestContext.Current.CancellationToken);
            try
            {
                return await WalkAsync(await TestApp.StartAsync(db), rows);
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.True(failures.All(f => f.Count == 0), string.Join(Environment.NewLine, failures.SelectMany(f => f)));
    }

    private static async Task<List<string>> WalkAsync(TestApp app, Row[] rows)
    {
        var emails = new Dictionary<string, string>
        {
            ["rep"] = app.Org.Rep1.Email!,
            ["manager"] = app.Org.Manager1.Email!,
            ["leader"] = app.Org.Leader.Email!,
            ["admin"] = app.Org.Admin.Email!,
        };
        var failures = new List<string>();
        foreach (var role in Roles)
        {
            var cookie = role == "anonymous" ? app.Anonymous() : await app.BrowserAsAsync(emails[role]);
            var bearer = role == "anonymous" ? app.Anonymous() : await app.ApiAsAsync(emails[role]);
            foreach (var row in rows)
            {
                var isApi = row.Pattern.StartsWith("api/v1", StringComparison.Ordinal) || row.Pattern.StartsWith("openapi", StringComparison.Ordinal);
                var client = isApi ? bearer : cookie;
                using var request = new HttpRequestMessage(new HttpMethod(row.Method), row.Path(app.Org)) { Content = row.Body?.Invoke(app.Org) };
                using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
                var actual = Describe(response);
                if (actual != row.Expected(role))
                {
                    var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                    failures.Add($"{role,-9} {row.Method} {row.Path(app.Org)}: expected {row.Expected(role)}, got {actual} {body[..Math.Min(body.Length, 300)]}");
                }
            }
        }

        return failures;
    }

    private static string Describe(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var location = response.Headers.Location?.OriginalString ?? "";
        return location switch
        {
            _ when location.Contains("/Auth/Login", StringComparison.Ordinal) => "login",
            _ when location.Contains("/Auth/Denied", StringComparison.Ordinal) => "denied",
            "/" => "home",
            _ => $"302 {location}",
        };
    }
}
