using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Planning;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Plans;

/// <summary>
/// The last planning-loop gaps of issue 12, through the real pages as a browser without JavaScript uses them: money
/// inputs read as people type amounts, htmx attributes written only as valid (and never empty) data-hx-*, a reviewer's
/// rows that wait for their save or proposal, and replies posted from beside the comment in the section editor.
/// </summary>
public sealed partial class PlanLoopLeftoversTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Guid PlanId(TestApp app) => app.Org.PlanOf[app.Org.Rep1.Id].Id;

    private static string EditUrl(TestApp app, string key) => $"/Plans/{PlanId(app)}/Edit/{key}";

    private static string Api(TestApp app, string rest = "") => $"/api/v1/plans/{PlanId(app)}{rest}";

    private static async Task<PlanPageClient> BrowserAsync(TestApp app, string email) => new(await app.BrowserAsAsync(email));

    private static Task<PlanSection> StoredAsync(TestApp app, string key)
    {
        var id = PlanId(app);
        return app.WithDbAsync(d => d.PlanSections.AsNoTracking().SingleAsync(s => s.PlanId == id && s.Key == key, Ct));
    }

    private static async Task<T> ContentAsync<T>(TestApp app, string key) where T : SectionContent
    {
        var stored = await StoredAsync(app, key);
        var kind = Enum.GetValues<SectionKind>().First(k => SectionContents.TypeOf(k) == typeof(T));
        return (T)SectionContents.Read(kind, stored.Content);
    }

    private static async Task<HttpClient> SubmittedAsync(TestApp app)
    {
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync(Api(app, "/submit"), new { }, Ct)).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        return rep;
    }

    [GeneratedRegex(@"data-hx-[a-z-]+=""""")]
    private static partial Regex EmptyHtmxAttribute();

    [GeneratedRegex(@"\shx-[a-z-]+=")]
    private static partial Regex BareHtmxAttribute();

    // 1. Money inputs.

    [Theory, BothDatabases]
    public async Task Money_inputs_are_text_inputs_and_amounts_are_read_as_people_type_them(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await BrowserAsync(app, "rep1@test.terrain");

        var targets = await rep.GetAsync(EditUrl(app, "targets"));
        var target = targets.QuerySelector<IHtmlInputElement>("[name='c.Goals[0].Targets[1]']")!;
        Assert.Equal("text", target.GetAttribute("type"));
        Assert.Equal("decimal", target.GetAttribute("inputmode"));
        Assert.True(target.HasAttribute("data-money"));
        var saved = await rep.SubmitAsync(PlanPageClient.Editor(targets), new Dictionary<string, string>
        {
            ["c.Goals[0].Targets[0]"] = "1,250,000",
            ["c.Goals[0].Targets[1]"] = "$12,500",
            ["c.Goals[0].Targets[2]"] = "12500.00",
        });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(new decimal?[] { 1250000m, 12500m, 12500m }, (await ContentAsync<GoalsContent>(app, "targets")).Goals[0].Targets.Take(3));

        var resources = await rep.GetAsync(EditUrl(app, "resources"));
        var cost = resources.QuerySelector<IHtmlInputElement>("[name='c.Items[0].Cost']")!;
        Assert.Equal("text", cost.GetAttribute("type"));
        Assert.Equal(HttpStatusCode.Redirect, (await rep.SubmitAsync(PlanPageClient.Editor(resources), new Dictionary<string, string>
        {
            ["c.Items[0].Kind"] = "Budget",
            ["c.Items[0].Description"] = "Event budget",
            ["c.Items[0].Cost"] = "USD 12,500.50",
        })).StatusCode);
        Assert.Equal(12500.50m, (await ContentAsync<ResourcesContent>(app, "resources")).Items[0].Cost);

        var sheet = await rep.GetAsync(EditUrl(app, "account-segmentation"));
        Assert.All(sheet.QuerySelectorAll("input.amount"), i => Assert.Equal("text", i.GetAttribute("type")));
    }

    [Theory, BothDatabases]
    public async Task Junk_in_a_money_input_is_refused_with_an_error_that_names_the_field_and_nothing_is_saved(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await BrowserAsync(app, "rep1@test.terrain");
        var before = await StoredAsync(app, "targets");
        var page = await rep.GetAsync(EditUrl(app, "targets"));

        var response = await rep.SubmitAsync(PlanPageClient.Editor(page), new Dictionary<string, string> { ["c.Goals[0].Targets[1]"] = "12abc" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var shown = await PlanPageClient.ParseAsync(response);
        var summary = PlanPageClient.Text(shown.QuerySelector("#form-error"));
        Assert.Contains("Goal 1, Q2 target: '12abc' is not an amount", summary, StringComparison.Ordinal);
        var input = shown.QuerySelector("[name='c.Goals[0].Targets[1]']")!;
        Assert.Equal("true", input.GetAttribute("aria-invalid"));
        Assert.Equal("12abc", input.GetAttribute("value"));
        Assert.Equal(before.Version, (await StoredAsync(app, "targets")).Version);

        // The autosave says the same in its status line.
        var autosave = await rep.PostAsync(PlanPageClient.Editor(page).GetAttribute("data-hx-post")!,
            PlanPageClient.Values(PlanPageClient.Editor(page), new Dictionary<string, string> { ["c.Goals[0].Targets[1]"] = "lots" }), htmx: true);
        Assert.Equal(HttpStatusCode.OK, autosave.StatusCode);
        Assert.Contains("Goal 1, Q2 target: &#x27;lots&#x27; is not an amount", await autosave.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    // 2. htmx attributes.

    [Theory, BothDatabases]
    public async Task Editors_write_htmx_attributes_as_data_hx_and_never_empty(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await BrowserAsync(app, "rep1@test.terrain");
        var pages = new List<(string Url, string Html)>();
        foreach (var url in new[] { $"/Plans/{PlanId(app)}", EditUrl(app, "summary"), EditUrl(app, "targets"), EditUrl(app, "account-segmentation") })
        {
            pages.Add((url, await (await rep.Http.GetAsync(url, Ct)).Content.ReadAsStringAsync(Ct)));
        }

        var repEditor = pages[1].Html;
        Assert.Contains("data-hx-post=\"/Plans/", repEditor, StringComparison.Ordinal);
        await SubmittedAsync(app);
        var manager = await BrowserAsync(app, "manager1@test.terrain");
        var refining = await manager.Http.GetAsync(EditUrl(app, "summary"), Ct);
        Assert.Equal(HttpStatusCode.OK, refining.StatusCode);
        var refiningHtml = await refining.Content.ReadAsStringAsync(Ct);
        pages.Add(("refining", refiningHtml));
        // The reviewer's form has no autosave at all: no attribute, not an empty one (which htmx reads as "post here").
        var form = PlanPageClient.Editor(await new AngleSharp.Html.Parser.HtmlParser().ParseDocumentAsync(refiningHtml, Ct));
        Assert.DoesNotContain(form.Attributes, a => a.Name.StartsWith("data-hx-", StringComparison.Ordinal));

        foreach (var (url, html) in pages)
        {
            Assert.False(EmptyHtmxAttribute().IsMatch(html), $"{url} has an empty data-hx-* attribute: {EmptyHtmxAttribute().Match(html).Value}");
            Assert.False(BareHtmxAttribute().IsMatch(html), $"{url} has an hx-* attribute: {BareHtmxAttribute().Match(html).Value}");
        }
    }

    // 3. The reviewer's rows.

    [Theory, BothDatabases]
    public async Task A_reviewers_added_and_removed_rows_wait_for_their_save_or_proposal(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await SubmittedAsync(app);
        var before = await StoredAsync(app, "action-plan");
        var rows = (await ContentAsync<ActionPlanContent>(app, "action-plan")).Actions.Count;
        var manager = await BrowserAsync(app, "manager1@test.terrain");
        var page = await manager.GetAsync(EditUrl(app, "action-plan"));
        var form = PlanPageClient.Editor(page);
        var add = form.QuerySelector<IHtmlButtonElement>("button.add")!.GetAttribute("formaction")!;

        var added = await manager.PostAsync(add, PlanPageClient.Values(form));

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var shown = await PlanPageClient.ParseAsync(added);
        Assert.Contains("Not saved yet", PlanPageClient.Text(shown.QuerySelector("#save-status")), StringComparison.Ordinal);
        Assert.Equal(before.Version, (await StoredAsync(app, "action-plan")).Version);
        Assert.Equal(before.Version, shown.QuerySelector<IHtmlInputElement>("input#version")!.Value);
        var newRow = $"c.Actions[{rows}].Title";
        Assert.NotNull(shown.QuerySelector($"[name='{newRow}']"));
        var planId = PlanId(app);
        Assert.Equal(0, await app.WithDbAsync(d => d.AuditEntries.CountAsync(a => a.EntityId == planId.ToString() && a.Action == "plan.section-saved", Ct)));

        // With JavaScript the worksheet alone comes back, saying the same.
        var swapped = await manager.PostAsync(add, PlanPageClient.Values(form), htmx: true);
        Assert.True(swapped.Headers.Contains("X-Editor-Body"));
        Assert.Contains("data-pending=\"true\"", await swapped.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // The new row goes with the proposal, which the rep accepts or rejects.
        var shownForm = PlanPageClient.Editor(shown);
        var propose = shown.QuerySelector<IHtmlButtonElement>("button[formaction*='handler=Propose']")!.GetAttribute("formaction");
        var proposed = await manager.SubmitAsync(shownForm, new Dictionary<string, string>
        {
            [newRow] = "Joint account plan with the partner",
            [$"c.Actions[{rows}].Due"] = "2027-02-15",
            ["note"] = "One more action.",
        }, formAction: propose);
        Assert.Equal(HttpStatusCode.Redirect, proposed.StatusCode);
        Assert.Equal(before.Version, (await StoredAsync(app, "action-plan")).Version);
        var proposal = Assert.Single(await app.WithDbAsync(d => d.PlanProposals.AsNoTracking().Where(p => p.PlanId == planId).ToListAsync(Ct)));
        Assert.Contains("Joint account plan with the partner", proposal.Content, StringComparison.Ordinal);

        // Removing a row is the same: the form loses it, the section keeps it until the reviewer saves.
        var again = await manager.GetAsync(EditUrl(app, "action-plan"));
        var remove = again.QuerySelector<IHtmlButtonElement>("button.remove")!.GetAttribute("formaction")!;
        var removed = await manager.PostAsync(remove, PlanPageClient.Values(PlanPageClient.Editor(again)));
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(before.Version, (await StoredAsync(app, "action-plan")).Version);
        var afterRemove = await PlanPageClient.ParseAsync(removed);
        var saved = await manager.SubmitAsync(PlanPageClient.Editor(afterRemove), extra: [new("then", "plan")]);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var section = await StoredAsync(app, "action-plan");
        Assert.Equal(app.Org.Manager1.Id, section.UpdatedById);
        Assert.Equal(Math.Max(rows - 1, 0), (await ContentAsync<ActionPlanContent>(app, "action-plan")).Actions.Count(a => !string.IsNullOrWhiteSpace(a.Title)));
    }

    // 4. Replies inside the editor.

    [Theory, BothDatabases]
    public async Task The_rep_replies_to_a_section_comment_from_inside_the_section_editor(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var repApi = await SubmittedAsync(app);
        var managerApi = await app.ApiAsAsync("manager1@test.terrain");
        var comment = await managerApi.PostAsJsonAsync(Api(app, "/comments"), new { sectionKey = "summary", body = "Which competitor do you mean?" }, Ct);
        var thread = (await comment.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("threadId").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await managerApi.PostAsJsonAsync(Api(app, "/request-changes"), new { comment = "Name the competitors." }, Ct)).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(2));

        var rep = await BrowserAsync(app, "rep1@test.terrain");
        var editor = await rep.GetAsync(EditUrl(app, "summary"));
        var article = editor.QuerySelector($"#thread-{thread:N}")!;
        Assert.Contains("Needs your answer", PlanPageClient.Text(article), StringComparison.Ordinal);
        var reply = article.QuerySelector<IHtmlFormElement>("form.comment-form")!;
        Assert.NotNull(reply.QuerySelector("input[name='__RequestVerificationToken']"));
        var label = reply.QuerySelector("label[for]")!;
        Assert.NotNull(reply.QuerySelector($"textarea#{label.GetAttribute("for")}"));
        Assert.Equal(reply.GetAttribute("action"), reply.GetAttribute("data-hx-post"));

        // Nothing typed: refused beside the comment, the rest of the editor as it was.
        var empty = await rep.SubmitAsync(reply, new Dictionary<string, string> { ["body"] = "" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        var refused = await PlanPageClient.ParseAsync(empty);
        var textarea = refused.QuerySelector($"#thread-{thread:N} textarea")!;
        Assert.Equal("true", textarea.GetAttribute("aria-invalid"));
        Assert.NotNull(refused.GetElementById(textarea.GetAttribute("aria-describedby")!));
        Assert.NotNull(PlanPageClient.Editor(refused));

        // With htmx the thread alone comes back, with the reply in it.
        var answered = await rep.PostAsync(reply.GetAttribute("data-hx-post")!, PlanPageClient.Values(reply, new Dictionary<string, string> { ["body"] = "Acme and Globex." }), htmx: true);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var fragment = await answered.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("form id=\"editor\"", fragment, StringComparison.Ordinal);
        Assert.Contains("Acme and Globex.", fragment, StringComparison.Ordinal);
        Assert.DoesNotContain("Needs your answer", fragment, StringComparison.Ordinal);

        // Without it, the editor again at the thread.
        var plain = await rep.SubmitAsync(reply, new Dictionary<string, string> { ["body"] = "And Initech." });
        Assert.Equal(HttpStatusCode.Redirect, plain.StatusCode);
        Assert.Equal($"{EditUrl(app, "summary")}#thread-{thread:N}", plain.Headers.Location?.OriginalString);
        var back = await rep.GetAsync(EditUrl(app, "summary"));
        Assert.Contains("And Initech.", PlanPageClient.Text(back.QuerySelector($"#thread-{thread:N}")), StringComparison.Ordinal);
        Assert.Contains("Your reply is posted.", PlanPageClient.Text(back.QuerySelector($"#thread-{thread:N}")), StringComparison.Ordinal);

        // Answered: the plan goes back.
        Assert.Equal(HttpStatusCode.OK, (await repApi.PostAsJsonAsync(Api(app, "/submit"), new { }, Ct)).StatusCode);
    }
}
