// Compiled at test time (GeneratedClientTests) with the client Kiota generates from the running app's OpenAPI
// document: only the generated types and the Kiota libraries, no hand-written models, no raw HTTP.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Terrain.Client;
using Terrain.Client.Models;
using Xunit;

namespace Terrain.ClientJourneys;

public static class Journeys
{
    public static async Task RunAsync(HttpClient http, string password, CancellationToken ct)
    {
        var rep = await SignInAsync(http, "rep1@test.terrain", password, ct);
        var manager = await SignInAsync(http, "manager1@test.terrain", password, ct);
        var leader = await SignInAsync(http, "leader@test.terrain", password, ct);
        var admin = await SignInAsync(http, "admin@test.terrain", password, ct);

        var me = await rep.Api.V1.Me.GetAsync(cancellationToken: ct);
        Assert.Equal(Role.Rep, me!.Role);

        var planId = await ReadAndSaveASectionAsync(rep, ct);
        await ReviewAsync(rep, manager, planId, ct);
        await ReadVersionsAsync(rep, planId, ct);
        await ImportAccountsAsync(admin, ct);
        await ReadTheReadinessBoardAsync(leader, ct);
        await RefusalsArriveAsTypedProblemsAsync(rep, planId, ct);
    }

    private static async Task<TerrainClient> SignInAsync(HttpClient http, string email, string password, CancellationToken ct)
    {
        var anonymous = Client(http, new AnonymousAuthenticationProvider());
        var token = await anonymous.Api.V1.Auth.Login.PostAsync(new LoginRequest { Email = email, Password = password }, cancellationToken: ct);
        Assert.Equal("Bearer", token!.TokenType);
        return Client(http, new BaseBearerTokenAuthenticationProvider(new Token(token.AccessToken!)));
    }

    private static TerrainClient Client(HttpClient http, IAuthenticationProvider authentication) =>
        new(new HttpClientRequestAdapter(authentication, httpClient: http) { BaseUrl = http.BaseAddress!.ToString().TrimEnd('/') });

    /// <summary>Every section reads as the shape of its kind; the risks section is read, changed and saved typed.</summary>
    private static async Task<Guid> ReadAndSaveASectionAsync(TerrainClient rep, CancellationToken ct)
    {
        var plans = await rep.Api.V1.Plans.GetAsync(cancellationToken: ct);
        var row = Assert.Single(plans!);
        Assert.Equal(PlanStatus.Draft, row.Status);
        var plan = await rep.Api.V1.Plans[row.Id!.Value].GetAsync(cancellationToken: ct);
        Assert.Equal(PlanStatus.Draft, plan!.Status);
        Assert.All(plan.Sections!, s => Assert.NotEqual(typeof(SectionDetail), s.GetType()));
        Assert.Equal(
            plan.Sections!.Select(s => s.Kind!.Value.ToString()),
            plan.Sections!.Select(s => s.GetType().Name.Replace("SectionDetail", "", StringComparison.Ordinal)));
        var goals = plan.Sections!.OfType<GoalsSectionDetail>().First();
        Assert.Contains(goals.Content!.Goals!, g => g.Metric == GoalMetric.Revenue && g.Targets!.All(t => t == 50_000));

        var risksKey = plan.Sections!.OfType<RisksSectionDetail>().Single().Key!;
        var risks = Assert.IsType<RisksSectionDetail>(await rep.Api.V1.Plans[row.Id.Value].Sections[risksKey].GetAsync(cancellationToken: ct));
        var items = risks.Content!.Items!;
        Assert.Equal(RiskLevel.High, items[0].Impact);
        items.Add(new RiskItem { Risk = "A new competitor enters the north", Likelihood = RiskLevel.Medium, Impact = RiskLevel.Medium, Mitigation = "Reference calls" });

        var saved = await rep.Api.V1.Plans[row.Id.Value].Sections[risksKey].PutAsync(
            new SectionContent { RisksContent = new RisksContent { Items = items } },
            c => c.Headers.Add("If-Match", $"\"{risks.Version}\""), ct);

        // The same version again is stale now: 409, with the section as it is now among the problem's extensions.
        var stale = await Assert.ThrowsAsync<ProblemDetails>(() => rep.Api.V1.Plans[row.Id.Value].Sections[risksKey].PutAsync(
            new SectionContent { RisksContent = new RisksContent { Items = [] } }, c => c.Headers.Add("If-Match", $"\"{risks.Version}\""), ct));
        Assert.Equal(409, stale.ResponseStatusCode);
        Assert.Equal("The section has changed", stale.Title);
        Assert.Contains("current", stale.AdditionalData.Keys);

        // A prospect to contact before the plan period: 422, naming the field.
        var prospecting = plan.Sections!.OfType<ProspectingPlanSectionDetail>().Single();
        var early = await Assert.ThrowsAsync<HttpValidationProblemDetails>(() => rep.Api.V1.Plans[row.Id.Value].Sections[prospecting.Key!].PatchAsync(
            new SectionContent { ProspectingContent = new ProspectingContent { Prospects = [new Prospect { Company = "Early Ltd", ContactBy = new Date(2000, 1, 3) }] } },
            c => c.Headers.Add("If-Match", $"\"{prospecting.Version}\""), ct));
        Assert.Equal(422, early.ResponseStatusCode);
        Assert.Contains("prospects[0].contactBy", early.Errors!.AdditionalData.Keys);

        var savedRisks = Assert.IsType<RisksSectionDetail>(saved);
        Assert.NotEqual(risks.Version, savedRisks.Version);
        Assert.Equal(2, savedRisks.Content!.Items!.Count);
        Assert.Equal(RiskLevel.Medium, savedRisks.Content.Items[1].Likelihood);
        return row.Id.Value;
    }

