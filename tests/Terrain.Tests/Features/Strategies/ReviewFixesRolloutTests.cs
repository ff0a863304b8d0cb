using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Planning;
using Terrain.Features.Strategies;
using Terrain.Tests.Features.Plans;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Strategies;

/// <summary>
/// Regression tests for the defects found reviewing the workshop, readiness, tie-in and alignment slices. The test
/// clock starts at 26 Nov 2026 09:00 UTC.
/// </summary>
public sealed class ReviewFixesRolloutTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Url(TestApp app, string rest = "") => $"/api/v1/strategies/{app.Org.Strategy.Id}/workshops{rest}";

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {body}");
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected {field}: {body}");
    }

    private static async Task<(Guid Id, string ETag)> ScheduleAsync(TestApp app, object body)
    {
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var response = await leader.PostAsJsonAsync(Url(app), body, Ct);
        var json = await JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return (json.GetProperty("id").GetGuid(), response.Headers.ETag!.ToString());
    }

    private static List<string> Lines(string ics) =>
        ics.Replace("\r\n ", "", StringComparison.Ordinal).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).ToList();

    // Defect: a start near DateTimeOffset.MaxValue passed every rule, then computing its end overflowed: 500.

    [Theory, BothDatabases]
    public async Task A_session_starting_absurdly_far_ahead_is_refused_naming_startsAt_through_the_api_and_the_page_and_nothing_is_saved(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");

        foreach (var startsAt in new[] { "9999-12-31T20:00:00Z", "9999-12-31T23:59:59+00:00", "2028-11-27T09:00:00Z" })
        {
            var refused = await leader.PostAsJsonAsync(Url(app), new { startsAt, length = "FullDay" }, Ct);
            await AssertProblemAsync(refused, HttpStatusCode.UnprocessableEntity, "startsAt");
        }

        var (id, etag) = await ScheduleAsync(app, new { startsAt = "2028-11-25T09:00:00Z", length = "HalfDay", invitees = new[] { app.Org.Rep1.Id } });
        var patch = new HttpRequestMessage(HttpMethod.Patch, Url(app, $"/{id}")) { Content = JsonContent.Create(new { startsAt = "9999-12-31T20:00:00Z" }) };
        patch.Headers.TryAddWithoutValidation("If-Match", etag);
        await AssertProblemAsync(await leader.SendAsync(patch, Ct), HttpStatusCode.UnprocessableEntity, "startsAt");

        var browser = new PlanPageClient(await app.BrowserAsAsync("leader@test.terrain"));
        var page = await browser.GetAsync($"/Strategies/{app.Org.Strategy.Id}/Workshops");
        var form = page.QuerySelector<IHtmlFormElement>("form[action*='handler=Schedule']")!;
        var posted = await browser.PostAsync(form.GetAttribute("action")!,
            PlanPageClient.Values(form, new Dictionary<string, string> { ["Form.Date"] = "9999-12-31", ["Form.Time"] = "20:00" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, posted.StatusCode);
        Assert.Contains("at most 2 years ahead", PlanPageClient.Text((await PlanPageClient.ParseAsync(posted)).QuerySelector("#schedule-error")), StringComparison.Ordinal);

        var saved = await app.WithDbAsync(d => d.Workshops.SingleAsync(Ct));
        Assert.Equal(id, saved.Id);
        Assert.Equal(new DateTimeOffset(2028, 11, 25, 9, 0, 0, TimeSpan.Zero), saved.StartsAt);
        Assert.Equal(0, saved.Sequence);
    }

    // Defect: the cycles were ordered by Status in SQL, where it is stored as text: "Closed" sorted before "Open", so
    // the view defaulted to a closed cycle although it says it defaults to the open one.

    [Theory, BothDatabases]
    public async Task The_alignment_defaults_to_the_open_cycle_even_when_a_closed_cycle_also_executes_the_strategy(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var org = app.Org;
        var closed = await app.WithDbAsync(async d =>
        {
            var c = org.Cycle;
            var cycle = PlanningCycle.Open(new CycleSchedule("FY2027 pilot", c.PeriodStart, c.PeriodEnd, c.Kickoff, c.DraftDue, c.ApprovalWindowDays, c.TimeZone),
                org.Leader.Id, TestApp.Start);
            cycle.Execute(org.Strategy.Id, requireAcknowledgement: false);
            cycle.Close(TestApp.Start);
            d.Cycles.Add(cycle);
            await d.SaveChangesAsync(Ct);
            return cycle.Id;
        });
        var leader = await app.ApiAsAsync("leader@test.terrain");

        var view = await JsonAsync(await leader.GetAsync($"/api/v1/strategies/{org.Strategy.Id}/alignment", Ct));

        Assert.Equal(org.Cycle.Id, view.GetProperty("cycle").GetProperty("id").GetGuid());
        Assert.Equal([org.Cycle.Id, closed], view.GetProperty("cycles").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToList());

        var page = await new PlanPageClient(await app.BrowserAsAsync("leader@test.terrain")).GetAsync($"/Strategies/{org.Strategy.Id}/Alignment");
        Assert.Equal(org.Cycle.Id.ToString(), page.QuerySelector<IHtmlSelectElement>("#cycle")!.Value);
    }

    // Defect: every download said METHOD:REQUEST, also the leader's and an uninvited manager's copy, which names no
    // attendee; RFC 5546 requires at least one ATTENDEE in a REQUEST (a copy without one is a PUBLISH).

    [Fact]
    public void A_calendar_event_without_attendees_is_published_and_one_with_an_attendee_is_a_request()
    {
        var start = new DateTimeOffset(2027, 1, 15, 9, 0, 0, TimeSpan.Zero);
        IcsEvent Event(IReadOnlyList<IcsPerson> attendees) => new("w1@terrain", start.AddDays(-1), start, start.AddHours(4), 0, "Kick-off", null, null, null,
            new IcsPerson("Lee Der", "lee@example.com"), attendees);

        var published = Lines(Ics.Write(Event([])));
        var request = Lines(Ics.Write(Event([new IcsPerson("Rep One", "rep1@example.com")])));

        Assert.Contains("METHOD:PUBLISH", published);
        Assert.DoesNotContain(published, l => l.StartsWith("ATTENDEE", StringComparison.Ordinal));
        Assert.Contains("METHOD:REQUEST", request);
        Assert.Single(request, l => l.StartsWith("ATTENDEE", StringComparison.Ordinal));
    }

    [Theory, BothDatabases]
    public async Task The_leader_and_a_manager_who_is_not_invited_download_a_published_entry_and_the_invitee_a_request(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var (id, _) = await ScheduleAsync(app, new { startsAt = "2027-01-15T09:00:00Z", length = "HalfDay", invitees = new[] { app.Org.Rep1.Id } });

        async Task<List<string>> DownloadAsync(string email)
        {
            var response = await (await app.ApiAsAsync(email)).GetAsync(Url(app, $"/{id}/invitation.ics"), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return Lines(await response.Content.ReadAsStringAsync(Ct));
        }

        Assert.Contains("METHOD:PUBLISH", await DownloadAsync("leader@test.terrain"));
        Assert.Contains("METHOD:PUBLISH", await DownloadAsync("manager1@test.terrain"));
        var invitee = await DownloadAsync("rep1@test.terrain");
        Assert.Contains("METHOD:REQUEST", invitee);
        Assert.Contains(invitee, l => l.StartsWith("ATTENDEE;CN=Rep One;", StringComparison.Ordinal));
    }

    // Defect: recording attendance ignored If-Match and the page sent no version, so a leader working from a stale
    // page silently overwrote the attendance another leader had just recorded.

    [Theory, BothDatabases]
    public async Task Attendance_sent_with_a_stale_if_match_is_refused_and_changes_nothing(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var org = app.Org;
        var (id, etag) = await ScheduleAsync(app, new { startsAt = "2026-11-27T09:00:00Z", length = "HalfDay", invitees = new[] { org.Rep1.Id, org.Rep2.Id } });
        app.Clock.Advance(TimeSpan.FromDays(1));
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var url = Url(app, $"/{id}/attendance");

        async Task<HttpResponseMessage> PutAsync(string? ifMatch, params Guid[] attended)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(new { attended }) };
            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }

            return await leader.SendAsync(request, Ct);
        }

        var first = await PutAsync(etag, org.Rep1.Id);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var current = first.Headers.ETag!.ToString();
        Assert.NotEqual(etag, current);

        await AssertProblemAsync(await PutAsync(etag, org.Rep2.Id), HttpStatusCode.Conflict, "version");
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await PutAsync("not-an-etag", org.Rep2.Id)).StatusCode);
        var marks = await app.WithDbAsync(d => d.WorkshopInvitations.Where(i => i.WorkshopId == id).ToDictionaryAsync(i => i.UserId, i => i.Attended, Ct));
        Assert.True(marks[org.Rep1.Id]);
        Assert.False(marks[org.Rep2.Id]);
        Assert.Equal(1, await app.WithDbAsync(d => d.AuditEntries.CountAsync(a => a.Action == "workshop.attendance" && a.EntityId == id.ToString(), Ct)));

        Assert.Equal(HttpStatusCode.OK, (await PutAsync(current, org.Rep1.Id, org.Rep2.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(null, org.Rep2.Id)).StatusCode);
    }

    [Theory, BothDatabases]
    public async Task Attendance_posted_from_a_stale_page_is_refused_and_the_other_leaders_record_stands(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var org = app.Org;
        var (id, _) = await ScheduleAsync(app, new { startsAt = "2026-11-27T09:00:00Z", length = "HalfDay", invitees = new[] { org.Rep1.Id, org.Rep2.Id } });
        app.Clock.Advance(TimeSpan.FromDays(1));
        var browser = new PlanPageClient(await app.BrowserAsAsync("leader@test.terrain"));
        var stale = await browser.GetAsync($"/Strategies/{org.Strategy.Id}/Workshops");
        var form = stale.QuerySelector<IHtmlFormElement>("form[action*='handler=Attendance']")!;
        Assert.NotNull(form.QuerySelector("input[type=hidden][name=version]"));

        var api = await app.ApiAsAsync("leader@test.terrain");
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync(Url(app, $"/{id}/attendance"), new { attended = new[] { org.Rep1.Id, org.Rep2.Id } }, Ct)).StatusCode);

        var posted = await browser.PostAsync(form.GetAttribute("action")!, PlanPageClient.Values(form).Append(new("attended", org.Rep1.Id.ToString())));

        Assert.Equal(HttpStatusCode.Conflict, posted.StatusCode);
        Assert.Contains("Someone else changed this session", PlanPageClient.Text((await PlanPageClient.ParseAsync(posted)).QuerySelector($"#workshop-{id}-error")),
            StringComparison.Ordinal);
        var marks = await app.WithDbAsync(d => d.WorkshopInvitations.Where(i => i.WorkshopId == id).ToDictionaryAsync(i => i.UserId, i => i.Attended, Ct));
        Assert.True(marks[org.Rep1.Id]);
        Assert.True(marks[org.Rep2.Id]);
    }

    [Theory, BothDatabases]
    public async Task Inviting_moves_the_sessions_version_so_a_reschedule_from_before_is_refused_and_an_empty_change_is_not_audited(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var org = app.Org;
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var (id, etag) = await ScheduleAsync(app, new { startsAt = "2027-01-15T09:00:00Z", length = "HalfDay", invitees = new[] { org.Rep1.Id } });

        async Task<HttpResponseMessage> PatchAsync(object body, string ifMatch)
        {
            var request = new HttpRequestMessage(HttpMethod.Patch, Url(app, $"/{id}")) { Content = JsonContent.Create(body) };
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            return await leader.SendAsync(request, Ct);
        }

        var invited = await PatchAsync(new { addInvitees = new[] { org.Rep2.Id } }, etag);
        Assert.Equal(HttpStatusCode.OK, invited.StatusCode);
        Assert.NotEqual(etag, invited.Headers.ETag!.ToString());

        // The leader who read the session before the invitation cannot move it on that reading.
        await AssertProblemAsync(await PatchAsync(new { startsAt = "2027-01-16T09:00:00Z" }, etag), HttpStatusCode.Conflict, "version");

        var audits = await app.WithDbAsync(d => d.AuditEntries.CountAsync(a => a.EntityType == "Workshop", Ct));
        var again = await PatchAsync(new { addInvitees = new[] { org.Rep2.Id } }, invited.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(invited.Headers.ETag!.ToString(), again.Headers.ETag!.ToString());
        Assert.Equal(audits, await app.WithDbAsync(d => d.AuditEntries.CountAsync(a => a.EntityType == "Workshop", Ct)));
    }
}
