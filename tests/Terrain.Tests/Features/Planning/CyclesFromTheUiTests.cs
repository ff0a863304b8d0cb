using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Planning;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Planning;

/// <summary>Leaders open, change and close cycles in the UI, within the process rules, with the rule broken named at its field.</summary>
public sealed class CyclesFromTheUiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<IHtmlDocument> PageAsync(HttpClient browser, string path) =>
        new HtmlParser().ParseDocument(await browser.GetStringAsync(path, Ct));

    private static async Task<(HttpResponseMessage Response, IHtmlDocument Page)> PostAsync(HttpClient browser, string page, string action, Dictionary<string, string> form)
    {
        form["__RequestVerificationToken"] = await TestApp.AntiforgeryTokenAsync(browser, page);
        var response = await browser.PostAsync(action, new FormUrlEncodedContent(form), Ct);
        return (response, new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync(Ct)));
    }

    private static Dictionary<string, string> Schedule(string name, string start, string end, string kickoff, string due, string calendar = "Months") => new()
    {
        ["Form.Name"] = name,
        ["Form.PeriodStart"] = start,
        ["Form.PeriodEnd"] = end,
        ["Form.Kickoff"] = kickoff,
        ["Form.DraftDue"] = due,
        ["Form.ApprovalWindowDays"] = "14",
        ["Form.TimeZone"] = "Europe/Berlin",
        ["Form.Calendar"] = calendar,
    };

    [Theory, BothDatabases]
    public async Task A_leader_opens_the_next_cycle_from_a_form_that_proposes_it(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.BrowserAsAsync("leader@test.terrain");

        var proposed = await PageAsync(leader, "/Cycles/New");
        Assert.Equal("FY2028", proposed.QuerySelector<IHtmlInputElement>("#Form_Name")!.Value);
        Assert.Equal("2028-01-01", proposed.QuerySelector<IHtmlInputElement>("#Form_PeriodStart")!.Value);
        Assert.Equal("2028-12-31", proposed.QuerySelector<IHtmlInputElement>("#Form_PeriodEnd")!.Value);
        Assert.Equal("2026-12-10", proposed.QuerySelector<IHtmlInputElement>("#Form_DraftDue")!.Value);
        Assert.Equal(app.Org.Cycle.Id.ToString(), proposed.QuerySelector<IHtmlSelectElement>("#CopyTemplateFrom")!.Value);

        var form = Schedule("FY2028", "2028-01-01", "2028-12-31", "2026-11-30", "2026-12-14");
        form["CopyTemplateFrom"] = app.Org.Cycle.Id.ToString();
        form["StrategyId"] = app.Org.Strategy.Id.ToString();
        var (response, _) = await PostAsync(leader, "/Cycles/New", "/Cycles/New", form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var list = await PageAsync(leader, response.Headers.Location!.OriginalString);
        Assert.Contains("FY2028 is open: 3 draft plans started, drafts due 14 Dec 2026.", list.QuerySelector(".alert.success")!.TextContent, StringComparison.Ordinal);
        var opened = await app.WithDbAsync(d => d.Cycles.AsNoTracking().SingleAsync(c => c.Name == "FY2028", Ct));
        Assert.Equal("Europe/Berlin", opened.TimeZone);
        Assert.Equal(app.Org.Strategy.Id, opened.StrategyId);
        Assert.Equal(3, await app.WithDbAsync(d => d.Plans.CountAsync(p => p.CycleId == opened.Id, Ct)));
        Assert.Equal(await app.WithDbAsync(d => d.TemplateSections.CountAsync(t => t.CycleId == app.Org.Cycle.Id, Ct)),
            await app.WithDbAsync(d => d.TemplateSections.CountAsync(t => t.CycleId == opened.Id, Ct)));
        Assert.NotNull(list.QuerySelector($"a[href='/Cycles/{opened.Id}/Edit']"));
    }

    [Theory, BothDatabases]
    public async Task A_schedule_that_breaks_the_two_week_rule_is_refused_at_its_field_and_nothing_opens(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.BrowserAsAsync("leader@test.terrain");

        var (tooLate, page) = await PostAsync(leader, "/Cycles/New", "/Cycles/New", Schedule("FY2028", "2028-01-01", "2028-12-31", "2026-11-30", "2026-12-20"));
        var (notADate, datePage) = await PostAsync(leader, "/Cycles/New", "/Cycles/New", Schedule("FY2028", "2028-01-01", "31/12/2028", "2026-11-30", "2026-12-10"));
        var (duplicate, duplicatePage) = await PostAsync(leader, "/Cycles/New", "/Cycles/New", Schedule("FY2027", "2028-01-01", "2028-12-31", "2026-11-30", "2026-12-10"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLate.StatusCode);
        Assert.Contains("at most 14 days after kickoff", page.GetElementById("Form_DraftDue-error")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("true", page.GetElementById("Form_DraftDue")!.GetAttribute("aria-invalid"));
        Assert.Equal("2026-12-20", page.QuerySelector<IHtmlInputElement>("#Form_DraftDue")!.Value);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notADate.StatusCode);
        Assert.Contains("is not a date", datePage.GetElementById("Form_PeriodEnd-error")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("already exists", duplicatePage.GetElementById("Form_Name-error")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(d => d.Cycles.CountAsync(Ct)));
    }

    [Theory, BothDatabases]
    public async Task A_leader_moves_the_cycle_to_a_4_4_5_calendar_and_a_stale_form_is_refused(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.BrowserAsAsync("leader@test.terrain");
        var path = $"/Cycles/{app.Org.Cycle.Id}/Edit";
        var edit = await PageAsync(leader, path);
        var version = edit.QuerySelector<IHtmlInputElement>("input[name=Version]")!.Value;
        Assert.Equal("Months", edit.QuerySelector<IHtmlSelectElement>("#Form_Calendar")!.Value);

        var wrongLength = Schedule("FY2027", "2027-01-01", "2027-12-31", "2026-11-23", "2026-12-07", "Weeks445");
        wrongLength["Version"] = version;
        var (refused, refusedPage) = await PostAsync(leader, path, path, wrongLength);
        var fiscal = Schedule("FY2027", "2027-01-03", "2028-01-01", "2026-11-23", "2026-12-07", "Weeks445");
        fiscal["Version"] = version;
        var (saved, _) = await PostAsync(leader, path, path, fiscal);
        var (stale, stalePage) = await PostAsync(leader, path, path, fiscal);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("13-week quarters", refusedPage.GetElementById("Form_PeriodEnd-error")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var cycle = await app.WithDbAsync(d => d.Cycles.AsNoTracking().SingleAsync(c => c.Id == app.Org.Cycle.Id, Ct));
        Assert.Equal(FiscalCalendar.Weeks445, cycle.Calendar);
        Assert.Equal(new DateOnly(2027, 1, 30), cycle.Quarters[0].Start.AddDays(27));
        Assert.Equal(new DateOnly(2027, 4, 3), cycle.Quarters[0].End);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("Someone else changed this cycle", stalePage.QuerySelector(".alert.error")!.TextContent, StringComparison.Ordinal);
    }

    [Theory, BothDatabases]
    public async Task Closing_asks_for_confirmation_then_ends_the_cycle(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.BrowserAsAsync("leader@test.terrain");
        var path = $"/Cycles/{app.Org.Cycle.Id}/Edit";
        var version = (await PageAsync(leader, path)).QuerySelector<IHtmlInputElement>("input[name=Version]")!.Value;

        var (unconfirmed, page) = await PostAsync(leader, path, path + "?handler=Close", new() { ["Version"] = version });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unconfirmed.StatusCode);
        Assert.Contains("Tick the box to confirm", page.GetElementById("ConfirmClose-error")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(CycleStatus.Open, await app.WithDbAsync(d => d.Cycles.Where(c => c.Id == app.Org.Cycle.Id).Select(c => c.Status).SingleAsync(Ct)));

        var (closed, _) = await PostAsync(leader, path, path + "?handler=Close", new() { ["Version"] = version, ["ConfirmClose"] = "true" });

        Assert.Equal(HttpStatusCode.Redirect, closed.StatusCode);
        Assert.Equal(CycleStatus.Closed, await app.WithDbAsync(d => d.Cycles.Where(c => c.Id == app.Org.Cycle.Id).Select(c => c.Status).SingleAsync(Ct)));
        var after = await PageAsync(leader, path);
        Assert.Contains("is closed", after.QuerySelector(".alert.info")!.TextContent, StringComparison.Ordinal);
        Assert.Null(after.QuerySelector("form[action$='handler=Close']"));
    }
}