    /// <summary>Submit, changes requested, resubmit, approve: each answer is the plan with its new status.</summary>
    private static async Task ReviewAsync(TerrainClient rep, TerrainClient manager, Guid planId, CancellationToken ct)
    {
        var submitted = await rep.Api.V1.Plans[planId].Submit.PostAsync(new ReviewInput(), cancellationToken: ct);
        Assert.Equal(PlanStatus.Submitted, submitted!.Status);

        var sentBack = await manager.Api.V1.Plans[planId].RequestChanges.PostAsync(new ReviewInput { Comment = "Add a risk for the south." }, cancellationToken: ct);
        Assert.Equal(PlanStatus.ChangesRequested, sentBack!.Status);

        var resubmitted = await rep.Api.V1.Plans[planId].Submit.PostAsync(new ReviewInput(), cancellationToken: ct);
        Assert.Equal(PlanStatus.Submitted, resubmitted!.Status);

        var approved = await manager.Api.V1.Plans[planId].Approve.PostAsync(new ReviewInput(), cancellationToken: ct);
        Assert.Equal(PlanStatus.Approved, approved!.Status);
        Assert.Equal(approved.WorkingVersion, approved.ApprovedVersion);
    }

    /// <summary>A stored version by number, and two versions compared (a number or 'current'): no parameter clash.</summary>
    private static async Task ReadVersionsAsync(TerrainClient rep, Guid planId, CancellationToken ct)
    {
        var versions = await rep.Api.V1.Plans[planId].Versions.GetAsync(cancellationToken: ct);
        Assert.Equal([1, 2], versions!.Select(v => v.Number!.Value));

        var first = await rep.Api.V1.Plans[planId].Versions["1"].GetAsync(cancellationToken: ct);
        var risks = first!.Sections!.OfType<RisksVersionSection>().Single();
        Assert.Equal(2, risks.Content!.Items!.Count);

        var comparison = await rep.Api.V1.Plans[planId].Versions["current"].Compare["1"].GetAsync(cancellationToken: ct);
        Assert.NotNull(comparison);
    }

