using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Terrain.BrowserTests.Features.Accessibility;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Domain.Planning;
using Xunit;

namespace Terrain.BrowserTests.Features.Plans;

/// <summary>
/// The last planning-loop gaps of issue 12, in a browser at desktop and phone width: a money input shows what was typed
/// with thousands separators once the rep moves on, and saves it; a reviewer's new row waits for their save or proposal;
/// the rep replies to a reviewer's comment from beside it in the section editor, without a reload.
/// </summary>
[Collection(DemoPlanStatuses.Name)]
public sealed class EditorLeftoversTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Theory]
    [InlineData(1280, 900, "desktop")]
    [InlineData(390, 844, "phone")]
    public async Task A_money_input_shows_thousands_separators_after_typing_and_saves_the_amount(int width, int height, string name)
    {
        var (planId, rep) = await DemoPlanContent.PlanAsync(App);
        var page = await SignInAsync(rep, bypassCsp: true);
        await page.SetViewportSizeAsync(width, height);
        await page.GotoAsync($"/Plans/{planId}/Edit/targets");
        var target = page.Locator("[name='c.Goals[0].Targets[0]']");
        var amount = width == 1280 ? "1250000" : "1250001";

        await target.FillAsync("");
        await target.PressSequentiallyAsync(amount);
        await target.PressAsync("Tab");

        await Expect(target).ToHaveValueAsync(new Regex(width == 1280 ? @"^1,250,000$" : @"^1,250,001$"));
        await Expect(page.Locator("#save-status")).ToContainTextAsync("Saved at");
        await Screenshots.SaveAsync(page, $"money-input-{name}");
        var saved = await App.QueryAsync(async db => (GoalsContent)SectionContents.Read(SectionKind.Goals,
            await db.PlanSections.Where(s => s.PlanId == planId && s.Key == "targets").Select(s => s.Content).SingleAsync()));
        Assert.Equal(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), saved.Goals[0].Targets[0]);

        // The page comes back with the amount written the same way.
        await page.ReloadAsync();
        await Expect(target).ToHaveValueAsync(new Regex(@"^1,250,00[01]$"));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"The editor scrolls sideways at {width} px.");
        await AccessibilityTests.CheckAsync(page);
    }

    [Theory]
    [InlineData(1280, 900, "desktop")]
    [InlineData(390, 844, "phone")]
    public async Task A_reviewers_new_row_waits_for_their_save_or_proposal(int width, int height, string name)
    {
        var rep3 = DemoPeople.Rep(3);
        var found = await App.QueryAsync(async db =>
            await (from p in db.Plans
                   join u in db.Users on p.OwnerId equals u.Id
                   join m in db.Users on u.ManagerId equals m.Id
                   where u.Email == rep3 && p.CycleId == db.Cycles.OrderByDescending(c => c.PeriodStart).Select(c => c.Id).First()
                   select new { p.Id, ManagerEmail = m.Email! }).SingleAsync());
        var version = () => App.QueryAsync(db => db.PlanSections.Where(s => s.PlanId == found.Id && s.Key == "action-plan").Select(s => s.UpdatedAt).SingleOrDefaultAsync());
        var before = await version();
        var manager = await SignInAsync(found.ManagerEmail, bypassCsp: true);
        await manager.SetViewportSizeAsync(width, height);
        await manager.GotoAsync($"/Plans/{found.Id}/Edit/action-plan");
        var rows = manager.Locator("table.actions tbody tr");
        var count = await rows.CountAsync();

        await manager.GetByRole(AriaRole.Button, new() { Name = "+ Add an action" }).ClickAsync();

        await Expect(rows).ToHaveCountAsync(count + 1);
        await Expect(manager.Locator("#save-status")).ToContainTextAsync("Not saved yet");
        await Screenshots.SaveAsync(manager, $"reviewer-row-waits-{name}");
        Assert.Equal(before, await version());
        await AccessibilityTests.CheckAsync(manager);
    }

    [Theory]
    [InlineData(1280, 900, "desktop")]
    [InlineData(390, 844, "phone")]
    public async Task The_rep_replies_to_a_comment_inside_the_section_editor(int width, int height, string name)
    {
        var (planId, rep) = await DemoPlanContent.PlanAsync(App);
        var manager = await SignInAsync(DemoPeople.Manager1, bypassCsp: true);
        await manager.SetViewportSizeAsync(width, height);
        await manager.GotoAsync($"/Plans/{planId}#section-summary");
        var question = $"Which two competitors ({name})?";
        var section = manager.Locator("#section-summary");
        var add = section.Locator("details.add-comment");
        await add.Locator("summary").ClickAsync();
        await add.GetByLabel("Your comment").FillAsync(question);
        await add.GetByRole(AriaRole.Button, new() { Name = "Comment", Exact = true }).ClickAsync();
        await Expect(section).ToContainTextAsync(question);

        var page = await SignInAsync(rep, bypassCsp: true);
        await page.SetViewportSizeAsync(width, height);
        await page.GotoAsync($"/Plans/{planId}/Edit/summary");
        var thread = page.Locator("article.thread", new() { HasText = question });
        await page.EvaluateAsync("() => { window.stillHere = true; }");
        var text = page.GetByLabel("Your text");
        await text.FillAsync(await text.InputValueAsync() + $"\nTyped before replying ({name}).");

        // By keyboard: the Reply summary opens the form, the reply is typed and sent with Enter on the button.
        await thread.Locator("summary").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await thread.GetByLabel("Your reply").FillAsync($"Acme and Globex ({name}).");
        await thread.GetByRole(AriaRole.Button, new() { Name = "Post the reply" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await Expect(thread).ToContainTextAsync($"Acme and Globex ({name}).");
        await Expect(thread).ToContainTextAsync("Your reply is posted.");
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillHere === true"), "Replying reloaded the editor.");
        await Expect(text).ToHaveValueAsync(new Regex($@"Typed before replying \({name}\)\."));
        await Screenshots.SaveAsync(page, $"reply-in-editor-{name}");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"The editor scrolls sideways at {width} px.");
        await AccessibilityTests.CheckAsync(page);
    }
}
