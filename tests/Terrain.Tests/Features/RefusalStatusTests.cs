using System.Net;
using System.Net.Http.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Terrain.Tests.Features.Plans;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features;

/// <summary>A page and the API refuse the same move with the same status code: 403 for the person, 409 for the state, 422 for the input.</summary>
public sealed class RefusalStatusTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// One row per kind of domain refusal: who acts, the plan page's handler and the API action, the comment sent, and
    /// whether the plan is submitted first. The expected status is written out, not computed from the mapping under test.
    /// </summary>
    public static TheoryData<string, string, string, string, string?, bool, HttpStatusCode> Refusals => new()
    {
        { "NotAllowedException: a manager submits the rep's plan", "manager1@test.terrain", "Submit", "submit", null, false, HttpStatusCode.Forbidden },
        { "InvalidStateException: the rep amends a draft", "rep1@test.terrain", "Amend", "amend", null, false, HttpStatusCode.Conflict },
        { "InvalidStateException: the rep submits twice", "rep1@test.terrain", "Submit", "submit", null, true, HttpStatusCode.Conflict },
        { "DomainException: changes requested without a comment", "manager1@test.terrain", "RequestChanges", "request-changes", " ", true, HttpStatusCode.UnprocessableEntity },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_page_post_and_the_api_answer_a_refusal_with_the_same_status(
        string refusal, string actor, string handler, string action, string? comment, bool submitted, HttpStatusCode expected)
    {
        var app = await TestApp.StartAsync(Db.Sqlite);
        var planId = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        if (submitted)
        {
            var owner = await app.ApiAsAsync("rep1@test.terrain");
            Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/plans/{planId}/submit", null, Ct)).StatusCode);
        }

        var browser = new PlanPageClient(await app.BrowserAsAsync(actor));
        var page = await browser.GetAsync($"/Plans/{planId}");
        // Any form of the page carries the antiforgery token; the move is posted whether or not its button is shown.
        var token = page.QuerySelector<IHtmlInputElement>("input[name='__RequestVerificationToken']")!.Value;
        var fields = new Dictionary<string, string> { ["__RequestVerificationToken"] = token };
        if (comment is not null)
        {
            fields["comment"] = comment;
        }

        var fromPage = await browser.PostAsync($"/Plans/{planId}?handler={handler}", fields);
        var api = await app.ApiAsAsync(actor);
        var fromApi = await api.PostAsync($"/api/v1/plans/{planId}/{action}", JsonContent.Create(new { comment }), Ct);

        Assert.True(expected == fromApi.StatusCode, $"{refusal}: the API answered {fromApi.StatusCode}");
        Assert.True(expected == fromPage.StatusCode, $"{refusal}: the page answered {fromPage.StatusCode}");
        var shown = await PlanPageClient.ParseAsync(fromPage);
        var problem = await fromApi.Content.ReadFromJsonAsync<ProblemBody>(Ct);
        Assert.Contains(problem!.Detail, PlanPageClient.Text(shown.QuerySelector("#action-error")), StringComparison.Ordinal);
    }

    private sealed record ProblemBody(string Detail);
}