    /// <summary>Accounts from CSV, uploaded as the multipart form the document describes.</summary>
    private static async Task ImportAccountsAsync(TerrainClient admin, CancellationToken ct)
    {
        const string csv = "External ID,Name,Industry,Segment,Region,Postal Code,Latitude,Longitude,Potential,Owner Email\n"
                           + "KIOTA-1,Kiota Traders,Retail,Mid-Market,North,10115,52.52,13.405,120000.50,rep1@test.terrain\n";
        var body = new MultipartBody();
        body.AddOrReplacePart("file", "text/csv", new MemoryStream(Encoding.UTF8.GetBytes(csv)), "accounts.csv");

        // Imports run as jobs; Prefer: wait asks for the report in the answer, as a synchronous client expects.
        var report = await admin.Api.V1.Imports["accounts"].PostAsync(body, c => c.Headers.Add("Prefer", "wait=60"), ct);

        Assert.True(report!.Succeeded);
        Assert.Equal(ImportKind.Accounts, report.Kind);
        Assert.Equal(1, report.Created);
        var accounts = await admin.Api.V1.Accounts.GetAsync(c => c.QueryParameters.Q = "Kiota", ct);
        var account = Assert.Single(accounts!.Items!);
        Assert.Equal(120000.50m, account.AnnualPotential);
    }

    private static async Task ReadTheReadinessBoardAsync(TerrainClient leader, CancellationToken ct)
    {
        var strategies = await leader.Api.V1.Strategies.GetAsync(c => c.QueryParameters.Status = StrategyStatus.Published, ct);
        var strategy = Assert.Single(strategies!);
        Assert.Equal(StrategyStatus.Published, strategy.Status);

        var board = await leader.Api.V1.Strategies[strategy.Id!.Value].Readiness.GetAsync(cancellationToken: ct);

        Assert.Equal(StrategyStatus.Published, board!.Status);
        Assert.Equal(board.Rows!.Count, board.Totals!.Reps);
        Assert.Contains(board.Rows!, r => r.Email == "rep1@test.terrain");
    }

    /// <summary>Refusals arrive as the problem types the document names, with their fields readable.</summary>
    private static async Task RefusalsArriveAsTypedProblemsAsync(TerrainClient rep, Guid planId, CancellationToken ct)
    {
        // The plan is approved: the rep may not approve it (403), nor submit it again (409).
        var conflict = await Assert.ThrowsAsync<ProblemDetails>(() => rep.Api.V1.Plans[planId].Submit.PostAsync(new ReviewInput(), cancellationToken: ct));
        Assert.Equal(409, conflict.ResponseStatusCode);
        Assert.Equal(409, conflict.Status);
        Assert.False(string.IsNullOrEmpty(conflict.Detail));

        var forbidden = await Assert.ThrowsAsync<ProblemDetails>(() => rep.Api.V1.Plans[planId].Approve.PostAsync(new ReviewInput(), cancellationToken: ct));
        Assert.Equal(403, forbidden.ResponseStatusCode);

        // A comment on a section the plan does not have: a validation problem naming the field.
        var invalid = await Assert.ThrowsAsync<HttpValidationProblemDetails>(() =>
            rep.Api.V1.Plans[planId].Comments.PostAsync(new CommentInput { SectionKey = "no-such-section", Body = "?" }, cancellationToken: ct));
        Assert.Equal(422, invalid.ResponseStatusCode);
        Assert.Contains("sectionKey", invalid.Errors!.AdditionalData.Keys);

        var missing = await Assert.ThrowsAsync<ProblemDetails>(() => rep.Api.V1.Plans[Guid.NewGuid()].GetAsync(cancellationToken: ct));
        Assert.Equal(404, missing.ResponseStatusCode);
    }

    private sealed class Token(string accessToken) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new();

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null,
            CancellationToken cancellationToken = default) => Task.FromResult(accessToken);
    }
}
