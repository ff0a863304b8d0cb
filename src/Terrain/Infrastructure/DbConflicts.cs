using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Terrain.Infrastructure;

public static class DbConflicts
{
    /// <summary>A lost race: optimistic concurrency, a constraint (unique, foreign key) or a lock held by another writer.</summary>
    public static bool IsConflict(DbUpdateException e) => e is DbUpdateConcurrencyException || e.GetBaseException() switch
    {
        SqliteException s => s.SqliteErrorCode is 5 or 6 or 19, // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_CONSTRAINT
        DbException { SqlState: { } state } => state.StartsWith("23", StringComparison.Ordinal) // integrity constraint violation
            || state is "40001" or "40P01", // serialization failure, deadlock
        _ => false,
    };
}
