using Microsoft.EntityFrameworkCore;
using Terrain.Data;

namespace Terrain.Features.Reviews;

/// <summary>One variance reason recorded in a review, as a row: the review's JSON array unnested by the database.</summary>
public sealed class VarianceRow
{
    public Guid ReviewId { get; set; }

    public Guid CycleId { get; set; }

    public Guid RepId { get; set; }

    public Guid? ManagerId { get; set; }

    public DateOnly? CompletedOn { get; set; }

    public string? GoalKey { get; set; }

    public string? Category { get; set; }
}

/// <summary>
/// The variance reasons of every review as rows, so that counting them by category, and joining them to the
/// corrective actions of the same goal, happens in the database (ADR 0029). Each provider unnests JSON its own way;
/// the query composes like any other (filters and grouping are added in LINQ).
/// </summary>
public static class VarianceRows
{
    public static IQueryable<VarianceRow> Of(AppDbContext db) => db.Database.ProviderName == AppDbContext.SqliteProvider
        ? db.Database.SqlQueryRaw<VarianceRow>("""
            SELECT r."Id" AS "ReviewId", r."CycleId", r."RepId", r."ManagerId", r."CompletedOn",
                   json_extract(j.value, '$.goalKey') AS "GoalKey", json_extract(j.value, '$.category') AS "Category"
            FROM "Reviews" AS r, json_each(r."Variances") AS j
            WHERE r."Variances" <> '[]'
            """)
        : db.Database.SqlQueryRaw<VarianceRow>("""
            SELECT r."Id" AS "ReviewId", r."CycleId", r."RepId", r."ManagerId", r."CompletedOn",
                   j ->> 'goalKey' AS "GoalKey", j ->> 'category' AS "Category"
            FROM "Reviews" AS r CROSS JOIN LATERAL jsonb_array_elements(r."Variances"::jsonb) AS j
            WHERE r."Variances" <> '[]'
            """);
}
