using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.EntityFrameworkCore;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Planning;

/// <summary>Leaders change a cycle's plan template in the UI until the first plan is submitted against it.</summary>
public sealed class TemplateFromTheUiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The form as the page renders it, with <paramref name="change"/> applied, posted back.</summary>
    private static async Task<(HttpResponseMessage Response, IHtmlDocument Page)> SubmitAsync(HttpClient browser, string path, Action<Dictionary<string, string>> change)
    {
        var page = new HtmlParser().ParseDocument(await browser.GetStringAsync(path, Ct));
        var form = new Dictionary<string, string>();
        foreach (var element in page.QuerySelectorAll("form.template-editor input, form.template-editor select, form.template-editor textarea"))
        {
            var name = element.GetAttribute("name")!;
            switch (element)
            {
                case IHtmlInputElement { Type: "checkbox" } box:
                    if (box.IsChecked)
                    {
                        form[name] = "true";
                    }

                    break;
                case IHtmlInputElement input:
                    form[name] = input.Value;
                    break;
                case IHtmlSelectElement select:
                    form[name] = select.Value ?? "";
                    break;
                case IHtmlTextAreaElement area:
                    form[name] = area.Value;
                    break;
            }
        }

        change(form);
        var response = await browser.PostAsync(path, new FormUrlEncodedContent(form), Ct);
        return (response, new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync(Ct)));
    }

    private static Task<List<(int Order, string Key, string Title, bool Required)>> StoredAsync(TestApp app) => app.WithDbAsync(async db =>
        (await db.TemplateSections.AsNoTracking().Where(t => t.CycleId == app.Org.Cycle.Id).OrderBy(t => t.Order).ToListAsync(Ct))
            .Select(t => (t.Order, t.Key, t.Title, t.Required)).ToList());

    [Theory, BothDatabases]
    public async Task A_leader_renames_removes_reorders_and_adds_sections(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.BrowserAsAsync("leader@test.terrain");
        var path = $"/Cycles/Template/{app.Org.Cycle.Id}";
        var before = await StoredAsync(app);
        var last = before.Count; // the blank row that adds a section

        var (response, _) = await SubmitAsync(leader, path, form =>
        {
            form["Rows[0].Title"] = "Where I stand";
            form["Rows[1].Remove"] = "true";
            form.Remove("Rows[2].Required");
            form[$"Rows[{last}].Title"] = "Partner plan";
            form[$"Rows[{last}].Kind"] = "Narrative";
            form[$"Rows[{last}].Position"] = "2";
            form[$"Rows[{last}].Instructions"] = "Which partners bring you deals, and what you do with them.";
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var after = await StoredAsync(app);
        Assert.Equal(before.Count, after.Count);
        Assert.Equal((1, before[0].Key, "Where I stand", before[0].Required), after[0]);
        Assert.Equal((2, "partner-plan", "Partner plan", true), after[1]);
        Assert.Equal((before[2].Key, false), (after[2].Key, after[2].Required));
        Assert.DoesNotContain(after, s => s.Key == before[1].Key);
        var shown = new HtmlParser().ParseDocument(await leader.GetStringAsync(path, Ct));
        Assert.Contains("The template is saved", shown.QuerySelector(".alert.success")!.TextContent, StringComparison.Ordinal);
        var audit = await app.WithDbAsync(d => d.AuditEntries.CountAsync(a => a.Action == "cycle.template-replaced", Ct));
        Assert.Equal(1, audit);
    }

    [Theory, BothDatabases]
    public async Task A_section_without_a_title_is_refused_at_its_row_and_nothing_changes(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.BrowserAsAsync("leader@test.terrain");
        var path = $"/Cycles/Template/{app.Org.Cycle.Id}";
        var before = await StoredAsync(app);

        var (response, page) = await SubmitAsync(leader, path, form => form["Rows[3].Title"] = " ");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("needs a title", page.GetElementById("Rows_3__Title-error")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("true", page.GetElementById("Rows_3__Title")!.GetAttribute("aria-invalid"));
        Assert.Equal(before, await StoredAsync(app));
    }

    [Theory, BothDatabases]
    public async Task Once_a_plan_is_submitted_the_template_is_read_only(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var leader = await app.BrowserAsAsync("leader@test.terrain");
        var rep = await app.ApiAsAsync("rep1@test.terrain");
        var path = $"/Cycles/Template/{app.Org.Cycle.Id}";
        var form = await SubmitAsync(leader, path, _ => { }); // a leader may save an unchanged template before
        Assert.Equal(HttpStatusCode.Redirect, form.Response.StatusCode);

        Assert.True((await rep.PostAsync($"/api/v1/plans/{app.Org.PlanOf[app.Org.Rep1.Id].Id}/submit", null, Ct)).IsSuccessStatusCode);
        var page = new HtmlParser().ParseDocument(await leader.GetStringAsync(path, Ct));

        Assert.Null(page.QuerySelector("form.template-editor"));
        Assert.Contains("can no longer change", page.QuerySelector(".alert.info")!.TextContent, StringComparison.Ordinal);
    }
}
