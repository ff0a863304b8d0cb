using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Terrain.Data;
using Terrain.Domain;
using Terrain.Domain.Actuals;
using Terrain.Features.Imports;
using Terrain.Infrastructure;

namespace Terrain.Features.Actuals;

/// <summary>The answer to a batch, as it is stored for a replay: status, media type and body.</summary>
public sealed record BatchAnswer(int StatusCode, string ContentType, string Body, bool Replayed = false);

/// <summary>
/// Imports a JSON batch of opportunities, activities or bookings through the same row checks and apply step as the CSV
/// import, once per <c>Idempotency-Key</c>: the key is claimed (a primary key, so two requests with it cannot both
/// claim it), the batch imported, and the answer stored for the retries that send the same body again.
/// </summary>
public sealed class ActualsBatches(
    AppDbContext db,
    OpportunityImporter opportunities,
    ActivityImporter activities,
    BookingImporter bookings,
    SplitImporter splits,
    TimeProvider clock,
    IOptions<TerrainOptions> options,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    Reviews.ClaimChecks claims,
    ILogger<ActualsBatches> logger)
{
    public const string ProblemJson = "application/problem+json";

    /// <summary>A claim this old whose batch never finished belonged to a request that died: far above a batch's import time.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(10);

    /// <summary>SHA-256 of what makes two requests the same request: the kind, the options and the body.</summary>
    public static string HashOf(ImportKind kind, bool partial, byte[] body, Guid? mappingId = null)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // A batch without a mapping hashes as it always did, so that its key's stored answers still replay.
        sha.AppendData(Encoding.UTF8.GetBytes(mappingId is { } m ? $"{kind}\n{partial}\n{m}\n" : $"{kind}\n{partial}\n"));
        sha.AppendData(body);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public async Task<BatchAnswer> RunAsync(ImportKind kind, string key, bool partial, byte[] body, JsonElement records, Guid? actorId, CancellationToken ct,
        Guid? mappingId = null)
    {
        var hash = HashOf(kind, partial, body, mappingId);
        var now = clock.GetUtcNow();
        var expired = now.AddHours(-Math.Max(1, options.Value.IdempotencyKeyHours));
        await db.IdempotentRequests.Where(r => r.CreatedAt < expired).ExecuteDeleteAsync(ct);

        if (await ClaimAsync(key, kind, hash, actorId, now, ct) is { } earlier)
        {
            return earlier;
        }

        BatchAnswer answer;
        try
        {
            var report = kind switch
            {
                ImportKind.Opportunities => await opportunities.ImportRecordsAsync(records, partial, actorId, mappingId, ct),
                ImportKind.Activities => await activities.ImportRecordsAsync(records, partial, actorId, mappingId, ct),
                ImportKind.Bookings => await bookings.ImportRecordsAsync(records, partial, actorId, mappingId, ct),
                ImportKind.Splits => await splits.ImportRecordsAsync(records, partial, actorId, ct),
                _ => throw new InvalidOperationException($"{kind} has no JSON batches."),
            };
            answer = AnswerOf(report);
        }
        catch
        {
            await ReleaseAsync(key);
            throw;
        }

        if (answer.StatusCode == StatusCodes.Status409Conflict)
        {
            // A lost race with another import: nothing was imported, so the same key may try again.
            await ReleaseAsync(key);
            return answer;
        }

        db.ChangeTracker.Clear();
        var completed = clock.GetUtcNow();
        await db.IdempotentRequests.Where(r => r.Key == key).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.StatusCode, answer.StatusCode)
            .SetProperty(r => r.ContentType, answer.ContentType)
            .SetProperty(r => r.Response, answer.Body)
            .SetProperty(r => r.CompletedAt, completed), CancellationToken.None);
        if (answer.StatusCode == StatusCodes.Status200OK)
        {
            await CheckClaimsAsync();
        }

        return answer;
    }

    /// <summary>New actuals may decide the claims of corrective actions, as after a file import (ADR 0025); a failure here never fails the batch.</summary>
    private async Task CheckClaimsAsync()
    {
        try
        {
            await claims.RunAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            db.ChangeTracker.Clear();
            logger.LogError(e, "Checking the claims of corrective actions after a batch failed; they are checked again after the next import.");
        }
    }

    /// <summary>Null when this request now holds the key; else the answer to give instead of importing.</summary>
    private async Task<BatchAnswer?> ClaimAsync(string key, ImportKind kind, string hash, Guid? actorId, DateTimeOffset now, CancellationToken ct)
    {
        if (await db.IdempotentRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Key == key, ct) is { } found)
        {
            var abandoned = now - AbandonedAfter;
            if (found.Completed || found.CreatedAt >= abandoned)
            {
                return Earlier(found, hash);
            }

            // Its request died mid-import (the import itself was all or nothing): the key is free again.
            await db.IdempotentRequests.Where(r => r.Key == key && r.StatusCode == null && r.CreatedAt < abandoned).ExecuteDeleteAsync(ct);
        }

        db.IdempotentRequests.Add(IdempotentRequest.Claim(key, kind.ToString().ToLowerInvariant(), hash, actorId, now));
        try
        {
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            return null;
        }
        catch (DbUpdateException e) when (DbConflicts.IsConflict(e))
        {
            // Another request with the same key claimed it first.
            db.ChangeTracker.Clear();
            logger.LogInformation("Two batches sent Idempotency-Key {Key} at once; the later one imports nothing.", key);
            var winner = await db.IdempotentRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Key == key, ct);
            return winner is null ? InProgress() : Earlier(winner, hash);
        }
    }

    private BatchAnswer Earlier(IdempotentRequest found, string hash) =>
        found.RequestHash != hash
            ? Problem(StatusCodes.Status422UnprocessableEntity, "The Idempotency-Key was used for another request.",
                "This Idempotency-Key was already used with a different body, kind or options. Send a new key for a new batch.")
            : found.StatusCode is { } status
                ? new BatchAnswer(status, found.ContentType ?? "application/json", found.Response ?? "", Replayed: true)
                : InProgress();

    private BatchAnswer InProgress() => Problem(StatusCodes.Status409Conflict, "A request with this Idempotency-Key is still being processed.",
        "Another request with the same Idempotency-Key is importing this batch now. Wait a moment, then send it again to get its answer.");

    private async Task ReleaseAsync(string key)
    {
        db.ChangeTracker.Clear();
        await db.IdempotentRequests.Where(r => r.Key == key && r.StatusCode == null).ExecuteDeleteAsync(CancellationToken.None);
    }

    private BatchAnswer AnswerOf(ImportReport report)
    {
        if (report.Applied)
        {
            return new BatchAnswer(StatusCodes.Status200OK, "application/json; charset=utf-8", JsonSerializer.Serialize(report, json.Value.SerializerOptions));
        }

        if (report.Rejected is [{ Reason: ImportFile.ConflictReason }])
        {
            return Problem(StatusCodes.Status409Conflict, "Another change to the same records happened at the same time.", ImportFile.ConflictReason);
        }

        return Problem(StatusCodes.Status422UnprocessableEntity, "The batch was rejected; nothing was changed.", ImportEndpoint.Summary(report),
            new Dictionary<string, object?>
            {
                ["kind"] = report.Kind.ToString(),
                ["rowsRead"] = report.RowsRead,
                ["rejected"] = report.Rejected,
            });
    }

    private BatchAnswer Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = $"https://tools.ietf.org/html/rfc9110#section-15.5.{(status == 409 ? 10 : status == 422 ? 21 : 1)}" };
        foreach (var (name, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[name] = value;
        }

        return new BatchAnswer(status, ProblemJson, JsonSerializer.Serialize(problem, json.Value.SerializerOptions));
    }
}
