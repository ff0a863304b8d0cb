using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain;
using Terrain.Domain.Planning;
using Terrain.Domain.Strategies;
using Terrain.Features.Strategies;
using Terrain.Tests.Features.Plans;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Strategies;

/// <summary>
/// Strategy workshops: scheduling and inviting, the iCalendar invitation, rescheduling and attendance, through the
/// API and the workshops page. The test clock starts at 26 Nov 2026 09:00 UTC.
/// </summary>
public sealed class WorkshopTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Url(TestApp app, string rest = "") => $"/api/v1/strategies/{app.Org.Strategy.Id}/workshops{rest}";

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(Ct);

    private static async Task<JsonElement> ScheduleAsync(TestApp app, object body)
    {
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var response = await leader.PostAsJsonAsync(Url(app), body, Ct);
        var json = await JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return json;
    }

    private static void AssertProblem(HttpResponseMessage response, JsonElement problem, HttpStatusCode status, string field)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected {field}: {problem}");
    }

    private static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string url, object body, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(body) };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return await client.SendAsync(request, Ct);
    }

    /// <summary>
    /// Reads an iCalendar file the way a calendar does, after checking its framing: CRLF line ends only, no physical
    /// line over 75 octets. Returns the unfolded content lines.
    /// </summary>
    private static List<string> ParseIcs(string ics)
    {
        Assert.EndsWith("\r\n", ics, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", ics.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("\r", ics.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
        foreach (var physical in ics.Split("\r\n"))
        {
            Assert.True(Encoding.UTF8.GetByteCount(physical) <= 75, $"Line longer than 75 octets: {physical}");
        }

        return ics.Replace("\r\n ", "", StringComparison.Ordinal).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    private static string Property(List<string> lines, string name) =>
        lines.Single(l => l.StartsWith(name + ":", StringComparison.Ordinal) || l.StartsWith(name + ";", StringComparison.Ordinal));

    private static string Value(List<string> lines, string name)
    {
        var line = Property(lines, name);
        return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..];
    }

    // ---- The iCalendar writer ----

    private static readonly DateTimeOffset Kickoff = new(2027, 1, 15, 9, 0, 0, TimeSpan.FromHours(1));

    private static IcsEvent Event(string summary = "Kick-off", string? description = null, IcsPerson? organizer = null, params IcsPerson[] attendees) =>
        new("w1@terrain", Kickoff.AddDays(-30), Kickoff, Kickoff.AddHours(4), 3, summary, "Room 1; HQ", description,
            "https://terrain.example/Strategies/x/Workshops", organizer ?? new IcsPerson("Lee Der", "lee@example.com"), attendees);

    [Fact]
    public void Calendar_text_escapes_backslashes_semicolons_commas_and_newlines()
    {
        var lines = ParseIcs(Ics.Write(Event("a\\b;c,d\r\ne\nf", "tab\there\u0001and a bell")));

        Assert.Equal(@"a\\b\;c\,d\ne\nf", Value(lines, "SUMMARY"));
        Assert.Equal(@"Room 1\; HQ", Value(lines, "LOCATION"));
        Assert.Equal("tab\there and a bell", Value(lines, "DESCRIPTION"));
    }

    [Fact]
    public void Long_calendar_lines_are_folded_at_75_octets_without_splitting_a_character()
    {
        var description = string.Concat(Enumerable.Repeat("Zürich é 😀 ", 40));

        var ics = Ics.Write(Event(description: description));

        var physical = ics.Split("\r\n");
        var folded = physical.SkipWhile(p => !p.StartsWith("DESCRIPTION:", StringComparison.Ordinal)).Skip(1).TakeWhile(p => p.StartsWith(' ')).ToList();
        Assert.True(folded.Count > 4);
        Assert.All(physical, p => Assert.Equal(p, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(p))));
        Assert.Equal(description, Value(ParseIcs(ics), "DESCRIPTION"));
    }

    [Fact]
    public void A_calendar_event_is_written_in_utc_with_crlf_line_ends()
    {
        var ics = Ics.Write(Event("Kick-off, part 1", "line one\nline two", new IcsPerson("Lee \"The Boss\" Der", "lee@example.com"),
            new IcsPerson("Rep One", "rep1@example.com"), new IcsPerson("One, Rep: sales", "rep2@example.com")));

        var lines = ParseIcs(ics);

        Assert.Equal("BEGIN:VCALENDAR", lines[0]);
        Assert.Equal("END:VCALENDAR", lines[^1]);
        Assert.Equal("20270115T080000Z", Value(lines, "DTSTART"));
        Assert.Equal("20270115T120000Z", Value(lines, "DTEND"));
        Assert.Equal("20261216T080000Z", Value(lines, "DTSTAMP"));
        Assert.Equal("3", Value(lines, "SEQUENCE"));
        Assert.Equal(@"Kick-off\, part 1", Value(lines, "SUMMARY"));
        Assert.Equal(@"line one\nline two", Value(lines, "DESCRIPTION"));
        Assert.Equal("https://terrain.example/Strategies/x/Workshops", Value(lines, "URL"));
        Assert.Equal("ORGANIZER;CN=Lee The Boss Der:mailto:lee@example.com", Property(lines, "ORGANIZER"));
        Assert.Equal(["ATTENDEE;CN=Rep One;", "ATTENDEE;CN=\"One, Rep: sales\";"],
            lines.Where(l => l.StartsWith("ATTENDEE", StringComparison.Ordinal)).Select(l => l[..(l.IndexOf(';', 9) + 1)]));
    }

    // ---- Scheduling ----

    [Theory, BothDatabases]
    public async Task Scheduling_invites_every_active_rep_and_their_managers_each_with_a_notification(Db db)
    {
        var app = await TestApp.StartAsync(db);

        var session = await ScheduleAsync(app, new { title = "Kick-off", startsAt = "2027-01-15T09:00:00+01:00", length = "HalfDay", location = "HQ" });

        var id = session.GetProperty("id").GetGuid();
        Assert.Equal("2027-01-15T08:00:00+00:00", session.GetProperty("startsAt").GetString());
        Assert.Equal("2027-01-15T12:00:00+00:00", session.GetProperty("endsAt").GetString());
        Assert.Equal(5, session.GetProperty("inviteeCount").GetInt32());
        Assert.Equal(0, session.GetProperty("sequence").GetInt32());
        var agenda = session.GetProperty("agenda").EnumerateArray().ToList();
        Assert.Equal(240, agenda.Sum(a => a.GetProperty("minutes").GetInt32()));
        Assert.Equal("2027-01-15T08:15:00+00:00", agenda[1].GetProperty("startsAt").GetString());
        Assert.All(StrategyContent.Parts, p => Assert.Contains(agenda, a => a.GetProperty("part").GetString() == p.Key));

        var org = app.Org;
        var invited = await app.WithDbAsync(d => d.WorkshopInvitations.Where(i => i.WorkshopId == id).Select(i => i.UserId).ToListAsync(Ct));
        Assert.Equal(new[] { org.Manager1.Id, org.Manager2.Id, org.Rep1.Id, org.Rep2.Id, org.Rep3.Id }.Order(), invited.Order());
        var notes = await app.WithDbAsync(d => d.Notifications.Where(n => n.Key == $"workshop:{id}:invited").ToListAsync(Ct));
        Assert.Equal(invited.Order(), notes.Select(n => n.UserId).Order());
        Assert.All(notes, n =>
        {
            Assert.Equal("Invitation: Kick-off", n.Title);
            Assert.Contains("Fri 15 Jan 2027, 08:00–12:00 UTC", n.Body, StringComparison.Ordinal);
            Assert.Contains("HQ", n.Body, StringComparison.Ordinal);
            Assert.StartsWith($"/Strategies/{org.Strategy.Id}/Workshops", n.Link, StringComparison.Ordinal);
        });
        Assert.True(await app.WithDbAsync(d => d.AuditEntries.AnyAsync(a => a.Action == "workshop.scheduled" && a.EntityId == id.ToString(), Ct)));

        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var list = await JsonAsync(await rep.GetAsync(Url(app), Ct));
        var mine = Assert.Single(list.EnumerateArray());
        Assert.True(mine.GetProperty("invited").GetBoolean());
        Assert.Equal(JsonValueKind.Null, mine.GetProperty("invitees").ValueKind);
        var inbox = await JsonAsync(await rep.GetAsync("/api/v1/notifications", Ct));
        Assert.Contains("Invitation: Kick-off", inbox.ToString(), StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task Scheduling_is_refused_naming_the_field_and_nothing_is_saved(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var org = app.Org;
        var cases = new (object Body, string Field)[]
        {
            (new { startsAt = "2027-01-15T09:00:00", length = "HalfDay" }, "startsAt"),
            (new { startsAt = "2026-01-15T09:00:00Z", length = "HalfDay" }, "startsAt"),
            (new { startsAt = "2027-01-15T09:00:00Z", length = "Weekend" }, "length"),
            (new { startsAt = "2027-01-15T09:00:00Z", length = "HalfDay", invitees = new[] { Guid.NewGuid() } }, "invitees"),
            (new { startsAt = "2027-01-15T09:00:00Z", length = "HalfDay", invitees = new[] { org.Rep1.Id, org.Leader.Id } }, "invitees"),
            (new { startsAt = "2027-01-15T09:00:00Z", length = "HalfDay", inviteAllReps = false }, "invitees"),
            (new { startsAt = "2027-01-15T09:00:00Z", length = "HalfDay", agenda = new[] { new { part = "sell", minutes = 200 }, new { part = "qa", minutes = 60 } } }, "agenda"),
        };

        foreach (var (body, field) in cases)
        {
            var response = await leader.PostAsJsonAsync(Url(app), body, Ct);
            AssertProblem(response, await JsonAsync(response), HttpStatusCode.UnprocessableEntity, field);
        }

        var valid = new { startsAt = "2027-01-15T09:00:00Z", length = "HalfDay" };
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ApiAsAsync("manager1@test.terrain")).PostAsJsonAsync(Url(app), valid, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ApiAsAsync("admin@test.terrain")).PostAsJsonAsync(Url(app), valid, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await leader.PostAsJsonAsync($"/api/v1/strategies/{Guid.NewGuid()}/workshops", valid, Ct)).StatusCode);

        var draft = await app.WithDbAsync(async d =>
        {
            var s = Strategy.Draft(new Actor(org.Leader.Id, Role.Leader), "Next year", new DateOnly(2028, 1, 1), new DateOnly(2028, 12, 31), StrategyBuilder.Content(), TestApp.Start);
            d.Strategies.Add(s);
            await d.SaveChangesAsync(Ct);
            return s.Id;
        });
        var onDraft = await leader.PostAsJsonAsync($"/api/v1/strategies/{draft}/workshops", valid, Ct);
        Assert.Equal(HttpStatusCode.Conflict, onDraft.StatusCode);

        Assert.Equal(0, await app.WithDbAsync(d => d.Workshops.CountAsync(Ct)));
        Assert.Equal(0, await app.WithDbAsync(d => d.WorkshopInvitations.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task Leaders_see_every_invitee_managers_their_team_and_reps_nobody(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var id = (await ScheduleAsync(app, new { startsAt = "2027-01-15T09:00:00Z", length = "FullDay" })).GetProperty("id").GetGuid();

        async Task<List<string>?> InviteesAsync(string email)
        {
            var client = await app.ApiAsAsync(email);
            var json = await JsonAsync(await client.GetAsync(Url(app, $"/{id}"), Ct));
            var invitees = json.GetProperty("invitees");
            return invitees.ValueKind == JsonValueKind.Null ? null : invitees.EnumerateArray().Select(i => i.GetProperty("name").GetString()!).Order().ToList();
        }

        Assert.Equal(["Manager One", "Manager Two", "Rep One", "Rep Three", "Rep Two"], await InviteesAsync("leader@test.terrain"));
        Assert.Equal(["Manager One", "Rep One", "Rep Two"], await InviteesAsync("manager1@test.terrain"));
        Assert.Equal(["Manager Two", "Rep Three"], await InviteesAsync("manager2@test.terrain"));
        Assert.Null(await InviteesAsync("rep1@test.terrain"));
        var other = await app.ApiAsAsync("rep1@test.terrain");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/v1/strategies/{app.Org.Strategy.Id}/workshops/{Guid.NewGuid()}", Ct)).StatusCode);
    }

    // ---- The invitation file ----

    [Theory, BothDatabases]
    public async Task An_invitee_downloads_the_invitation_and_someone_not_invited_gets_404(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var org = app.Org;
        var session = await ScheduleAsync(app, new
        {
            title = @"Kick-off\Berlin",
            startsAt = "2027-01-15T09:00:00+01:00",
            length = "HalfDay",
            location = "HQ; Room 1, Floor 2",
            invitees = new[] { org.Rep1.Id },
        });
        var id = session.GetProperty("id").GetGuid();
        var ics = Url(app, $"/{id}/invitation.ics");

        var response = await (await app.ApiAsAsync("rep1@test.terrain")).GetAsync(ics, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("terrain-workshop-2027-01-15.ics", response.Content.Headers.ContentDisposition.FileName?.Trim('"'));
        var text = await response.Content.ReadAsStringAsync(Ct);
        var lines = ParseIcs(text);
        Assert.Equal("BEGIN:VCALENDAR", lines[0]);
        Assert.Equal("2.0", Value(lines, "VERSION"));
        Assert.Equal("REQUEST", Value(lines, "METHOD"));
        Assert.Equal("GREGORIAN", Value(lines, "CALSCALE"));
        Assert.NotEmpty(Value(lines, "PRODID"));
        Assert.Single(lines, l => l == "BEGIN:VEVENT");
        Assert.Equal($"{id}@terrain", Value(lines, "UID"));
        Assert.Equal("20270115T080000Z", Value(lines, "DTSTART"));
        Assert.Equal("20270115T120000Z", Value(lines, "DTEND"));
        Assert.Equal("20261126T090000Z", Value(lines, "DTSTAMP"));
        Assert.Equal("0", Value(lines, "SEQUENCE"));
        Assert.Equal(@"Kick-off\\Berlin", Value(lines, "SUMMARY"));
        Assert.Equal(@"HQ\; Room 1\, Floor 2", Value(lines, "LOCATION"));
        Assert.Contains(@"08:00 UTC  Welcome and where we stand (15 min)\n08:15 UTC  What we sell", Value(lines, "DESCRIPTION"), StringComparison.Ordinal);
        Assert.Contains("\r\n ", text, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.StartsWith("URL", StringComparison.Ordinal)); // no Terrain:PublicUrl in tests
        Assert.Equal("ORGANIZER;CN=Test Leader:mailto:leader@test.terrain", Property(lines, "ORGANIZER"));
        Assert.EndsWith(":mailto:rep1@test.terrain", Property(lines, "ATTENDEE"), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ApiAsAsync("rep2@test.terrain")).GetAsync(ics, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.ApiAsAsync("manager2@test.terrain")).GetAsync(ics, Ct)).StatusCode);
        var manager = await (await app.ApiAsAsync("manager1@test.terrain")).GetAsync(ics, Ct);
        Assert.Equal(HttpStatusCode.OK, manager.StatusCode);
        Assert.DoesNotContain(ParseIcs(await manager.Content.ReadAsStringAsync(Ct)), l => l.StartsWith("ATTENDEE", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await (await app.ApiAsAsync("leader@test.terrain")).GetAsync(ics, Ct)).StatusCode);
        var rep2List = await JsonAsync(await (await app.ApiAsAsync("rep2@test.terrain")).GetAsync(Url(app), Ct));
        Assert.False(rep2List[0].GetProperty("invited").GetBoolean());
        Assert.False(rep2List[0].GetProperty("canDownloadInvitation").GetBoolean());
    }

    [Theory, BothDatabases]
    public async Task The_api_document_declares_the_invitation_as_an_icalendar_file(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var client = await app.ApiAsAsync("rep1@test.terrain");

        var document = await JsonAsync(await client.GetAsync("/openapi/v1.json", Ct));

        var ok = document.GetProperty("paths").GetProperty("/api/v1/strategies/{id}/workshops/{workshopId}/invitation.ics")
            .GetProperty("get").GetProperty("responses").GetProperty("200");
        Assert.Equal(["text/calendar"], ok.GetProperty("content").EnumerateObject().Select(c => c.Name));
        Assert.Equal("binary", ok.GetProperty("content").GetProperty("text/calendar").GetProperty("schema").GetProperty("format").GetString());
    }

    [Theory, BothDatabases]
    public async Task Rescheduling_raises_the_calendar_sequence_and_tells_the_invitees(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var org = app.Org;
        var session = await ScheduleAsync(app, new { startsAt = "2027-01-15T09:00:00Z", length = "HalfDay", invitees = new[] { org.Rep1.Id, org.Manager1.Id } });
        var id = session.GetProperty("id").GetGuid();
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var one = Url(app, $"/{id}");
        var etag = (await leader.GetAsync(one, Ct)).Headers.ETag!.ToString();

        Assert.Equal((HttpStatusCode)428, (await PatchAsync(leader, one, new { location = "Room 2" }, null)).StatusCode);
        var moved = await PatchAsync(leader, one, new { startsAt = "2027-01-22T13:30:00Z", length = "FullDay", location = "Room 2", addInvitees = new[] { org.Rep2.Id } }, etag);
        var json = await JsonAsync(moved);
        Assert.True(moved.StatusCode == HttpStatusCode.OK, json.ToString());
        Assert.Equal(1, json.GetProperty("sequence").GetInt32());
        Assert.Equal(480, json.GetProperty("agenda").EnumerateArray().Sum(a => a.GetProperty("minutes").GetInt32()));
        Assert.Equal(3, json.GetProperty("inviteeCount").GetInt32());
        var stale = await PatchAsync(leader, one, new { location = "Room 3" }, etag);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var tooLong = await PatchAsync(leader, one, new { length = "HalfDay", agenda = new[] { new { part = "sell", minutes = 300 } } }, moved.Headers.ETag!.ToString());
        AssertProblem(tooLong, await JsonAsync(tooLong), HttpStatusCode.UnprocessableEntity, "agenda");

        var lines = ParseIcs(await (await app.ApiAsAsync("rep1@test.terrain")).GetStringAsync(Url(app, $"/{id}/invitation.ics"), Ct));
        Assert.Equal("1", Value(lines, "SEQUENCE"));
        Assert.Equal("20270122T133000Z", Value(lines, "DTSTART"));
        Assert.Equal("20270122T213000Z", Value(lines, "DTEND"));
        Assert.Equal($"{id}@terrain", Value(lines, "UID"));

        var changed = await app.WithDbAsync(d => d.Notifications.Where(n => n.Key == $"workshop:{id}:changed:1").Select(n => n.UserId).ToListAsync(Ct));
        Assert.Equal(new[] { org.Rep1.Id, org.Manager1.Id }.Order(), changed.Order());
        Assert.True(await app.WithDbAsync(d => d.Notifications.AnyAsync(n => n.Key == $"workshop:{id}:invited" && n.UserId == org.Rep2.Id, Ct)));
        Assert.True(await app.WithDbAsync(d => d.AuditEntries.AnyAsync(a => a.Action == "workshop.rescheduled" && a.EntityId == id.ToString(), Ct)));
    }

    // ---- Attendance ----

    [Theory, BothDatabases]
    public async Task Attendance_is_refused_before_the_session_starts_and_recorded_after(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var org = app.Org;
        var id = (await ScheduleAsync(app, new { startsAt = "2026-11-27T09:00:00Z", length = "HalfDay" })).GetProperty("id").GetGuid();
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var attendance = Url(app, $"/{id}/attendance");

        var early = await leader.PutAsJsonAsync(attendance, new { attended = new[] { org.Rep1.Id } }, Ct);
        AssertProblem(early, await JsonAsync(early), HttpStatusCode.Conflict, "attendance");

        app.Clock.Advance(TimeSpan.FromDays(1));
        leader = await app.ApiAsAsync("leader@test.terrain");
        var stranger = await leader.PutAsJsonAsync(attendance, new { attended = new[] { org.Rep1.Id, org.Admin.Id } }, Ct);
        AssertProblem(stranger, await JsonAsync(stranger), HttpStatusCode.UnprocessableEntity, "attended");
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.ApiAsAsync("manager1@test.terrain")).PutAsJsonAsync(attendance, new { attended = Array.Empty<Guid>() }, Ct)).StatusCode);
        var recorded = await leader.PutAsJsonAsync(attendance, new { attended = new[] { org.Rep1.Id, org.Manager1.Id } }, Ct);
        var json = await JsonAsync(recorded);

        Assert.True(recorded.StatusCode == HttpStatusCode.OK, json.ToString());
        Assert.Equal(2, json.GetProperty("attendedCount").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, json.GetProperty("attendanceRecordedAt").ValueKind);
        var marks = await app.WithDbAsync(d => d.WorkshopInvitations.Where(i => i.WorkshopId == id).ToDictionaryAsync(i => i.UserId, i => i.Attended, Ct));
        Assert.True(marks[org.Rep1.Id]);
        Assert.False(marks[org.Rep2.Id]);
        Assert.False(marks[org.Manager2.Id]);
        Assert.True(await app.WithDbAsync(d => d.AuditEntries.AnyAsync(a => a.Action == "workshop.attendance" && a.EntityId == id.ToString(), Ct)));
        var mine = await JsonAsync(await (await app.ApiAsAsync("rep1@test.terrain")).GetAsync(Url(app, $"/{id}"), Ct));
        Assert.True(mine.GetProperty("attended").GetBoolean());

        var etag = (await leader.GetAsync(Url(app, $"/{id}"), Ct)).Headers.ETag!.ToString();
        var late = await PatchAsync(leader, Url(app, $"/{id}"), new { addInvitees = new[] { org.Rep3.Id } }, etag);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        var corrected = await JsonAsync(await leader.PutAsJsonAsync(attendance, new { attended = new[] { org.Rep1.Id } }, Ct));
        Assert.Equal(1, corrected.GetProperty("attendedCount").GetInt32());
    }

    // ---- The page ----

    private static IHtmlFormElement FormFor(IHtmlDocument page, string handler) =>
        page.QuerySelector<IHtmlFormElement>($"form[action*='handler={handler}']") ?? throw new InvalidOperationException($"No {handler} form.");

    private static string PageUrl(TestApp app) => $"/Strategies/{app.Org.Strategy.Id}/Workshops";

    [Theory, BothDatabases]
    public async Task A_leader_schedules_a_session_on_the_page_and_an_invited_rep_sees_it_with_the_calendar_link(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = new PlanPageClient(await app.BrowserAsAsync("leader@test.terrain"));
        var page = await leader.GetAsync(PageUrl(app));

        var missing = await leader.SubmitAsync(FormFor(page, "Schedule"), new Dictionary<string, string> { ["Form.Date"] = "" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        var refused = await PlanPageClient.ParseAsync(missing);
        Assert.Equal("true", refused.QuerySelector("#schedule-date")!.GetAttribute("aria-invalid"));
        Assert.NotNull(refused.QuerySelector("#schedule-error"));

        var form = FormFor(page, "Schedule");
        var values = PlanPageClient.Values(form, new Dictionary<string, string>
        {
            ["Form.Title"] = "Strategy day",
            ["Form.Date"] = "2027-02-01",
            ["Form.Time"] = "08:30",
            ["Form.Location"] = "Berlin HQ",
        }).Where(v => v.Key != "Form.Length").Append(new("Form.Length", "FullDay"));
        var posted = await leader.PostAsync(form.GetAttribute("action")!, values);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);

        var after = await leader.GetAsync(PageUrl(app));
        Assert.Contains("Session scheduled", PlanPageClient.Text(after.QuerySelector(".alert.success")), StringComparison.Ordinal);
        var card = after.QuerySelector("article.session")!;
        var text = PlanPageClient.Text(card);
        Assert.Contains("Strategy day", text, StringComparison.Ordinal);
        Assert.Contains("Mon 1 Feb 2027, 08:30–16:30 UTC", text, StringComparison.Ordinal);
        Assert.Contains("Full day", text, StringComparison.Ordinal);
        Assert.Contains("Berlin HQ", text, StringComparison.Ordinal);
        var agendaRows = card.QuerySelectorAll("table.agenda tbody tr").Select(PlanPageClient.Text).ToList();
        Assert.StartsWith("08:30 Welcome", agendaRows[0], StringComparison.Ordinal);
        Assert.StartsWith("08:45 What we sell", agendaRows[1], StringComparison.Ordinal);
        Assert.Contains(agendaRows, r => r.Contains("Lunch", StringComparison.Ordinal));
        Assert.NotNull(card.QuerySelector("a[href*='handler=Invitation']"));
        Assert.Null(card.QuerySelector("form[action*='handler=Attendance']"));

        var rep = new PlanPageClient(await app.BrowserAsAsync("rep3@test.terrain"));
        var repPage = await rep.GetAsync(PageUrl(app));
        var repCard = repPage.QuerySelector("article.session")!;
        Assert.Contains("You are invited", PlanPageClient.Text(repCard), StringComparison.Ordinal);
        var link = repCard.QuerySelector("a[href*='handler=Invitation']")!.GetAttribute("href")!;
        var download = await rep.Http.GetAsync(link, Ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("text/calendar", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Strategy day", Value(ParseIcs(await download.Content.ReadAsStringAsync(Ct)), "SUMMARY"));
        Assert.Null(repPage.QuerySelector("form[action*='handler=Schedule']"));
        Assert.Null(repPage.QuerySelector("form[action*='handler=Agenda']"));
    }

    [Theory, BothDatabases]
    public async Task A_rep_who_is_not_invited_sees_the_session_without_the_calendar_link(Db db)
    {
        var app = await TestApp.StartAsync(db);
        await ScheduleAsync(app, new { startsAt = "2027-01-15T09:00:00Z", length = "HalfDay", invitees = new[] { app.Org.Rep1.Id } });
        var rep = new PlanPageClient(await app.BrowserAsAsync("rep2@test.terrain"));

        var page = await rep.GetAsync(PageUrl(app));

        var card = page.QuerySelector("article.session")!;
        Assert.DoesNotContain("You are invited", PlanPageClient.Text(card), StringComparison.Ordinal);
        Assert.Null(card.QuerySelector("a[href*='handler=Invitation']"));
        var id = (await app.WithDbAsync(d => d.Workshops.SingleAsync(Ct))).Id;
        await rep.GetAsync($"{PageUrl(app)}?handler=Invitation&workshopId={id}", HttpStatusCode.NotFound);
        await rep.GetAsync($"/Strategies/{Guid.NewGuid()}/Workshops", HttpStatusCode.NotFound);
    }

    [Theory, BothDatabases]
    public async Task A_leader_adjusts_the_agenda_and_records_attendance_on_the_page(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var org = app.Org;
        var id = (await ScheduleAsync(app, new { startsAt = "2026-11-28T09:00:00Z", length = "HalfDay", invitees = new[] { org.Rep1.Id, org.Rep2.Id } }))
            .GetProperty("id").GetGuid();
        var leader = new PlanPageClient(await app.BrowserAsAsync("leader@test.terrain"));

        var page = await leader.GetAsync(PageUrl(app));
        var agendaForm = FormFor(page, "Agenda");
        var minutes = agendaForm.QuerySelectorAll<IHtmlInputElement>("input[name=minutes]").ToList();
        var changed = PlanPageClient.Values(agendaForm).Select(v => v.Key == "minutes" && v.Value == minutes[1].Value ? new KeyValuePair<string, string>("minutes", "400") : v);
        var tooLong = await leader.PostAsync(agendaForm.GetAttribute("action")!, changed);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.Contains("a half day has 240", PlanPageClient.Text((await PlanPageClient.ParseAsync(tooLong)).QuerySelector($"#workshop-{id}-error")), StringComparison.Ordinal);

        var shorter = PlanPageClient.Values(agendaForm).ToList();
        var first = shorter.FindIndex(v => v.Key == "minutes");
        shorter[first] = new("minutes", "10");
        Assert.Equal(HttpStatusCode.Redirect, (await leader.PostAsync(agendaForm.GetAttribute("action")!, shorter)).StatusCode);
        var saved = await app.WithDbAsync(d => d.Workshops.SingleAsync(w => w.Id == id, Ct));
        Assert.Equal(10, saved.ReadAgenda()[0].Minutes);
        Assert.Equal(1, saved.Sequence);

        app.Clock.Advance(TimeSpan.FromDays(2));
        leader = new PlanPageClient(await app.BrowserAsAsync("leader@test.terrain"));
        page = await leader.GetAsync(PageUrl(app));
        Assert.Null(page.QuerySelector("form[action*='handler=Agenda']"));
        var attendanceForm = FormFor(page, "Attendance");
        var boxes = attendanceForm.QuerySelectorAll<IHtmlInputElement>("input[name=attended]").ToList();
        Assert.Equal(2, boxes.Count);
        var posted = await leader.PostAsync(attendanceForm.GetAttribute("action")!,
            PlanPageClient.Values(attendanceForm).Append(new("attended", org.Rep1.Id.ToString())));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);

        var marks = await app.WithDbAsync(d => d.WorkshopInvitations.Where(i => i.WorkshopId == id).ToDictionaryAsync(i => i.UserId, i => i.Attended, Ct));
        Assert.True(marks[org.Rep1.Id]);
        Assert.False(marks[org.Rep2.Id]);
        var recorded = await leader.GetAsync(PageUrl(app));
        Assert.True(recorded.QuerySelector<IHtmlInputElement>($"#attended-{id}-{org.Rep1.Id}")!.IsChecked);
        Assert.Contains("1 of 2", PlanPageClient.Text(recorded.QuerySelector("article.session .session-facts")), StringComparison.Ordinal);
    }
}
