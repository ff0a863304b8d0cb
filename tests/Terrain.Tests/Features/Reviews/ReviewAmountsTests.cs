using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Terrain.Tests.Features.Plans;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Reviews;

/// <summary>
/// The review meeting's forecast call is typed as people type amounts (issue 12 §8): "$12,500" is 12500, and junk is
/// refused (422) with the field named, before anything is saved (AmountBinder, RefusalPageFilter).
/// </summary>
public sealed class ReviewAmountsTests
{
    private static decimal Read(IHtmlDocument page, string input) =>
        decimal.Parse(page.QuerySelector<IHtmlInputElement>(input)!.Value, System.Globalization.CultureInfo.InvariantCulture);

    [Theory, BothDatabases]
    public async Task The_managers_call_reads_amounts_as_typed_and_refuses_junk_naming_the_field(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var id = await ReviewMeetingTests.MayReviewAsync(app);
        var manager = new PlanPageClient(await app.BrowserAsAsync("manager1@test.terrain"));
        var page = await manager.GetAsync($"/Reviews/{id}");
        var commit = page.QuerySelector<IHtmlInputElement>("#commit")!;
        Assert.Equal("text", commit.GetAttribute("type"));
        Assert.Equal("decimal", commit.GetAttribute("inputmode"));
        var form = (IHtmlFormElement)commit.Closest("form")!;

        var saved = await manager.SubmitAsync(form, new Dictionary<string, string> { ["Notes.Commit"] = "$12,500", ["Notes.BestCase"] = "15,000.50" });

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var after = await manager.GetAsync($"/Reviews/{id}");
        Assert.Equal(12500m, Read(after, "#commit"));
        Assert.Equal(15000.5m, Read(after, "#best"));

        var refused = await manager.SubmitAsync((IHtmlFormElement)after.QuerySelector("#commit")!.Closest("form")!,
            new Dictionary<string, string> { ["Notes.Commit"] = "lots" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var shown = await PlanPageClient.ParseAsync(refused);
        Assert.Contains("Commit: 'lots' is not an amount", PlanPageClient.Text(shown.QuerySelector(".errors")), StringComparison.Ordinal);
        Assert.Equal("lots", shown.QuerySelector<IHtmlInputElement>("#commit")!.Value);
        var again = await manager.GetAsync($"/Reviews/{id}");
        Assert.Equal(12500m, Read(again, "#commit"));
    }
}
