using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Tests.Features.Plans;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Planning;

/// <summary>A cycle executes a strategy: the acknowledgement gate, goals linked to objectives, target segments marked.</summary>
public sealed class StrategyTieInTests
{
    private const string Gate = "Acknowledge the FY2027 sales strategy before you submit.";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    private static async Task<HttpResponseMessage> PatchCycleAsync(TestApp app, HttpClient client, object body)
    {
        var url = $"/api/v1/cycles/{app.Org.Cycle.Id}";
        var etag = (await client.GetAsync(url, Ct)).Headers.ETag!.ToString();
        var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(request, Ct);
    }

    private static async Task<HttpResponseMessage> PutGoalsAsync(HttpClient client, Guid plan, params object[] goals)
    {
        var url = $"/api/v1/plans/{plan}/sections/targets";
        var etag = (await client.GetAsync(url, Ct)).Headers.ETag!.ToString();
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(new { goals }) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(request, Ct);
    }

    private static Task<Strategy> AddStrategyAsync(TestApp app, string name, bool publish) => app.WithDbAsync(async d =>
    {
        var actor = new Actor(app.Org.Leader.Id, Role.Leader);
        var now = app.Clock.GetUtcNow();
        var strategy = publish
            ? StrategyBuilder.Published(app.Org.Leader, now, name)
            : Strategy.Draft(actor, name, new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31), StrategyBuilder.Content(), now);
        d.Strategies.Add(strategy);
        await d.SaveChangesAsync(Ct);
        return strategy;
    });

    private static Task TurnTheGateOnAsync(TestApp app) => app.WithDbAsync(async d =>
    {
        var cycle = await d.Cycles.SingleAsync(c => c.Id == app.Org.Cycle.Id, Ct);
        cycle.Execute(app.Org.Strategy.Id, requireAcknowledgement: true);
        return await d.SaveChangesAsync(Ct);
    });

    /// <summary>The rep acknowledges through the domain, as the acknowledge endpoint does (the TestOrg check counts as passed).</summary>
    private static Task AcknowledgeAsync(TestApp app, AppUser rep) => app.WithDbAsync(async d =>
    {
        var strategy = await d.Strategies.SingleAsync(s => s.Id == app.Org.Strategy.Id, Ct);
        d.Acknowledgements.Add(StrategyAcknowledgement.Give(strategy, new Actor(rep.Id, Role.Rep), null, alreadyAcknowledged: false,
            hasCheck: true, passedCheck: true, app.Clock.GetUtcNow()));
        return await d.SaveChangesAsync(Ct);
    });

    private static async Task<IHtmlDocument> PageAsync(HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.GetAsync(url, Ct);
        Assert.Equal(expected, response.StatusCode);
        return await PlanPageClient.ParseAsync(response);
    }

    private static string Text(IElement? element) => PlanPageClient.Text(element);

    [Theory, BothDatabases]
    public async Task A_leader_ties_a_cycle_to_a_published_strategy_only_and_the_change_is_audited(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var draft = await AddStrategyAsync(app, "FY2028 draft strategy", publish: false);
        var other = await AddStrategyAsync(app, "FY2027 services strategy", publish: true);

        var refusals = new[]
        {
            (await PatchCycleAsync(app, leader, new { strategyId = draft.Id }), "strategyId"),
            (await PatchCycleAsync(app, leader, new { strategyId = Guid.NewGuid() }), "strategyId"),
            (await PatchCycleAsync(app, leader, new { strategyId = (Guid?)null, requireAcknowledgement = true }), "requireAcknowledgement"),
        };
        foreach (var (response, field) in refusals)
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.True((await JsonAsync(response)).GetProperty("errors").TryGetProperty(field, out _), field);
        }

        Assert.Equal(app.Org.Strategy.Id, await app.WithDbAsync(d => d.Cycles.Where(c => c.Id == app.Org.Cycle.Id).Select(c => c.StrategyId).SingleAsync(Ct)));

        var tied = await PatchCycleAsync(app, leader, new { strategyId = other.Id, requireAcknowledgement = true });
        var cycle = await JsonAsync(tied);
        Assert.Equal(HttpStatusCode.OK, tied.StatusCode);
        Assert.Equal(other.Id, cycle.GetProperty("strategyId").GetGuid());
        Assert.Equal("FY2027 services strategy", cycle.GetProperty("strategyName").GetString());
        Assert.True(cycle.GetProperty("requireAcknowledgement").GetBoolean());

        var renamed = await JsonAsync(await PatchCycleAsync(app, leader, new { name = "FY2027 plans" }));
        Assert.Equal(other.Id, renamed.GetProperty("strategyId").GetGuid());
        Assert.True(renamed.GetProperty("requireAcknowledgement").GetBoolean());

        var untied = await JsonAsync(await PatchCycleAsync(app, leader, new { strategyId = (Guid?)null }));
        Assert.Equal(JsonValueKind.Null, untied.GetProperty("strategyId").ValueKind);
        Assert.Equal(JsonValueKind.Null, untied.GetProperty("strategyName").ValueKind);
        Assert.False(untied.GetProperty("requireAcknowledgement").GetBoolean());

        var audit = await app.WithDbAsync(d => d.AuditEntries.Where(a => a.EntityId == app.Org.Cycle.Id.ToString()).OrderBy(a => a.Id)
            .Select(a => a.Action).ToListAsync(Ct));
        Assert.Equal(["cycle.strategy-set", "cycle.updated", "cycle.strategy-set"], audit);
    }

    [Theory, BothDatabases]
    public async Task A_new_cycle_can_execute_a_published_strategy_from_the_start(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var draft = await AddStrategyAsync(app, "FY2028 draft strategy", publish: false);
        object Cycle(string name, Guid? strategyId) => new
        {
            name,
            periodStart = "2028-01-01",
            periodEnd = "2028-12-31",
            kickoff = "2027-12-01",
            draftDue = "2027-12-10",
            strategyId,
            requireAcknowledgement = true,
        };

        var refused = await leader.PostAsJsonAsync("/api/v1/cycles", Cycle("FY2028", draft.Id), Ct);
        var opened = await leader.PostAsJsonAsync("/api/v1/cycles", Cycle("FY2028", app.Org.Strategy.Id), Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.True((await JsonAsync(refused)).GetProperty("errors").TryGetProperty("strategyId", out _));
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var cycle = await JsonAsync(opened);
        Assert.Equal(app.Org.Strategy.Id, cycle.GetProperty("strategyId").GetGuid());
        Assert.True(cycle.GetProperty("requireAcknowledgement").GetBoolean());
    }

    [Theory, BothDatabases]
    public async Task A_rep_who_has_not_acknowledged_is_refused_with_the_reason_and_submits_after_acknowledging(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await TurnTheGateOnAsync(app);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var plan = app.Org.PlanOf[app.Org.Rep1.Id].Id;

        var detail = await rep.GetFromJsonAsync<JsonElement>($"/api/v1/plans/{plan}", Ct);
        var refused = await rep.PostAsync($"/api/v1/plans/{plan}/submit", null, Ct);

        var blocking = detail.GetProperty("checks").GetProperty("blocking").EnumerateArray().ToList();
        Assert.Equal("strategy-not-acknowledged", Assert.Single(blocking).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = await JsonAsync(refused);
        Assert.Contains(Gate, problem.GetProperty("errors").GetProperty("sections")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(PlanStatus.Draft, await app.WithDbAsync(d => d.Plans.Where(p => p.Id == plan).Select(p => p.Status).SingleAsync(Ct)));

        await AcknowledgeAsync(app, app.Org.Rep1);
        var submitted = await rep.PostAsync($"/api/v1/plans/{plan}/submit", null, Ct);

        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        Assert.Equal("Submitted", (await JsonAsync(submitted)).GetProperty("status").GetString());
    }

    [Theory, BothDatabases]
    public async Task Without_the_gate_a_rep_submits_without_acknowledging(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep2@test.terrain");

        var submitted = await rep.PostAsync($"/api/v1/plans/{app.Org.PlanOf[app.Org.Rep2.Id].Id}/submit", null, Ct);

        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
    }

    [Theory, BothDatabases]
    public async Task The_plan_page_says_why_submitting_is_blocked_and_links_to_the_strategy(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await TurnTheGateOnAsync(app);
        var rep = new PlanPageClient(await app.BrowserAsAsync("rep1@test.terrain"));
        var url = $"/Plans/{app.Org.PlanOf[app.Org.Rep1.Id].Id}";

        var page = await rep.GetAsync(url);

        var form = page.QuerySelector<IHtmlFormElement>("form[action*='handler=Submit']")!;
        Assert.True(form.QuerySelector<IHtmlButtonElement>("button")!.IsDisabled);
        Assert.Contains("acknowledge the FY2027 sales strategy first", Text(page.QuerySelector("#submit-blocked")), StringComparison.Ordinal);
        var link = page.QuerySelector($"ul.blocking a[href='/Strategies/{app.Org.Strategy.Id}']");
        Assert.Equal(Gate, Text(link));
        Assert.Contains("Not acknowledged yet", Text(page.QuerySelector(".plan-facts")), StringComparison.Ordinal);

        var refused = await rep.SubmitAsync(form);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var again = await PlanPageClient.ParseAsync(refused);
        Assert.NotNull(again.QuerySelector($"#action-error a[href='/Strategies/{app.Org.Strategy.Id}']"));
        Assert.Contains(Gate, Text(again.QuerySelector("#action-error")), StringComparison.Ordinal);

        await AcknowledgeAsync(app, app.Org.Rep1);
        var ready = await rep.GetAsync(url);
        Assert.False(ready.QuerySelector<IHtmlFormElement>("form[action*='handler=Submit']")!.QuerySelector<IHtmlButtonElement>("button")!.IsDisabled);
        Assert.Contains("acknowledged", Text(ready.QuerySelector(".plan-facts")), StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task A_goal_saved_through_the_api_links_to_an_objective_with_its_metric_only(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var plan = app.Org.PlanOf[app.Org.Rep1.Id].Id;

        var wrong = await PutGoalsAsync(rep, plan,
            new { id = "revenue", metric = "Revenue", name = "Revenue", objectiveId = StrategyBuilder.RevenueObjective, targets = new[] { 1, 1, 1, 1 } },
            new { id = "meetings", metric = "Activity", name = "Meetings", objectiveId = StrategyBuilder.LogosObjective, targets = new[] { 1, 1, 1, 1 } });
        var unknown = await PutGoalsAsync(rep, plan,
            new { id = "revenue", metric = "Revenue", name = "Revenue", objectiveId = "obj-nothing", targets = new[] { 1, 1, 1, 1 } });
        var saved = await PutGoalsAsync(rep, plan,
            new { id = "revenue", metric = "Revenue", name = "Revenue", objectiveId = StrategyBuilder.RevenueObjective, targets = new[] { 1, 1, 1, 1 } },
            new { id = "logos", metric = "NewLogos", name = "New logos", objectiveId = StrategyBuilder.LogosObjective, targets = new[] { 1, 1, 1, 1 } });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        var error = (await JsonAsync(wrong)).GetProperty("errors").GetProperty("goals[1].objectiveId")[0].GetString();
        Assert.Contains("counts Activity; the objective 'New logos' counts New logos", error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.True((await JsonAsync(unknown)).GetProperty("errors").TryGetProperty("goals[0].objectiveId", out _));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var goals = (await JsonAsync(saved)).GetProperty("content").GetProperty("goals");
        Assert.Equal([StrategyBuilder.RevenueObjective, StrategyBuilder.LogosObjective], goals.EnumerateArray().Select(g => g.GetProperty("objectiveId").GetString()));
    }

    [Theory, BothDatabases]
    public async Task The_goals_editor_offers_the_objectives_saves_the_link_and_the_plan_shows_it(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = new PlanPageClient(await app.BrowserAsAsync("rep1@test.terrain"));
        var plan = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        var editUrl = $"/Plans/{plan}/Edit/targets";

        var page = await rep.GetAsync(editUrl);

        var select = page.QuerySelector<IHtmlSelectElement>("select[name='c.Goals[0].ObjectiveId']")!;
        Assert.Equal(["", StrategyBuilder.RevenueObjective, StrategyBuilder.LogosObjective], select.Options.Select(o => o.Value));
        Assert.Equal(["— no objective —", "Revenue from manufacturers (Revenue)", "New logos (New logos)"], select.Options.Select(o => Text(o)));
        Assert.Equal("", select.Value);
        Assert.Contains("Link each goal to the objective of the FY2027 sales strategy", Text(page.QuerySelector("#goals-hint")), StringComparison.Ordinal);

        var wrong = await rep.SubmitAsync(PlanPageClient.Editor(page),
            new Dictionary<string, string> { ["c.Goals[1].ObjectiveId"] = StrategyBuilder.RevenueObjective });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        var refused = await PlanPageClient.ParseAsync(wrong);
        Assert.Equal("true", refused.QuerySelector("select[name='c.Goals[1].ObjectiveId']")!.GetAttribute("aria-invalid"));
        Assert.Contains("counts Activity", Text(refused.QuerySelector("#f-goals-1-objectiveid-error")), StringComparison.Ordinal);

        var saved = await rep.SubmitAsync(PlanPageClient.Editor(page),
            new Dictionary<string, string> { ["c.Goals[0].ObjectiveId"] = StrategyBuilder.RevenueObjective });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var stored = await app.WithDbAsync(d => d.PlanSections.Where(s => s.PlanId == plan && s.Key == "targets").Select(s => s.Content).SingleAsync(Ct));
        var goals = ((GoalsContent)SectionContents.Read(SectionKind.Goals, stored)).Goals;
        Assert.Equal([StrategyBuilder.RevenueObjective, null], goals.Select(g => g.ObjectiveId));

        var reopened = await rep.GetAsync(editUrl);
        Assert.Equal(StrategyBuilder.RevenueObjective, reopened.QuerySelector<IHtmlSelectElement>("select[name='c.Goals[0].ObjectiveId']")!.Value);
        var view = await rep.GetAsync($"/Plans/{plan}");
        var objectives = view.QuerySelectorAll("#section-targets .sv-objective").Select(Text).ToList();
        Assert.Equal(["Objective: Revenue from manufacturers", "No objective"], objectives);
        var print = await rep.GetAsync($"/Plans/{plan}/Print");
        Assert.Contains("Objective: Revenue from manufacturers", Text(print.QuerySelector("main")), StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task Accounts_in_a_target_segment_are_marked_in_the_segmentation_editor_and_the_plan(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = new PlanPageClient(await app.BrowserAsAsync("rep3@test.terrain"));
        var plan = app.Org.PlanOf[app.Org.Rep3.Id].Id;

        var editor = await rep.GetAsync($"/Plans/{plan}/Edit/account-segmentation");
        var view = await rep.GetAsync($"/Plans/{plan}");

        string? MarkOf(IHtmlDocument page, string rowSelector, string account) =>
            page.QuerySelectorAll(rowSelector).Where(r => Text(r).Contains(account, StringComparison.Ordinal))
                .Select(r => r.QuerySelector(".badge.status-approved")).Select(b => b is null ? null : Text(b)).Single();

        // Zeta Bank (potential 200,000) matches the manufacturer segment's criteria; Eta Software (10,000) is below its minimum.
        Assert.Equal("Target: Mid-market manufacturers", MarkOf(editor, "#segmentation-table tbody tr", "Zeta Bank"));
        Assert.Null(MarkOf(editor, "#segmentation-table tbody tr", "Eta Software"));
        Assert.Equal("Accounts marked Target match a target segment of the FY2027 sales strategy.", Text(editor.QuerySelector("#segmentation-legend")));
        Assert.Equal("Target: Mid-market manufacturers", MarkOf(view, "#section-account-segmentation tbody tr", "Zeta Bank"));
        Assert.Null(MarkOf(view, "#section-account-segmentation tbody tr", "Eta Software"));
        Assert.Equal("Accounts marked Target match a target segment of the FY2027 sales strategy.", Text(view.QuerySelector("#section-account-segmentation .sv-legend")));
    }

    [Theory, BothDatabases]
    public async Task A_leader_sets_the_strategy_and_the_gate_on_the_cycles_page(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = new PlanPageClient(await app.BrowserAsAsync("leader@test.terrain"));
        var rep = await app.BrowserAsAsync("rep1@test.terrain");
        var draft = await AddStrategyAsync(app, "FY2028 draft strategy", publish: false);

        var page = await leader.GetAsync("/Cycles");
        var form = page.QuerySelector<IHtmlFormElement>($"form#strategy-{app.Org.Cycle.Id}")!;
        var select = form.QuerySelector<IHtmlSelectElement>("select[name='strategyId']")!;
        Assert.Equal(app.Org.Strategy.Id.ToString(), select.Value);
        Assert.DoesNotContain(select.Options, o => o.Value == draft.Id.ToString());
        Assert.Equal("Reps must acknowledge it before submitting", Text(form.QuerySelector("label[for$='-ack']")));

        var saved = await leader.SubmitAsync(form, extra: [new("requireAcknowledgement", "true")]);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.True(await app.WithDbAsync(d => d.Cycles.Where(c => c.Id == app.Org.Cycle.Id).Select(c => c.RequireAcknowledgement).SingleAsync(Ct)));
        var after = await leader.GetAsync("/Cycles");
        Assert.Contains("reps must acknowledge it before they submit", Text(after.QuerySelector(".alert.success")), StringComparison.Ordinal);
        Assert.Contains("acknowledge before submitting", Text(after.QuerySelector("table.data tbody tr")), StringComparison.Ordinal);

        var stale = await leader.SubmitAsync(form, new Dictionary<string, string> { ["strategyId"] = "" }, extra: [new("requireAcknowledgement", "true")]);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var current = (await leader.GetAsync("/Cycles")).QuerySelector<IHtmlFormElement>($"form#strategy-{app.Org.Cycle.Id}")!;
        var refused = await leader.SubmitAsync(current, new Dictionary<string, string> { ["strategyId"] = "" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("Choose the strategy the cycle executes", Text((await PlanPageClient.ParseAsync(refused)).QuerySelector(".field-error")),
            StringComparison.Ordinal);

        var repPage = await PageAsync(rep, "/Cycles");
        Assert.Null(repPage.QuerySelector("form[id^='strategy-']"));
        Assert.Contains("FY2027 sales strategy", Text(repPage.QuerySelector("table.data tbody tr")), StringComparison.Ordinal);
    }
}
