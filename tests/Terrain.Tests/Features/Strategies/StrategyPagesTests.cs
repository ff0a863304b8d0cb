using System.Net;
using System.Net.Http.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Strategies;
using Terrain.Tests.Features.Plans;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Strategies;

/// <summary>The strategy pages as a browser without JavaScript uses them: reading the document, writing a draft, publishing it.</summary>
public sealed class StrategyPagesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<PlanPageClient> AsAsync(TestApp app, string email) => new(await app.BrowserAsAsync(email));

    private static IHtmlFormElement Editor(IHtmlDocument page) =>
        page.QuerySelector<IHtmlFormElement>("form#strategy-editor") ?? throw new InvalidOperationException("The page has no editor form.");

    private static IHtmlFormElement FormFor(IHtmlDocument page, string handler) =>
        page.QuerySelector<IHtmlFormElement>($"form[action*='handler={handler}']") ?? throw new InvalidOperationException($"No {handler} form.");

    /// <summary>A draft FY2028 strategy with the test organisation's parts, made through the API.</summary>
    private static async Task<Guid> DraftAsync(TestApp app, StrategyContent? content = null)
    {
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var response = await leader.PostAsJsonAsync("/api/v1/strategies",
            new { name = "FY2028 sales strategy", periodStart = "2028-01-01", periodEnd = "2028-12-31", content = content ?? StrategyBuilder.Content() }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    private static Task<Strategy> LoadAsync(TestApp app, Guid id) =>
        app.WithDbAsync(d => d.Strategies.AsNoTracking().SingleAsync(s => s.Id == id, Ct));

    [Theory, BothDatabases]
    public async Task A_rep_reads_every_part_of_the_published_strategy(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await AsAsync(app, "rep1@test.terrain");
        var id = app.Org.Strategy.Id;

        var page = await rep.GetAsync($"/Strategies/{id}");

        Assert.Equal("FY2027 sales strategy", PlanPageClient.Text(page.QuerySelector("h1")));
        Assert.Equal("Published", PlanPageClient.Text(page.QuerySelector(".strategy-title .badge")));
        var facts = PlanPageClient.Text(page.QuerySelector(".strategy-facts"));
        Assert.Contains("1 Jan 2027 – 31 Dec 2027", facts, StringComparison.Ordinal);
        Assert.Contains("Published on 26 Nov 2026", facts, StringComparison.Ordinal);
        Assert.Contains("Executed by FY2027", facts, StringComparison.Ordinal);
        Assert.Contains("Win the mid-market manufacturers", PlanPageClient.Text(page.QuerySelector("#part-summary")), StringComparison.Ordinal);
        var sell = PlanPageClient.Text(page.QuerySelector("#part-sell"));
        Assert.Contains("Terrain Cloud", sell, StringComparison.Ordinal);
        Assert.Contains("Live in four weeks.", sell, StringComparison.Ordinal);
        var whom = page.QuerySelectorAll("#part-whom .segment").Select(PlanPageClient.Text).ToList();
        Assert.Equal(2, whom.Count);
        Assert.Contains("200-2,000 employees, a field sales team.", whom[0], StringComparison.Ordinal);
        Assert.Contains("industry Manufacturing; segment Mid-Market; potential at least 20,000", whom[0], StringComparison.Ordinal);
        var why = PlanPageClient.Text(page.QuerySelector("#part-why"));
        Assert.Contains("Plans that get executed", why, StringComparison.Ordinal);
        Assert.Contains("The rep's own plan at the centre", why, StringComparison.Ordinal);
        Assert.Equal(["Spreadsheets", "Show the review loop."], page.QuerySelectorAll("#part-why table.competitors tbody tr > *").Select(PlanPageClient.Text));
        var objectives = page.QuerySelectorAll("#part-objectives tbody tr").Select(PlanPageClient.Text).ToList();
        Assert.Equal(["Revenue from manufacturers Revenue Any Mid-market manufacturers 1,000,000", "New logos New logos Any Any 12 new logos"], objectives);
        Assert.Equal(["Land three lighthouse customers", "Cross-sell services to every new logo"],
            page.QuerySelectorAll("#part-priorities ol li").Select(PlanPageClient.Text));
        Assert.NotNull(page.QuerySelector($"a[href='/Strategies/{id}/Check']"));
        Assert.NotNull(page.QuerySelector($"a[href='/Strategies/{id}/Questions']"));
        Assert.NotNull(page.QuerySelector($"a[href='/Strategies/{id}/Workshops']"));
        Assert.Null(page.QuerySelector($"a[href='/Strategies/{id}/Readiness']"));
        Assert.Null(page.QuerySelector(".leader-actions"));
        Assert.Null(page.QuerySelector("form[action*='handler=Publish']"));
    }

    [Theory, BothDatabases]
    public async Task The_list_shows_the_published_strategy_to_everyone_and_drafts_to_leaders(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var draft = await DraftAsync(app);
        var rep = await AsAsync(app, "rep1@test.terrain");
        var leader = await AsAsync(app, "leader@test.terrain");

        var repPage = await rep.GetAsync("/Strategies");
        var leaderPage = await leader.GetAsync("/Strategies");

        Assert.Equal(["FY2027 sales strategy"], repPage.QuerySelectorAll(".strategy-card h2").Select(PlanPageClient.Text));
        Assert.Contains("Published 26 Nov 2026", PlanPageClient.Text(repPage.QuerySelector(".strategy-card.in-force")), StringComparison.Ordinal);
        Assert.Null(repPage.QuerySelector("a[href='/Strategies/New']"));
        Assert.Equal(["FY2027 sales strategy", "FY2028 sales strategy"], leaderPage.QuerySelectorAll(".strategy-card h2").Select(PlanPageClient.Text));
        Assert.NotNull(leaderPage.QuerySelector("a[href='/Strategies/New']"));
        Assert.NotNull(leaderPage.QuerySelector($"a[href='/Strategies/{draft}']"));
    }

    [Theory, BothDatabases]
    public async Task The_list_explains_itself_when_there_is_no_strategy_yet(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await app.WithDbAsync(async d =>
        {
            var cycle = await d.Cycles.SingleAsync(Ct);
            cycle.Execute(null, requireAcknowledgement: false);
            await d.SaveChangesAsync(Ct);
            return await d.Strategies.ExecuteDeleteAsync(Ct);
        });
        var rep = await AsAsync(app, "rep1@test.terrain");

        var page = await rep.GetAsync("/Strategies");

        Assert.Contains("No strategy has been published yet", PlanPageClient.Text(page.QuerySelector(".strategy-empty")), StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task A_leader_names_a_new_strategy_and_lands_in_its_editor(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await AsAsync(app, "leader@test.terrain");
        var form = (await leader.GetAsync("/Strategies/New")).QuerySelector<IHtmlFormElement>("form[action='/Strategies/New']")!;

        var refused = await leader.SubmitAsync(form, new Dictionary<string, string> { ["Name"] = "FY2028", ["PeriodEnd"] = "2026-06-30" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var shown = await PlanPageClient.ParseAsync(refused);
        Assert.Contains("The period must have a start and end after it starts.", PlanPageClient.Text(shown.QuerySelector("#PeriodEnd-error")), StringComparison.Ordinal);
        Assert.Equal("FY2028", PlanPageClient.Field(shown, "Name"));

        var created = await leader.SubmitAsync(form, new Dictionary<string, string> { ["Name"] = "FY2028 sales strategy" });

        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var id = await app.WithDbAsync(d => d.Strategies.Where(s => s.Name == "FY2028 sales strategy").Select(s => s.Id).SingleAsync(Ct));
        Assert.Equal($"/Strategies/{id}/Edit", created.Headers.Location!.OriginalString);
        var editor = await leader.GetAsync($"/Strategies/{id}/Edit");
        Assert.Equal("2027-01-01", PlanPageClient.Field(editor, "Form.PeriodStart"));
        Assert.Equal(2, editor.QuerySelectorAll("fieldset.segment-row").Length);
    }

    [Theory, BothDatabases]
    public async Task The_editor_saves_a_new_objective_and_keeps_the_ids_of_the_others(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var id = await DraftAsync(app);
        var leader = await AsAsync(app, "leader@test.terrain");
        var page = await leader.GetAsync($"/Strategies/{id}/Edit");
        Assert.Equal(4, page.QuerySelectorAll(".objectives-edit tbody tr").Length);

        var saved = await leader.SubmitAsync(Editor(page), new Dictionary<string, string>
        {
            ["Form.Objectives[2].Name"] = "Pipeline for next year",
            ["Form.Objectives[2].Metric"] = "Pipeline",
            ["Form.Objectives[2].Product"] = "Onboarding Services",
            ["Form.Objectives[2].Target"] = "2,500,000",
            ["Form.Offerings[2].Name"] = "Terrain Mobile",
            ["Form.Priorities"] = "Land three lighthouse customers\nShip mobile",
        });

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var content = (await LoadAsync(app, id)).ReadContent();
        Assert.Equal(3, content.Objectives.Count);
        Assert.Equal(StrategyBuilder.RevenueObjective, content.Objectives[0].Id);
        Assert.Equal(StrategyBuilder.LogosObjective, content.Objectives[1].Id);
        Assert.Equal(("Pipeline", "Onboarding Services", 2_500_000m), (content.Objectives[2].Metric, content.Objectives[2].Product, content.Objectives[2].Target));
        Assert.Equal(["Terrain Cloud", "Onboarding Services", "Terrain Mobile"], content.Offerings.Select(o => o.Name));
        Assert.Equal(["Land three lighthouse customers", "Ship mobile"], content.Priorities);
        Assert.Equal("Mid-Market", content.Segments[0].AccountSegments.Single());
        var again = await leader.GetAsync($"/Strategies/{id}/Edit");
        Assert.Contains("Saved.", PlanPageClient.Text(again.QuerySelector(".alert.success")), StringComparison.Ordinal);
        Assert.Equal(content.Objectives[2].Id, PlanPageClient.Field(again, "Form.Objectives[2].Id"));
    }

    [Theory, BothDatabases]
    public async Task The_editor_removes_a_ticked_row(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var id = await DraftAsync(app);
        var leader = await AsAsync(app, "leader@test.terrain");
        var page = await leader.GetAsync($"/Strategies/{id}/Edit");

        var saved = await leader.SubmitAsync(Editor(page), extra: [new("Form.Objectives[0].Remove", "true"), new("Form.Competitors[0].Remove", "true")]);

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var content = (await LoadAsync(app, id)).ReadContent();
        Assert.Equal([StrategyBuilder.LogosObjective], content.Objectives.Select(o => o.Id));
        Assert.Empty(content.Competitors);
    }

    [Theory, BothDatabases]
    public async Task An_objective_without_a_target_is_shown_next_to_the_field_and_nothing_is_saved(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var id = await DraftAsync(app);
        var before = (await LoadAsync(app, id)).Version;
        var leader = await AsAsync(app, "leader@test.terrain");
        var page = await leader.GetAsync($"/Strategies/{id}/Edit");

        var refused = await leader.SubmitAsync(Editor(page), new Dictionary<string, string>
        {
            ["Form.Name"] = "FY2028 renamed",
            ["Form.Objectives[2].Name"] = "Pipeline for next year",
            ["Form.Objectives[2].Metric"] = "Pipeline",
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var shown = await PlanPageClient.ParseAsync(refused);
        Assert.Contains("Objective 3 needs a target", PlanPageClient.Text(shown.QuerySelector("#Form_Objectives_2__Target-error")), StringComparison.Ordinal);
        Assert.Equal("true", shown.QuerySelector("#Form_Objectives_2__Target")!.GetAttribute("aria-invalid"));
        Assert.NotNull(shown.QuerySelector("#save-error a[href='#Form_Objectives_2__Target']"));
        Assert.Equal("Pipeline for next year", PlanPageClient.Field(shown, "Form.Objectives[2].Name"));
        Assert.Equal("Pipeline", PlanPageClient.Field(shown, "Form.Objectives[2].Metric"));
        Assert.Equal("FY2028 renamed", PlanPageClient.Field(shown, "Form.Name"));
        var after = await LoadAsync(app, id);
        Assert.Equal(before, after.Version);
        Assert.Equal("FY2028 sales strategy", after.Name);
    }

    [Theory, BothDatabases]
    public async Task A_number_that_is_not_one_is_refused_next_to_its_field(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var id = await DraftAsync(app);
        var leader = await AsAsync(app, "leader@test.terrain");
        var page = await leader.GetAsync($"/Strategies/{id}/Edit");

        var refused = await leader.SubmitAsync(Editor(page), new Dictionary<string, string> { ["Form.Segments[1].MinPotential"] = "lots" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var shown = await PlanPageClient.ParseAsync(refused);
        Assert.Contains("'lots' is not a number.", PlanPageClient.Text(shown.QuerySelector("#Form_Segments_1__MinPotential-error")), StringComparison.Ordinal);
        Assert.Equal("lots", PlanPageClient.Field(shown, "Form.Segments[1].MinPotential"));
    }

    [Theory, BothDatabases]
    public async Task A_save_over_someone_elses_save_is_refused_and_keeps_what_was_typed(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var id = await DraftAsync(app);
        var leader = await AsAsync(app, "leader@test.terrain");
        var page = await leader.GetAsync($"/Strategies/{id}/Edit");
        var api = await app.ApiAsAsync("leader@test.terrain");
        var current = await api.GetAsync($"/api/v1/strategies/{id}", Ct);
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/strategies/{id}") { Content = JsonContent.Create(new { name = "Their name" }) };
        request.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(request, Ct)).StatusCode);

        var refused = await leader.SubmitAsync(Editor(page), new Dictionary<string, string> { ["Form.Name"] = "My name" });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var shown = await PlanPageClient.ParseAsync(refused);
        Assert.Contains("Someone else saved this strategy", PlanPageClient.Text(shown.QuerySelector("#stale")), StringComparison.Ordinal);
        Assert.Equal("My name", PlanPageClient.Field(shown, "Form.Name"));
        Assert.Equal("Their name", (await LoadAsync(app, id)).Name);
    }

    [Theory, BothDatabases]
    public async Task A_leader_publishes_from_the_document_and_an_incomplete_draft_says_what_is_missing(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var incomplete = StrategyBuilder.Content();
        incomplete.ValuePropositions.Clear();
        var id = await DraftAsync(app, incomplete);
        var leader = await AsAsync(app, "leader@test.terrain");
        var url = $"/Strategies/{id}";

        var refused = await leader.SubmitAsync(FormFor(await leader.GetAsync(url), "Publish"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var shown = await PlanPageClient.ParseAsync(refused);
        Assert.Contains("add at least one value proposition", PlanPageClient.Text(shown.QuerySelector("#action-error")), StringComparison.Ordinal);
        Assert.NotNull(shown.QuerySelector($"#action-error a[href='{url}/Edit#part-why']"));
        Assert.Equal(StrategyStatus.Draft, (await LoadAsync(app, id)).Status);

        var api = await app.ApiAsAsync("leader@test.terrain");
        var current = await api.GetAsync($"/api/v1/strategies/{id}", Ct);
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/strategies/{id}") { Content = JsonContent.Create(new { content = StrategyBuilder.Content() }) };
        request.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(request, Ct)).StatusCode);

        var published = await leader.SubmitAsync(FormFor(await leader.GetAsync(url), "Publish"));

        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        Assert.Equal(StrategyStatus.Published, (await LoadAsync(app, id)).Status);
        var page = await leader.GetAsync(url);
        Assert.Contains("Revision 1 is published", PlanPageClient.Text(page.QuerySelector(".alert.success")), StringComparison.Ordinal);
        Assert.NotNull(FormFor(page, "Revise"));
        Assert.Equal(5, await app.WithDbAsync(d => d.Notifications.CountAsync(n => n.Link == url, Ct)));
    }

    [Theory, BothDatabases]
    public async Task Drafting_the_next_revision_opens_its_editor_and_the_published_one_stays_read_only(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await AsAsync(app, "leader@test.terrain");
        var first = app.Org.Strategy.Id;

        var readOnly = await leader.GetAsync($"/Strategies/{first}/Edit");
        Assert.Contains("draft a new revision", PlanPageClient.Text(readOnly.QuerySelector("#read-only")), StringComparison.Ordinal);
        Assert.Null(readOnly.QuerySelector("form#strategy-editor"));

        var revised = await leader.SubmitAsync(FormFor(await leader.GetAsync($"/Strategies/{first}"), "Revise"));

        Assert.Equal(HttpStatusCode.Redirect, revised.StatusCode);
        var second = await app.WithDbAsync(d => d.Strategies.Where(s => s.Revision == 2).Select(s => s.Id).SingleAsync(Ct));
        Assert.Equal($"/Strategies/{second}/Edit", revised.Headers.Location!.OriginalString);
        var editor = await leader.GetAsync($"/Strategies/{second}/Edit");
        Assert.NotNull(editor.QuerySelector("textarea[name='Form.ChangeNote']"));
        var view = await leader.GetAsync($"/Strategies/{first}");
        Assert.NotNull(view.QuerySelector($".leader-actions a[href='/Strategies/{second}/Edit']"));
    }

    [Theory, BothDatabases]
    public async Task A_rep_cannot_see_a_draft_or_reach_the_leaders_pages(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var id = await DraftAsync(app);
        var rep = await AsAsync(app, "rep1@test.terrain");

        Assert.Equal(HttpStatusCode.NotFound, (await rep.Http.GetAsync($"/Strategies/{id}", Ct)).StatusCode);
        Assert.Contains("/Auth/Denied", (await rep.Http.GetAsync($"/Strategies/{id}/Edit", Ct)).Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Contains("/Auth/Denied", (await rep.Http.GetAsync("/Strategies/New", Ct)).Headers.Location!.OriginalString, StringComparison.Ordinal);
    }
}
