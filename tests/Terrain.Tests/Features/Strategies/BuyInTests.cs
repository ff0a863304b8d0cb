using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Strategies;

/// <summary>Buy-in through the API: the comprehension check, the acknowledgement, questions and answers, and who sees what.</summary>
public sealed class BuyInTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    private static string Url(TestApp app, string rest = "") => $"/api/v1/strategies/{app.Org.Strategy.Id}{rest}";

    /// <summary>Replaces a check the way a client must: against the strategy's version it read (If-Match).</summary>
    private static async Task<HttpResponseMessage> PutCheckAsync(HttpClient client, string url, object body)
    {
        using var read = await client.GetAsync(url, Ct);
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
        if (read.Headers.ETag is { } etag)
        {
            request.Headers.IfMatch.Add(etag);
        }

        return await client.SendAsync(request, Ct);
    }

    /// <summary>The TestOrg check: q1 is answered by option 1, q2 by option 0.</summary>
    private static readonly object RightAnswers = new { answers = new Dictionary<string, int> { ["q1"] = 1, ["q2"] = 0 } };

    private static readonly object OneWrong = new { answers = new Dictionary<string, int> { ["q1"] = 1, ["q2"] = 1 } };

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {body}");
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(field, out _), $"expected {field}: {body}");
    }

    private static Task<int> CountAsync(TestApp app, Func<Terrain.Data.AppDbContext, Task<int>> count) => app.WithDbAsync(count);

    private static Task<int> AuditsAsync(TestApp app, string action) =>
        app.WithDbAsync(d => d.AuditEntries.CountAsync(a => a.Action == action, Ct));

    private static Task<string> CheckJsonAsync(TestApp app) =>
        app.WithDbAsync(d => d.Strategies.Where(s => s.Id == app.Org.Strategy.Id).Select(s => s.Check).SingleAsync(Ct));

    /// <summary>Publishes revision 2 of the TestOrg strategy, superseding revision 1; returns revision 2.</summary>
    private static Task<Guid> PublishRevisionTwoAsync(TestApp app) => app.WithDbAsync(async d =>
    {
        var leader = new Actor(app.Org.Leader.Id, Role.Leader);
        var now = app.Clock.GetUtcNow();
        var first = await d.Strategies.SingleAsync(s => s.Id == app.Org.Strategy.Id, Ct);
        var second = first.Revise(leader, now);
        second.Edit(leader, null, null, null, null, "Sharper priorities.", now);
        second.Publish(leader, now);
        first.Supersede(now);
        d.Strategies.Add(second);
        await d.SaveChangesAsync(Ct);
        return second.Id;
    });

    private static Task<Guid> AddDraftAsync(TestApp app) => app.WithDbAsync(async d =>
    {
        var draft = Strategy.Draft(new Actor(app.Org.Leader.Id, Role.Leader), "FY2028 sales strategy", new DateOnly(2028, 1, 1),
            new DateOnly(2028, 12, 31), StrategyBuilder.Content(), app.Clock.GetUtcNow());
        draft.SetCheck(new Actor(app.Org.Leader.Id, Role.Leader), StrategyBuilder.Check(), false, app.Clock.GetUtcNow());
        d.Strategies.Add(draft);
        await d.SaveChangesAsync(Ct);
        return draft.Id;
    });

    [Theory, BothDatabases]
    public async Task A_rep_fails_the_check_passes_it_and_then_acknowledges_and_every_step_is_audited(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");

        var before = await JsonAsync(await rep.GetAsync(Url(app, "/check"), Ct));
        Assert.Equal(2, before.GetProperty("questions").GetArrayLength());
        Assert.All(before.GetProperty("questions").EnumerateArray(), q => Assert.Equal(JsonValueKind.Null, q.GetProperty("correct").ValueKind));
        Assert.Equal(100, before.GetProperty("passPercent").GetInt32());
        Assert.False(before.GetProperty("passed").GetBoolean());
        Assert.Equal(0, before.GetProperty("attempts").GetArrayLength());

        var failed = await JsonAsync(await rep.PostAsJsonAsync(Url(app, "/check"), OneWrong, Ct));
        Assert.Equal((1, 2, 50, false), (failed.GetProperty("correct").GetInt32(), failed.GetProperty("total").GetInt32(),
            failed.GetProperty("percent").GetInt32(), failed.GetProperty("passed").GetBoolean()));
        // The score only: which answer was wrong stays unsaid until the check is passed.
        Assert.Empty(failed.GetProperty("wrongQuestionIds").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("correctAnswers").ValueKind);
        await AssertProblemAsync(await rep.PostAsync(Url(app, "/acknowledge"), null, Ct), HttpStatusCode.Conflict, "check");

        var passed = await JsonAsync(await rep.PostAsJsonAsync(Url(app, "/check"), RightAnswers, Ct));
        Assert.True(passed.GetProperty("passed").GetBoolean());
        Assert.Equal(1, passed.GetProperty("correctAnswers").GetProperty("q1").GetInt32());
        await AssertProblemAsync(await rep.PostAsJsonAsync(Url(app, "/check"), RightAnswers, Ct), HttpStatusCode.Conflict, "check");

        var after = await JsonAsync(await rep.GetAsync(Url(app, "/check"), Ct));
        Assert.True(after.GetProperty("passed").GetBoolean());
        Assert.Equal([1, 0], after.GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("correct").GetInt32()));
        Assert.Equal([false, true], after.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("passed").GetBoolean()));

        var acknowledged = await rep.PostAsync(Url(app, "/acknowledge"), null, Ct);
        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        Assert.Equal(app.Clock.GetUtcNow(), (await JsonAsync(acknowledged)).GetProperty("acknowledgedAt").GetDateTimeOffset());
        Assert.Equal(app.Clock.GetUtcNow(), (await JsonAsync(await rep.GetAsync(Url(app, "/check"), Ct))).GetProperty("acknowledgedAt").GetDateTimeOffset());

        Assert.Equal(2, await CountAsync(app, d => d.CheckAttempts.CountAsync(a => a.RepId == app.Org.Rep1.Id, Ct)));
        Assert.Equal(1, await CountAsync(app, d => d.Acknowledgements.CountAsync(a => a.RepId == app.Org.Rep1.Id && a.StrategyId == app.Org.Strategy.Id, Ct)));
        Assert.Equal(2, await AuditsAsync(app, "strategy.check-attempted"));
        Assert.Equal(1, await AuditsAsync(app, "strategy.acknowledged"));
    }

    [Theory, BothDatabases]
    public async Task Acknowledging_twice_is_refused_and_nothing_changes(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        await rep.PostAsJsonAsync(Url(app, "/check"), RightAnswers, Ct);
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsJsonAsync(Url(app, "/acknowledge"), new { repId = app.Org.Rep1.Id }, Ct)).StatusCode);
        var first = await app.WithDbAsync(d => d.Acknowledgements.SingleAsync(Ct));
        app.Clock.Advance(TimeSpan.FromMinutes(5));

        var again = await rep.PostAsync(Url(app, "/acknowledge"), null, Ct);

        await AssertProblemAsync(again, HttpStatusCode.Conflict, "acknowledgement");
        var only = await app.WithDbAsync(d => d.Acknowledgements.SingleAsync(Ct));
        Assert.Equal((first.Id, first.At), (only.Id, only.At));
        Assert.Equal(1, await AuditsAsync(app, "strategy.acknowledged"));
    }

    [Theory, BothDatabases]
    public async Task Two_acknowledgements_at_once_leave_one_and_the_other_is_told(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        await rep.PostAsJsonAsync(Url(app, "/check"), RightAnswers, Ct);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => rep.PostAsync(Url(app, "/acknowledge"), null, Ct)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(1, await CountAsync(app, d => d.Acknowledgements.CountAsync(Ct)));
        Assert.Equal(1, await AuditsAsync(app, "strategy.acknowledged"));
    }

    [Theory, BothDatabases]
    public async Task Without_a_check_a_rep_acknowledges_directly(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var rep = await app.ApiAsAsync("rep1@test.terrain");

        var cleared = await PutCheckAsync(leader, Url(app, "/check"), new { questions = Array.Empty<object>(), passPercent = 80 });
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        var check = await JsonAsync(await rep.GetAsync(Url(app, "/check"), Ct));
        Assert.Equal(0, check.GetProperty("questions").GetArrayLength());

        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsync(Url(app, "/acknowledge"), null, Ct)).StatusCode);
        await AssertProblemAsync(await rep.PostAsJsonAsync(Url(app, "/check"), RightAnswers, Ct), HttpStatusCode.Conflict, "check");
    }

    [Theory, BothDatabases]
    public async Task Nobody_acknowledges_or_answers_the_check_for_someone_else_and_nothing_changes(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var manager = await app.ApiAsAsync("manager1@test.terrain");
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var forRep2 = new { answers = new Dictionary<string, int> { ["q1"] = 1, ["q2"] = 0 }, repId = app.Org.Rep2.Id };

        Assert.Equal(HttpStatusCode.Forbidden, (await rep.PostAsJsonAsync(Url(app, "/check"), forRep2, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsJsonAsync(Url(app, "/check"), forRep2, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsJsonAsync(Url(app, "/check"), RightAnswers, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await rep.PostAsJsonAsync(Url(app, "/acknowledge"), new { repId = app.Org.Rep2.Id }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsJsonAsync(Url(app, "/acknowledge"), new { repId = app.Org.Rep1.Id }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.PostAsync(Url(app, "/acknowledge"), null, Ct)).StatusCode);

        Assert.Equal(0, await CountAsync(app, d => d.CheckAttempts.CountAsync(Ct)));
        Assert.Equal(0, await CountAsync(app, d => d.Acknowledgements.CountAsync(Ct)));
        Assert.Equal(0, await CountAsync(app, d => d.AuditEntries.CountAsync(a => EF.Functions.Like(a.Action, "strategy.%"), Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_draft_is_not_found_by_reps_and_a_superseded_revision_is_no_longer_acknowledged(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var draft = await AddDraftAsync(app);

        Assert.Equal(HttpStatusCode.NotFound, (await rep.PostAsync($"/api/v1/strategies/{draft}/acknowledge", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rep.PostAsJsonAsync($"/api/v1/strategies/{draft}/check", RightAnswers, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rep.GetAsync($"/api/v1/strategies/{draft}/check", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rep.GetAsync($"/api/v1/strategies/{draft}/questions", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await leader.GetAsync($"/api/v1/strategies/{draft}/check", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rep.PostAsync($"/api/v1/strategies/{Guid.NewGuid()}/acknowledge", null, Ct)).StatusCode);

        await rep.PostAsJsonAsync(Url(app, "/check"), RightAnswers, Ct);
        var second = await PublishRevisionTwoAsync(app);

        Assert.Equal(HttpStatusCode.Conflict, (await rep.PostAsync(Url(app, "/acknowledge"), null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await rep.PostAsJsonAsync(Url(app, "/questions"), new { body = "Still valid?" }, Ct)).StatusCode);
        Assert.Equal(0, await CountAsync(app, d => d.Acknowledgements.CountAsync(Ct)));

        // Acknowledgements and checks are per revision: passing revision 1 does not count for revision 2.
        await AssertProblemAsync(await rep.PostAsync($"/api/v1/strategies/{second}/acknowledge", null, Ct), HttpStatusCode.Conflict, "check");
        await rep.PostAsJsonAsync($"/api/v1/strategies/{second}/check", RightAnswers, Ct);
        Assert.Equal(HttpStatusCode.OK, (await rep.PostAsync($"/api/v1/strategies/{second}/acknowledge", null, Ct)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task The_leader_sets_the_check_and_a_question_without_a_correct_answer_is_refused_and_nothing_changes(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var before = await CheckJsonAsync(app);
        var etag = (await leader.GetAsync(Url(app, "/check"), Ct)).Headers.ETag!.ToString();
        var noCorrect = new
        {
            passPercent = 50,
            questions = new object[]
            {
                new { id = "q1", text = "Which segment first?", options = new[] { "Banks", "Manufacturers" }, correct = 1 },
                new { text = "What do we lead with?", options = new[] { "Execution", "Price" } },
            },
        };

        await AssertProblemAsync(await PutCheckAsync(leader, Url(app, "/check"), noCorrect), HttpStatusCode.UnprocessableEntity, "questions[1].correct");
        await AssertProblemAsync(await PutCheckAsync(leader, Url(app, "/check"), new { passPercent = 30, questions = Array.Empty<object>() }),
            HttpStatusCode.UnprocessableEntity, "passPercent");
        await AssertProblemAsync(await PutCheckAsync(leader, Url(app, "/check"),
            new { questions = new[] { new { text = "One option?", options = new[] { "Only" }, correct = 0 } } }), HttpStatusCode.UnprocessableEntity, "questions[0].options");
        Assert.Equal(before, await CheckJsonAsync(app));
        Assert.Equal(0, await AuditsAsync(app, "strategy.check-set"));

        var valid = new
        {
            passPercent = 50,
            questions = new object[]
            {
                new { id = "q1", text = "Which segment first?", options = new[] { "Banks", "Manufacturers" }, correct = 1 },
                new { text = "What do we lead with?", options = new[] { "Execution", "Price" }, correct = 0 },
            },
        };
        var saved = await PutCheckAsync(leader, Url(app, "/check"), valid);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var check = await JsonAsync(saved);
        Assert.Equal(50, check.GetProperty("passPercent").GetInt32());
        Assert.False(string.IsNullOrEmpty(check.GetProperty("questions")[1].GetProperty("id").GetString()));
        Assert.Equal(1, await AuditsAsync(app, "strategy.check-set"));

        var stale = new HttpRequestMessage(HttpMethod.Put, Url(app, "/check")) { Content = JsonContent.Create(valid) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        await AssertProblemAsync(await leader.SendAsync(stale, Ct), HttpStatusCode.Conflict, "version");

        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var id2 = check.GetProperty("questions")[1].GetProperty("id").GetString()!;
        var attempt = await rep.PostAsJsonAsync(Url(app, "/check"), new { answers = new Dictionary<string, int> { ["q1"] = 0, [id2] = 0 } }, Ct);
        Assert.True((await JsonAsync(attempt)).GetProperty("passed").GetBoolean());

        var after = await CheckJsonAsync(app);
        await AssertProblemAsync(await PutCheckAsync(leader, Url(app, "/check"), valid), HttpStatusCode.Conflict, "check");
        Assert.Equal(after, await CheckJsonAsync(app));
        // Admins may set the check as leaders do (ADR 0015), so they are told the same state.
        Assert.Equal(HttpStatusCode.Conflict, (await PutCheckAsync(await app.ApiAsAsync("admin@test.terrain"), Url(app, "/check"), valid)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PutCheckAsync(await app.ApiAsAsync("manager1@test.terrain"), Url(app, "/check"), valid)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task A_leader_can_write_the_check_of_a_draft_and_a_superseded_revision_is_read_only(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var draft = await AddDraftAsync(app);
        var check = new { passPercent = 100, questions = new[] { new { text = "Who do we sell to?", options = new[] { "Everyone", "Manufacturers" }, correct = 1 } } };

        Assert.Equal(HttpStatusCode.OK, (await PutCheckAsync(leader, $"/api/v1/strategies/{draft}/check", check)).StatusCode);
        await PublishRevisionTwoAsync(app);

        Assert.Equal(HttpStatusCode.Conflict, (await PutCheckAsync(leader, Url(app, "/check"), check)).StatusCode);
        var view = await JsonAsync(await leader.GetAsync(Url(app, "/check"), Ct));
        Assert.False(view.GetProperty("canEdit").GetBoolean());
        Assert.Contains("superseded", view.GetProperty("editBlockedReason").GetString(), StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task Bad_answers_are_named_and_leave_no_attempt(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");

        await AssertProblemAsync(await rep.PostAsJsonAsync(Url(app, "/check"), new { answers = new Dictionary<string, int> { ["q1"] = 1 } }, Ct),
            HttpStatusCode.UnprocessableEntity, "answers.q2");
        await AssertProblemAsync(await rep.PostAsJsonAsync(Url(app, "/check"), new { answers = new Dictionary<string, int> { ["q1"] = 7, ["q2"] = 0 } }, Ct),
            HttpStatusCode.UnprocessableEntity, "answers.q1");
        await AssertProblemAsync(await rep.PostAsJsonAsync(Url(app, "/check"), new { answers = new Dictionary<string, int> { ["q1"] = 1, ["q2"] = 0, ["q3"] = 0 } }, Ct),
            HttpStatusCode.UnprocessableEntity, "answers.q3");
        await AssertProblemAsync(await rep.PostAsJsonAsync(Url(app, "/check"), new { }, Ct), HttpStatusCode.UnprocessableEntity, "answers.q1");

        Assert.Equal(0, await CountAsync(app, d => d.CheckAttempts.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task Leaders_see_the_answers_and_what_reps_get_wrong_and_managers_see_their_teams_counts(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep1 = await app.ApiAsAsync("rep1@test.terrain");
        var rep3 = await app.ApiAsAsync("rep3@test.terrain");
        await rep1.PostAsJsonAsync(Url(app, "/check"), OneWrong, Ct);
        await rep1.PostAsJsonAsync(Url(app, "/check"), RightAnswers, Ct);
        await rep3.PostAsJsonAsync(Url(app, "/check"), new { answers = new Dictionary<string, int> { ["q1"] = 0, ["q2"] = 1 } }, Ct);
        await rep1.PostAsync(Url(app, "/acknowledge"), null, Ct);

        var leader = await JsonAsync(await (await app.ApiAsAsync("leader@test.terrain")).GetAsync(Url(app, "/check"), Ct));
        var manager = await JsonAsync(await (await app.ApiAsAsync("manager1@test.terrain")).GetAsync(Url(app, "/check"), Ct));

        var questions = leader.GetProperty("questions").EnumerateArray().ToList();
        Assert.Equal([1, 0], questions.Select(q => q.GetProperty("correct").GetInt32()));
        Assert.Equal([1, 2], questions.Select(q => q.GetProperty("wrongAttempts").GetInt32()));
        Assert.Equal((3, 2, 1, 1, 3), Stats(leader));
        Assert.False(leader.GetProperty("canEdit").GetBoolean());
        Assert.Contains("already taken", leader.GetProperty("editBlockedReason").GetString(), StringComparison.Ordinal);

        Assert.All(manager.GetProperty("questions").EnumerateArray(), q => Assert.Equal(JsonValueKind.Null, q.GetProperty("correct").ValueKind));
        Assert.All(manager.GetProperty("questions").EnumerateArray(), q => Assert.Equal(JsonValueKind.Null, q.GetProperty("wrongAttempts").ValueKind));
        Assert.Equal((2, 1, 1, 1, 2), Stats(manager));

        static (int, int, int, int, int) Stats(JsonElement view)
        {
            var r = view.GetProperty("reps");
            return (r.GetProperty("reps").GetInt32(), r.GetProperty("attempted").GetInt32(), r.GetProperty("passed").GetInt32(),
                r.GetProperty("acknowledged").GetInt32(), r.GetProperty("attempts").GetInt32());
        }
    }

    [Theory, BothDatabases]
    public async Task A_rep_asks_their_manager_is_told_answers_and_the_rep_reads_the_answer(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var manager = await app.ApiAsAsync("manager1@test.terrain");

        var asked = await rep.PostAsJsonAsync(Url(app, "/questions"), new { part = "whom", body = "Why not the enterprise banks?" }, Ct);
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        var question = await JsonAsync(asked);
        var id = question.GetProperty("id").GetGuid();
        Assert.Equal(("whom", "Rep One", true), (question.GetProperty("part").GetString(), question.GetProperty("askedBy").GetString(), question.GetProperty("open").GetBoolean()));
        var told = await app.WithDbAsync(d => d.Notifications.SingleAsync(n => n.UserId == app.Org.Manager1.Id, Ct));
        Assert.Equal(("Rep One asked about the strategy", $"/Strategies/{app.Org.Strategy.Id}/Questions"), (told.Title, told.Link));

        var open = await JsonAsync(await manager.GetAsync(Url(app, "/questions?open=true"), Ct));
        Assert.Equal(id, Assert.Single(open.EnumerateArray()).GetProperty("id").GetGuid());
        Assert.True(open[0].GetProperty("canAnswer").GetBoolean());

        var empty = await manager.PostAsJsonAsync(Url(app, $"/questions/{id}/answer"), new { answer = " " }, Ct);
        await AssertProblemAsync(empty, HttpStatusCode.UnprocessableEntity, "answer");
        var answer = new HttpRequestMessage(HttpMethod.Post, Url(app, $"/questions/{id}/answer"))
        {
            Content = JsonContent.Create(new { answer = "They buy in five-year cycles; we go after them in 2028." }),
        };
        answer.Headers.TryAddWithoutValidation("If-Match", $"\"{question.GetProperty("version").GetString()}\"");
        var answered = await manager.SendAsync(answer, Ct);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);

        var mine = Assert.Single((await JsonAsync(await rep.GetAsync(Url(app, "/questions"), Ct))).EnumerateArray());
        Assert.False(mine.GetProperty("open").GetBoolean());
        Assert.Equal("Manager One", mine.GetProperty("answeredBy").GetString());
        Assert.StartsWith("They buy in five-year cycles", mine.GetProperty("answer").GetString(), StringComparison.Ordinal);
        Assert.Empty((await JsonAsync(await rep.GetAsync(Url(app, "/questions?open=true"), Ct))).EnumerateArray());
        var answerNote = await app.WithDbAsync(d => d.Notifications.SingleAsync(n => n.UserId == app.Org.Rep1.Id, Ct));
        Assert.Equal("Your question about the strategy was answered", answerNote.Title);
        Assert.Equal(1, await AuditsAsync(app, "strategy.question-asked"));
        Assert.Equal(1, await AuditsAsync(app, "strategy.question-answered"));

        // The version the manager answered is gone: a second answer against it is refused.
        var stale = new HttpRequestMessage(HttpMethod.Post, Url(app, $"/questions/{id}/answer")) { Content = JsonContent.Create(new { answer = "Again" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", $"\"{question.GetProperty("version").GetString()}\"");
        await AssertProblemAsync(await (await app.ApiAsAsync("leader@test.terrain")).SendAsync(stale, Ct), HttpStatusCode.Conflict, "version");
    }

    [Theory, BothDatabases]
    public async Task Each_sees_only_the_questions_they_may_and_another_teams_manager_cannot_answer(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep1 = await app.ApiAsAsync("rep1@test.terrain");
        var rep3 = await app.ApiAsAsync("rep3@test.terrain");
        var manager1 = await app.ApiAsAsync("manager1@test.terrain");
        var manager2 = await app.ApiAsAsync("manager2@test.terrain");
        var leader = await app.ApiAsAsync("leader@test.terrain");
        await rep1.PostAsJsonAsync(Url(app, "/questions"), new { body = "Rep one asks." }, Ct);
        var asked = await JsonAsync(await rep3.PostAsJsonAsync(Url(app, "/questions"), new { part = "objectives", body = "Rep three asks." }, Ct));
        var rep3Question = asked.GetProperty("id").GetGuid();

        async Task<string[]> BodiesAsync(HttpClient client) =>
            (await JsonAsync(await client.GetAsync(Url(app, "/questions"), Ct))).EnumerateArray().Select(q => q.GetProperty("body").GetString()!).Order().ToArray();

        Assert.Equal(["Rep one asks."], await BodiesAsync(rep1));
        Assert.Equal(["Rep three asks."], await BodiesAsync(rep3));
        Assert.Equal(["Rep one asks."], await BodiesAsync(manager1));
        Assert.Equal(["Rep three asks."], await BodiesAsync(manager2));
        Assert.Equal(["Rep one asks.", "Rep three asks."], await BodiesAsync(leader));

        Assert.Equal(HttpStatusCode.NotFound, (await manager1.PostAsJsonAsync(Url(app, $"/questions/{rep3Question}/answer"), new { answer = "Not mine to answer." }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await rep3.PostAsJsonAsync(Url(app, $"/questions/{rep3Question}/answer"), new { answer = "Self-answered." }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ApiAsAsync("admin@test.terrain")).PostAsJsonAsync(Url(app, $"/questions/{rep3Question}/answer"), new { answer = "Admin." }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager2.PostAsJsonAsync($"/api/v1/strategies/{Guid.NewGuid()}/questions/{rep3Question}/answer", new { answer = "Elsewhere." }, Ct)).StatusCode);
        var untouched = await app.WithDbAsync(d => d.StrategyQuestions.SingleAsync(q => q.Id == rep3Question, Ct));
        Assert.Null(untouched.Answer);
        Assert.Equal(0, await AuditsAsync(app, "strategy.question-answered"));

        Assert.Equal(HttpStatusCode.OK, (await manager2.PostAsJsonAsync(Url(app, $"/questions/{rep3Question}/answer"), new { answer = "Objective two counts new logos only." }, Ct)).StatusCode);
        // Correcting an answer needs the version read; without it the correction is refused and the answer stands.
        await AssertProblemAsync(await leader.PostAsJsonAsync(Url(app, $"/questions/{rep3Question}/answer"), new { answer = "New logos only, from January." }, Ct),
            HttpStatusCode.Conflict, "version");
        var current = (await JsonAsync(await leader.GetAsync(Url(app, "/questions"), Ct))).EnumerateArray().Single(q => q.GetProperty("id").GetGuid() == rep3Question);
        Assert.Equal("Objective two counts new logos only.", current.GetProperty("answer").GetString());
        var correction = new HttpRequestMessage(HttpMethod.Post, Url(app, $"/questions/{rep3Question}/answer")) { Content = JsonContent.Create(new { answer = "New logos only, from January." }) };
        correction.Headers.TryAddWithoutValidation("If-Match", $"\"{current.GetProperty("version").GetString()}\"");
        Assert.Equal(HttpStatusCode.OK, (await leader.SendAsync(correction, Ct)).StatusCode);
        Assert.Equal(2, await CountAsync(app, d => d.Notifications.CountAsync(n => n.UserId == app.Org.Rep3.Id, Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_question_needs_a_body_and_a_known_part_and_comes_from_a_rep(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");

        await AssertProblemAsync(await rep.PostAsJsonAsync(Url(app, "/questions"), new { body = "  " }, Ct), HttpStatusCode.UnprocessableEntity, "body");
        await AssertProblemAsync(await rep.PostAsJsonAsync(Url(app, "/questions"), new { part = "pricing", body = "How much?" }, Ct), HttpStatusCode.UnprocessableEntity, "part");
        await AssertProblemAsync(await rep.PostAsJsonAsync(Url(app, "/questions"), new { body = new string('x', StrategyQuestion.MaxLength + 1) }, Ct),
            HttpStatusCode.UnprocessableEntity, "body");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ApiAsAsync("manager1@test.terrain")).PostAsJsonAsync(Url(app, "/questions"), new { body = "Manager asks." }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ApiAsAsync("leader@test.terrain")).PostAsJsonAsync(Url(app, "/questions"), new { body = "Leader asks." }, Ct)).StatusCode);

        Assert.Equal(0, await CountAsync(app, d => d.StrategyQuestions.CountAsync(Ct)));
        Assert.Equal(0, await CountAsync(app, d => d.Notifications.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task Questions_follow_the_strategy_from_revision_to_revision(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        await rep.PostAsJsonAsync(Url(app, "/questions"), new { body = "Asked on revision one." }, Ct);
        var second = await PublishRevisionTwoAsync(app);
        await rep.PostAsJsonAsync($"/api/v1/strategies/{second}/questions", new { body = "Asked on revision two." }, Ct);

        var onSecond = (await JsonAsync(await rep.GetAsync($"/api/v1/strategies/{second}/questions", Ct))).EnumerateArray()
            .Select(q => (q.GetProperty("body").GetString(), q.GetProperty("revision").GetInt32())).OrderBy(q => q.Item2).ToList();
        var onFirst = (await JsonAsync(await rep.GetAsync(Url(app, "/questions"), Ct))).GetArrayLength();

        Assert.Equal([("Asked on revision one.", 1), ("Asked on revision two.", 2)], onSecond);
        Assert.Equal(2, onFirst);
    }
}
