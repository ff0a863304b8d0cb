using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Terrain.Domain.Planning;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Planning;

public sealed class PlanTemplateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_default_template_is_valid_and_covers_every_kind_of_section()
    {
        SectionSpec.ValidateTemplate(DefaultTemplate.Sections);

        Assert.Equal(Enum.GetValues<SectionKind>().Order(), DefaultTemplate.Sections.Select(s => s.Kind).Distinct().Order());
        Assert.All(DefaultTemplate.Sections, s => Assert.True(s.Instructions.Length > 80, $"{s.Key} needs real instructions"));
        Assert.All(DefaultTemplate.Sections, s => Assert.DoesNotContain('\n', s.Instructions));
    }

    [Theory, BothDatabases]
    public async Task A_new_cycle_starts_from_the_default_template_or_a_copy_of_an_earlier_one(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var custom = new[] { new { key = "summary", title = "Executive summary", instructions = "Half a page.", kind = "Narrative", required = true } };
        Assert.Equal(HttpStatusCode.OK, (await leader.PutAsJsonAsync($"/api/v1/cycles/{app.Org.Cycle.Id}/template", custom, Ct)).StatusCode);

        object Cycle(string name, Guid? copy) => new
        {
            name,
            periodStart = "2028-01-01",
            periodEnd = "2028-12-31",
            kickoff = "2027-12-01",
            draftDue = "2027-12-10",
            copyTemplateFrom = copy,
        };

        var fresh = await (await leader.PostAsJsonAsync("/api/v1/cycles", Cycle("FY2028", null), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var copied = await (await leader.PostAsJsonAsync("/api/v1/cycles", Cycle("FY2028 copy", app.Org.Cycle.Id), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var unknown = await leader.PostAsJsonAsync("/api/v1/cycles", Cycle("FY2028 ghost", Guid.NewGuid()), Ct);

        var freshTemplate = await leader.GetFromJsonAsync<JsonElement>($"/api/v1/cycles/{fresh.GetProperty("id")}/template", Ct);
        var copiedTemplate = await leader.GetFromJsonAsync<JsonElement>($"/api/v1/cycles/{copied.GetProperty("id")}/template", Ct);
        Assert.Equal(DefaultTemplate.Sections.Select(s => s.Key), freshTemplate.EnumerateArray().Select(s => s.GetProperty("key").GetString()));
        Assert.Equal("Executive summary", copiedTemplate.EnumerateArray().Single().GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
    }

    [Theory, BothDatabases]
    public async Task A_bad_template_is_refused_naming_the_problem_and_a_used_one_cannot_change(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.ApiAsAsync("leader@test.terrain");
        var url = $"/api/v1/cycles/{app.Org.Cycle.Id}/template";
        var cases = new (object Body, string Field)[]
        {
            (Array.Empty<object>(), "sections"),
            (new[] { new { key = "a", title = "A", instructions = "", kind = "Poetry", required = true } }, "kind"),
            (new[] { new { key = "a", title = "A", instructions = "", kind = "Swot", required = true }, new { key = "a", title = "B", instructions = "", kind = "Risks", required = true } }, "key"),
            (new[] { new { key = "Not OK", title = "A", instructions = "", kind = "Swot", required = true } }, "key"),
            (new[] { new { key = "a", title = "", instructions = "", kind = "Swot", required = true } }, "title"),
        };

        foreach (var (body, field) in cases)
        {
            var response = await leader.PutAsJsonAsync(url, body, Ct);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected {field}: {problem}");
        }

        var rep = await app.ApiAsAsync("rep1@test.terrain");
        await rep.PostAsync($"/api/v1/plans/{app.Org.PlanOf[app.Org.Rep1.Id].Id}/submit", null, Ct);
        var late = await leader.PutAsJsonAsync(url, new[] { new { key = "a", title = "A", instructions = "", kind = "Swot", required = true } }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal(DefaultTemplate.Sections.Count, (await leader.GetFromJsonAsync<JsonElement>(url, Ct)).GetArrayLength());
    }

    [Theory, BothDatabases]
    public async Task Reps_read_the_template_with_its_instructions(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var browser = await app.BrowserAsAsync("rep1@test.terrain");

        var html = await browser.GetStringAsync($"/Cycles/Template/{app.Org.Cycle.Id}", Ct);
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);

        Assert.Equal(DefaultTemplate.Sections.Select(s => s.Title), document.QuerySelectorAll("ol.template h2").Select(h => h.ChildNodes[0].TextContent.Trim()));
        Assert.Contains("Every A and B account needs", html, StringComparison.Ordinal);
    }
}
