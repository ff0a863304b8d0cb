using System.Net;
using System.Net.Http.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Features.Plans;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Strategies;

/// <summary>Buy-in through the pages, as a browser without JavaScript: the check, the acknowledgement, the panel, questions.</summary>
public sealed class BuyInPagesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<PlanPageClient> AsAsync(TestApp app, string email) => new(await app.BrowserAsAsync(email));

    private static string StrategyUrl(TestApp app) => $"/Strategies/{app.Org.Strategy.Id}";

    private static string CheckUrl(TestApp app) => $"{StrategyUrl(app)}/Check";

    private static string QuestionsUrl(TestApp app) => $"{StrategyUrl(app)}/Questions";

    private static IHtmlFormElement FormFor(IHtmlDocument page, string handler) =>
        page.QuerySelector<IHtmlFormElement>($"form[action*='handler={handler}']") ?? throw new InvalidOperationException($"No {handler} form.");

    private static async Task<IHtmlDocument> FollowAsync(PlanPageClient client, HttpResponseMessage response, string expectedLocation)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.StartsWith(expectedLocation, location, StringComparison.Ordinal);
        return await client.GetAsync(location);
    }

    private static Task<int> AcknowledgementsAsync(TestApp app) => app.WithDbAsync(d => d.Acknowledgements.CountAsync(Ct));

    [Theory, BothDatabases]
    public async Task A_rep_fails_the_check_then_passes_it_and_acknowledges_through_the_forms(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await AsAsync(app, "rep1@test.terrain");

        var page = await rep.GetAsync(CheckUrl(app));
        var legends = page.QuerySelectorAll("form.check-form fieldset legend").Select(l => PlanPageClient.Text(l)).ToList();
        Assert.Equal(["1. Which segment do we target first?", "2. What do we lead with?"], legends);
        Assert.Equal(3, page.QuerySelectorAll("#question-0 input[type=radio][name='answers[0]']").Length);
        Assert.Empty(page.QuerySelectorAll(".option-correct"));
        Assert.True(FormFor(page, "Acknowledge").QuerySelector<IHtmlButtonElement>("button")!.IsDisabled);
        Assert.Contains("Pass the check above first", PlanPageClient.Text(page.QuerySelector("#acknowledge-blocked")), StringComparison.Ordinal);

        var failed = await FollowAsync(rep, await rep.PostAsync(FormFor(page, "Take").GetAttribute("action")!,
            PlanPageClient.Values(FormFor(page, "Take")).Concat([new("answers[0]", "1"), new("answers[1]", "1")])), CheckUrl(app));

        Assert.Null(failed.QuerySelector(".alert.success"));
        Assert.Contains("Your last attempt: 1 of 2 right", PlanPageClient.Text(failed.QuerySelector("#last-result")), StringComparison.Ordinal);
        // The score, not which answer was wrong.
        Assert.Empty(failed.QuerySelectorAll(".wrong-note, .is-wrong"));
        Assert.Empty(failed.QuerySelectorAll(".option-correct"));
        Assert.Single(failed.QuerySelectorAll("table.data tbody tr"));

        var retry = FormFor(failed, "Take");
        var passed = await FollowAsync(rep, await rep.SubmitAsync(retry, new Dictionary<string, string> { ["answers[1]"] = "0" }), CheckUrl(app));

        Assert.Contains("You passed the check: 2 of 2 right", PlanPageClient.Text(passed.QuerySelector(".alert.success")), StringComparison.Ordinal);
        Assert.Null(passed.QuerySelector("form.check-form"));
        Assert.Equal(["Mid-market manufacturers Correct", "Plans that get executed Correct"],
            passed.QuerySelectorAll(".option-correct").Select(e => PlanPageClient.Text(e)));
        var acknowledge = FormFor(passed, "Acknowledge");
        Assert.False(acknowledge.QuerySelector<IHtmlButtonElement>("button")!.IsDisabled);
        Assert.Equal("I have read and understood the strategy", PlanPageClient.Text(acknowledge.QuerySelector("button")));

        var done = await FollowAsync(rep, await rep.SubmitAsync(acknowledge), CheckUrl(app));

        Assert.Contains("you acknowledged the strategy on 26 Nov 2026", PlanPageClient.Text(done.QuerySelector(".alert.success")), StringComparison.Ordinal);
        Assert.Contains("Acknowledged on 26 Nov 2026", PlanPageClient.Text(done.QuerySelector(".acknowledge-card")), StringComparison.Ordinal);
        Assert.Equal(1, await AcknowledgementsAsync(app));
        Assert.Equal(2, await app.WithDbAsync(d => d.CheckAttempts.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task An_unanswered_question_is_named_beside_its_fieldset_and_no_attempt_is_kept(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await AsAsync(app, "rep1@test.terrain");
        var page = await rep.GetAsync(CheckUrl(app));

        var refused = await rep.PostAsync(FormFor(page, "Take").GetAttribute("action")!,
            PlanPageClient.Values(FormFor(page, "Take")).Concat([new("answers[0]", "1")]));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var shown = await PlanPageClient.ParseAsync(refused);
        Assert.Equal("Question 2 is not answered.", PlanPageClient.Text(shown.QuerySelector("#question-1 .field-error")));
        Assert.Equal("answers-1-error", shown.QuerySelector("#question-1")!.GetAttribute("aria-describedby"));
        Assert.True(shown.QuerySelector<IHtmlInputElement>("#question-0 input[value='1']")!.IsChecked);
        Assert.Equal(0, await app.WithDbAsync(d => d.CheckAttempts.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task The_panel_on_the_strategy_page_shows_the_reps_steps_and_acknowledges_without_javascript(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await AsAsync(app, "rep1@test.terrain");
        var manager = await AsAsync(app, "manager1@test.terrain");
        var leader = await AsAsync(app, "leader@test.terrain");

        var before = await rep.GetAsync(StrategyUrl(app));
        Assert.Equal("Your buy-in", PlanPageClient.Text(before.QuerySelector("#buyin h2")));
        Assert.Contains("Not taken yet", PlanPageClient.Text(before.QuerySelector("#buyin-check")), StringComparison.Ordinal);
        Assert.NotNull(before.QuerySelector($"#buyin-check a[href='{CheckUrl(app)}']"));
        Assert.True(before.QuerySelector<IHtmlButtonElement>("#buyin-acknowledge button")!.IsDisabled);
        Assert.Contains("Pass the check first", PlanPageClient.Text(before.QuerySelector("#buyin-acknowledge")), StringComparison.Ordinal);
        Assert.NotNull(before.QuerySelector($"#buyin a[href='{QuestionsUrl(app)}']"));
        Assert.Contains("0 of 2 reps acknowledged", PlanPageClient.Text((await manager.GetAsync(StrategyUrl(app))).QuerySelector("#buyin")), StringComparison.Ordinal);

        var api = await app.ApiAsAsync("rep1@test.terrain");
        await api.PostAsJsonAsync($"/api/v1/strategies/{app.Org.Strategy.Id}/check", new { answers = new Dictionary<string, int> { ["q1"] = 0, ["q2"] = 0 } }, Ct);
        Assert.Contains("1 attempt, not passed yet", PlanPageClient.Text((await rep.GetAsync(StrategyUrl(app))).QuerySelector("#buyin-check")), StringComparison.Ordinal);
        await api.PostAsJsonAsync($"/api/v1/strategies/{app.Org.Strategy.Id}/check", new { answers = new Dictionary<string, int> { ["q1"] = 1, ["q2"] = 0 } }, Ct);
        await api.PostAsJsonAsync($"/api/v1/strategies/{app.Org.Strategy.Id}/questions", new { body = "Is services revenue counted?" }, Ct);

        var ready = await rep.GetAsync(StrategyUrl(app));
        Assert.Contains("Passed", PlanPageClient.Text(ready.QuerySelector("#buyin-check")), StringComparison.Ordinal);
        Assert.Equal("1 open", PlanPageClient.Text(ready.QuerySelector("#buyin .buyin-questions .badge")));
        var form = ready.QuerySelector<IHtmlFormElement>("#buyin-acknowledge form")!;
        Assert.False(form.QuerySelector<IHtmlButtonElement>("button")!.IsDisabled);
        Assert.NotNull(form.QuerySelector("input[name=__RequestVerificationToken]"));

        var after = await FollowAsync(rep, await rep.SubmitAsync(form), StrategyUrl(app));

        Assert.Contains("you acknowledged the strategy", PlanPageClient.Text(after.QuerySelector("#buyin .alert.success")), StringComparison.Ordinal);
        Assert.Contains("Acknowledged on 26 Nov 2026", PlanPageClient.Text(after.QuerySelector("#buyin-acknowledge")), StringComparison.Ordinal);
        Assert.Null(after.QuerySelector("#buyin-acknowledge form"));
        Assert.Equal(1, await AcknowledgementsAsync(app));

        var managerView = await manager.GetAsync(StrategyUrl(app));
        Assert.Contains("1 of 2 reps acknowledged", PlanPageClient.Text(managerView.QuerySelector("#buyin")), StringComparison.Ordinal);
        Assert.NotNull(managerView.QuerySelector($"#buyin a[href='{StrategyUrl(app)}/Readiness']"));
        Assert.Contains("1 open question", PlanPageClient.Text(managerView.QuerySelector("#buyin")), StringComparison.Ordinal);
        Assert.Contains("1 of 3 reps acknowledged", PlanPageClient.Text((await leader.GetAsync(StrategyUrl(app))).QuerySelector("#buyin")), StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task A_draft_has_no_buy_in_panel(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await AsAsync(app, "leader@test.terrain");
        var draft = await app.WithDbAsync(async d =>
        {
            var s = Terrain.Domain.Strategies.Strategy.Draft(new Terrain.Domain.Planning.Actor(app.Org.Leader.Id, Terrain.Domain.Role.Leader), "FY2028 draft",
                new DateOnly(2028, 1, 1), new DateOnly(2028, 12, 31), StrategyBuilder.Content(), app.Clock.GetUtcNow());
            d.Strategies.Add(s);
            await d.SaveChangesAsync(Ct);
            return s.Id;
        });

        var page = await leader.GetAsync($"/Strategies/{draft}");

        Assert.Null(page.QuerySelector("#buyin"));
    }

    [Theory, BothDatabases]
    public async Task A_leader_writes_the_check_with_errors_beside_the_fields_until_reps_have_taken_it(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await AsAsync(app, "leader@test.terrain");

        var page = await leader.GetAsync(CheckUrl(app));
        var editor = FormFor(page, "Save");
        Assert.Equal("Which segment do we target first?", PlanPageClient.Field(page, "Form.Questions[0].Text"));
        Assert.Equal("1", PlanPageClient.Field(page, "Form.Questions[0].Correct"));
        Assert.Equal(5, page.QuerySelectorAll("fieldset.question-block").Length);

        var refused = await leader.SubmitAsync(editor, new Dictionary<string, string>
        {
            ["Form.Questions[3].Text"] = "Which objective counts new logos?",
            ["Form.Questions[3].Options"] = "Revenue from manufacturers\nNew logos",
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var shown = await PlanPageClient.ParseAsync(refused);
        Assert.Contains("Question 3 has no correct answer", PlanPageClient.Text(shown.QuerySelector("#q-2-correct-error")), StringComparison.Ordinal);
        Assert.Equal("true", shown.QuerySelector("#q-2-correct")!.GetAttribute("aria-invalid"));
        Assert.Equal("Which objective counts new logos?", PlanPageClient.Field(shown, "Form.Questions[2].Text"));
        var stored = await app.WithDbAsync(d => d.Strategies.Where(s => s.Id == app.Org.Strategy.Id).Select(s => s.Check).SingleAsync(Ct));
        Assert.Equal(2, Terrain.Domain.Strategies.ComprehensionCheck.Read(stored).Questions.Count);

        var saved = await FollowAsync(leader, await leader.SubmitAsync(FormFor(shown, "Save"), new Dictionary<string, string>
        {
            ["Form.Questions[2].Correct"] = "1",
            ["Form.PassPercent"] = "60",
        }), CheckUrl(app));
        Assert.Contains("The check is saved: 3 questions, pass mark 60%.", PlanPageClient.Text(saved.QuerySelector(".alert.success")), StringComparison.Ordinal);
        Assert.Equal("Which objective counts new logos?", PlanPageClient.Field(saved, "Form.Questions[2].Text"));

        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var check = await (await rep.GetAsync($"/api/v1/strategies/{app.Org.Strategy.Id}/check", Ct)).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct);
        var third = check.GetProperty("questions")[2].GetProperty("id").GetString()!;
        await rep.PostAsJsonAsync($"/api/v1/strategies/{app.Org.Strategy.Id}/check",
            new { answers = new Dictionary<string, int> { ["q1"] = 0, ["q2"] = 0, [third] = 1 } }, Ct);

        var locked = await leader.GetAsync(CheckUrl(app));
        Assert.Null(locked.QuerySelector("form[action*='handler=Save']"));
        Assert.Contains("Reps have already taken this check", PlanPageClient.Text(locked.QuerySelector("#edit-blocked")), StringComparison.Ordinal);
        Assert.Equal("1 of 1 attempt got this wrong.", PlanPageClient.Text(locked.QuerySelector("#question-0 .wrong-count")));
        Assert.Equal(3, locked.QuerySelectorAll(".option-correct").Length);
    }

    [Theory, BothDatabases]
    public async Task A_manager_reads_the_check_without_the_answers(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var manager = await AsAsync(app, "manager1@test.terrain");

        var page = await manager.GetAsync(CheckUrl(app));

        Assert.Equal(2, page.QuerySelectorAll(".check-questions > li").Length);
        Assert.Empty(page.QuerySelectorAll(".option-correct"));
        Assert.Null(page.QuerySelector("form.check-form"));
        Assert.Null(page.QuerySelector("form[action*='handler=Save']"));
        Assert.Null(page.QuerySelector("#edit-blocked"));
        Assert.Equal(["Reps: 2", "Took the check: 0", "Passed: 0", "Acknowledged: 0"],
            page.QuerySelectorAll("dl.stats .stat").Select(s => $"{PlanPageClient.Text(s.QuerySelector("dt"))}: {PlanPageClient.Text(s.QuerySelector("dd"))}"));
    }

    [Theory, BothDatabases]
    public async Task A_rep_asks_on_the_questions_page_and_reads_the_answer_their_manager_gives_there(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await AsAsync(app, "rep1@test.terrain");
        var manager = await AsAsync(app, "manager1@test.terrain");
        var otherManager = await AsAsync(app, "manager2@test.terrain");

        var page = await rep.GetAsync(QuestionsUrl(app));
        Assert.Equal(["", "sell", "whom", "why", "objectives", "priorities"],
            page.QuerySelectorAll("#ask-part option").Select(o => o.GetAttribute("value")));
        Assert.Equal("The whole strategy", PlanPageClient.Text(page.QuerySelector("#ask-part option")));
        var empty = await rep.SubmitAsync(FormFor(page, "Ask"), new Dictionary<string, string> { ["part"] = "why" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        var emptyPage = await PlanPageClient.ParseAsync(empty);
        Assert.Equal("Write the question or concern.", PlanPageClient.Text(emptyPage.QuerySelector("#ask-error")));
        Assert.Equal("why", emptyPage.QuerySelector<IHtmlSelectElement>("#ask-part")!.Value);

        var mine = await FollowAsync(rep, await rep.SubmitAsync(FormFor(page, "Ask"), new Dictionary<string, string>
        {
            ["part"] = "why",
            ["body"] = "Do we still compete on price against spreadsheets?",
        }), QuestionsUrl(app));
        Assert.Contains("Your question is sent", PlanPageClient.Text(mine.QuerySelector(".alert.success")), StringComparison.Ordinal);
        var asked = mine.QuerySelector(".question-list .question")!;
        Assert.Contains("Why they buy", PlanPageClient.Text(asked.QuerySelector(".question-head")), StringComparison.Ordinal);
        Assert.Contains("Open", PlanPageClient.Text(asked.QuerySelector(".question-head")), StringComparison.Ordinal);
        Assert.Null(asked.QuerySelector("form"));

        Assert.Equal("0", PlanPageClient.Text((await otherManager.GetAsync(QuestionsUrl(app))).QuerySelector("#open-title .badge")));
        var review = await manager.GetAsync(QuestionsUrl(app));
        Assert.Equal("1", PlanPageClient.Text(review.QuerySelector("#open-title .badge")));
        var answerForm = FormFor(review, "Answer");
        var answered = await FollowAsync(manager, await manager.SubmitAsync(answerForm, new Dictionary<string, string>
        {
            ["answer"] = "No: we win on the review loop, never on price.",
        }), QuestionsUrl(app));
        Assert.Contains("Your answer is sent to Rep One", PlanPageClient.Text(answered.QuerySelector(".alert.success")), StringComparison.Ordinal);
        Assert.Equal("0", PlanPageClient.Text(answered.QuerySelector("#open-title .badge")));

        // The form the manager answered from is stale now; sending it again is refused beside the question.
        var stale = await manager.SubmitAsync(answerForm, new Dictionary<string, string> { ["answer"] = "Second thoughts." });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("answered or changed since you read it",
            PlanPageClient.Text((await PlanPageClient.ParseAsync(stale)).QuerySelector(".answer-form .field-error")), StringComparison.Ordinal);

        var read = await rep.GetAsync(QuestionsUrl(app));
        var answer = read.QuerySelector(".question-list .question .question-answer");
        Assert.Contains("No: we win on the review loop, never on price.", PlanPageClient.Text(answer), StringComparison.Ordinal);
        Assert.Contains("Manager One answered", PlanPageClient.Text(answer), StringComparison.Ordinal);
    }
}
