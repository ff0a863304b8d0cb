using System.Net;
using System.Net.Http.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Plans;

/// <summary>The plan page: reading a plan, its checks, the review moves and the comment threads, through the real page.</summary>
public sealed class PlanPageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string PlanUrl(TestApp app, AppUser rep) => $"/Plans/{app.Org.PlanOf[rep.Id].Id}";

    private static async Task<PlanPageClient> AsAsync(TestApp app, string email) => new(await app.BrowserAsAsync(email));

    private static IHtmlFormElement FormFor(IHtmlDocument page, string handler) =>
        page.QuerySelector<IHtmlFormElement>($"form[action*='handler={handler}']") ?? throw new InvalidOperationException($"No {handler} form.");

    private static async Task<PlanStatus> StatusAsync(TestApp app, AppUser rep)
    {
        var id = app.Org.PlanOf[rep.Id].Id;
        return await app.WithDbAsync(d => d.Plans.Where(p => p.Id == id).Select(p => p.Status).SingleAsync(Ct));
    }

    /// <summary>Empties a section through the API, as another client would.</summary>
    private static async Task ClearAsync(TestApp app, string key)
    {
        var api = await app.ApiAsAsync("rep1@test.terrain");
        var url = $"/api/v1/plans/{app.Org.PlanOf[app.Org.Rep1.Id].Id}/sections/{key}";
        var current = await api.GetAsync(url, Ct);
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(new { }) };
        request.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(request, Ct)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task The_plan_page_shows_the_header_every_section_in_order_and_the_links(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await AsAsync(app, "rep1@test.terrain");

        var page = await rep.GetAsync(PlanUrl(app, app.Org.Rep1));

        var facts = PlanPageClient.Text(page.QuerySelector(".plan-facts"));
        Assert.Contains("Rep One", facts, StringComparison.Ordinal);
        Assert.Contains("FY2027", facts, StringComparison.Ordinal);
        Assert.Contains("7 Dec 2026", facts, StringComparison.Ordinal);
        Assert.Contains("due in 11 days", facts, StringComparison.Ordinal);
        Assert.Contains("v1", facts, StringComparison.Ordinal);
        Assert.Equal("Draft", PlanPageClient.Text(page.QuerySelector(".plan-title .badge")).Trim());
        var sections = page.QuerySelectorAll("section.plan-section[id^='section-']").Select(s => s.Id).Where(i => i != "section-plan").ToList();
        Assert.Equal(DefaultTemplate.Sections.Select(s => $"section-{s.Key}"), sections);
        Assert.NotNull(page.QuerySelector("#section-swot details.instructions summary"));
        Assert.Contains("Use them in every first meeting", PlanPageClient.Text(page.QuerySelector("#section-swot .section-view")), StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector($"#section-swot a[href='{PlanUrl(app, app.Org.Rep1)}/Edit/swot']"));
        Assert.NotNull(page.QuerySelector($"a[href='{PlanUrl(app, app.Org.Rep1)}/Versions']"));
        Assert.NotNull(page.QuerySelector($"a[href='{PlanUrl(app, app.Org.Rep1)}/Print']"));
        Assert.NotNull(page.QuerySelector("canvas#gap-chart"));
        Assert.Equal(5, page.QuerySelectorAll(".gap-table tbody tr, .gap-table tfoot tr").Length);
        Assert.NotNull(page.QuerySelector("#comments-swot form textarea[name='body']"));
        Assert.Null(page.QuerySelector("button[disabled]"));
    }

    [Theory, BothDatabases]
    public async Task A_blocked_plan_shows_the_checklist_beside_a_disabled_submit_and_the_server_refuses_it_too(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await ClearAsync(app, "summary");
        var rep = await AsAsync(app, "rep1@test.terrain");

        var page = await rep.GetAsync(PlanUrl(app, app.Org.Rep1));

        var submit = FormFor(page, "Submit");
        Assert.True(submit.QuerySelector<IHtmlButtonElement>("button")!.IsDisabled);
        Assert.Contains("Summary: This required section is empty.", PlanPageClient.Text(submit), StringComparison.Ordinal);
        Assert.Contains("check-missing", page.QuerySelector(".checklist a[href='#section-summary']")!.Closest("li")!.ClassName, StringComparison.Ordinal);

        var refused = await rep.SubmitAsync(submit);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var shown = await PlanPageClient.ParseAsync(refused);
        Assert.Contains("Summary: This required section is empty.", PlanPageClient.Text(shown.QuerySelector("#action-error")), StringComparison.Ordinal);
        Assert.Equal(PlanStatus.Draft, await StatusAsync(app, app.Org.Rep1));
    }

    [Theory, BothDatabases]
    public async Task A_manager_requests_changes_with_a_comment_and_the_rep_amends_after_approval(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await AsAsync(app, "rep1@test.terrain");
        var manager = await AsAsync(app, "manager1@test.terrain");
        var url = PlanUrl(app, app.Org.Rep1);

        var submitted = await rep.SubmitAsync(FormFor(await rep.GetAsync(url), "Submit"));
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        Assert.Contains("Your plan is submitted", PlanPageClient.Text((await rep.GetAsync(url)).QuerySelector(".alert.success")), StringComparison.Ordinal);

        var review = await manager.GetAsync(url);
        var requestForm = FormFor(review, "RequestChanges");
        var empty = await manager.SubmitAsync(requestForm, new Dictionary<string, string> { ["comment"] = " " });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        Assert.Contains("a comment is required", PlanPageClient.Text((await PlanPageClient.ParseAsync(empty)).QuerySelector("#action-error")), StringComparison.Ordinal);

        var requested = await manager.SubmitAsync(requestForm, new Dictionary<string, string> { ["comment"] = "Add a second A account and its actions." });

        Assert.Equal(HttpStatusCode.Redirect, requested.StatusCode);
        Assert.Equal(PlanStatus.ChangesRequested, await StatusAsync(app, app.Org.Rep1));
        var repView = await rep.GetAsync(url);
        Assert.Contains("Add a second A account and its actions.", PlanPageClient.Text(repView.QuerySelector("#comments-plan")), StringComparison.Ordinal);
        Assert.Equal("Changes requested", PlanPageClient.Text(repView.QuerySelector(".plan-title .badge")).Trim());

        await rep.SubmitAsync(FormFor(repView, "Submit"));
        // Approving asks first, with the closing comment carried over, and approves on the second step only.
        var asked = await manager.SubmitAsync(FormFor(await manager.GetAsync(url), "Approve"), new Dictionary<string, string> { ["comment"] = "Well done." });
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Equal(PlanStatus.Submitted, await StatusAsync(app, app.Org.Rep1));
        var confirm = (await PlanPageClient.ParseAsync(asked)).QuerySelector<IHtmlFormElement>("form.confirm-approval")!;
        Assert.Equal("Well done.", PlanPageClient.Field((await PlanPageClient.ParseAsync(asked)), "comment"));
        var approved = await manager.SubmitAsync(confirm);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        Assert.Equal(PlanStatus.Approved, await StatusAsync(app, app.Org.Rep1));

        var approvedView = await rep.GetAsync(url);
        Assert.Contains("Manager One approved it: Well done.", PlanPageClient.Text(approvedView.QuerySelector(".closing-comment")), StringComparison.Ordinal);
        var amended = await rep.SubmitAsync(FormFor(approvedView, "Amend"));
        Assert.Equal(HttpStatusCode.Redirect, amended.StatusCode);
        var draft = await rep.GetAsync(url);
        Assert.Contains("v2", PlanPageClient.Text(draft.QuerySelector(".plan-facts")), StringComparison.Ordinal);
        Assert.Contains("v1 approved, in force", PlanPageClient.Text(draft.QuerySelector(".plan-facts")), StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task A_reviewer_sees_the_quality_warnings_and_the_quota_gap(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var now = app.Clock.GetUtcNow();
        await app.WithDbAsync(async d =>
        {
            d.Quotas.AddRange(Enumerable.Range(1, 4).Select(q => Quota.Set(app.Org.Cycle.Id, app.Org.Rep1.Id, q, 80_000, app.Org.Leader.Id, now)));
            return await d.SaveChangesAsync(Ct);
        });
        var manager = await AsAsync(app, "manager1@test.terrain");

        var page = await manager.GetAsync(PlanUrl(app, app.Org.Rep1));

        var warnings = page.QuerySelectorAll(".warnings li").Select(PlanPageClient.Text).ToList();
        Assert.Equal(5, warnings.Count);
        Assert.Contains("Q1: revenue goals of 50,000 are 30,000 below the quota of 80,000.", warnings);
        Assert.Contains(warnings, w => w.StartsWith("1 goal linked to no strategic objective: Revenue.", StringComparison.Ordinal));
        var total = page.QuerySelector(".gap-table tfoot tr")!;
        Assert.Contains("-$120,000", PlanPageClient.Text(total), StringComparison.Ordinal);
        Assert.Contains("30,000 below the quota", PlanPageClient.Text(page.QuerySelector("#section-targets .section-warning")), StringComparison.Ordinal);
        Assert.Equal("[80000,80000,80000,80000]", page.QuerySelector("#gap-chart")!.GetAttribute("data-quota"));
        Assert.Null(page.QuerySelector($"a[href$='/Edit/targets']"));
        Assert.Contains("The rep is writing this plan", PlanPageClient.Text(page.QuerySelector(".plan-actions")), StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task The_rep_and_the_manager_discuss_a_section_in_a_thread(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await AsAsync(app, "rep1@test.terrain");
        var manager = await AsAsync(app, "manager1@test.terrain");
        var url = PlanUrl(app, app.Org.Rep1);

        var asked = await manager.SubmitAsync((IHtmlFormElement)(await manager.GetAsync(url)).QuerySelector("#comments-swot form.new-comment")!,
            new Dictionary<string, string> { ["body"] = "Which reseller in the south?" });
        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        Assert.Equal($"{url}#comments-swot", asked.Headers.Location?.OriginalString);

        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var repPage = await rep.GetAsync(url);
        var reply = (IHtmlFormElement)repPage.QuerySelector("#comments-swot details.reply form")!;
        var answered = await rep.PostAsync(reply.GetAttribute("data-hx-post")!, PlanPageClient.Values(reply, new Dictionary<string, string> { ["body"] = "Nordic Partners, from March." }), htmx: true);

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var fragment = await PlanPageClient.ParseAsync(answered);
        Assert.Equal("comments-swot", fragment.Body!.FirstElementChild!.Id);
        var thread = fragment.QuerySelectorAll(".thread .comment").Select(PlanPageClient.Text).ToList();
        Assert.Equal(2, thread.Count);
        Assert.Contains("Manager One", thread[0], StringComparison.Ordinal);
        Assert.Contains("Nordic Partners, from March.", thread[1], StringComparison.Ordinal);

        var emptyComment = await rep.SubmitAsync((IHtmlFormElement)repPage.QuerySelector("#comments-risks form.new-comment")!);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, emptyComment.StatusCode);
        Assert.Contains("Write a comment first", PlanPageClient.Text((await PlanPageClient.ParseAsync(emptyComment)).QuerySelector("#comments-risks .field-error")), StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task Another_teams_manager_and_another_rep_get_404(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var url = PlanUrl(app, app.Org.Rep1);
        var otherManager = await AsAsync(app, "manager2@test.terrain");
        var otherRep = await AsAsync(app, "rep2@test.terrain");
        var leader = await AsAsync(app, "leader@test.terrain");
        var token = await TestApp.AntiforgeryTokenAsync(otherManager.Http, "/Cycles");

        Assert.Equal(HttpStatusCode.NotFound, (await otherManager.Http.GetAsync(url, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherManager.Http.GetAsync($"{url}/Edit/summary", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherRep.Http.GetAsync(url, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherManager.PostAsync($"{url}?handler=Comment",
            [new("sectionKey", "swot"), new("body", "Sneaky"), new("__RequestVerificationToken", token)])).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherManager.PostAsync($"{url}?handler=RequestChanges",
            [new("comment", "Sneaky"), new("__RequestVerificationToken", token)])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await leader.Http.GetAsync(url, Ct)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task Reps_reach_their_plan_from_home_and_the_top_bar_and_managers_from_the_board(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await AsAsync(app, "rep1@test.terrain");
        var manager = await AsAsync(app, "manager1@test.terrain");
        var url = PlanUrl(app, app.Org.Rep1);

        var home = await rep.GetAsync("/");
        var mine = await rep.Http.GetAsync("/Plans/Mine", Ct);
        var board = await manager.GetAsync($"/Cycles/Board/{app.Org.Cycle.Id}");

        Assert.NotNull(home.QuerySelector($"main a[href='{url}']"));
        Assert.NotNull(home.QuerySelector("nav a[href='/Plans/Mine']"));
        Assert.Equal(HttpStatusCode.SeeOther, mine.StatusCode);
        Assert.Equal(url, mine.Headers.Location?.OriginalString);
        Assert.NotNull(board.QuerySelector($"table.data tbody a[href='{url}']"));
        Assert.Null((await manager.GetAsync("/")).QuerySelector("nav a[href='/Plans/Mine']"));
    }
}
