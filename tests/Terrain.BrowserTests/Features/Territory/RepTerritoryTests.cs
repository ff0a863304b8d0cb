using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Terrain.BrowserTests.Infrastructure;
using Xunit;
using TerritoryPage = Terrain.Features.Territory.IndexModel;

namespace Terrain.BrowserTests.Features.Territory;

public sealed class RepTerritoryTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task Rep_sees_exactly_their_own_accounts_with_a_total()
    {
        var mine = await AccountsOfAsync(DemoPeople.Rep1);
        var chloes = await AccountsOfAsync(DemoPeople.Rep5);
        Assert.InRange(mine.Count, 1, TerritoryPage.PageSize);
        var page = await SignInAsync(DemoPeople.Rep1);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" })
            .GetByRole(AriaRole.Link, new() { Name = "My territory", Exact = true }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My territory", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator(".who-name")).ToContainTextAsync("Rosa Delgado");
        var shown = await ShownAccountIdsAsync(page);
        Assert.Equal(mine.Select(a => a.ExternalId).Order(StringComparer.Ordinal), shown.Order(StringComparer.Ordinal));
        Assert.Empty(shown.Intersect(chloes.Select(a => a.ExternalId)));
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Chloe Martin");

        var total = page.Locator("#accounts tfoot tr");
        await Expect(total.GetByRole(AriaRole.Rowheader)).ToHaveTextAsync($"Total ({mine.Count} accounts)");
        Assert.Equal(mine.Sum(a => a.AnnualPotential), Digits(await total.Locator("td.num").InnerTextAsync()));
        await Expect(page.Locator("#account-summary")).ToContainTextAsync($"{mine.Count} accounts");

        await Screenshots.SaveAsync(page, "rep-territory");
    }

    [Fact]
    public async Task Choosing_a_segment_narrows_the_list_in_place_with_htmx()
    {
        var smb = (await AccountsOfAsync(DemoPeople.Rep1)).Where(a => a.Segment == "SMB").ToList();
        Assert.NotEmpty(smb);
        var page = await SignInAsync(DemoPeople.Rep1);
        await page.GotoAsync("/Territory");
        // Survives only if htmx swaps the table instead of the browser loading a new page.
        await page.EvaluateAsync("() => { window.terrainTestMarker = 'same document'; }");

        await page.GetByLabel("Segment", new() { Exact = true }).SelectOptionAsync("SMB");

        await page.WaitForURLAsync(url => url.Contains("segment=SMB", StringComparison.Ordinal));
        await Expect(page.Locator("#accounts tfoot tr")).ToContainTextAsync($"Total ({smb.Count} accounts)");
        Assert.Equal(smb.Select(a => a.ExternalId).Order(StringComparer.Ordinal), (await ShownAccountIdsAsync(page)).Order(StringComparer.Ordinal));
        Assert.All(await page.Locator("#accounts tbody tr > td:nth-child(3)").AllInnerTextsAsync(), s => Assert.Equal("SMB", s));
        Assert.Equal("same document", await page.EvaluateAsync<string?>("() => window.terrainTestMarker"));
        await Expect(page.Locator("header.topbar")).ToHaveCountAsync(1);

        await Screenshots.SaveAsync(page, "rep-territory-smb");
    }

    [Fact]
    public async Task Without_javascript_the_apply_button_filters_by_segment()
    {
        var enterprise = (await AccountsOfAsync(DemoPeople.Rep1)).Where(a => a.Segment == "Enterprise").ToList();
        Assert.NotEmpty(enterprise);
        var page = await SignInAsync(DemoPeople.Rep1, javaScriptEnabled: false);
        await page.GotoAsync("/Territory");

        await page.GetByLabel("Segment", new() { Exact = true }).SelectOptionAsync("Enterprise");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();

        await page.WaitForURLAsync(url => url.Contains("segment=Enterprise", StringComparison.Ordinal));
        await Expect(page.Locator("#accounts tfoot tr")).ToContainTextAsync($"Total ({enterprise.Count} accounts)");
        Assert.Equal(enterprise.Select(a => a.ExternalId).Order(StringComparer.Ordinal), (await ShownAccountIdsAsync(page)).Order(StringComparer.Ordinal));
        await Expect(page.GetByLabel("Segment", new() { Exact = true })).ToHaveValueAsync("Enterprise");
    }

    private sealed record AccountFact(string ExternalId, string Segment, decimal AnnualPotential);

    private Task<List<AccountFact>> AccountsOfAsync(string email) => App.QueryAsync(db => db.Accounts
        .Where(a => a.Owner!.Email == email)
        .Select(a => new AccountFact(a.ExternalId, a.Segment, a.AnnualPotential))
        .ToListAsync());

    private static async Task<IReadOnlyList<string>> ShownAccountIdsAsync(IPage page) =>
        await page.Locator("#accounts tbody tr > td:first-child .muted").AllInnerTextsAsync();

    /// <summary>The figure in a formatted amount, whatever currency symbol and grouping the server's culture uses.</summary>
    private static decimal Digits(string formatted) => decimal.Parse(new string([.. formatted.Where(char.IsAsciiDigit)]), CultureInfo.InvariantCulture);
}
