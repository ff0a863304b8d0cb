using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Features.Plans;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Strategies;

/// <summary>"Read the strategy" is ticked when the rep reaches the end of the page, not when they open it.</summary>
public sealed class ReadingToTheEndTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string StrategyUrl(TestApp app) => $"/Strategies/{app.Org.Strategy.Id}";

    private static IHtmlFormElement ReadForm(IHtmlDocument page) =>
        page.QuerySelector<IHtmlFormElement>("#read-to-end form[action*='handler=Read']") ?? throw new InvalidOperationException("No read-to-end form.");

    [Theory, BothDatabases]
    public async Task Opening_the_strategy_does_not_tick_it_reaching_the_end_does_once(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = new PlanPageClient(await app.BrowserAsAsync("rep1@test.terrain"));

        var opened = await rep.GetAsync(StrategyUrl(app));

        Assert.Contains("step-todo", opened.QuerySelector("#buyin-read")!.ClassList);
        Assert.Equal("no", opened.QuerySelector("#read-to-end")!.GetAttribute("data-read"));
        Assert.NotNull(opened.QuerySelector("script[src*='strategy-read.js']"));

        // Without JavaScript: the button at the end.
        var pressed = await rep.SubmitAsync(ReadForm(opened));
        Assert.Equal(HttpStatusCode.Redirect, pressed.StatusCode);
        Assert.Equal($"{StrategyUrl(app)}#buyin", pressed.Headers.Location!.OriginalString);
        var after = await rep.GetAsync(StrategyUrl(app));
        Assert.Contains("step-done", after.QuerySelector("#buyin-read")!.ClassList);
        Assert.Contains("Read to the end on", PlanPageClient.Text(after.QuerySelector("#buyin-read")), StringComparison.Ordinal);
        Assert.Null(after.QuerySelector("#read-to-end form"));
        var first = await app.WithDbAsync(d => d.StrategyReadings.SingleAsync(r => r.RepId == app.Org.Rep1.Id, Ct));

        // The script posts as htmx does: no content. Reaching the end again keeps the first time.
        app.Clock.Advance(TimeSpan.FromHours(2));
        var again = await rep.PostAsync($"{StrategyUrl(app)}?handler=Read", PlanPageClient.Values(ReadForm(opened)), htmx: true);

        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        var readings = await app.WithDbAsync(d => d.StrategyReadings.Where(r => r.RepId == app.Org.Rep1.Id).ToListAsync(Ct));
        Assert.Equal(first.At, Assert.Single(readings).At);
        Assert.Equal(1, await app.WithDbAsync(d => d.AuditEntries.CountAsync(a => a.Action == "strategy.read-to-end", Ct)));
    }

    // That only a rep records a reading (403 for the others) is a row of PageHandlerAuthorizationTests.
    [Theory, BothDatabases]
    public async Task A_manager_sees_no_end_marker_and_an_unknown_strategy_is_not_found(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var manager = new PlanPageClient(await app.BrowserAsAsync("manager1@test.terrain"));
        var page = await manager.GetAsync(StrategyUrl(app));
        Assert.Null(page.QuerySelector("#read-to-end"));

        var rep = new PlanPageClient(await app.BrowserAsAsync("rep1@test.terrain"));
        var form = ReadForm(await rep.GetAsync(StrategyUrl(app)));
        var token = PlanPageClient.Values(form).Single(v => v.Key == "__RequestVerificationToken");
        Assert.Equal(HttpStatusCode.NotFound, (await rep.PostAsync($"/Strategies/{Guid.NewGuid()}?handler=Read", [token], htmx: true)).StatusCode);
    }
}
