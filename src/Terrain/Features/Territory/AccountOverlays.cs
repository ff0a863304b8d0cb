using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Territories;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Territory;

/// <summary>A current overlay rep of an account; deals closed from <see cref="EffectiveFrom"/> on are credited to them.</summary>
public sealed record OverlayView(Guid RepId, string RepName, string RepEmail, decimal CreditPercent, string Role, DateOnly EffectiveFrom);

/// <summary>
/// A specialist to share the account with: the credit split in percent, what they bring, and from which close date
/// their credit starts (default today in the open cycle's time zone, ADR 0050; only for a new overlay).
/// </summary>
public sealed record OverlayInput(decimal? CreditPercent, string? Role, DateOnly? EffectiveFrom = null);

/// <summary>
/// Overlay reps of an account (ADR 0039): read by whoever sees the account, set and removed by leaders and admins.
/// The owner stays the owner; overlay credit is on top of it. Every change audited.
/// </summary>
public sealed class AccountOverlays(AppDbContext db, AccessPolicy access, TimeProvider clock)
{
    /// <summary>Null when the caller does not see the account.</summary>
    public async Task<IReadOnlyList<OverlayView>?> ListAsync(Guid accountId, CancellationToken ct)
    {
        if (!await access.VisibleAccounts().AnyAsync(a => a.Id == accountId, ct))
        {
            return null;
        }

        return await (from o in db.AccountOverlays.AsNoTracking()
                      where o.AccountId == accountId && o.EffectiveTo == null
                      join u in db.Users.AsNoTracking() on o.RepId equals u.Id
                      orderby u.DisplayName
                      select new OverlayView(o.RepId, u.DisplayName, u.Email!, o.CreditPercent, o.Role, o.EffectiveFrom)).ToListAsync(ct);
    }

    /// <summary>Adds the rep as an overlay on the account, or changes their split; false when the account does not exist.</summary>
    public async Task<bool> SetAsync(Guid accountId, Guid repId, OverlayInput input, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null)
        {
            return false;
        }

        var rep = await db.Users.SingleOrDefaultAsync(u => u.Id == repId, ct)
            ?? throw new DomainException($"No user has the id {repId}.", "repId");
        var percent = input.CreditPercent ?? throw new DomainException("Give the overlay rep's credit split, in percent.", "creditPercent");
        var now = clock.GetUtcNow();
        var overlay = await db.AccountOverlays.SingleOrDefaultAsync(o => o.AccountId == accountId && o.RepId == repId && o.EffectiveTo == null, ct);
        var before = overlay is null ? null : new { overlay.CreditPercent, overlay.Role, overlay.EffectiveFrom };
        var from = overlay?.EffectiveFrom ?? input.EffectiveFrom ?? await BusinessDay.TodayAsync(db, now, ct);
        if (overlay is null)
        {
            db.AccountOverlays.Add(AccountOverlay.Create(account, rep, percent, input.Role, now, from));
        }
        else
        {
            overlay.Change(percent, input.Role);
        }

        Audit("account.overlay-set", accountId, new { repId, before, after = new { creditPercent = percent, role = input.Role?.Trim() ?? "", effectiveFrom = from } }, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException && Infrastructure.DbConflicts.IsConflict(e))
        {
            db.ChangeTracker.Clear();
            throw new InvalidStateException($"{rep.DisplayName} was added to this account at the same moment; read it again.", "repId");
        }

        return true;
    }

    /// <summary>False when the rep is no overlay on the account.</summary>
    public async Task<bool> RemoveAsync(Guid accountId, Guid repId, CancellationToken ct)
    {
        access.Ensure(Act.AssignAccounts);
        var overlay = await db.AccountOverlays.SingleOrDefaultAsync(o => o.AccountId == accountId && o.RepId == repId && o.EffectiveTo == null, ct);
        if (overlay is null)
        {
            return false;
        }

        // Ended, not deleted: deals closed while it lasted stay credited to the overlay rep (ADR 0046, amendment).
        var now = clock.GetUtcNow();
        overlay.End(await BusinessDay.TodayAsync(db, now, ct));
        Audit("account.overlay-removed", accountId,
            new { repId, before = new { overlay.CreditPercent, overlay.Role, overlay.EffectiveFrom }, effectiveTo = overlay.EffectiveTo }, now);
        await db.SaveChangesAsync(ct);
        return true;
    }

    private void Audit(string action, Guid accountId, object details, DateTimeOffset now) =>
        db.AuditEntries.Add(AuditEntry.Record(now, access.Actor.Id, action, "Account", accountId.ToString(), JsonSerializer.Serialize(details, JsonSerializerOptions.Web)));
}
