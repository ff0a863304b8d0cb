using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using Terrain.Domain.Planning;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Features.Plans;

/// <summary>
/// The worksheets that save hours, as a browser without JavaScript uses them: the segmentation worksheet sorts,
/// filters, suggests tiers by the cycle's rule and sets many at once; a row is added without a reload (plan.js asks
/// for the worksheet alone).
/// </summary>
public sealed class SegmentationWorksheetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string EditUrl(TestApp app, string key) => $"/Plans/{app.Org.PlanOf[app.Org.Rep1.Id].Id}/Edit/{key}";

    private static async Task<SegmentationContent> SavedAsync(TestApp app)
    {
        var planId = app.Org.PlanOf[app.Org.Rep1.Id].Id;
        var stored = await app.WithDbAsync(d => d.PlanSections.AsNoTracking().SingleAsync(s => s.PlanId == planId && s.Key == "account-segmentation", Ct));
        return (SegmentationContent)SectionContents.Read(SectionKind.AccountSegmentation, stored.Content);
    }

    private static Guid Account(TestApp app, string name) => app.Org.Accounts.Single(a => a.Name == name).Id;

    private static async Task<PlanPageClient> RepAsync(TestApp app) => new(await app.BrowserAsAsync("rep1@test.terrain"));

    private static List<string> Names(IHtmlDocument page, bool shownOnly = false) =>
        [.. page.QuerySelectorAll("table.segmentation tbody tr").Where(r => !shownOnly || !r.HasAttribute("hidden"))
            .Select(r => PlanPageClient.Text(r.QuerySelector(".account-name")))];

    private static string? Suggestion(IHtmlDocument page, string name) =>
        page.QuerySelectorAll("table.segmentation tbody tr").Single(r => PlanPageClient.Text(r.QuerySelector(".account-name")) == name)
            .GetAttribute("data-suggested");

    [Theory, BothDatabases]
    public async Task Each_account_shows_the_tier_its_potential_suggests_by_the_rule_the_leader_sets(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await RepAsync(app);

        // 175,000 in all: Alpha's 100,000 make up the top half, Beta's 50,000 reach 86%, Gamma the rest.
        var page = await rep.GetAsync(EditUrl(app, "account-segmentation"));
        Assert.Equal(["A", "B", "C"], new[] { "Alpha Manufacturing", "Beta Health", "Gamma Retail" }.Select(n => Suggestion(page, n)));
        Assert.Contains("the top 50% of your potential", PlanPageClient.Text(page.QuerySelector("#tier-rule")), StringComparison.Ordinal);

        var leader = new PlanPageClient(await app.BrowserAsAsync("leader@test.terrain"));
        var cyclePage = await leader.GetAsync($"/Cycles/{app.Org.Cycle.Id}/Edit");
        var form = cyclePage.QuerySelectorAll<IHtmlFormElement>("form").Single(f => f.GetAttribute("action")!.Contains("handler=TierRule", StringComparison.Ordinal));
        var refused = await leader.SubmitAsync(form, new Dictionary<string, string> { ["aShare"] = "60", ["bShare"] = "50", ["cShare"] = "90" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("The B share must be from the A share (60%)", PlanPageClient.Text((await PlanPageClient.ParseAsync(refused)).QuerySelector("#tier-errors")),
            StringComparison.Ordinal);

        var saved = await leader.SubmitAsync(form, new Dictionary<string, string> { ["aShare"] = "60", ["bShare"] = "90", ["cShare"] = "95" });

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(new TierRule(60, 90, 95), await app.WithDbAsync(d => d.Cycles.Where(c => c.Id == app.Org.Cycle.Id).Select(c => new TierRule(c.TierAShare, c.TierBShare, c.TierCShare)).SingleAsync(Ct)));
        Assert.True(await app.WithDbAsync(d => d.AuditEntries.AnyAsync(a => a.Action == "cycle.tier-rule-set" && a.EntityId == app.Org.Cycle.Id.ToString(), Ct)));
        var after = await rep.GetAsync(EditUrl(app, "account-segmentation"));
        Assert.Equal(["A", "A", "B"], new[] { "Alpha Manufacturing", "Beta Health", "Gamma Retail" }.Select(n => Suggestion(after, n)));
    }

    [Theory, BothDatabases]
    public async Task The_rep_ticks_accounts_and_sets_their_tier_at_once_then_applies_suggestions_to_the_untiered(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var now = app.Clock.GetUtcNow();
        var delta = AccountBuilder.For(app.Org.Rep1, "R1-4", "Delta Pharma", 400_000, now, industry: "Pharma");
        await app.WithDbAsync(async d =>
        {
            d.Attach(app.Org.Rep1);
            d.Accounts.Add(delta);
            return await d.SaveChangesAsync(Ct);
        });
        var rep = await RepAsync(app);
        var page = await rep.GetAsync(EditUrl(app, "account-segmentation"));
        var form = PlanPageClient.Editor(page);
        var tiers = form.QuerySelectorAll<IHtmlButtonElement>("button[data-bulk]").ToList();
        var set = tiers.Single(b => b.GetAttribute("data-bulk") == "set");
        var ticked = new[] { Account(app, "Beta Health"), Account(app, "Gamma Retail") }.Select(id => new KeyValuePair<string, string>("selected", id.ToString()));

        var response = await rep.SubmitAsync(form, new Dictionary<string, string> { ["bulkTier"] = "B" }, set.GetAttribute("formaction"), ticked);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var saved = await SavedAsync(app);
        Assert.Equal("B", saved.Rows.Single(r => r.AccountId == Account(app, "Beta Health")).Tier);
        Assert.Equal("B", saved.Rows.Single(r => r.AccountId == Account(app, "Gamma Retail")).Tier);
        Assert.Equal("A", saved.Rows.Single(r => r.AccountId == Account(app, "Alpha Manufacturing")).Tier);
        var shown = await PlanPageClient.ParseAsync(response);
        Assert.Contains(shown.QuerySelectorAll("#section-missing li"), li => PlanPageClient.Text(li).Contains("no tier: Delta Pharma", StringComparison.Ordinal));

        // None ticked: the suggestion goes to the untiered account only (Delta, 400,000 of 575,000: A), never over the rep's choice.
        var again = PlanPageClient.Editor(shown);
        var apply = again.QuerySelectorAll<IHtmlButtonElement>("button[data-bulk]").Single(b => b.GetAttribute("data-bulk") == "suggested");
        var applied = await rep.SubmitAsync(again, formAction: apply.GetAttribute("formaction"), extra: [new("apply", "suggested")]);

        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        var after = await SavedAsync(app);
        Assert.Equal("A", after.Rows.Single(r => r.AccountId == delta.Id).Tier);
        Assert.Equal("B", after.Rows.Single(r => r.AccountId == Account(app, "Gamma Retail")).Tier);
        var warnings = (await PlanPageClient.ParseAsync(applied)).QuerySelectorAll("#section-missing li").Select(li => PlanPageClient.Text(li)).ToList();
        Assert.Contains("1 A-tier account outside the strategy's target segments: Delta Pharma.", warnings);
    }

    [Theory, BothDatabases]
    public async Task Without_javascript_the_worksheet_is_sorted_and_filtered_from_the_address_and_hidden_rows_are_still_saved(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await RepAsync(app);
        var page = await rep.GetAsync(EditUrl(app, "account-segmentation"));
        Assert.Equal(["Alpha Manufacturing", "Beta Health", "Gamma Retail"], Names(page));

        var show = await rep.SubmitAsync(PlanPageClient.Editor(page), new Dictionary<string, string>
        {
            ["sort"] = "tier",
            ["show"] = "C",
            ["c.Rows[0].NextMove"] = "Typed before sorting",
        }, extra: [new("then", "view")]);

        Assert.Equal(HttpStatusCode.Redirect, show.StatusCode);
        var location = show.Headers.Location!.OriginalString;
        Assert.Equal(EditUrl(app, "account-segmentation") + "?sort=tier&show=C", location);
        Assert.Equal("Typed before sorting", (await SavedAsync(app)).Rows.Single(r => r.AccountId == Account(app, "Alpha Manufacturing")).NextMove);

        var filtered = await rep.GetAsync(location);
        Assert.Equal(["Beta Health", "Gamma Retail"], Names(filtered, shownOnly: true));
        var byPotential = await rep.GetAsync(EditUrl(app, "account-segmentation") + "?sort=potential");
        Assert.Equal(["Alpha Manufacturing", "Beta Health", "Gamma Retail"], Names(byPotential));
        var byName = await rep.GetAsync(EditUrl(app, "account-segmentation") + "?sort=current&show=A&q=alpha");
        Assert.Equal(["Alpha Manufacturing"], Names(byName, shownOnly: true));

        // Hidden rows still post: saving the filtered page keeps every account's tier.
        var saved = await rep.SubmitAsync(PlanPageClient.Editor(filtered), new Dictionary<string, string> { ["c.Rows[1].Tier"] = "B" });
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var rows = (await SavedAsync(app)).Rows;
        Assert.Equal(["A", "B", "C"], rows.OrderBy(r => app.Org.Accounts.Single(a => a.Id == r.AccountId).Name).Select(r => r.Tier));
    }

    [Theory, BothDatabases]
    public async Task Adding_a_row_from_the_script_answers_with_the_worksheet_alone_and_the_new_version(Db db)
    {
        var app = await TestApp.StartAsync(db);
        var rep = await RepAsync(app);
        foreach (var (key, list, field) in new[] { ("targets", "goals", "c.Goals[2].Name"), ("action-plan", "actions", "c.Actions[1].Title"), ("prospecting", "prospects", "c.Prospects[1].Company") })
        {
            var page = await rep.GetAsync(EditUrl(app, key));
            var form = PlanPageClient.Editor(page);
            var add = form.QuerySelector<IHtmlButtonElement>("button.add")!.GetAttribute("formaction")!;
            Assert.Contains($"handler=AddRow&list={list}", add, StringComparison.Ordinal);

            var response = await rep.PostAsync(add, PlanPageClient.Values(form), htmx: true);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.Contains("X-Editor-Body"));
            var html = await response.Content.ReadAsStringAsync(Ct);
            Assert.DoesNotContain("<form", html, StringComparison.Ordinal);
            var fragment = new AngleSharp.Html.Parser.HtmlParser().ParseDocument($"<body>{html}</body>");
            var body = fragment.QuerySelector("#editor-body")!;
            Assert.True(fragment.QuerySelector($"[name='{field}']")!.HasAttribute("autofocus"), key);
            var planId = app.Org.PlanOf[app.Org.Rep1.Id].Id;
            var version = await app.WithDbAsync(d => d.PlanSections.Where(s => s.PlanId == planId && s.Key == key).Select(s => s.Version).SingleAsync(Ct));
            Assert.Equal(version, body.GetAttribute("data-version"));
            Assert.NotNull(fragment.QuerySelector("#section-missing"));
        }
    }
}
