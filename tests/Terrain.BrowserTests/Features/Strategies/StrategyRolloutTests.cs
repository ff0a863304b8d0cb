using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Features.Demo;
using Xunit;

namespace Terrain.BrowserTests.Features.Strategies;

/// <summary>
/// Buy-in in real Chromium: the demo's holdout rep (rep 7, who failed the check once and has a question open) reads the
/// strategy, passes the check and acknowledges it; the leader's readiness board shows them acknowledged and ready.
/// </summary>
public sealed class StrategyRolloutTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task A_rep_reads_the_strategy_passes_the_check_and_acknowledges_and_the_readiness_board_updates()
    {
        var email = DemoPeople.Rep(DemoStrategy.HoldoutRep + 1);
        var found = await App.QueryAsync(async db => new
        {
            Strategy = await db.Strategies.Where(s => s.Status == Terrain.Domain.Strategies.StrategyStatus.Published).OrderByDescending(s => s.PeriodStart).Select(s => s.Id).FirstAsync(),
            Rep = await db.Users.Where(u => u.Email == email).Select(u => u.DisplayName).SingleAsync(),
        });
        var readiness = $"/Strategies/{found.Strategy}/Readiness";

        // 1. The leader's board: the rep has not acknowledged yet.
        var leader = await SignInAsync(DemoPeople.Leader);
        await leader.GotoAsync(readiness);
        var row = leader.Locator("table.readiness tbody tr").Filter(new() { HasText = found.Rep });
        await Expect(row.Locator("td").Nth(3)).ToContainTextAsync("not acknowledged");
        var acknowledgedBefore = int.Parse(await leader.Locator("tr[data-step='acknowledged']").GetAttributeAsync("data-count") ?? "-1",
            System.Globalization.CultureInfo.InvariantCulture);
        await Screenshots.SaveAsync(leader, "strategy-1-readiness-before");

        // 2. The rep follows the home page to the strategy, reads it, and cannot acknowledge before passing the check.
        var rep = await SignInAsync(email);
        await rep.GetByRole(AriaRole.Link, new() { Name = "Read the strategy" }).ClickAsync();
        await Expect(rep.GetByRole(AriaRole.Heading, new() { Name = "Your buy-in" })).ToBeVisibleAsync();
        await Expect(rep.GetByRole(AriaRole.Button, new() { Name = "I have read and understood the strategy" })).ToBeDisabledAsync();
        await Screenshots.SaveAsync(rep, "strategy-2-document");

        // 3. The check: one wrong answer first (the result names it without giving the right one), then all right.
        await rep.Locator("#buyin-check").GetByRole(AriaRole.Link, new() { Name = "Pass the check" }).ClickAsync();
        var questions = rep.Locator("fieldset.check-question");
        await Expect(questions).ToHaveCountAsync(DemoStrategy.RightAnswers.Count);
        for (var i = 0; i < DemoStrategy.RightAnswers.Count; i++)
        {
            var option = i == 0 ? (DemoStrategy.RightAnswers[i] + 1) % 3 : DemoStrategy.RightAnswers[i];
            // The options come in a new order each attempt: pick by the option's own value, not its place.
            await questions.Nth(i).Locator($"input[type=radio][value='{option}']").CheckAsync();
        }

        await rep.GetByRole(AriaRole.Button, new() { Name = "Submit answers" }).ClickAsync();
        await Expect(rep.Locator("#last-result")).ToContainTextAsync($"{DemoStrategy.RightAnswers.Count - 1} of {DemoStrategy.RightAnswers.Count} right");
        await Screenshots.SaveAsync(rep, "strategy-3-check-failed");
        await rep.Locator("fieldset.check-question").Nth(0).Locator($"input[type=radio][value='{DemoStrategy.RightAnswers[0]}']").CheckAsync();
        await rep.GetByRole(AriaRole.Button, new() { Name = "Submit answers" }).ClickAsync();
        await Expect(rep.GetByRole(AriaRole.Heading, new() { Name = "You passed the check" })).ToBeVisibleAsync();

        // 4. Acknowledge, right there.
        await rep.GetByRole(AriaRole.Button, new() { Name = "I have read and understood the strategy" }).ClickAsync();
        await Expect(rep.GetByText("Acknowledged on").First).ToBeVisibleAsync();
        await Screenshots.SaveAsync(rep, "strategy-4-acknowledged");

        // 5. The leader's board has moved: acknowledged, check passed, one more rep acknowledged in the totals.
        await leader.ReloadAsync();
        await Expect(row.Locator("td").Nth(3)).Not.ToContainTextAsync("not acknowledged");
        await Expect(row.Locator("td").Nth(4)).Not.ToContainTextAsync("not passed");
        await Expect(leader.Locator("tr[data-step='acknowledged']")).ToHaveAttributeAsync("data-count",
            (acknowledgedBefore + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Screenshots.SaveAsync(leader, "strategy-5-readiness-after");
    }

    [Fact]
    public async Task The_leader_sees_the_workshop_held_and_whether_the_plans_add_up_to_the_objectives()
    {
        var id = await App.QueryAsync(db => db.Strategies.Where(s => s.Status == Terrain.Domain.Strategies.StrategyStatus.Published).OrderByDescending(s => s.PeriodStart).Select(s => s.Id).FirstAsync());
        var leader = await SignInAsync(DemoPeople.Leader);

        await leader.GotoAsync($"/Strategies/{id}/Workshops");
        await Expect(leader.Locator("article.session.past")).ToHaveCountAsync(1);
        await Expect(leader.Locator("article.session.past table.agenda tbody tr").First).ToBeVisibleAsync();
        await Screenshots.SaveAsync(leader, "strategy-workshops");

        await leader.GotoAsync($"/Strategies/{id}/Alignment");
        await Expect(leader.Locator("#alignment-table tbody tr[data-objective]")).ToHaveCountAsync(4);
        await Expect(leader.Locator("#alignment-table .gap-short").First).ToBeVisibleAsync();
        await Expect(leader.Locator("#uncounted-table tbody tr").First).ToContainTextAsync("Discovery meetings");
        await Expect(leader.Locator("#uncounted-table tbody tr").First).ToContainTextAsync("Linked to no objective.");
        await Expect(leader.Locator("canvas")).ToBeVisibleAsync();
        await Screenshots.SaveAsync(leader, "strategy-alignment");
    }
}
