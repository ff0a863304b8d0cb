using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Razor.Hosting;
using Terrain.Tests.Infrastructure;
using Xunit;

namespace Terrain.Tests.Api;

/// <summary>
/// Every POST handler of every page, for every role, answers as written here by hand. A person who may not act is
/// refused (403, 404 where the object is not theirs to see, or the not-allowed page) whatever the form holds, never
/// told about the object's state or the input. A new handler without a row fails <see cref="Every_page_handler_has_a_row"/>.
/// </summary>
public sealed class PageHandlerAuthorizationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Row(string Page, string Handler, Func<TestOrg, string> Path, string Rep, string Manager, string Leader, string Admin,
        Func<TestOrg, Dictionary<string, string>>? Form = null)
    {
        public string Expected(string role) => role switch
        {
            "rep" => Rep,
            "manager" => Manager,
            "leader" => Leader,
            _ => Admin,
        };
    }

    private static string Plan3(TestOrg o) => $"/Plans/{o.PlanOf[o.Rep3.Id].Id}";

    // Rows act on rep3's plan and quota (manager2's team): rep1 and manager1 may not see them, the leader reviews
    // them, the admin reads, runs cycles and writes the strategy but acts in no reporting line (ADR 0015). Forms are empty unless the row says otherwise, so a role that may
    // act gets its input refused (422) or the object's state (409), and a role that may not gets 403, 404 or the
    // not-allowed page, never the state or the input.
    private static readonly Row[] Table =
    [
        // Everyone acts on their own notifications only: another person's (or no) notification is 404.
        new("Reminders/Notifications", "Read", _ => "/Notifications?handler=Read&id=999999", "404", "404", "404", "404"),
        new("Reminders/Notifications", "Dismiss", _ => "/Notifications?handler=Dismiss&id=999999", "404", "404", "404", "404"),
        new("Reminders/Notifications", "ReadAll", _ => "/Notifications?handler=ReadAll", "redirect", "redirect", "redirect", "redirect"),
        new("Plans/Plan", "Submit", o => $"{Plan3(o)}?handler=Submit", "404", "404", "403", "403"),
        new("Plans/Plan", "Approve", o => $"{Plan3(o)}?handler=Approve", "404", "404", "409", "403"),
        new("Plans/Plan", "RequestChanges", o => $"{Plan3(o)}?handler=RequestChanges", "404", "404", "409", "403"),
        // Extending needs the plan's version: the leader, who may, hears of its absence; the admin, who sees the plan, may not extend.
        new("Plans/Plan", "Extend", o => $"{Plan3(o)}?handler=Extend", "404", "404", "409", "403"),
        new("Plans/Plan", "Amend", o => $"{Plan3(o)}?handler=Amend", "404", "404", "403", "403"),
        new("Plans/Plan", "Comment", o => $"{Plan3(o)}?handler=Comment", "404", "404", "redirect", "403",
            _ => new() { ["body"] = "Which competitor?" }),
        // The leader may refine rep3's plan once it is submitted (ADR 0033): its draft is the plan's state (409; autosave
        // answers its status line with 200, as it does the rep); the admin may not (403).
        new("Plans/Edit", "", o => $"{Plan3(o)}/Edit/summary", "404", "404", "409", "403"),
        new("Plans/Edit", "Autosave", o => $"{Plan3(o)}/Edit/summary?handler=Autosave", "404", "404", "200", "403"),
        new("Plans/Edit", "AddRow", o => $"{Plan3(o)}/Edit/action-plan?handler=AddRow", "404", "404", "409", "403"),
        new("Plans/Edit", "RemoveRow", o => $"{Plan3(o)}/Edit/action-plan?handler=RemoveRow", "404", "404", "409", "403"),
        new("Plans/Edit", "Propose", o => $"{Plan3(o)}/Edit/summary?handler=Propose", "404", "404", "409", "403"),
        // Only the plan's owner accepts or rejects an edit proposed to it.
        new("Plans/Plan", "AcceptProposal", o => $"{Plan3(o)}?handler=AcceptProposal", "404", "404", "403", "403"),
        new("Plans/Plan", "RejectProposal", o => $"{Plan3(o)}?handler=RejectProposal", "404", "404", "403", "403"),
        // A reply from beside the comment in the editor is a comment (CommentOnPlan): the leader reviews rep3's plan and
        // posts it; the admin, who reads it, may not comment.
        new("Plans/Edit", "Reply", o => $"{Plan3(o)}/Edit/summary?handler=Reply", "404", "404", "redirect", "403",
            _ => new() { ["body"] = "Which competitor?" }),
        new("Plans/Edit", "Tiers", o => $"{Plan3(o)}/Edit/account-segmentation?handler=Tiers", "404", "404", "409", "403"),
        new("Admin/Imports/Index", "", _ => "/Admin/Imports", "denied", "denied", "denied", "200"),
        new("Admin/ExchangeRates/Index", "Set", _ => "/Admin/ExchangeRates?handler=Set", "denied", "denied", "denied", "422"),
        new("Admin/ExchangeRates/Index", "Delete", _ => "/Admin/ExchangeRates?handler=Delete", "denied", "denied", "denied", "redirect"),
        new("Admin/ExchangeRates/Index", "Import", _ => "/Admin/ExchangeRates?handler=Import", "denied", "denied", "denied", "422"),
        new("Admin/Users/Edit", "", o => $"/Admin/Users/Edit/{o.Rep3.Id}", "denied", "denied", "denied", "200"),
        new("Admin/Users/Create", "", _ => "/Admin/Users/Create", "denied", "denied", "denied", "200"),
        new("Auth/Login", "", _ => "/Auth/Login", "200", "200", "200", "200"),
        // Open to all, like the login page: an empty form without a token is answered with the page (the link is not valid).
        new("Auth/Invitation", "", _ => "/Auth/Invitation", "200", "200", "200", "200"),
        // Admins only; rep3 already has a password, which only the admin hears of (409).
        new("Admin/Users/Index", "Invite", o => $"/Admin/Users?handler=Invite&id={o.Rep3.Id}", "denied", "denied", "denied", "409"),
        new("Error", "", _ => "/Error?status=500", "200", "200", "200", "200"),
        new("Cycles/Quotas", "", o => $"/Cycles/Quotas/{o.Cycle.Id}", "denied", "404", "redirect", "403",
            o => new() { ["Grid[0].RepId"] = o.Rep3.Id.ToString(), ["Grid[0].Q1"] = "1", ["Grid[0].Q2"] = "1", ["Grid[0].Q3"] = "1", ["Grid[0].Q4"] = "1" }),
        // Importing needs a file: those who may set quotas hear of its absence (422), the admin, who may not, is refused.
        new("Cycles/Quotas", "Import", o => $"/Cycles/Quotas/{o.Cycle.Id}?handler=Import", "denied", "422", "422", "403"),
        // Allocating takes the strategy's revenue objectives as the target when none is typed; only leaders allocate, set
        // the teams' numbers and publish. A manager opens the page to share out their own team's number (ADR 0048): before
        // the leader allocates there is nothing to adjust (404).
        new("Quotas/Allocate", "Preview", o => $"/Quotas/Allocate/{o.Cycle.Id}?handler=Preview", "denied", "403", "200", "denied"),
        new("Quotas/Allocate", "", o => $"/Quotas/Allocate/{o.Cycle.Id}", "denied", "403", "redirect", "denied"),
        new("Quotas/Allocate", "Adjust", o => $"/Quotas/Allocate/{o.Cycle.Id}?handler=Adjust", "denied", "404", "409", "denied"),
        new("Quotas/Allocate", "Teams", o => $"/Quotas/Allocate/{o.Cycle.Id}?handler=Teams", "denied", "403", "409", "denied"),
        new("Quotas/Allocate", "Publish", o => $"/Quotas/Allocate/{o.Cycle.Id}?handler=Publish", "denied", "403", "redirect", "denied"),
        // Only a rep acknowledges, their own letter: none is published to rep1 (404); the others may not (403).
        new("Quotas/Letter", "", o => $"/Quotas/Letter?cycle={o.Cycle.Id}", "404", "403", "403", "403"),
        new("Cycles/Open", "", _ => "/Cycles/New", "denied", "denied", "422", "422"),
        new("Cycles/Edit", "", o => $"/Cycles/{o.Cycle.Id}/Edit", "denied", "denied", "422", "422"),
        new("Cycles/Edit", "Close", o => $"/Cycles/{o.Cycle.Id}/Edit?handler=Close", "denied", "denied", "422", "422"),
        // Without the version read, the rule is not applied over someone else's change.
        new("Cycles/Edit", "TierRule", o => $"/Cycles/{o.Cycle.Id}/Edit?handler=TierRule", "denied", "denied", "409", "409"),
        new("Cycles/Template", "", o => $"/Cycles/Template/{o.Cycle.Id}", "denied", "denied", "422", "422"),
        new("Cycles/Index", "Strategy", _ => "/Cycles?handler=Strategy", "denied", "denied", "404", "404"),
        new("Strategies/New", "", _ => "/Strategies/New", "denied", "denied", "422", "422"),
        // No session exists in the test organisation: whoever posts about one learns only that it is not there.
        new("Strategies/Workshops", "Agenda", o => $"/Strategies/{o.Strategy.Id}/Workshops?handler=Agenda", "404", "404", "404", "404"),
        new("Strategies/Workshops", "Attendance", o => $"/Strategies/{o.Strategy.Id}/Workshops?handler=Attendance", "404", "404", "404", "404"),
        new("Strategies/Workshops", "Schedule", o => $"/Strategies/{o.Strategy.Id}/Workshops?handler=Schedule", "403", "403", "422", "403"),
        new("Strategies/Strategy", "Publish", o => $"/Strategies/{o.Strategy.Id}?handler=Publish", "403", "403", "409", "409"),
        new("Strategies/Strategy", "Revise", o => $"/Strategies/{o.Strategy.Id}?handler=Revise", "403", "403", "redirect", "redirect"),
        // Only a rep reads for buy-in: reaching the end is recorded (and the page comes back at the buy-in steps).
        new("Strategies/Strategy", "Read", o => $"/Strategies/{o.Strategy.Id}?handler=Read", "redirect", "403", "403", "403"),
        new("Strategies/Questions", "Answer", o => $"/Strategies/{o.Strategy.Id}/Questions?handler=Answer", "404", "404", "404", "404"),
        new("Strategies/Questions", "Ask", o => $"/Strategies/{o.Strategy.Id}/Questions?handler=Ask", "422", "403", "403", "403"),
        new("Strategies/Edit", "", o => $"/Strategies/{o.Strategy.Id}/Edit", "denied", "denied", "409", "409"),
        new("Strategies/Check", "Acknowledge", o => $"/Strategies/{o.Strategy.Id}/Check?handler=Acknowledge", "409", "403", "403", "403"),
        new("Strategies/Check", "Save", o => $"/Strategies/{o.Strategy.Id}/Check?handler=Save", "403", "403", "redirect", "redirect"),
        new("Strategies/Check", "Take", o => $"/Strategies/{o.Strategy.Id}/Check?handler=Take", "422", "403", "403", "403"),
        // rep3's action statuses: only rep3 and manager2 keep them; the leader and the admin see the plan and are refused.
        // Rep3's review, held by manager2: rep1 and manager1 do not see it; the leader and the admin read it but act in it not.
        new("Reviews/Review", "Save", o => $"/Reviews/{o.Review3.Id}?handler=Save", "404", "404", "403", "403"),
        new("Reviews/Review", "Complete", o => $"/Reviews/{o.Review3.Id}?handler=Complete", "404", "404", "403", "403"),
        new("Reviews/Review", "Action", o => $"/Reviews/{o.Review3.Id}?handler=Action", "404", "404", "403", "403"),
        new("Reviews/Review", "Confirm", o => $"/Reviews/{o.Review3.Id}?handler=Confirm", "404", "404", "404", "404"),
        new("Performance/Performance", "Action", o => $"{Plan3(o)}/Performance?handler=Action", "404", "404", "403", "403"),
        // Leaders and admins set the thresholds; an empty form is stale (no version), so it is answered with the current values.
        new("Performance/Settings", "", _ => "/Settings/Metrics", "denied", "denied", "409", "409"),
        // Import mappings are kept by those who import: an empty form names no mapping (422) or none to delete (404).
        new("Admin/ImportMappings/Edit", "", _ => "/Admin/ImportMappings/Edit", "denied", "denied", "denied", "422"),
        new("Admin/ImportMappings/Edit", "Columns", _ => "/Admin/ImportMappings/Edit?handler=Columns", "denied", "denied", "denied", "422"),
        new("Admin/ImportMappings/Edit", "AddStages", _ => "/Admin/ImportMappings/Edit?handler=AddStages", "denied", "denied", "denied", "200"),
        new("Admin/ImportMappings/Edit", "Delete", _ => "/Admin/ImportMappings/Edit?handler=Delete", "denied", "denied", "denied", "404"),
        // Moving accounts (ADR 0039): reps and managers are refused; leaders and admins hear of the missing input.
        new("Territory/Index", "Move", _ => "/Territory?handler=Move", "403", "403", "422", "422"),
        new("Territory/Index", "MoveAll", _ => "/Territory?handler=MoveAll", "403", "403", "422", "422"),
        new("Territory/Territories", "", _ => "/Territory/Territories", "denied", "denied", "422", "422"),
        // Without the version read, a territory is not changed over someone else's change.
        new("Territory/Edit", "", o => $"/Territory/Edit/{o.TerritoryOf[o.Rep3.Id].Id}", "denied", "denied", "409", "409"),
        new("Territory/Rules", "", _ => "/Territory/Rules", "denied", "denied", "422", "422"),
        new("Territory/Rules", "Delete", _ => $"/Territory/Rules?handler=Delete&id={Guid.Empty}", "denied", "denied", "404", "404"),
        new("Territory/Rules", "Up", _ => $"/Territory/Rules?handler=Up&id={Guid.Empty}", "denied", "denied", "422", "422"),
        new("Territory/Rules", "Down", _ => $"/Territory/Rules?handler=Down&id={Guid.Empty}", "denied", "denied", "422", "422"),
        new("Territory/Rules", "Apply", _ => "/Territory/Rules?handler=Apply", "denied", "denied", "redirect", "redirect"),
        // Territory scenarios (ADR 0044): no scenario exists, so those who may act get 404 (a refused form reloads a page that is not there), or 422 for the new-scenario form.
        new("TerritoryDesign/Scenarios/Index", "", _ => "/TerritoryDesign/Scenarios", "denied", "denied", "422", "422"),
        new("TerritoryDesign/Scenarios/Scenario", "Run", _ => $"/TerritoryDesign/Scenarios/{Guid.Empty}?handler=Run", "denied", "denied", "404", "404"),
        new("TerritoryDesign/Scenarios/Scenario", "Cancel", _ => $"/TerritoryDesign/Scenarios/{Guid.Empty}?handler=Cancel", "denied", "denied", "404", "404"),
        new("TerritoryDesign/Scenarios/Scenario", "Refresh", _ => $"/TerritoryDesign/Scenarios/{Guid.Empty}?handler=Refresh", "denied", "denied", "404", "404"),
        new("TerritoryDesign/Scenarios/Scenario", "Edit", _ => $"/TerritoryDesign/Scenarios/{Guid.Empty}?handler=Edit", "denied", "denied", "404", "404"),
        new("TerritoryDesign/Scenarios/Scenario", "LockTerritories", _ => $"/TerritoryDesign/Scenarios/{Guid.Empty}?handler=LockTerritories", "denied", "denied", "404", "404"),
        new("TerritoryDesign/Scenarios/Scenario", "Apply", _ => $"/TerritoryDesign/Scenarios/{Guid.Empty}?handler=Apply", "denied", "denied", "404", "404"),
        // Deleting needs the confirmation box: those who may are told (422), and the page of no scenario is 404; managers read scenarios but change none.
        new("TerritoryDesign/Scenarios/Scenario", "Delete", _ => $"/TerritoryDesign/Scenarios/{Guid.Empty}?handler=Delete", "denied", "denied", "404", "404"),
        // Placing accounts by ZIP code (ADR 0048): leaders and admins, as moving them.
        new("Territory/Map", "PlaceByPostalCode", _ => "/Territory/Map?handler=PlaceByPostalCode", "403", "403", "redirect", "redirect"),
        new("Territory/Unassigned", "Move", _ => "/Territory/Unassigned?handler=Move", "denied", "denied", "422", "422"),
        new("Territory/Account", "", o => $"/Territory/Account/{o.Accounts.First(a => a.OwnerId == o.Rep3.Id).Id}", "denied", "denied", "422", "422"),
        new("Territory/Account", "Overlay", o => $"/Territory/Account/{o.Accounts.First(a => a.OwnerId == o.Rep3.Id).Id}?handler=Overlay", "denied", "denied", "422", "422"),
        new("Territory/Account", "RemoveOverlay", o => $"/Territory/Account/{o.Accounts.First(a => a.OwnerId == o.Rep3.Id).Id}?handler=RemoveOverlay&repId={Guid.Empty}",
            "denied", "denied", "404", "404"),
        new("Auth/Logout", "", _ => "/Auth/Logout", "login", "login", "login", "login"),
    ];

    /// <summary>Every OnPost handler of every compiled page, as (page, handler name).</summary>
    private static IEnumerable<(string Page, string Handler)> PostHandlers() =>
        typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(PageBase).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => (Item: t.GetCustomAttributes<RazorCompiledItemMetadataAttribute>().FirstOrDefault(a => a.Key == "Identifier")?.Value,
                Model: t.GetProperty("Model")?.PropertyType))
            .Where(p => p.Item is not null && p.Model is not null && typeof(PageModel).IsAssignableFrom(p.Model))
            .SelectMany(p => p.Model!.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(m => m.Name.StartsWith("OnPost", StringComparison.Ordinal))
                .Select(m => (Page: p.Item!["/Features/".Length..^".cshtml".Length], Handler: m.Name["OnPost".Length..].Replace("Async", "", StringComparison.Ordinal))))
            .Distinct();

    [Fact]
    public void Every_page_handler_has_a_row()
    {
        var handlers = PostHandlers().ToList();

        var missing = handlers.Where(h => !Table.Any(r => r.Page == h.Page && r.Handler == h.Handler)).ToList();
        var stale = Table.Where(r => !handlers.Contains((r.Page, r.Handler))).ToList();

        Assert.True(handlers.Count > 20, $"only {handlers.Count} handlers found");
        Assert.True(missing.Count == 0, "Page handlers without an authorization row: " + string.Join(", ", missing));
        Assert.True(stale.Count == 0, "Rows for handlers that no longer exist: " + string.Join(", ", stale.Select(r => $"{r.Page} {r.Handler}")));
    }

    [Theory]
    [InlineData("rep")]
    [InlineData("manager")]
    [InlineData("leader")]
    [InlineData("admin")]
    public async Task Every_role_gets_the_expected_answer_from_every_page_handler(string role)
    {
        var app = await TestApp.StartAsync(Db.Sqlite);
        var email = role switch
        {
            "rep" => app.Org.Rep1.Email!,
            "manager" => app.Org.Manager1.Email!,
            "leader" => app.Org.Leader.Email!,
            _ => app.Org.Admin.Email!,
        };
        var failures = new List<string>();
        foreach (var row in Table)
        {
            // A fresh sign-in per row: a row may sign out, or change what the next one sees.
            var client = await app.BrowserAsAsync(email);
            var token = await TestApp.AntiforgeryTokenAsync(client, "/Auth/Logout");
            var form = row.Form?.Invoke(app.Org) ?? [];
            form["__RequestVerificationToken"] = token;
            using var response = await client.PostAsync(row.Path(app.Org), new FormUrlEncodedContent(form), Ct);
            var actual = Describe(response);
            if (actual != row.Expected(role))
            {
                failures.Add($"{role,-8} {row.Page} {row.Handler}: expected {row.Expected(role)}, got {actual}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private static string Describe(HttpResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.SeeOther))
        {
            return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var location = response.Headers.Location?.OriginalString ?? "";
        return location switch
        {
            _ when location.Contains("/Auth/Login", StringComparison.Ordinal) => "login",
            _ when location.Contains("/Auth/Denied", StringComparison.Ordinal) => "denied",
            _ => "redirect",
        };
    }
}
