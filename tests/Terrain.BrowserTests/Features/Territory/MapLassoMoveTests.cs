using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Terrain.BrowserTests.Infrastructure;
using Terrain.Domain;
using Xunit;

namespace Terrain.BrowserTests.Features.Territory;

/// <summary>
/// A lasso drawn on the map and the move submitted (issue 13 §2). The browser tests share one demo database, so the test
/// moves three accounts of its own (in a segment of their own, which the map is filtered by) and removes them, their
/// moves and the reps' notices about them at the end.
/// </summary>
public sealed class MapLassoMoveTests(TerrainBrowser terrain) : BrowserTest(terrain)
{
    [Fact]
    public async Task A_leader_lassoes_accounts_on_the_map_and_moves_them_to_another_territory()
    {
        var segment = $"Lasso test {Guid.NewGuid():N}"[..20];
        var (ids, to) = await App.QueryAsync(async db =>
        {
            var territories = await db.Territories.Include(t => t.Rep).Where(t => t.RepId != null).OrderBy(t => t.Name).Take(2).ToListAsync();
            var now = DateTimeOffset.UtcNow;
            // Around Kansas, a little apart, so that the map fits them and none hides another.
            var accounts = new[] { (38.90, -98.10), (39.10, -98.00), (38.95, -97.85) }.Select((at, i) => Account.Create($"LASSO-{segment}-{i}",
                new AccountDetails($"{segment} {i}", null, segment, null, null, at.Item1, at.Item2, 1_000 + i), null, now)).ToList();
            foreach (var account in accounts)
            {
                account.PlaceIn(territories[0]);
            }

            db.Accounts.AddRange(accounts);
            await db.SaveChangesAsync();
            return (accounts.Select(a => a.Id).ToList(), territories[1]);
        });
        try
        {
            var page = await SignInAsync(DemoPeople.Leader);
            await page.SetViewportSizeAsync(1280, 900);
            await page.GotoAsync($"/Territory/Map?segment={Uri.EscapeDataString(segment)}");
            var map = page.Locator("#territory-map");
            await Expect(page.Locator("[data-map-status]")).ToContainTextAsync("3 accounts on the map");

            // A freehand lasso around the whole map, just inside its edges.
            await page.GetByRole(AriaRole.Button, new() { Name = "Lasso" }).ClickAsync();
            var box = (await map.BoundingBoxAsync())!;
            var (left, top, right, bottom) = (box.X + 8, box.Y + 8, box.X + box.Width - 8, box.Y + box.Height - 8);
            await page.Mouse.MoveAsync(left, top);
            await page.Mouse.DownAsync();
            foreach (var (x, y) in new[] { (right, top), (right, bottom), (left, bottom), (left, top + 4) })
            {
                await page.Mouse.MoveAsync(x, y, new() { Steps = 6 });
            }

            await page.Mouse.UpAsync();
            await Expect(page.Locator("[data-selection-rows] tr")).ToHaveCountAsync(3);
            var move = page.Locator("form[data-move-form]");
            await move.GetByLabel("Territory").SelectOptionAsync(to.Id.ToString());
            // Yesterday (UTC) is today or earlier in every time zone the app may date moves in: the move applies at once.
            await move.GetByLabel("Effective from").FillAsync(DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            await Screenshots.SaveAsync(page, "territory-map-lasso-move", fullPage: false);
            await move.GetByRole(AriaRole.Button, new() { Name = "Move the selected accounts" }).ClickAsync();

            await Expect(page.Locator(".alert.success")).ToContainTextAsync($"Moved 3 account(s) to {to.Name}");
            var placed = await App.QueryAsync(db => db.Accounts.Where(a => ids.Contains(a.Id)).Select(a => new { a.TerritoryId, a.OwnerId }).ToListAsync());
            Assert.All(placed, a => Assert.Equal((to.Id, to.RepId), (a.TerritoryId!.Value, a.OwnerId)));
        }
        finally
        {
            await App.QueryAsync(async db =>
            {
                var batches = await db.AccountAssignments.Where(m => ids.Contains(m.AccountId)).Select(m => m.Batch.ToString()).Distinct().ToListAsync();
                await db.AccountAssignments.Where(m => ids.Contains(m.AccountId)).ExecuteDeleteAsync();
                var notices = await db.Notifications.Where(n => n.Body.Contains(segment)).ToListAsync();
                db.Notifications.RemoveRange(notices);
                await db.SaveChangesAsync();
                return await db.Accounts.Where(a => ids.Contains(a.Id)).ExecuteDeleteAsync() + batches.Count;
            });
        }
    }

    [Theory]
    [InlineData(1280, 900, "wide")]
    [InlineData(390, 844, "phone")]
    public async Task A_leader_is_offered_to_place_the_accounts_without_coordinates_by_zip_code(int width, int height, string name)
    {
        var id = await App.QueryAsync(async db =>
        {
            var account = Account.Create($"ZIPLESS-{Guid.NewGuid():N}"[..20], new AccountDetails("Zipless screenshot account", null, null, null, "02139", null, null, 1),
                null, DateTimeOffset.UtcNow);
            db.Accounts.Add(account);
            await db.SaveChangesAsync();
            return account.Id;
        });
        try
        {
            var page = await SignInAsync(DemoPeople.Leader);
            await page.SetViewportSizeAsync(width, height);
            await page.GotoAsync("/Territory/Map");
            var button = page.GetByRole(AriaRole.Button, new() { Name = "Place them by ZIP code" });
            await button.ScrollIntoViewIfNeededAsync();
            await Expect(button).ToBeVisibleAsync();
            await Screenshots.SaveAsync(page, $"territory-map-place-by-zip-{name}", fullPage: false);
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"The map page scrolls sideways at {width} px.");
        }
        finally
        {
            await App.QueryAsync(db => db.Accounts.Where(a => a.Id == id).ExecuteDeleteAsync());
        }
    }
}
