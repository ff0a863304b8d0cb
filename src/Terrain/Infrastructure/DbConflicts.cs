using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Terrain.Infrastructure;

public static class DbConflicts
{
    /// <summary>A lost race: optimistic concurrency, a constraint (unique, foreign key) or a lock held by another writer.</summary>
    public static bool IsConflict(DbUpdateException e) => e is DbUpdateConcurrencyException || IsConflictError(e.GetBaseException());

    /// <summary>The same, for a write made with SQL rather than SaveChanges.</summary>
    public static bool IsConflict(DbException e) => IsConflictError(e);

    private static bool IsConflictError(Exception e) => e switch
    {
        SqliteException s => s.SqliteErrorCode is 5 or 6 or 19, // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CONSTRAINT
        DbException { SqlState: { } state } => state.StartsWith("23", StringComparison.Ordinal) // integrity constraint violation
            || state is "40001" or "40P01", // serialization failure, deadlock
        _ => false,
    };
}
