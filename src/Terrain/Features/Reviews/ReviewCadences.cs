using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Reviews;
using Terrain.Infrastructure.Auth;

namespace Terrain.Features.Reviews;

public sealed record RepCadence(Guid RepId, string RepName, ReviewCadence Cadence, bool OwnChoice);

/// <summary>The cycle's default cadence and each rep's (those the caller follows, or the rep themself); its version is the ETag.</summary>
public sealed record CadenceView(Guid CycleId, ReviewCadence Default, IReadOnlyList<RepCadence> Reps, string Version);

public sealed record CadenceResult(ReviewOutcome Outcome, CadenceView? Current);

public sealed record RepCadenceInput(Guid RepId, ReviewCadence? Cadence);

/// <summary>The default (leaders) and reps' own cadences (their manager or a leader); a rep with a null cadence follows the default again.</summary>
public sealed record CadenceInput(ReviewCadence? Default = null, IReadOnlyList<RepCadenceInput>? Reps = null);

/// <summary>GET and PUT /api/v1/cycles/{id}/review-cadence; a change reschedules the reviews not yet open (ADR 0025).</summary>
public sealed class ReviewCadences(AppDbContext db, AccessPolicy policy, TimeProvider clock, ReviewSchedule schedule)
{
    /// <summary>Null when the cycle does not exist.</summary>
    public async Task<CadenceView?> GetAsync(Guid cycleId, CancellationToken ct)
    {
        if (!await db.Cycles.AnyAsync(c => c.Id == cycleId, ct))
        {
            return null;
        }

        var choices = await db.ReviewCadences.AsNoTracking().Where(c => c.CycleId == cycleId).ToListAsync(ct);
        var byDefault = choices.FirstOrDefault(c => c.RepId == null)?.Cadence ?? ReviewWindows.DefaultCadence;
        var reps = await policy.VisibleUsers().Where(u => u.Role == Role.Rep && u.IsActive).OrderBy(u => u.DisplayName)
            .Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct);
        return new CadenceView(cycleId, byDefault, reps.Select(r =>
        {
            var own = choices.FirstOrDefault(c => c.RepId == r.Id);
            return new RepCadence(r.Id, r.DisplayName, own?.Cadence ?? byDefault, own is not null);
        }).ToList(), VersionOf(choices));
    }

    /// <summary>
    /// The version of a cycle's cadences: a hash of every choice in it (not only those the caller sees), so that a change
    /// by anyone since the caller read them is a conflict.
    /// </summary>
    public static string VersionOf(IEnumerable<ReviewCadenceChoice> choices)
    {
        var text = string.Join("|", choices.OrderBy(c => c.Id).Select(c => $"{c.Id:N}:{c.Cadence}:{c.SetAt.UtcTicks}"));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..32];
    }

    /// <summary>NotFound when the cycle does not exist or names a rep the caller cannot see; against the version read (If-Match).</summary>
    public async Task<CadenceResult> SetAsync(Guid cycleId, CadenceInput input, string? expectedVersion, CancellationToken ct)
    {
        var cycle = await db.Cycles.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cycleId, ct);
        if (cycle is null)
        {
            return new(ReviewOutcome.NotFound, null);
        }

        // The person before the input: every act is checked before anything is validated or changed.
        if (input.Default is not null)
        {
            policy.Ensure(Act.RunCycles);
        }

        var reps = input.Reps ?? [];
        var repIds = reps.Select(r => r.RepId).Distinct().ToList();
        var users = await policy.VisibleUsers().Where(u => repIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        foreach (var rep in reps)
        {
            if (!users.TryGetValue(rep.RepId, out var user))
            {
                return new(ReviewOutcome.NotFound, null);
            }

            policy.Ensure(Act.SetReviewCadence, new About(user.Id, user.ManagerId));
        }

        if (expectedVersion is null)
        {
            return new(ReviewOutcome.PreconditionRequired, null);
        }

        var choices = await db.ReviewCadences.Where(c => c.CycleId == cycleId).ToListAsync(ct);
        if (expectedVersion != VersionOf(choices))
        {
            return new(ReviewOutcome.Conflict, await GetAsync(cycleId, ct));
        }

        if (users.Values.FirstOrDefault(u => u.Role != Role.Rep) is { } notRep)
        {
            throw new DomainException($"{notRep.DisplayName} is not a rep: only reps are reviewed.", "reps");
        }

        cycle.EnsureOpen();
        if (input.Default is null && reps.Count == 0)
        {
            throw new DomainException("Give the default cadence, reps' cadences, or both.", "default");
        }

        var now = clock.GetUtcNow();
        void Choose(Guid? rep, ReviewCadence? cadence)
        {
            var own = choices.FirstOrDefault(c => c.RepId == rep);
            if (cadence is null)
            {
                if (own is not null)
                {
                    db.ReviewCadences.Remove(own);
                }
            }
            else if (own is null)
            {
                db.ReviewCadences.Add(ReviewCadenceChoice.Create(cycleId, rep, cadence.Value, policy.Actor.Id, now));
            }
            else
            {
                own.Set(cadence.Value, policy.Actor.Id, now);
            }
        }

        if (input.Default is { } d)
        {
            Choose(null, d);
        }

        foreach (var rep in reps)
        {
            Choose(rep.RepId, rep.Cadence);
        }

        db.AuditEntries.Add(AuditEntry.Record(now, policy.Actor.Id, "review.cadence", "Cycle", cycleId.ToString(),
            JsonSerializer.Serialize(input, ReviewQueries.SnapshotJson)));
        await db.SaveChangesAsync(ct);
        await schedule.SyncAsync(cycleId, null, policy.Actor.Id, ct);
        return new(ReviewOutcome.Saved, await GetAsync(cycleId, ct));
    }
}
