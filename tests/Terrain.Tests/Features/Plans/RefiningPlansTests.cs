using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Planning;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Plans;

/// <summary>
/// The manager reviews and refines the plan (issue 12 §3, ADR 0033): direct edits and proposals while it is submitted,
/// attributed in the plan, its versions and its history; answers before resubmission; a confirmed approval; the queue.
/// </summary>
public sealed class RefiningPlansTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Guid PlanId(TestApp app) => app.Org.PlanOf[app.Org.Rep1.Id].Id;

    private static string Api(TestApp app, string rest = "") => $"/api/v1/plans/{PlanId(app)}{rest}";

    private static async Task<HttpClient> SubmittedAsync(TestApp app)
    {
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync(Api(app, "/submit"), new { }, Ct)).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        return rep;
    }

    private static async Task<string> ETagAsync(HttpClient client, string url) => (await client.GetAsync(url, Ct)).Headers.ETag!.ToString();

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, object body, string? ifMatch)
    {
        var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request, Ct);
    }

    private static async Task<Guid> ProposeAsync(TestApp app, HttpClient manager, string text)
    {
        var url = Api(app, "/sections/summary");
        var response = await SendAsync(manager, HttpMethod.Post, url + "/proposals", new { content = new { text }, note = "Tighter" }, await ETagAsync(manager, url));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
    }

    private static Task<PlanSection> SummaryAsync(TestApp app)
    {
        var id = PlanId(app);
        return app.WithDbAsync(d => d.PlanSections.AsNoTracking().SingleAsync(s => s.PlanId == id && s.Key == "summary", Ct));
    }

    private static async Task<PlanPageClient> BrowserAsync(TestApp app, string email) => new(await app.BrowserAsAsync(email));

    [Theory, BothDatabases]
    public async Task The_manager_edits_a_submitted_section_and_the_change_is_theirs_in_the_plan_the_versions_and_the_history(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await SubmittedAsync(app);
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var url = Api(app, "/sections/summary");

        var saved = await SendAsync(manager, HttpMethod.Put, url, new { text = "Refined by the manager." }, await ETagAsync(manager, url));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(manager, HttpMethod.Put, url, new { text = "Refined again." }, saved.Headers.ETag!.ToString())).StatusCode);

        var section = await SummaryAsync(app);
        Assert.Equal(app.Org.Manager1.Id, section.UpdatedById);
        var rep1 = app.Org.Rep1.Id;
        var told = await app.WithDbAsync(d => d.Notifications.Where(n => n.UserId == rep1 && n.Key.StartsWith("plan-edited:")).Select(n => n.Title).ToListAsync(Ct));
        Assert.Equal(["Manager One edited Summary"], told);
        var history = await (await manager.GetAsync(Api(app, "/history"), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Contains(history.EnumerateArray(), e => e.GetProperty("action").GetString() == "plan.section-saved"
            && e.GetProperty("byId").GetGuid() == app.Org.Manager1.Id);

        var rep = await BrowserAsync(app, "rep1@test.terrain");
        var plan = await rep.GetAsync($"/Plans/{PlanId(app)}");
        Assert.Contains("edited by Manager One", PlanPageClient.Text(plan.QuerySelector("#section-summary .section-updated")), StringComparison.Ordinal);
        var compare = await rep.GetAsync($"/Plans/{PlanId(app)}/Compare?a=1&b=current");
        Assert.Contains("changed by Manager One", PlanPageClient.Text(compare.QuerySelector("#section-summary")?.ParentElement), StringComparison.Ordinal);

        // Approved as refined: the refinement is stored as a version of its own, by the manager, and it is what is in force.
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsJsonAsync(Api(app, "/approve"), new { comment = "Approved with my edits." }, Ct)).StatusCode);
        var id = PlanId(app);
        var snapshots = await app.WithDbAsync(d => d.PlanSnapshots.Where(s => s.PlanId == id).OrderBy(s => s.Number).Select(s => new { s.Number, s.SubmittedById }).ToListAsync(Ct));
        Assert.Equal([(1, rep1), (2, app.Org.Manager1.Id)], snapshots.Select(s => (s.Number, s.SubmittedById)));
        var inForce = await app.WithDbAsync(d => d.ApprovedPlanVersions.Where(v => v.PlanId == id).Select(v => v.SnapshotId).SingleAsync(Ct));
        Assert.Equal(2, await app.WithDbAsync(d => d.PlanSnapshots.Where(s => s.Id == inForce).Select(s => s.Number).SingleAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_reviewer_edits_only_a_submitted_plan_and_nobody_else_refines_it(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var url = Api(app, "/sections/summary");

        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(manager, HttpMethod.Put, url, new { text = "Too early" }, await ETagAsync(manager, url))).StatusCode);
        await SubmittedAsync(app);
        var other = await app.ApiAsAsync("manager2@test.terrain");
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(other, HttpMethod.Put, url, new { text = "Not mine" }, "\"new\"")).StatusCode);
        var admin = await app.ApiAsAsync("admin@test.terrain");
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(admin, HttpMethod.Put, url, new { text = "Admin" }, await ETagAsync(admin, url))).StatusCode);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(leader, HttpMethod.Put, url, new { text = "Leader" }, await ETagAsync(leader, url))).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task The_rep_accepts_a_proposed_edit_which_becomes_the_managers_version_and_both_are_told(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await SubmittedAsync(app);
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var proposal = await ProposeAsync(app, manager, "Proposed by the manager.");
        var rep1 = app.Org.Rep1.Id;
        Assert.Equal("Manager One proposes an edit to Summary",
            await app.WithDbAsync(d => d.Notifications.Where(n => n.UserId == rep1 && n.Key == $"proposal:{proposal}").Select(n => n.Title).SingleAsync(Ct)));

        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsJsonAsync(Api(app, $"/proposals/{proposal}/accept"), new { }, Ct)).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var accepted = await rep.PostAsJsonAsync(Api(app, $"/proposals/{proposal}/accept"), new { }, Ct);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("Accepted", (await accepted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        var section = await SummaryAsync(app);
        Assert.Equal(app.Org.Manager1.Id, section.UpdatedById);
        Assert.Equal("Proposed by the manager.", ((NarrativeContent)SectionContents.Read(SectionKind.Narrative, section.Content)).Text);
        var id = PlanId(app).ToString();
        var actions = await app.WithDbAsync(d => d.AuditEntries.Where(e => e.EntityId == id).OrderBy(e => e.Id).Select(e => new { e.Action, e.ActorId }).ToListAsync(Ct));
        Assert.Contains(actions, a => a.Action == "plan.edit-proposed" && a.ActorId == app.Org.Manager1.Id);
        Assert.Contains(actions, a => a.Action == "plan.proposal-accepted" && a.ActorId == rep1);
        Assert.Contains(actions, a => a.Action == "plan.section-saved" && a.ActorId == app.Org.Manager1.Id);

        // The rep's "proposes an edit" resolves once decided (ADR 0027); the manager hears of the decision.
        Assert.Equal(HttpStatusCode.OK, (await rep.GetAsync("/api/v1/notifications", Ct)).StatusCode);
        Assert.NotNull(await app.WithDbAsync(d => d.Notifications.Where(n => n.Key == $"proposal:{proposal}").Select(n => n.ResolvedAt).SingleAsync(Ct)));
        var manager1 = app.Org.Manager1.Id;
        Assert.Equal("Rep One accepted your edit to Summary",
            await app.WithDbAsync(d => d.Notifications.Where(n => n.UserId == manager1 && n.Key == $"proposal-decided:{proposal}").Select(n => n.Title).SingleAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_stale_proposal_is_refused_with_409_and_the_rep_rejects_it_with_a_reason(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await SubmittedAsync(app);
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var url = Api(app, "/sections/summary");
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await SendAsync(manager, HttpMethod.Post, url + "/proposals", new { content = new { text = "x" } }, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(rep, HttpMethod.Post, url + "/proposals", new { content = new { text = "x" } }, await ETagAsync(rep, url))).StatusCode);
        var proposal = await ProposeAsync(app, manager, "First idea.");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(manager, HttpMethod.Put, url, new { text = "Second idea, saved directly." }, await ETagAsync(manager, url))).StatusCode);

        var stale = await rep.PostAsJsonAsync(Api(app, $"/proposals/{proposal}/accept"), new { }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("changed since", await stale.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal("Second idea, saved directly.", ((NarrativeContent)SectionContents.Read(SectionKind.Narrative, (await SummaryAsync(app)).Content)).Text);
        var rejected = await rep.PostAsJsonAsync(Api(app, $"/proposals/{proposal}/reject"), new { reason = "Your second idea is better." }, Ct);
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        var list = await (await rep.GetAsync(Api(app, "/proposals"), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("Rejected", list[0].GetProperty("status").GetString());
        Assert.Equal("Your second idea is better.", list[0].GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await rep.PostAsJsonAsync(Api(app, $"/proposals/{proposal}/reject"), new { }, Ct)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task The_manager_proposes_from_the_editor_and_the_rep_accepts_on_the_plan_page(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await SubmittedAsync(app);
        var manager = await BrowserAsync(app, "manager1@test.terrain");
        var editUrl = $"/Plans/{PlanId(app)}/Edit/summary";
        var editor = await manager.GetAsync(editUrl);
        var form = PlanPageClient.Editor(editor);
        Assert.Null(form.GetAttribute("data-hx-post"));
        var propose = editor.QuerySelector<IHtmlButtonElement>("button[formaction*='handler=Propose']")!;

        var proposed = await manager.SubmitAsync(form, new Dictionary<string, string> { ["c.Text"] = "A sharper summary.", ["note"] = "Shorter is stronger." },
            formAction: propose.GetAttribute("formaction"));

        Assert.Equal(HttpStatusCode.Redirect, proposed.StatusCode);
        var rep = await BrowserAsync(app, "rep1@test.terrain");
        var plan = await rep.GetAsync($"/Plans/{PlanId(app)}");
        var card = plan.QuerySelector("#section-summary .proposal");
        Assert.Contains("Manager One proposes an edit", PlanPageClient.Text(card), StringComparison.Ordinal);
        Assert.Contains("Shorter is stronger.", PlanPageClient.Text(card), StringComparison.Ordinal);
        Assert.Contains("A sharper summary.", PlanPageClient.Text(card?.QuerySelector(".proposal-changes")), StringComparison.Ordinal);
        var accept = card!.QuerySelector<IHtmlFormElement>("form[action*='handler=AcceptProposal']")!;
        Assert.Equal(HttpStatusCode.Redirect, (await rep.SubmitAsync(accept)).StatusCode);
        Assert.Equal("A sharper summary.", ((NarrativeContent)SectionContents.Read(SectionKind.Narrative, (await SummaryAsync(app)).Content)).Text);
        var after = await rep.GetAsync($"/Plans/{PlanId(app)}");
        Assert.Null(after.QuerySelector("#section-summary .proposal"));
        Assert.Contains("edited by Manager One", PlanPageClient.Text(after.QuerySelector("#section-summary .section-updated")), StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task After_changes_are_requested_the_rep_sees_the_request_and_resubmits_only_once_each_comment_is_answered(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await SubmittedAsync(app);
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var comment = await manager.PostAsJsonAsync(Api(app, "/comments"), new { sectionKey = "summary", body = "Which competitor do you mean?" }, Ct);
        var thread = (await comment.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("threadId").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsJsonAsync(Api(app, "/request-changes"), new { comment = "Name the competitors." }, Ct)).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(2));

        var refused = await rep.PostAsJsonAsync(Api(app, "/submit"), new { }, Ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("comment on Summary: change the section or reply to it", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var browser = await BrowserAsync(app, "rep1@test.terrain");
        var page = await browser.GetAsync($"/Plans/{PlanId(app)}");
        var banner = PlanPageClient.Text(page.QuerySelector(".changes-requested"));
        Assert.Contains("Manager One asked for changes", banner, StringComparison.Ordinal);
        Assert.Contains("Name the competitors.", banner, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("form[action*='handler=Submit'] button[disabled]"));
        var editor = await browser.GetAsync($"/Plans/{PlanId(app)}/Edit/summary");
        var threads = PlanPageClient.Text(editor.QuerySelector(".section-threads"));
        Assert.Contains("Which competitor do you mean?", threads, StringComparison.Ordinal);
        Assert.Contains("Needs your answer", threads, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Created, (await rep.PostAsJsonAsync(Api(app, "/comments"), new { replyTo = thread, body = "Acme and Globex." }, Ct)).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync(Api(app, "/submit"), new { }, Ct)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task The_managers_home_lists_the_plans_waiting_for_them_and_the_leaders_shows_the_cycles_progress(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await SubmittedAsync(app);

        var queue = (await (await BrowserAsync(app, "manager1@test.terrain")).GetAsync("/")).QuerySelector(".review-queue");
        Assert.Contains("Rep One", PlanPageClient.Text(queue), StringComparison.Ordinal);
        Assert.Matches(@"\d+ days left|due today|overdue", PlanPageClient.Text(queue?.QuerySelector("tbody tr")));
        var other = (await (await BrowserAsync(app, "manager2@test.terrain")).GetAsync("/")).QuerySelector(".review-queue");
        Assert.DoesNotContain("Rep One", PlanPageClient.Text(other), StringComparison.Ordinal);

        var progress = PlanPageClient.Text((await (await BrowserAsync(app, "leader@test.terrain")).GetAsync("/")).QuerySelector(".cycle-progress"));
        Assert.Contains("FY2027", progress, StringComparison.Ordinal);
        Assert.Contains("2 drafts", progress, StringComparison.Ordinal);
        Assert.Contains("1 submitted", progress, StringComparison.Ordinal);
        Assert.Contains("0 approved", progress, StringComparison.Ordinal);
    }
}
