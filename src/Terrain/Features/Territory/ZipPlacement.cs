using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Territory;

/// <summary>What placing by postal code did: accounts placed now, and those still without a place (no known US ZIP code).</summary>
public sealed record ZipPlacementOutcome(int Placed, int StillWithoutPlace);

/// <summary>
/// Places the accounts stored without coordinates at their US ZIP code's centroid, marked approximate (ADR 0048): the
/// accounts stored before the app shipped the centroids (ADR 0042) are otherwise only placed when next imported.
/// Leaders and admins (the map's "not on the map" list, the API) or the command line. Idempotent: a second run finds
/// nothing to place. One audit entry per run names the accounts placed.
/// </summary>
public sealed class ZipPlacement(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    /// <summary>Accounts placed per save, so that a large organisation is placed in bounded steps.</summary>
    public const int Batch = 2_000;

    public Task<ZipPlacementOutcome> PlaceAsync(CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        return PlaceAsync(db, access.Actor.Id, clock, ct);
    }

    /// <summary>The placement itself, for an actor (null: the command line).</summary>
    public static async Task<ZipPlacementOutcome> PlaceAsync(AppDbContext db, Guid? actorId, TimeProvider clock, CancellationToken ct)
    {
        // The codes are read first (two short columns), so that only the accounts a known code places are loaded.
        var candidates = await db.Accounts.AsNoTracking().Where(a => (a.Latitude == null || a.Longitude == null) && a.PostalCode != "")
            .Select(a => new { a.Id, a.PostalCode }).ToListAsync(ct);
        var placeable = candidates.Where(c => ZipCentroids.Locate(c.PostalCode) is not null).Select(c => c.Id).ToList();
        var placed = 0;
        foreach (var chunk in placeable.Chunk(Batch))
        {
            var accounts = await db.Accounts.Where(a => chunk.Contains(a.Id)).ToListAsync(ct);
            var done = accounts.Where(a => a.PlaceByPostalCode(ZipCentroids.Locate)).ToList();
            if (done.Count > 0)
            {
                db.AuditEntries.Add(AuditEntry.Record(clock.GetUtcNow(), actorId, "accounts.placed-by-postal-code", "Account", done.Count == 1 ? done[0].Id.ToString() : "",
                    JsonSerializer.Serialize(new { count = done.Count, accounts = done.Select(a => new { a.Id, a.PostalCode, a.Latitude, a.Longitude }) },
                        JsonSerializerOptions.Web)));
                await db.SaveChangesAsync(ct);
                placed += done.Count;
            }

            db.ChangeTracker.Clear();
        }

        var left = await db.Accounts.CountAsync(a => a.Latitude == null || a.Longitude == null, ct);
        return new ZipPlacementOutcome(placed, left);
    }
}
