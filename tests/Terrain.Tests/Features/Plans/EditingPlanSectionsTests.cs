using System.Net;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Plans;

/// <summary>The section editor through its real pages and forms, as a browser without JavaScript uses it.</summary>
public sealed class EditingPlanSectionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Guid PlanOf(TestApp app, AppUser rep) => app.Org.PlanOf[rep.Id].Id;

    private static string EditUrl(TestApp app, string key) => $"/Plans/{PlanOf(app, app.Org.Rep1)}/Edit/{key}";

    private static async Task<PlanSection> StoredAsync(TestApp app, string key)
    {
        var planId = PlanOf(app, app.Org.Rep1);
        return await app.WithDbAsync(d => d.PlanSections.AsNoTracking().SingleAsync(s => s.PlanId == planId && s.Key == key, Ct));
    }

    private static async Task<T> ContentAsync<T>(TestApp app, string key) where T : SectionContent
    {
        var stored = await StoredAsync(app, key);
        return (T)SectionContents.Read(KindOf<T>(), stored.Content);
    }

    private static SectionKind KindOf<T>() => Enum.GetValues<SectionKind>().First(k => SectionContents.TypeOf(k) == typeof(T));

    private static async Task<PlanPageClient> RepAsync(TestApp app) => new(await app.BrowserAsAsync("rep1@test.terrain"));

    [Theory, BothDatabases]
    public async Task The_rep_edits_a_section_with_the_form_and_it_is_saved(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await RepAsync(app);
        var page = await rep.GetAsync(EditUrl(app, "summary"));

        var response = await rep.SubmitAsync(PlanPageClient.Editor(page), new Dictionary<string, string>
        {
            ["c.Text"] = "Grow the north.\n\nWin two health-care logos.",
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(EditUrl(app, "summary"), response.Headers.Location?.OriginalString);
        Assert.Equal("Grow the north.\n\nWin two health-care logos.", (await ContentAsync<NarrativeContent>(app, "summary")).Text);
        var after = await rep.GetAsync(EditUrl(app, "summary"));
        Assert.Contains("Saved at 09:00", PlanPageClient.Text(after.QuerySelector("#save-status")), StringComparison.Ordinal);
        var plan = await rep.GetAsync($"/Plans/{PlanOf(app, app.Org.Rep1)}");
        Assert.Contains("Win two health-care logos.", PlanPageClient.Text(plan.QuerySelector("#section-summary")), StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task The_segmentation_worksheet_lists_every_account_and_saves_tiers(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await RepAsync(app);
        var page = await rep.GetAsync(EditUrl(app, "account-segmentation"));
        var rows = page.QuerySelectorAll("table.segmentation tbody tr");
        var names = rows.Select(r => PlanPageClient.Text(r.QuerySelector(".account-name"))).ToList();

        Assert.Equal(["Alpha Manufacturing", "Beta Health", "Gamma Retail"], names);
        var response = await rep.SubmitAsync(PlanPageClient.Editor(page), new Dictionary<string, string>
        {
            ["c.Rows[1].Tier"] = "B",
            ["c.Rows[1].Rationale"] = "New CIO wants to consolidate",
            ["c.Rows[1].NextMove"] = "Workshop in February",
            ["c.Rows[2].TargetRevenue"] = "12500.50",
        }, extra: [new("then", "plan")]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("#section-account-segmentation", response.Headers.Location?.OriginalString, StringComparison.Ordinal);
        var saved = await ContentAsync<SegmentationContent>(app, "account-segmentation");
        var beta = saved.Rows.Single(r => r.AccountId == app.Org.Accounts.Single(a => a.Name == "Beta Health").Id);
        Assert.Equal("B", beta.Tier);
        Assert.Equal("Workshop in February", beta.NextMove);
        Assert.Equal(12500.50m, saved.Rows.Single(r => r.AccountId == app.Org.Accounts.Single(a => a.Name == "Gamma Retail").Id).TargetRevenue);
    }

    [Theory, BothDatabases]
    public async Task A_stale_version_gets_the_conflict_and_keeps_the_typed_text_until_the_rep_saves_again(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var tabA = await RepAsync(app);
        var tabB = await RepAsync(app);
        var pageA = await tabA.GetAsync(EditUrl(app, "summary"));
        var pageB = await tabB.GetAsync(EditUrl(app, "summary"));
        Assert.Equal(HttpStatusCode.Redirect, (await tabB.SubmitAsync(PlanPageClient.Editor(pageB), new Dictionary<string, string> { ["c.Text"] = "Saved in tab B" })).StatusCode);
        var afterB = await StoredAsync(app, "summary");

        var conflict = await tabA.SubmitAsync(PlanPageClient.Editor(pageA), new Dictionary<string, string> { ["c.Text"] = "Typed in tab A" });

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        var shown = await PlanPageClient.ParseAsync(conflict);
        Assert.Contains("changed elsewhere", PlanPageClient.Text(shown.QuerySelector("#conflict-panel")), StringComparison.Ordinal);
        Assert.Contains("Saved in tab B", PlanPageClient.Text(shown.QuerySelector("#conflict-panel .section-view")), StringComparison.Ordinal);
        Assert.Equal("Typed in tab A", PlanPageClient.Field(shown, "c.Text"));
        Assert.Equal(afterB.Version, PlanPageClient.Field(shown, "version"));
        Assert.Equal("Saved in tab B", (await ContentAsync<NarrativeContent>(app, "summary")).Text);

        var deliberate = await tabA.SubmitAsync(PlanPageClient.Editor(shown), new Dictionary<string, string> { ["c.Text"] = "Typed in tab A, merged with B" });

        Assert.Equal(HttpStatusCode.Redirect, deliberate.StatusCode);
        Assert.Equal("Typed in tab A, merged with B", (await ContentAsync<NarrativeContent>(app, "summary")).Text);
    }

    [Theory, BothDatabases]
    public async Task Invalid_values_are_shown_next_to_their_field_and_nothing_is_saved(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await RepAsync(app);
        foreach (var (key, field, value, message) in new[]
                 {
                     ("account-segmentation", "c.Rows[0].Tier", "E", "the tier must be A, B, C or D"),
                     ("targets", "c.Goals[0].Targets[1]", "-5", "cannot be negative"),
                     ("action-plan", "c.Actions[0].Due", "2028-03-01", "outside the plan period"),
                 })
        {
            var before = await StoredAsync(app, key);
            var page = await rep.GetAsync(EditUrl(app, key));
            var form = PlanPageClient.Editor(page);
            var typed = form.QuerySelector<IHtmlTextAreaElement>("textarea")?.Name;
            var changes = new Dictionary<string, string> { [field] = value };
            if (typed is not null && typed != field)
            {
                changes[typed] = "Typed and not lost";
            }

            var response = await rep.SubmitAsync(form, changes);

            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var shown = await PlanPageClient.ParseAsync(response);
            var input = shown.QuerySelector($"[name='{field}']")!;
            Assert.Equal("true", input.GetAttribute("aria-invalid"));
            var error = shown.GetElementById(input.GetAttribute("aria-describedby")!.Split(' ').Last());
            Assert.Contains(message, PlanPageClient.Text(error), StringComparison.Ordinal);
            Assert.Equal(value, PlanPageClient.Field(shown, field));
            if (typed is not null && typed != field)
            {
                Assert.Equal("Typed and not lost", PlanPageClient.Field(shown, typed));
            }

            Assert.Equal(before.Version, (await StoredAsync(app, key)).Version);
        }
    }

    [Theory, BothDatabases]
    public async Task Rows_are_added_and_removed_without_javascript_and_what_was_typed_is_saved(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await RepAsync(app);
        var page = await rep.GetAsync(EditUrl(app, "action-plan"));
        var form = PlanPageClient.Editor(page);
        var add = form.QuerySelector<IHtmlButtonElement>("button.add")!.GetAttribute("formaction")!;

        var added = await rep.SubmitAsync(form, new Dictionary<string, string> { ["c.Actions[0].Title"] = "Briefing, renamed" }, add);

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var withRow = await PlanPageClient.ParseAsync(added);
        Assert.Equal(2, withRow.QuerySelectorAll("table.actions tbody tr").Length);
        Assert.True(withRow.QuerySelector("[name='c.Actions[1].Title']")!.HasAttribute("autofocus"));
        Assert.Equal("Briefing, renamed", (await ContentAsync<ActionPlanContent>(app, "action-plan")).Actions.Single().Title);

        var filled = await rep.SubmitAsync(PlanPageClient.Editor(withRow), new Dictionary<string, string>
        {
            ["c.Actions[1].Title"] = "Call the Beta CIO",
            ["c.Actions[1].Due"] = "2027-02-15",
        });
        Assert.Equal(HttpStatusCode.Redirect, filled.StatusCode);
        var saved = await ContentAsync<ActionPlanContent>(app, "action-plan");
        Assert.Equal(["Briefing, renamed", "Call the Beta CIO"], saved.Actions.Select(a => a.Title));
        Assert.Equal(new DateOnly(2027, 2, 15), saved.Actions[1].Due);

        var again = await rep.GetAsync(EditUrl(app, "action-plan"));
        var remove = again.QuerySelectorAll("button.remove")[0].GetAttribute("formaction")!;
        var removed = await rep.SubmitAsync(PlanPageClient.Editor(again), formAction: remove);

        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        var afterRemove = await PlanPageClient.ParseAsync(removed);
        Assert.Equal("Call the Beta CIO", PlanPageClient.Field(afterRemove, "c.Actions[0].Title"));
        Assert.Equal(["Call the Beta CIO"], (await ContentAsync<ActionPlanContent>(app, "action-plan")).Actions.Select(a => a.Title));
    }

    [Theory, BothDatabases]
    public async Task A_new_goal_keeps_its_id_across_saves_so_actions_can_link_to_it(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await RepAsync(app);
        var page = await rep.GetAsync(EditUrl(app, "targets"));
        var added = await PlanPageClient.ParseAsync(await rep.SubmitAsync(PlanPageClient.Editor(page),
            formAction: PlanPageClient.Editor(page).QuerySelector("button.add")!.GetAttribute("formaction")));
        var changes = new Dictionary<string, string> { ["c.Goals[2].Name"] = "New logos in health care", ["c.Goals[2].Metric"] = "NewLogos", ["c.Goals[2].Targets[0]"] = "1" };

        await rep.SubmitAsync(PlanPageClient.Editor(added), changes);
        var first = (await ContentAsync<GoalsContent>(app, "targets")).Goals[2].Id;
        var reopened = await rep.GetAsync(EditUrl(app, "targets"));
        await rep.SubmitAsync(PlanPageClient.Editor(reopened), new Dictionary<string, string> { ["c.Goals[2].Targets[1]"] = "2" });
        var second = await ContentAsync<GoalsContent>(app, "targets");

        Assert.False(string.IsNullOrEmpty(first));
        Assert.Equal(first, second.Goals[2].Id);
        Assert.Equal([1m, 2m, null, null], second.Goals[2].Targets);
        var actions = await rep.GetAsync(EditUrl(app, "action-plan"));
        Assert.Contains(actions.QuerySelectorAll("[name='c.Actions[0].GoalId'] option"), o => o.GetAttribute("value") == first);
    }

    [Theory, BothDatabases]
    public async Task Autosave_answers_htmx_with_the_status_and_the_new_version_only(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await RepAsync(app);
        var page = await rep.GetAsync(EditUrl(app, "risks"));
        var form = PlanPageClient.Editor(page);
        var url = form.GetAttribute("data-hx-post")!;
        var values = PlanPageClient.Values(form, new Dictionary<string, string> { ["c.Items[0].Mitigation"] = "Multi-thread the account now" });

        var response = await rep.PostAsync(url, values, htmx: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain("<form", html, StringComparison.Ordinal);
        var fragment = new AngleSharp.Html.Parser.HtmlParser().ParseDocument($"<body>{html}</body>");
        Assert.Contains("Saved at 09:00", fragment.Body!.TextContent, StringComparison.Ordinal);
        var version = fragment.QuerySelector("input#version")!;
        Assert.Equal("true", version.GetAttribute("data-hx-swap-oob"));
        Assert.Equal((await StoredAsync(app, "risks")).Version, version.GetAttribute("value"));
        Assert.Equal("Multi-thread the account now", (await ContentAsync<RisksContent>(app, "risks")).Items[0].Mitigation);

        // The same post again is stale, and carries a different text: a conflict, shown out of band beside the form.
        var stale = await rep.PostAsync(url, PlanPageClient.Values(form, new Dictionary<string, string> { ["c.Items[0].Mitigation"] = "Something else" }), htmx: true);
        var staleHtml = await stale.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Contains("data-paused", staleHtml, StringComparison.Ordinal);
        Assert.Contains("Multi-thread the account now", staleHtml, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task A_rep_with_hundreds_of_accounts_saves_the_whole_worksheet(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var now = app.Clock.GetUtcNow();
        await app.WithDbAsync(async d =>
        {
            d.Attach(app.Org.Rep1);
            d.Accounts.AddRange(Enumerable.Range(1, 300).Select(i => AccountBuilder.For(app.Org.Rep1, $"BULK-{i:000}", $"Bulk account {i:000}", 1000 + i, now)));
            return await d.SaveChangesAsync(Ct);
        });
        var rep = await RepAsync(app);
        var page = await rep.GetAsync(EditUrl(app, "account-segmentation"));
        var form = PlanPageClient.Editor(page);
        var rows = page.QuerySelectorAll("table.segmentation tbody tr").Length;
        var changes = Enumerable.Range(0, rows).ToDictionary(i => $"c.Rows[{i}].Tier", i => i % 4 == 0 ? "D" : "C");
        changes["c.Rows[0].Tier"] = "A";

        var response = await rep.SubmitAsync(form, changes);

        Assert.Equal(303, rows);
        Assert.True(PlanPageClient.Values(form).Count > 2000);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var saved = await ContentAsync<SegmentationContent>(app, "account-segmentation");
        Assert.Equal(303, saved.Rows.Count(r => r.Tier is not null));
    }

    [Theory, BothDatabases]
    public async Task A_plan_that_is_not_editable_shows_why_and_no_form(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await RepAsync(app);
        var manager = new PlanPageClient(await app.BrowserAsAsync("manager1@test.terrain"));

        var asManager = await manager.GetAsync(EditUrl(app, "summary"));
        Assert.Null(asManager.QuerySelector("form#editor"));
        Assert.Contains("Rep One is writing this plan: as its reviewer you edit it only while it is submitted for review",
            PlanPageClient.Text(asManager.QuerySelector("main")), StringComparison.Ordinal);

        var plan = await rep.GetAsync($"/Plans/{PlanOf(app, app.Org.Rep1)}");
        Assert.Equal(HttpStatusCode.Redirect, (await rep.SubmitAsync(plan.QuerySelector<IHtmlFormElement>("form[action*='handler=Submit']")!)).StatusCode);
        var submitted = await rep.GetAsync(EditUrl(app, "summary"));
        Assert.Null(submitted.QuerySelector("form#editor"));
        Assert.Contains("waiting for review", PlanPageClient.Text(submitted.QuerySelector("main")), StringComparison.Ordinal);
        Assert.NotNull(submitted.QuerySelector($"a[href^='/Plans/{PlanOf(app, app.Org.Rep1)}']"));
        Assert.Equal(HttpStatusCode.NotFound, (await rep.Http.GetAsync(EditUrl(app, "no-such-section"), Ct)).StatusCode);

        // Submitted, it is the reviewer's to refine (ADR 0033): a form without autosave.
        var refining = await manager.GetAsync(EditUrl(app, "summary"));
        Assert.NotNull(refining.QuerySelector("form#editor[data-autosave='off']"));
        Assert.NotNull(refining.QuerySelector(".refining"));
    }

    [Fact]
    public void The_payload_built_from_the_form_model_reads_back_as_the_same_content()
    {
        var content = new GoalsContent { Goals = [new Goal { Id = "g1", Metric = "Revenue", Name = "Revenue", Targets = [1m, null, 3m, 4m] }] };

        var payload = JsonSerializer.SerializeToElement(content, SectionContents.Json);
        var parsed = (GoalsContent)SectionContents.Parse(SectionKind.Goals, payload);

        Assert.Equal(SectionContents.Write(content), SectionContents.Write(parsed));
    }
}
